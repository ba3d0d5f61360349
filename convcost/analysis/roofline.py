"""Roofline time of every layer on a device, and of the network as written, all standard and separable
where cheaper (docs/roofline.md).

A kernel takes max(flops / peak, bytes / bandwidth). Unfused (the default) every layer is its own
kernel: it reads its weights and inputs and writes its outputs. A separable convolution is two kernels,
depthwise and pointwise, each with its own roofline, and the intermediate tensor between them is
written and read back. Fused (`--fuse`): a batch norm, activation or dropout is folded into the conv
or fc kernel before it (when it is that kernel's only reader), and a separable pair runs as one kernel
with its intermediate tensor kept on chip. A fused group's time is charged to its first layer; the
other layers of the group show 0 and the name of that layer (`fused_into`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from ..devices import DTYPE_BYTES, Device
from ..layers.formulas import (
    fused_kernel,
    layer_flops,
    roofline_time,
    separable_fused_kernel,
    separable_kernels,
    standard_kernel,
)
from ..layers.records import Kernel
from ..layers.registry import get_rules
from ..symbolic import arith
from ..symbolic.arith import Value
from .alternatives import ratio, separable_cheaper
from .engine import order
from .memory import elements, intermediate_elements
from .report import LayerReport, LayerTime, NetworkTime, PartTime, Report

COMPUTE, MEMORY = "compute", "memory"


class _Device:
    """Times and bounds of kernels on one device, each distinct kernel computed once."""

    def __init__(self, peak: Value, bandwidth: Value):
        self.peak, self.bandwidth = peak, bandwidth
        self.seen: dict[Kernel, tuple[Value, str | None]] = {}

    def time(self, kernel: Kernel) -> Value:
        return self.rate(kernel)[0]

    def rate(self, kernel: Kernel) -> tuple[Value, str | None]:
        known = self.seen.get(kernel)
        if known is None:
            compute = arith.div(kernel.flops, self.peak)
            memory = arith.div(kernel.bytes, self.bandwidth)
            memory_bound = arith.less_than(compute, memory)  # a tie is compute-bound
            bound = None if memory_bound is None else MEMORY if memory_bound else COMPUTE
            known = self.seen[kernel] = (roofline_time(kernel, self.peak, self.bandwidth), bound)
        return known

    def total(self, kernels: Sequence[Kernel]) -> Value:
        return arith.total(self.time(k) for k in kernels)


def own_flops(row: LayerReport) -> Value:
    return layer_flops(row.macs, arith.total(row.counters.values()))


def own_kernels(row: LayerReport, size: int) -> tuple[Kernel, ...]:
    """The kernels a layer runs as written, unfused: one, or a `separable` layer's two."""
    if intermediate_elements(row) != 0:
        return separable_kernels(row.geometry, elements(row.input), size)
    m = row.memory
    return (Kernel(own_flops(row), arith.add(arith.add(m.weights, m.inputs), m.outputs)),)


class _Group(NamedTuple):
    """--fuse: layers that run as one kernel. `core` is the conv (or a separable pair from its
    depthwise to its pointwise layer), `tail` the layers folded in after it."""

    core: list
    tail: list


