"""The one view of a Report that the table, Markdown and CSV renderers share.

It says what is shown, once: the layer columns (key, title, how a cell is formatted), each layer's
row with its parts, the three versions of the totals, the by-kind shares and the notes. Values stay
exact here; each renderer only turns cells into text in its own way (rounded for the terminal,
grouped digits in Markdown, exact in CSV). JSON serialises the Report itself (report_json.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from ..analysis.report import Cost, KindShare, LayerReport, Report
from ..analysis.roofline import NetworkTime
from ..errors import printable
from ..layers.records import COUNTERS
from ..symbolic.arith import Value
from ..symbolic.display import pair


class Column(NamedTuple):
    key: str  # the cell's key in Row.cells
    title: str  # the header people read
    kind: str  # how to format the cell: "text", "shape", "count" (exact), "approx" (rounded), "ratio"
    right: bool = False  # right-aligned


# The layer table of the terminal and of Markdown.
LAYER_COLUMNS = (
    Column("index", "#", "text", True),
    Column("name", "name", "text"),
    Column("op", "layer", "text"),
    Column("input", "input", "shape"),
    Column("output", "output", "shape"),
    Column("params", "params", "count", True),
    Column("macs", "mult-adds", "count", True),
    Column("standard_macs", "as standard", "approx", True),
    Column("separable_macs", "as separable", "approx", True),
    Column("ratio", "sep/std", "ratio", True),
)
# With a device (--device): the time ratio beside the mult-add ratio, then time, bound and intensity.
ROOFLINE_COLUMNS = (
    Column("time_ratio", "time sep/std", "ratio", True),
    Column("time", "time", "seconds", True),
    Column("bound_shown", "bound", "text"),
    Column("intensity", "FLOP/B", "approx", True),
)

# The machine-readable columns of CSV (every cell exact).
RECORD_KEYS = ("index", "name", "kind", "from", "input", "output", "params", "macs", *COUNTERS,
               "standard_params", "standard_macs", "separable_params", "separable_macs", "ratio", "pair")
ROOFLINE_RECORD_KEYS = ("weights_bytes", "inputs_bytes", "outputs_bytes", "flops", "bytes", "intensity",
                        "time_s", "bound", "standard_time_s", "separable_time_s", "time_ratio", "fused_into")


class Row(NamedTuple):
    """One line of the layer table. A part row (`part`) sits under its layer: its `op` cell is the
    part's label, and only params and mult-adds are filled."""

    cells: Mapping[str, Any]  # key -> value; absent or None: an empty cell
    part: bool = False


class View(NamedTuple):
    title: str
    symbols: tuple[str, ...]
    input: tuple
    rows: tuple[Row, ...]
    totals: tuple[tuple[str, Cost], ...]  # (label, cost) of each version of the network
    kinds: tuple[KindShare, ...]
    counters: tuple[tuple[str, Value], ...]  # the network's counters that are not zero
    warnings: tuple[str, ...]
    convention: str = ""  # the convention in force, as a header says it (conventions.headline)
    columns: tuple[Column, ...] = LAYER_COLUMNS  # the layer table's columns, titled for the convention
    count_title: str = "mult-adds"  # the title of every count column: "mult-adds", "MACs (thop)", "FLOPs"
    counters_title: str = "not in mult-adds"  # the line listing the counters
    record_keys: tuple[str, ...] = RECORD_KEYS  # CSV's columns
    roofline: NetworkTime | None = None  # with a device: the network's times
    times: tuple[Value, ...] = ()  # with a device: the time of each version in `totals`
    vars: tuple[tuple[str, Value], ...] = ()  # the numeric vars in effect (--set applied), in file order


def op_summary(kind: str, attrs: Mapping[str, Any]) -> str:
    """'conv 3x3/2', 'separable 3x3/1', 'avgpool global': what a layer is, in a few characters."""
    if "kernel" in attrs and attrs["kernel"] is not None:
        k = attrs["kernel"]
        text = f"{kind} {k[0]}x{k[1]}"
        stride = attrs.get("stride") or k
        return f"{text}/{pair(stride)}"
    if attrs.get("global"):
        return f"{kind} global"
    if kind == "pointwise" and attrs.get("stride", (1, 1)) != (1, 1):
        return f"pointwise/{pair(attrs['stride'])}"
    return kind


def _layer_cells(r: LayerReport) -> dict[str, Any]:
    cells: dict[str, Any] = {
        "index": r.index, "name": r.name, "kind": r.kind, "op": op_summary(r.kind, r.attrs), "from": r.inputs,
        "input": r.input, "output": r.output, "params": r.params, "macs": r.macs, **r.counters,
        "pair": r.pair,
    }
    if r.standard is not None:
        cells.update(standard_params=r.standard.params, standard_macs=r.standard.macs,
                     separable_params=r.separable.params, separable_macs=r.separable.macs, ratio=r.ratio)
    t = r.roofline
    if t is not None:
        m = r.memory
        cells.update(weights_bytes=m.weights, inputs_bytes=m.inputs, outputs_bytes=m.outputs, flops=t.flops,
                     bytes=t.bytes, intensity=t.intensity, time_s=t.time_s, time=t.time_s, bound=t.bound,
                     standard_time_s=t.standard_time, separable_time_s=t.separable_time,
                     time_ratio=t.time_ratio, fused_into=t.fused_into,
                     bound_shown=t.bound if t.fused_into is None else f"fused into {t.fused_into}")
    return cells


def _part_cells(r: LayerReport, i: int, p) -> dict[str, Any]:
    cells = {"op": p.label, "params": p.params, "macs": p.macs}
    if r.roofline is not None and r.roofline.parts:
        t = r.roofline.parts[i]
        cells.update(time=t.time_s, bound_shown=t.bound, intensity=t.intensity)
    return cells


def _titled(convention: str) -> dict[str, Any]:
    """The members of a View that name the convention in force (docs/conventions.md)."""
    from ..conventions import DEFAULT, count_title, headline, params_title

    count = count_title(convention)
    titles = {"params": params_title(convention), "macs": count}
    columns = tuple(c._replace(title=titles.get(c.key, c.title)) for c in LAYER_COLUMNS)
    return dict(convention=headline(convention), columns=columns, count_title=count,
                counters_title="not in mult-adds" if convention == DEFAULT else "work counters")


def build(report: Report) -> View:
    """The view of a report."""
    rows: list[Row] = []
    for r in report.layers:
        rows.append(Row(_layer_cells(r)))
        if len(r.parts) > 1:
            rows += [Row(_part_cells(r, i, p), part=True) for i, p in enumerate(r.parts)]
    t = report.totals
    totals = (("as written", Cost(t.params, t.macs)), ("all standard", t.standard),
              ("separable where cheaper", t.separable))
    counters = tuple((name, v) for name, v in t.counters.items() if v != 0)
    view = View(printable(report.name), report.symbols, report.input, tuple(rows), totals, report.by_kind,
                counters, report.warnings, **_titled(report.convention),
                vars=tuple((n, v) for n, v in report.vars.items() if n not in report.symbols))
    n = report.roofline
    if n is None:
        return view
    return view._replace(columns=view.columns + ROOFLINE_COLUMNS,
                         record_keys=RECORD_KEYS + ROOFLINE_RECORD_KEYS,
                         roofline=n, times=(n.time_s, n.standard_time, n.separable_time))
