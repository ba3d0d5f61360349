"""Shape propagation through the graph, then costs, alternatives, totals and the by-kind breakdown.

Data flows one way: Spec -> per-layer Outcomes (from the rule registry) -> Report (plain data).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from ..errors import ConvcostError
from ..layers.registry import COUNTERS, ConvGeometry, LayerError, Outcome, get_rules
from ..spec.model import INPUT, LayerSpec, Spec
from ..symbolic import arith
from ..symbolic.arith import Value
from .report import Cost, KindShare, LayerReport, Report, Totals

_PASS_THROUGH = ("norm", "activation", "identity")  # may sit between the halves of a separable pair


def standard_cost(g: ConvGeometry) -> Cost:
    """Dk·Dk'·M·N weights (+N bias); Dk·Dk'·M·N·Do·Do' mult-adds."""
    weights = arith.product(g.kh, g.kw, g.m, g.n)
    return Cost(arith.add(weights, g.n if g.bias else 0), arith.product(weights, g.ho, g.wo))


def separable_cost(g: ConvGeometry) -> Cost:
    """Depthwise Dk·Dk'·M + pointwise M·N weights (+M+N biases); (Dk·Dk' + N)·M·Do·Do' mult-adds."""
    k = arith.mul(g.kh, g.kw)
    weights = arith.mul(arith.add(k, g.n), g.m)
    params = arith.add(weights, arith.add(g.m, g.n) if g.bias else 0)
    return Cost(params, arith.product(weights, g.ho, g.wo))


def _order(layers: Sequence[LayerSpec]) -> list[LayerSpec]:
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


def propagate(spec: Spec, failures: list[tuple[LayerSpec, LayerError]] | None = None,
              ) -> dict[str, tuple[LayerSpec, tuple, Outcome]]:
    """Run every layer's rule in dependency order: name -> (layer, input shapes, outcome).

    By default the first failing rule raises. With a `failures` list, a failing layer is appended
    there as (layer, error) and left out, as is every layer that reads it (directly or not); all
    other layers still run, so `convcost check` reports every independent problem in one go.
    """
    rules = get_rules()
    shapes: dict[str, tuple] = {INPUT: spec.input}
    done: dict[str, tuple[LayerSpec, tuple, Outcome]] = {}
    # Rules are pure, and networks repeat their blocks: a layer whose kind, parameters and input
    # shapes were seen before gets the outcome computed then (a 20,000-layer stack of one block
    # runs each rule once).
    seen: dict[tuple, Outcome] = {}
    for layer in _order(spec.layers):
        if failures is not None and any(ref not in shapes for ref in layer.inputs):
            continue  # reads a layer that failed (or one that was left out for that reason)
        inputs = layer.inputs
        ins = (shapes[inputs[0]],) if len(inputs) == 1 else tuple(shapes[ref] for ref in inputs)
        key = (layer.kind, tuple(layer.params.items()), ins)
        outcome = seen.get(key)
        if outcome is None:
            try:
                outcome = seen[key] = rules[layer.kind].infer(layer.params, ins)
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


def _is_depthwise(outcome: Outcome, layer: LayerSpec) -> bool:
    g = outcome.geometry
    return (g is not None and not g.separable and layer.kind in ("depthwise", "conv")
            and arith.equal(g.groups, g.m) is True and g.groups != 1)


def _is_plain_pointwise(outcome: Outcome, layer: LayerSpec) -> bool:
    g = outcome.geometry
    if g is None or g.groups != 1 or (g.kh, g.kw) != (1, 1) or layer.params.get("stride") != (1, 1):
        return False
    return layer.kind == "pointwise" or layer.params.get("padding") in ((0, 0), "valid")


