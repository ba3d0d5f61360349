"""Shape propagation through the graph: every layer's rule, run in dependency order.

Data flows one way: Spec -> per-layer Outcomes (from the rule registry) -> Report (build.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import ConvcostError, LimitExceeded
from ..layerfile.model import INPUT, LayerSpec, Spec
from ..layers.records import LayerError, Outcome
from ..layers.registry import get_rules
from ..limits import Limits
from ..symbolic.arith import Value, oversize

Propagated = dict[str, tuple[LayerSpec, tuple, Outcome]]  # name -> (layer, input shapes, outcome)


def order(layers: Sequence[LayerSpec]) -> list[LayerSpec]:
    """Layers in an order where every input comes first (file order unless `from` points forward)."""
    position = {layer.name: layer.index for layer in layers}
    if all(ref == INPUT or position[ref] < layer.index for layer in layers for ref in layer.inputs):
        return list(layers)
    by_name = {layer.name: layer for layer in layers}
    waiting = {layer.name: sum(ref != INPUT for ref in layer.inputs) for layer in layers}
    consumers: dict[str, list[str]] = {}
    for layer in layers:
        for ref in layer.inputs:
            if ref != INPUT:
                consumers.setdefault(ref, []).append(layer.name)
    ready = [layer.name for layer in layers if waiting[layer.name] == 0]
    out: list[LayerSpec] = []
    while ready:
        name = ready.pop()
        out.append(by_name[name])
        for c in consumers.get(name, ()):
            waiting[c] -= 1
            if waiting[c] == 0:
                ready.append(c)
    if len(out) != len(layers):
        stuck = [layer for layer in layers if waiting[layer.name] > 0]
        cycle = " -> ".join(layer.name for layer in stuck[:8])
        raise ConvcostError(f"the layers form a cycle: {cycle}", stuck[0].loc,
                            "`from` must not lead back to the layer itself")
    return out


def check_size(layer: LayerSpec | None, *values: Value, limits: Limits) -> None:
    """Refuse values that grew past the limits (int_bits, degree) as they are produced: upsampling,
    multipliers, concats and repeats multiply sizes layer after layer, so checking only the numbers
    written in the file would let a network reach millions of digits."""
    for v in values:
        found = any_oversize(v, limits)
        if found:
            where = f"layer {layer.name!r} ({layer.kind})" if layer is not None else "the network totals"
            name, limit = ("degree", f"degree {limits.degree}") if "degree" in found else \
                ("int_bits", f"{limits.int_bits} bits")
            raise LimitExceeded(f"{where}: a size or cost grew to {found}, over the limit of {limit}",
                                layer.loc if layer is not None else None,
                                f"raise it with --limit {name}=N if this is intended")


def any_oversize(v, limits: Limits) -> str | None:
    if type(v) is tuple:  # a shape
        return next((found for x in v if (found := oversize(x, limits.int_bits, limits.degree))), None)
    return oversize(v, limits.int_bits, limits.degree)


def propagate(spec: Spec, failures: list[tuple[LayerSpec, LayerError]] | None = None) -> Propagated:
    """Run every layer's rule in dependency order: name -> (layer, input shapes, outcome).

    By default the first failing rule raises. With a `failures` list, a failing layer is appended
    there as (layer, error) and left out, as is every layer that reads it (directly or not); all
    other layers still run, so `convcost check` reports every independent problem in one go.
    """
    rules = get_rules()
    shapes: dict[str, tuple] = {INPUT: spec.input}
    done: Propagated = {}
    # Rules are pure, and networks repeat their blocks: a layer whose kind, settings and input
    # shapes were seen before gets the outcome computed then (a 20,000-layer stack of one block
    # runs each rule once).
    seen: dict[tuple, Outcome] = {}
    for layer in order(spec.layers):
        if failures is not None and any(ref not in shapes for ref in layer.inputs):
            continue  # reads a layer that failed (or one that was left out for that reason)
        inputs = layer.inputs
        ins = (shapes[inputs[0]],) if len(inputs) == 1 else tuple(shapes[ref] for ref in inputs)
        key = (layer.kind, tuple(layer.attrs.items()), ins)
        outcome = seen.get(key)
        if outcome is None:
            try:
                outcome = seen[key] = rules[layer.kind].infer(layer.attrs, ins)
                check_size(layer, outcome.output, outcome.params, outcome.macs, *outcome.counters.values(),
                           limits=spec.limits)
            except LayerError as err:
                err.message = f"layer {layer.name!r} ({layer.kind}): {err.message}"
                err.with_location(layer.loc)
                if failures is None:
                    raise err from None
                failures.append((layer, err))
                continue
        shapes[layer.name] = outcome.output
        done[layer.name] = (layer, ins, outcome)
    return done
