"""The terminal table (the default output of `convcost analyze`): the view, numbers rounded.

`document` says what is shown as plain data (three tables and the lines under them); rich draws it
on a terminal, and table_plain.py writes the same characters without rich where there is no colour
(a pipe, a file), which saves its import and its layout time.
"""

from __future__ import annotations

from ..analysis.report import Report
from ..symbolic.display import decimal, grouped, human, percent, seconds, shape
from . import DEFAULT_OPTIONS, RenderOptions
from .roofline_text import device_line, time_cells
from .table_plain import Line, Table
from .view import Column
from .view import build as build_view

_FORMAT = {"text": str, "shape": shape, "count": human, "approx": human, "ratio": decimal, "seconds": seconds}
_DIM, _WARNING = "dim", "yellow"


def _cell(column: Column, value) -> str:
    return "" if value is None else _FORMAT[column.kind](value)


def document(report: Report) -> tuple[list, list[bool]]:
    """The tables and lines shown, in order, and which rows of the layer table are parts (dimmed)."""
    view = build_view(report)
    title = view.title + (f"  (symbolic: {', '.join(view.symbols)})" if view.symbols else "")
    title += f"  (convention {view.convention})"
    columns = view.columns
    rows = []
    for row in view.rows:
        cells = [_cell(c, row.cells.get(c.key)) for c in columns]
        if row.part:
            cells = [f"  {cell}" if c.key == "op" else cell for c, cell in zip(columns, cells, strict=True)]
        rows.append(cells)
    layers = Table(title, tuple(c.title for c in columns), tuple(c.right for c in columns), rows)
    extra = time_cells(view, 0)[0]
    count = view.count_title
    totals = Table("network totals", ("version", "params", count, f"exact {count}", *extra),
                   (False, True, True, True, *(True,) * len(extra)),
                   [(label, human(cost.params), human(cost.macs), grouped(cost.macs), *time_cells(view, i)[1])
                    for i, (label, cost) in enumerate(view.totals)], wrap=True)
    kinds = Table("by kind", ("kind", count, f"% {count}", "params", "% params"),
                  (False, True, True, True, True),
                  [(k.kind, human(k.macs), percent(k.macs_share), human(k.params), percent(k.params_share))
                   for k in view.kinds], wrap=True)
    out: list = [layers, totals, kinds]
    if view.roofline is not None:
        out.insert(0, Line(device_line(view.roofline), _DIM))
    if view.counters:
        counters = ", ".join(f"{name} {human(v)}" for name, v in view.counters)
        out.append(Line(f"{view.counters_title}: {counters}", _DIM))
    for w in view.warnings:
        out.append(Line(f"warning: {w}", _WARNING))
    return out, [row.part for row in view.rows]


def build(report: Report) -> list:
    """Rich renderables for a report (imported lazily: rich is only loaded for this format)."""
    return renderables(*document(report))


def renderables(items: list, parts: list[bool]) -> list:
    """`document`'s tables and lines as rich renderables.

    Every string handed to rich is a Text, never markup: a network named "[/]" or
    "[link=https://...]" is printed as written (markup would crash or emit a terminal hyperlink).
    """
    from rich.table import Table as RichTable
    from rich.text import Text

    out: list = []
    for item in items:
        if isinstance(item, Line):
            out.append(Text(item.text, style=item.style))
            continue
        table = RichTable(title=Text(item.title), title_justify="left", header_style="bold")
        for header, right in zip(item.headers, item.right, strict=True):
            if item.wrap:
                table.add_column(Text(header), justify="right" if right else "left")
            else:
                table.add_column(Text(header), justify="right" if right else "left", no_wrap=True)
        for i, cells in enumerate(item.rows):
            dim = not item.wrap and parts[i]
            table.add_row(*(Text(cell, style="dim" if dim and cell else "") for cell in cells))
        out.append(table)
    return out


WIDTH = 160  # columns when the output is not a terminal (a file, a pipe); 200 with --device


def render(report: Report, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    width = options.width or (WIDTH + 40 if report.roofline is not None else WIDTH)  # 4 more columns
    if not options.color:
        from . import table_plain

        text = table_plain.render(document(report)[0], width)
        if text is not None:
            return text
    return print_rich(build(report), width, options.color)


def print_rich(items: list, width: int, color: bool = False) -> str:
    """What rich prints for `items`, each followed by a blank line, at `width` columns."""
    import io

    from rich.console import Console

    buffer = io.StringIO()  # never standard output: a renderer only returns text
    console = Console(file=buffer, width=width, force_terminal=color,
                      color_system="standard" if color else None, highlight=False, soft_wrap=False,
                      markup=False, emoji=False)
    for item in items:
        console.print(item)
        console.print()
    return buffer.getvalue()