def find_pairs(done: Mapping[str, tuple[LayerSpec, tuple, Outcome]]) -> dict[str, tuple[str, str]]:
    """Depthwise layers followed by a pointwise that consumes only their output (through bn and
    activations at most): layer name -> (depthwise name, pointwise name)."""
    consumers: dict[str, list[str]] = {}
    for name, (layer, _, _) in done.items():
        for ref in layer.inputs:
            consumers.setdefault(ref, []).append(name)
    pairs: dict[str, tuple[str, str]] = {}
    rules = get_rules()
    for name, (layer, _, outcome) in done.items():
        if not _is_depthwise(outcome, layer):
            continue
        cur = name
        while True:
            nxt = consumers.get(cur, [])
            if len(nxt) != 1:
                break
            nlayer, _, noutcome = done[nxt[0]]
            if len(nlayer.inputs) != 1:
                break
            if rules[nlayer.kind].family in _PASS_THROUGH:
                cur = nxt[0]
                continue
            if _is_plain_pointwise(noutcome, nlayer):
                pairs[name] = pairs[nxt[0]] = (name, nxt[0])
            break
    return pairs


def _pair_geometry(dw: Outcome, pw: Outcome) -> ConvGeometry:
    d, p = dw.geometry, pw.geometry
    return ConvGeometry(d.m, p.n, d.kh, d.kw, p.ho, p.wo, p.bias, 1, separable=True)


_NO_COUNTS = dict.fromkeys(COUNTERS, 0)  # the counters of a layer that counts none
_NO_COST = Cost(0, 0)


def _ratio(a: Value, b: Value) -> Value | None:
    return None if arith.is_zero(b) is not False else arith.div(a, b)


class _Alternatives(NamedTuple):
    """A conv layer (or separable pair) as one standard and as one depthwise-separable convolution."""

    geometry: ConvGeometry
    standard: Cost
    separable: Cost
    ratio: Value | None  # separable.macs / standard.macs
    params_ratio: Value | None
    cheaper: bool | None  # is separable cheaper than this standard conv (False for other kinds)?


def _alternatives(geometry: ConvGeometry, written: Cost, factored: bool = True) -> _Alternatives:
    """`written` is the layer's own cost. `factored`: the ratios may use separable_cost(geometry),
    the same value as the separable alternative in factored form (else they use `written`)."""
    standard = standard_cost(geometry)
    formula = separable_cost(geometry) if factored else written
    separable = written if geometry.separable else formula
    cheaper: bool | None = False
    if not geometry.separable and geometry.groups == 1:
        # separable < standard  <=>  (N - 1)(Dk*Dk' - 1) > 1 (docs/derivation.md, step 6):
        # decided from N and the kernel alone, so symbolic channel counts rarely block it
        k = arith.mul(geometry.kh, geometry.kw)
        cheaper = arith.less_than(1, arith.mul(arith.sub(geometry.n, 1), arith.sub(k, 1)))
    # Ratios from the factored formula where it equals the written cost: sympy then
    # cancels common factors as it builds the quotient, (64*alpha + 9)/(576*alpha).
    return _Alternatives(geometry, standard, separable, _ratio(formula.macs, standard.macs),
                         _ratio(formula.params, standard.params), cheaper)


def _pair_alternatives(dw: Outcome, pw: Outcome) -> _Alternatives:
    """A depthwise and a pointwise layer recognised as one separable convolution."""
    geometry = _pair_geometry(dw, pw)
    written = Cost(arith.add(dw.params, pw.params), arith.add(dw.macs, pw.macs))
    d = dw.geometry
    # The factored formula has the pair's value when the depthwise part keeps the channel count
    # (no multiplier) and both parts agree on bias.
    factored = arith.equal(d.n, d.m) is True and d.bias == pw.geometry.bias
    return _alternatives(geometry, written, factored)


def analyze_spec(spec: Spec) -> Report:
    """Analyze a loaded Spec into a Report."""
    return build_report(spec, propagate(spec))


