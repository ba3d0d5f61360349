"""Bytes: each layer's weights, inputs and outputs, and the network's peak activation memory from
tensor lifetimes (docs/roofline.md).

Lifetimes: the network runs its layers in dependency order (engine.order). A tensor is live from the
layer that writes it until the last layer that reads it has run (the network input from the start);
at each layer, live = every tensor still live plus its output; the peak is the largest such sum. A
residual block's shortcut is read by the `add` at the block's end, so it stays live across the block.
A `separable` layer also holds its depthwise output (the intermediate tensor) while it runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from ..devices import DTYPE_BYTES
from ..layerfile.model import INPUT
from ..symbolic import arith
from ..symbolic.arith import Value
from .engine import order
from .report import LayerMemory, LayerReport, NetworkMemory, Report


def elements(shape: tuple) -> Value:
    return arith.product(*shape)


def intermediate_elements(row: LayerReport) -> Value:
    """The depthwise output a `separable` layer writes and reads inside itself (0 for other layers)."""
    g = row.geometry
    if g is None or not g.separable or row.pair is not None:
        return 0
    return arith.product(g.m, g.ho, g.wo)


def layer_memory(row: LayerReport, size: int) -> LayerMemory:
    inputs = arith.total(elements(s) for s in row.input_shapes)
    return LayerMemory(arith.mul(row.params, size), arith.mul(inputs, size),
                       arith.mul(elements(row.output), size), arith.mul(intermediate_elements(row), size))


def with_memory(report: Report, dtype: str = "fp32") -> Report:
    """The report with every layer's bytes and the network's (`Report.memory`), at `dtype`'s size."""
    size = DTYPE_BYTES[dtype]
    seen: dict[tuple, LayerMemory] = {}  # repeated blocks: the same shapes and params, the same bytes
    rows = []
    for row in report.layers:
        key = (row.input_shapes, row.output, row.params, row.geometry, row.pair is None)
        memory = seen.get(key)
        if memory is None:
            memory = seen[key] = layer_memory(row, size)
        rows.append(row._replace(memory=memory))
    peak, where = peak_activations(rows, size)
    network = NetworkMemory(dtype, size, arith.total(r.memory.weights for r in rows), peak, where)
    return report._replace(layers=tuple(rows), memory=network)


def peak_activations(rows: Sequence[LayerReport], size: int) -> tuple[Value, str | None]:
    """The peak of live activation bytes over the run, and the first layer where it is reached.
    Each row must carry its `memory`; `size` is the element size in bytes."""
    run = order(rows)
    last_read: dict[str, int] = {}  # tensor -> the step of its last reader
    input_bytes: Value = 0
    for i, row in enumerate(run):
        for ref, shape in zip(row.inputs, row.input_shapes, strict=True):
            last_read[ref] = i
            if ref == INPUT:
                input_bytes = arith.mul(elements(shape), size)
    dies_after: dict[int, list[Value]] = {}  # step -> bytes of the tensors whose last reader it is
    live: Value = 0
    if INPUT in last_read:
        live = input_bytes
        dies_after[last_read[INPUT]] = [input_bytes]
    sums: list[Value] = []
    for i, row in enumerate(run):
        out = row.memory.outputs
        sums.append(arith.add(arith.add(live, out), row.memory.intermediate))
        last = last_read.get(row.name)
        if last is not None and last > i:  # read later: it stays live after this layer
            live = arith.add(live, out)
            dies_after.setdefault(last, []).append(out)
        for gone in dies_after.pop(i, ()):
            live = arith.sub(live, gone)
    if not sums:
        return 0, None
    return _largest(sums, [row.name for row in run])


def _largest(values: list[Value], names: list[str]) -> tuple[Value, str | None]:
    """The largest value and the name at its first occurrence; a sympy Max of the values no other
    value is known to reach when symbols leave the order open (the name is then None).

    A value is left out of the Max only when `arith` proves it at most another one for every value
    of the symbols. Which pairs are worth proving is guessed from the values at a few sample points
    (a value that exceeds another at one of them cannot be below it everywhere) and from their form
    (the same floors of the same symbols first), and each value is tried against at most PROOFS
    others: DenseNet-121 with `--symbolic res` has 357 distinct
    candidates, and proving every pair took 240 s. The guess only chooses what to try; the Max
    holds every value not proven smaller, so it is exact whatever the samples say."""
    if all(arith.is_number(v) for v in values):
        best = max(values)
        return best, names[values.index(best)]
    distinct = list(dict.fromkeys(values))
    samples = [_samples(v) for v in distinct]
    order = sorted(range(len(distinct)), key=lambda i: _rank(samples[i]), reverse=True)
    kinds = [_functions(v) for v in distinct]
    kept: list[int] = []  # largest samples first
    for i in order:
        # those of the same form first (the same floors of the same symbols: one stage of a network)
        above = sorted((k for k in kept if _may_be_below(samples[i], samples[k])),
                       key=lambda k: kinds[k] != kinds[i])[:PROOFS]
        if not any(arith.at_most(distinct[i], distinct[k]) is True for k in above):
            kept.append(i)
    if len(kept) == 1:
        best = distinct[kept[0]]
        return best, names[values.index(best)]
    import sympy

    # Unevaluated: sympy's own Max compares every pair through its assumption system again (2.5 s on
    # MobileNetV1 with alpha and res symbolic); the candidates left are those convcost could not order,
    # in the order of the network.
    return sympy.Max(*(arith.to_sympy(distinct[i]) for i in sorted(kept)), evaluate=False), None


PROOFS = 4  # proofs tried per candidate of a symbolic peak (see _largest)
_POINTS = (1, 7, 64, 224, 1000)  # every symbol at once, then each symbol alone at 1000 (others 224)


def _samples(v: Value) -> tuple | None:
    """v at a few points of its symbols (exact numbers), or None where it does not evaluate."""
    if arith.is_number(v):
        return None if not isinstance(v, (int, Fraction)) else (v,) * len(_POINTS)
    symbols = sorted(v.free_symbols, key=str)
    points = [dict.fromkeys(symbols, p) for p in _POINTS]
    points += [{**dict.fromkeys(symbols, 224), s: 1000} for s in symbols] if len(symbols) > 1 else []
    out = []
    for point in points:
        x = v.xreplace(point)
        if not x.is_Rational:
            return None
        out.append(Fraction(int(x.p), int(x.q)))
    return tuple(out)


def _functions(v: Value) -> frozenset:
    """The applied functions in v (floor(res/32 - 29/32), ...): values alike in them compare best."""
    if arith.is_number(v):
        return frozenset()
    import sympy

    return frozenset(v.atoms(sympy.Function))


def _rank(sample: tuple | None) -> tuple:
    return (sample is not None, sample[-1] if sample else 0)


def _may_be_below(v: tuple | None, k: tuple | None) -> bool:
    """False when the samples show v above k at some point (so v <= k cannot hold everywhere)."""
    if v is None or k is None or len(v) != len(k):
        return True
    return all(a <= b for a, b in zip(v, k, strict=True))
