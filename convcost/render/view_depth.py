"""`--depth N` and `--totals-only`: a View with the layers below a depth of their scoped names summed.

Names are scoped by dots: `denseblock1.3.conv1` is in `denseblock1.3`, which is in `denseblock1`
(layer files name the layers of repeats and blocks so, and PyTorch modules theirs), or by slashes
when they start with one (`/features/denseblock1/denselayer1/conv1/Conv`, as PyTorch's ONNX exporter
names nodes). At depth N a run of consecutive layers whose names share their first N parts becomes one
row: `denseblock1`, `12 layers`, the input of its first layer and the output of its last, and the
sums of their parameters, mult-adds, standard and separable versions (each layer counting what it
counts in the network's totals, so the rows still add up to them) and times. A layer whose name has
at most N parts keeps its own row. Formatting only: sums of values the Report holds.
"""

from __future__ import annotations

from ..analysis.alternatives import ratio
from ..analysis.report import LayerReport, Report
from ..conventions.recount import versions
from ..symbolic import arith
from .view import Row, View


def scope(name: str, depth: int) -> str:
    """The first `depth` parts of a scoped name: scope('denseblock1.3.conv1', 1) == 'denseblock1';
    an ONNX node's name from PyTorch's exporter is scoped by slashes: scope('/features/denseblock1/
    denselayer1/conv1/Conv', 2) == '/features/denseblock1'."""
    if name.startswith("/"):
        return "/" + "/".join(name[1:].split("/")[:depth])
    return ".".join(name.split(".")[:depth])


def scoped(name: str) -> bool:
    """Whether a name has a scope (`block.conv`, `/block/Conv`): what --depth can sum."""
    return "." in name or name.count("/") > 1


def collapse(view: View, report: Report, depth: int) -> View:
    """`view` with each run of layers in one scope of depth `depth` as one summed row (depth 0: no
    layer rows at all, the totals only)."""
    if depth <= 0:
        return view._replace(rows=())
    runs: list[tuple[str, list[LayerReport], list[Row]]] = []
    layers = iter(report.layers)
    for row in view.rows:
        if row.part:
            runs[-1][2].append(row)
            continue
        layer = next(layers)
        key = scope(layer.name, depth)
        if runs and runs[-1][0] == key and key != layer.name:
            runs[-1][1].append(layer)
            runs[-1][2].append(row)
        else:
            runs.append((key, [layer], [row]))
    rows: list[Row] = []
    for key, members, shown in runs:
        if len(members) == 1:
            rows += shown
        else:
            rows.append(Row(summed(key, members)))
    return view._replace(rows=tuple(rows))


def summed(name: str, members: list[LayerReport]) -> dict:
    """The cells of one row standing for `members`."""
    first, last = members[0], members[-1]
    cells = {"index": f"{first.index}-{last.index}", "name": name, "op": f"{len(members)} layers",
             "kind": "group", "input": first.input, "output": last.output,
             "params": arith.total(r.params for r in members), "macs": arith.total(r.macs for r in members)}
    if any(r.standard is not None for r in members):
        terms = [versions(r) for r in members]
        standard = arith.total(s.macs for s, _ in terms)
        separable = arith.total(p.macs for _, p in terms)
        cells.update(standard_macs=standard, separable_macs=separable, ratio=ratio(separable, standard))
    times = [r.roofline for r in members if r.roofline is not None]
    if times:
        flops, moved = arith.total(t.flops for t in times), arith.total(t.bytes for t in times)
        cells.update(time=arith.total(t.time_s for t in times), intensity=ratio(flops, moved))
    return cells