def build_report(spec: Spec, done: Mapping[str, tuple[LayerSpec, tuple, Outcome]]) -> Report:
    """The Report of the propagated layers in `done`. Layers missing from it (left out by
    `propagate(spec, failures)`) have no row, so the totals then cover only the rows present."""
    pairs = find_pairs(done)
    rules = get_rules()
    rows: list[LayerReport] = []
    std_terms: list[Cost] = []
    sep_terms: list[Cost] = []
    undecided: list[str] = []
    # The alternatives depend on values only; a network's repeated blocks need them once.
    seen: dict[tuple, _Alternatives] = {}
    for layer in spec.layers:  # report in file order
        if layer.name not in done:
            continue
        _, ins, out = done[layer.name]
        counters = {c: out.counters.get(c, 0) for c in COUNTERS} if out.counters else dict(_NO_COUNTS)
        written = Cost(out.params, out.macs)
        std_term = sep_term = written
        alt = pair = None
        if out.geometry is not None:
            pair = pairs.get(layer.name)
            if pair is not None:
                dw, pw = done[pair[0]][2], done[pair[1]][2]
                key = (dw.geometry, pw.geometry, dw.params, pw.params, dw.macs, pw.macs)
                alt = seen.get(key)
                if alt is None:
                    alt = seen[key] = _pair_alternatives(dw, pw)
                std_term = alt.standard if layer.name == pair[1] else _NO_COST
            else:
                key = (out.geometry, out.params, out.macs)
                alt = seen.get(key)
                if alt is None:
                    alt = seen[key] = _alternatives(out.geometry, written)
                if out.geometry.separable:
                    std_term = alt.standard
                elif alt.cheaper is True:
                    sep_term = alt.separable
                elif alt.cheaper is None:
                    undecided.append(layer.name)
        std_terms.append(std_term)
        sep_terms.append(sep_term)
        geometry, standard, separable, ratio, params_ratio = alt[:5] if alt is not None else (None,) * 5
        rows.append(LayerReport(
            layer.index, layer.name, layer.kind, rules[layer.kind].family, layer.inputs, ins, out.output,
            out.params, out.macs, counters, out.parts, dict(layer.params), layer.loc, geometry, standard,
            separable, ratio, params_ratio, pair,
        ))
    totals = Totals(
        arith.total([r.params for r in rows]),
        arith.total([r.macs for r in rows]),
        {c: arith.total([r.counters[c] for r in rows]) for c in COUNTERS},
        Cost(arith.total([c.params for c in std_terms]), arith.total([c.macs for c in std_terms])),
        Cost(arith.total([c.params for c in sep_terms]), arith.total([c.macs for c in sep_terms])),
        tuple(undecided),
    )
    return Report(
        spec.name, spec.path, spec.input, {n: v.value for n, v in spec.vars.items()}, spec.symbols,
        tuple(rows), totals, by_kind(rows, totals, {v.value: v.default for v in spec.vars.values() if v.symbolic}),
        tuple(f"layer {n!r}: whether separable is cheaper depends on the symbols; kept as written"
              for n in undecided),
    )


def by_kind(rows: Sequence[LayerReport], totals: Totals, at: Mapping | None = None) -> tuple[KindShare, ...]:
    """Params and mult-adds grouped by operation kind (the MobileNet paper's Table 2)."""
    groups: dict[str, list] = {}
    for row in rows:
        for part in row.parts:
            groups.setdefault(part.label, []).append(part)
    out = []
    for label, parts in groups.items():
        params = arith.total(p.params for p in parts)
        macs = arith.total(p.macs for p in parts)
        out.append(KindShare(label, params, macs, _ratio(params, totals.params) or 0,
                             _ratio(macs, totals.macs) or 0))

    def key(k: KindShare):  # largest first; symbolic values are ordered by the vars' file values
        macs, params = (v if arith.is_number(v) else v.subs(at or {}) for v in (k.macs, k.params))
        return (-macs, -params, k.kind) if arith.is_number(arith.normalize(macs)) else (0, 0, k.kind)

    return tuple(sorted(out, key=key))
