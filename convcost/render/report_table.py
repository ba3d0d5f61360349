"""The rich terminal table (the default output of `convcost analyze`): the view, numbers rounded."""

from __future__ import annotations

from ..analysis.report import Report
from ..symbolic.display import decimal, grouped, human, percent, seconds, shape
from . import DEFAULT_OPTIONS, RenderOptions
from .roofline_text import device_line, time_cells
from .view import Column
from .view import build as build_view

_FORMAT = {"text": str, "shape": shape, "count": human, "approx": human, "ratio": decimal, "seconds": seconds}


def _cell(column: Column, value) -> str:
    return "" if value is None else _FORMAT[column.kind](value)


def build(report: Report) -> list:
    """Rich renderables for a report (imported lazily: rich is only loaded for this format).

    Every string handed to rich is a Text, never markup: a network named "[/]" or
    "[link=https://...]" is printed as written (markup would crash or emit a terminal hyperlink).
    """
    from rich.table import Table
    from rich.text import Text

    def table(title: str) -> Table:
        return Table(title=Text(title), title_justify="left", header_style="bold")

    view = build_view(report)
    title = view.title + (f"  (symbolic: {', '.join(view.symbols)})" if view.symbols else "")
    layers = table(title + f"  (convention {view.convention})")
    columns = view.columns
    for column in columns:
        layers.add_column(Text(column.title), justify="right" if column.right else "left", no_wrap=True)
    for row in view.rows:
        cells = [_cell(c, row.cells.get(c.key)) for c in columns]
        if row.part:
            cells = [f"  {cell}" if c.key == "op" else cell for c, cell in zip(columns, cells, strict=True)]
        layers.add_row(*(Text(cell, style="dim" if row.part and cell else "") for cell in cells))
    totals = table("network totals")
    totals.add_column(Text("version"))
    for title in ("params", view.count_title, f"exact {view.count_title}", *time_cells(view, 0)[0]):
        totals.add_column(Text(title), justify="right")
    for i, (label, cost) in enumerate(view.totals):
        totals.add_row(*map(Text, (label, human(cost.params), human(cost.macs), grouped(cost.macs),
                                   *time_cells(view, i)[1])))
    kinds = table("by kind")
    for col in ("kind", view.count_title, f"% {view.count_title}", "params", "% params"):
        kinds.add_column(Text(col), justify="left" if col == "kind" else "right")
    for k in view.kinds:
        kinds.add_row(*map(Text, (k.kind, human(k.macs), percent(k.macs_share), human(k.params),
                                  percent(k.params_share))))
    out: list = [layers, totals, kinds]
    if view.roofline is not None:
        out.insert(0, Text(device_line(view.roofline), style="dim"))
    if view.counters:
        counters = ", ".join(f"{name} {human(v)}" for name, v in view.counters)
        out.append(Text(f"{view.counters_title}: {counters}", style="dim"))
    for w in view.warnings:
        out.append(Text(f"warning: {w}", style="yellow"))
    return out


WIDTH = 160  # columns when the output is not a terminal (a file, a pipe); 200 with --device


def render(report: Report, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    import io

    from rich.console import Console

    width = options.width or (WIDTH + 40 if report.roofline is not None else WIDTH)  # 4 more columns
    buffer = io.StringIO()  # never standard output: a renderer only returns text
    console = Console(file=buffer, width=width, force_terminal=options.color,
                      color_system="standard" if options.color else None, highlight=False, soft_wrap=False,
                      markup=False, emoji=False)
    for item in build(report):
        console.print(item)
        console.print()
    return buffer.getvalue()
