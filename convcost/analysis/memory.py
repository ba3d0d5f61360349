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
    value is known to exceed when symbols leave the order open (the name is then None)."""
    if all(arith.is_number(v) for v in values):
        best = max(values)
        return best, names[values.index(best)]
    kept: list[Value] = []
    for v in dict.fromkeys(values):  # distinct values, in order
        if any(arith.less_than(v, k) is True or arith.equal(v, k) is True for k in kept):
            continue
        kept = [k for k in kept if arith.less_than(k, v) is not True]
        kept.append(v)
    if len(kept) == 1:
        return kept[0], names[values.index(kept[0])]
    import sympy

    # Unevaluated: sympy's own Max compares every pair through its assumption system again (2.5 s on
    # MobileNetV1 with alpha and res symbolic); the candidates left are those convcost could not order.
    return sympy.Max(*(arith.to_sympy(k) for k in kept), evaluate=False), None