def with_roofline(report: Report, device: Device, dtype: str = "fp32", fuse: bool = False) -> Report:
    """The report with every layer's flops, time and bound on `device` (`LayerReport.roofline`) and the
    network's times (`Report.roofline`). The rows must carry their bytes (analysis/memory.py) at `dtype`."""
    size = DTYPE_BYTES[dtype]
    dev = _Device(device.peak(dtype), device.bandwidth)
    rows = report.layers
    by_name = {row.name: row for row in rows}
    own = {row.name: own_kernels(row, size) for row in rows}

    def input_elements(row: LayerReport) -> Value:  # of the unit: a pair reads its depthwise's input
        return elements(by_name[row.pair[0]].input if row.pair else row.input)

    def standard(row: LayerReport) -> Kernel:
        return standard_kernel(row.geometry, input_elements(row), size)

    def separable(row: LayerReport) -> tuple[Kernel, ...]:
        if row.pair:
            return own[row.pair[0]] + own[row.pair[1]]
        if row.geometry.separable:
            return own[row.name]
        return separable_kernels(row.geometry, elements(row.input), size)

    def separable_fused(row: LayerReport) -> Kernel:
        if row.pair:
            dw = by_name[row.pair[0]]
            return fused_kernel(own[dw.name][0], own[row.pair[1]][0], dw.memory.outputs)
        return separable_fused_kernel(row.geometry, elements(row.input), size)

    times: dict[str, LayerTime] = {}
    for row in rows:  # each layer's own numbers and its alternatives' times
        kernels = own[row.name]
        rates = [dev.rate(k) for k in kernels]
        flops, moved = arith.total(k.flops for k in kernels), arith.total(k.bytes for k in kernels)
        parts = tuple(PartTime(k.flops, k.bytes, t, b, ratio(k.flops, k.bytes))
                      for k, (t, b) in zip(kernels, rates, strict=True)) if len(kernels) > 1 else ()
        std_time = sep_time = std = sep = None
        if row.geometry is not None:
            std = standard(row)
            std_time = dev.time(std)
            if fuse:
                sep = separable_fused(row)
                sep_time = dev.time(sep)
            else:
                sep_kernels = separable(row)
                sep_time = dev.total(sep_kernels)
                sep = Kernel(arith.total(k.flops for k in sep_kernels),
                             arith.total(k.bytes for k in sep_kernels))
        times[row.name] = LayerTime(own_flops(row), moved, ratio(flops, moved),
                                    arith.total(t for t, _ in rates), _bound(rates), std_time, sep_time,
                                    None if std_time is None else ratio(sep_time, std_time), parts, None,
                                    std, sep)

    written: dict[str, Value] = {name: t.time_s for name, t in times.items()}
    as_standard, as_separable = dict(written), dict(written)
    between = _between_pairs(rows)
    if not fuse:
        for row in rows:
            if row.name in between or row.pair and row.name == row.pair[0]:
                as_standard[row.name] = 0
            elif row.pair or row.geometry is not None and row.geometry.separable:
                as_standard[row.name] = dev.time(standard(row))
            elif row.geometry is not None and separable_cheaper(row.geometry) is True:
                as_separable[row.name] = dev.total(separable(row))
    else:
        rules = get_rules()
        for head, group in _groups(rows).items():
            members = group.core + group.tail
            first, last = members[0], members[-1]
            tail_flops = arith.total(times[r.name].flops for r in group.tail)
            ends = arith.add(first.memory.inputs, last.memory.outputs)  # read once, written once

            def kernel(core_flops: Value, weights: Value) -> Kernel:
                return Kernel(arith.add(core_flops, tail_flops), arith.add(weights, ends))  # noqa: B023

            # batch norms fold into the conv's weights and bias: only the conv and fc weights are read
            weights = arith.total(r.memory.weights for r in group.core if not rules[r.kind].transparent)
            k = kernel(arith.total(times[r.name].flops for r in group.core), weights)
            t, b = dev.rate(k)
            times[head] = times[head]._replace(bytes=k.bytes, intensity=ratio(k.flops, k.bytes), time_s=t,
                                               bound=b, parts=())
            written[head] = as_standard[head] = as_separable[head] = t
            for r in members[1:]:
                times[r.name] = times[r.name]._replace(bytes=0, intensity=times[head].intensity, time_s=0,
                                                       bound=b, parts=(), fused_into=head)
                written[r.name] = as_standard[r.name] = as_separable[r.name] = 0
            g, unit = first.geometry, group.core[-1]
            if g is None:  # an fc layer
                continue
            if unit.pair or g.separable:
                std = standard(unit)
                as_standard[head] = dev.time(kernel(std.flops, arith.mul(size, unit.standard.params)))
            elif separable_cheaper(g) is True:
                sep = separable_fused_kernel(g, elements(first.input), size)
                as_separable[head] = dev.time(kernel(sep.flops, arith.mul(size, unit.separable.params)))
    layers = tuple(row._replace(roofline=times[row.name]) for row in rows)
    network = NetworkTime(device, dtype, fuse, dev.peak, dev.bandwidth,
                          arith.total(t.flops for t in times.values()), arith.total(written.values()),
                          arith.total(as_standard.values()), arith.total(as_separable.values()))
    return report._replace(layers=layers, roofline=network)


def _bound(rates: list[tuple[Value, str | None]]) -> str | None:
    """The bound of a layer: its kernel's, or that of its longer kernel when it runs several."""
    bounds = {b for _, b in rates}
    if len(bounds) == 1:
        return bounds.pop()
    (t1, b1), (t2, b2) = rates[0], rates[-1]
    longer = arith.less_than(t1, t2)
    return None if longer is None else b2 if longer else b1


def _consumers(rows: Sequence[LayerReport]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in rows:
        for ref in row.inputs:
            out.setdefault(ref, []).append(row.name)
    return out


def _between_pairs(rows: Sequence[LayerReport]) -> set[str]:
    """The layers between the halves of a separable pair (its batch norms and activations)."""
    consumers = _consumers(rows)
    out: set[str] = set()
    for row in rows:
        if row.pair and row.name == row.pair[0]:
            cur = consumers[row.name][0]
            while cur != row.pair[1]:
                out.add(cur)
                cur = consumers[cur][0]
    return out


def _groups(rows: Sequence[LayerReport]) -> dict[str, _Group]:
    """--fuse: conv and fc layers with what folds into them, by the name of the group's first layer."""
    rules = get_rules()
    consumers = _consumers(rows)
    groups: dict[str, _Group] = {}
    group_of: dict[str, str] = {}  # layer -> its group's first layer

    def ends_group(name: str) -> str | None:
        """The group whose last layer is `name` (the only reader of which may join it)."""
        head = group_of.get(name)
        if head is None:
            return None
        group = groups[head]
        return head if (group.tail or group.core)[-1].name == name and len(consumers[name]) == 1 else None

    for row in order(rows):
        source = ends_group(row.inputs[0]) if len(row.inputs) == 1 else None
        if row.pair and row.name == row.pair[1] and source is not None and source == row.pair[0]:
            group = groups[source]
            group.core.extend(group.tail)  # the pair's middle (batch norm, activation) is part of its core
            group.tail.clear()
            group.core.append(row)
        elif not rules[row.kind].transparent and (row.geometry is not None or row.family == "fc"):
            groups[row.name] = _Group([row], [])
            group_of[row.name] = row.name
            continue
        elif rules[row.kind].transparent and source is not None:
            groups[source].tail.append(row)
        else:
            continue
        group_of[row.name] = source
    return groups
