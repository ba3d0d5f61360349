"""Markdown output: the view's layer table, the network totals in three versions, the by-kind breakdown."""

from __future__ import annotations

from ..analysis.report import Report
from ..symbolic.display import decimal, grouped, human, percent, seconds, shape
from . import DEFAULT_OPTIONS, RenderOptions
from .roofline_text import device_line, time_cells
from .view import Column, build

_FORMAT = {"text": str, "shape": shape, "count": grouped, "approx": human, "ratio": decimal,
           "seconds": seconds}
_NUMBERS = ("count", "approx", "ratio", "seconds")  # right-aligned columns


def _cell(column: Column, value) -> str:
    return "" if value is None else _FORMAT[column.kind](value)


def _row(cells) -> str:
    return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"


def render(report: Report, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    view = build(report)
    if options.depth is not None:  # --depth N, --totals-only (view_depth.py)
        from .view_depth import collapse

        view = collapse(view, report, options.depth)
    lines = [f"# {view.title}", ""]
    if view.symbols:
        lines += [f"Symbolic: {', '.join(view.symbols)}", ""]
    lines += [f"Input: {shape(view.input)}", "", f"Convention: {view.convention}", ""]
    if view.roofline is not None:
        lines += [device_line(view.roofline), ""]
    columns = view.columns
    if view.rows:
        lines += [_row(c.title for c in columns),
                  _row("---:" if c.kind in _NUMBERS else "---" for c in columns)]
    for row in view.rows:
        cells = [_cell(c, row.cells.get(c.key)) for c in columns]
        if row.part:
            cells = [f"↳ {cell}" if c.key == "op" else cell
                     for c, cell in zip(columns, cells, strict=True)]
        lines.append(_row(cells))
    extra = time_cells(view, 0)[0]
    lines += ["", "## Totals", "", _row(("network", "params", view.count_title, *extra)),
              _row(("---", "---:", "---:", *("---:" for _ in extra)))]
    lines += [_row((label, grouped(cost.params), grouped(cost.macs), *time_cells(view, i)[1]))
              for i, (label, cost) in enumerate(view.totals)]
    lines += ["", "## By kind", "", _row(("kind", view.count_title, "%", "params", "%")),
              _row(("---", "---:", "---:", "---:", "---:"))]
    for k in view.kinds:
        lines.append(_row((k.kind, grouped(k.macs), percent(k.macs_share), grouped(k.params),
                           percent(k.params_share))))
    if view.counters:
        counters = "; ".join(f"{name}: {grouped(v)}" for name, v in view.counters)
        lines += ["", f"{view.counters_title.capitalize()}: {counters}."]
    for w in view.warnings:
        lines += ["", f"> warning: {w}"]
    return "\n".join(lines) + "\n"
