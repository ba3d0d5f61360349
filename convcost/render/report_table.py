"""The rich terminal table (the default output of `convcost analyze`): the view, numbers rounded.

Columns are chosen for the width of the page (table_fit.py): a table that does not fit loses the
alternatives and the input shape before any figure could be cut, says what it left out, and
`--wide` shows every column. `--depth N` sums the layers below depth N of their scoped names
(view_depth.py); `--totals-only` (depth 0) shows the header and the totals.

`layout` says what is shown as plain data (tables with their chosen columns, and lines); rich draws
it on a terminal, and table_plain.py writes the same characters without rich where there is no colour
(a pipe, a file) and no column had to wrap, which saves rich's import and layout time.
"""

from __future__ import annotations

from typing import NamedTuple

from ..analysis.report import Report
from ..symbolic.display import decimal, exact_text, grouped, human, percent, seconds, shape
from . import DEFAULT_OPTIONS, RenderOptions
from .roofline_text import TIME_TITLES, device_line, time_cells
from .table_fit import Fit, TextColumn, fit, left_out_line, natural, text_width
from .table_plain import Line
from .view import Column, View
from .view import build as build_view

_FORMAT = {"text": str, "shape": shape, "count": human, "approx": human, "ratio": decimal, "seconds": seconds}

# What a layer table too wide for the page leaves out, in order: the input shape (the output of the
# row above, mostly), the two alternatives (the ratio relates them), the roofline's details, the ratio.
LAYER_DROPS = (("input",), ("standard_macs",), ("separable_macs",), ("intensity",), ("time_ratio",),
               ("bound_shown",), ("ratio",))
# ... and the totals: the ratios to the all-standard version, then the rounded counts (exact ones stay),
# unless the exact counts are too long to read (EXACT_LONG digits and more): then those go first.
TOTAL_DROPS = (("macs_ratio",), ("time_ratio",), ("params",), ("macs",))
EXACT_FIRST = (("macs_ratio",), ("time_ratio",), ("exact_params",), ("exact_macs",), ("params",), ("macs",))
EXACT_LONG = 24
KIND_DROPS = (("params_share",), ("macs_share",))


def _cell(column: Column, value) -> str:
    return "" if value is None else _FORMAT[column.kind](value)


def title(view: View) -> str:
    """'mobilenet_v1  (alpha=1, res=224)  (convention paper, MACs: ...)': the network, the vars in
    effect, the symbols kept, the convention."""
    text = view.title
    if view.vars:
        text += "  (" + ", ".join(f"{name}={exact_text(v)}" for name, v in view.vars) + ")"
    if view.symbols:
        text += f"  (symbolic: {', '.join(view.symbols)})"
    return text + f"  (convention {view.convention})"


def _layer_columns(view: View) -> tuple[list[TextColumn], list[bool]]:
    cells = {c.key: [] for c in view.columns}
    for row in view.rows:
        for c in view.columns:
            text = _cell(c, row.cells.get(c.key))
            cells[c.key].append(f"  {text}" if row.part and c.key == "op" else text)
    columns = [TextColumn(c.key, c.title, tuple(cells[c.key]), c.right, fold=c.key == "name")
               for c in view.columns]
    return columns, [row.part for row in view.rows]


def _stacked(columns: list[TextColumn]) -> list[TextColumn]:
    """The name and layer columns as one: the layer's name, and under it what it is."""
    by_key = {c.key: c for c in columns}
    if "name" not in by_key or "op" not in by_key:
        return columns
    both = tuple(f"{name}\n{op}" if name and op else name or op
                 for name, op in zip(by_key["name"].cells, by_key["op"].cells, strict=True))
    merged = TextColumn("name", "name, layer", both, fold=True)
    return [merged if c.key == "name" else c for c in columns if c.key != "op"]


def _layer_fit(view: View, page: int | None) -> tuple[Fit, list[bool]]:
    columns, parts = _layer_columns(view)
    shown = fit(columns, page, LAYER_DROPS)
    if shown.widths is not None and _wrapped(shown) > max(3, len(view.rows) // 10):
        # many names would wrap: rather put each layer's kind under its name (one column for two)
        stacked = fit(_stacked(columns), page, LAYER_DROPS)
        if stacked.widths is None or stacked.width < shown.width:
            shown = stacked
    return shown, parts


def _wrapped(shown: Fit) -> int:
    """How many names wrap onto a second line in `shown`."""
    i = next((i for i, c in enumerate(shown.columns) if c.key == "name"), None)
    if i is None:
        return 0
    return sum(text_width(name) > shown.widths[i] for name in shown.columns[i].cells)


def _totals_columns(view: View) -> list[TextColumn]:
    rows = [(label, human(cost.params), human(cost.macs), grouped(cost.params), grouped(cost.macs),
             *time_cells(view, i)[1]) for i, (label, cost) in enumerate(view.totals)]
    keys = ["version", "params", "macs", "exact_params", "exact_macs"]
    titles = ["version", "params", view.count_title, "exact params", f"exact {view.count_title}"]
    if view.times:
        keys += ["time", "time_ratio", "macs_ratio"]
        titles += list(TIME_TITLES)
    return [TextColumn(key, t, tuple(row[i] for row in rows), right=i > 0)
            for i, (key, t) in enumerate(zip(keys, titles, strict=True))]


def _kinds_columns(view: View) -> list[TextColumn]:
    rows = [(k.kind, human(k.macs), percent(k.macs_share), human(k.params), percent(k.params_share))
            for k in view.kinds]
    keys = ("kind", "macs", "macs_share", "params", "params_share")
    titles = ("kind", view.count_title, f"% {view.count_title}", "params", "% params")
    return [TextColumn(key, t, tuple(row[i] for row in rows), right=i > 0)
            for i, (key, t) in enumerate(zip(keys, titles, strict=True))]


LONG = 100  # layers from which a terminal table suggests --depth
_DIM, _WARNING = "dim", "yellow"


class Shown(NamedTuple):
    """One table as shown: its caption, its columns as fitted, and which rows are dimmed (parts)."""

    caption: str | None
    fit: Fit
    dim: tuple[bool, ...] | None = None


def layout(report: Report, options: RenderOptions = DEFAULT_OPTIONS,
           page: int | None = None, terminal: bool = False) -> tuple[list[Shown | Line], int]:
    """The tables and lines of a report, in order, and the width they need: at most `page` (None:
    every column, however wide) unless even the narrowest choice of columns is wider. On a
    `terminal`, a long network's table ends by suggesting --depth. Plain data: `renderables` makes
    rich objects of it."""
    view = build_view(report)
    from .view_depth import scoped

    if options.depth is not None:
        from .view_depth import collapse

        view = collapse(view, report, options.depth)
    out: list[Shown | Line] = []
    needed = 0
    if view.roofline is not None:
        out.append(Line(device_line(view.roofline), _DIM))
    left_out: list[tuple[str, Fit]] = []
    if view.rows:
        shown, parts = _layer_fit(view, page)
        out.append(Shown(title(view), shown, tuple(parts)))
        left_out.append(("layers", shown))
        needed = shown.width
    else:
        out.append(Line(title(view)))
    columns = _totals_columns(view)
    long = natural(next(c for c in columns if c.key == "exact_macs")) >= EXACT_LONG
    totals = fit(columns, page, EXACT_FIRST if long else TOTAL_DROPS)
    out.append(Shown("network totals", totals))
    left_out.append(("network totals", totals))
    kinds = fit(_kinds_columns(view), page, KIND_DROPS)
    if view.rows:
        out.append(Shown("by kind", kinds))
        left_out.append(("by kind", kinds))
    needed = max(needed, totals.width, kinds.width if view.rows else 0)
    if view.counters:
        counters = ", ".join(f"{name} {human(v)}" for name, v in view.counters)
        out.append(Line(f"{view.counters_title}: {counters}", _DIM))
    for w in view.warnings:
        out.append(Line(f"warning: {w}", _WARNING))
    note = left_out_line(left_out, page)
    if terminal and options.depth is None and len(report.layers) > LONG and any(scoped(r.name) for r in
                                                                                report.layers):
        note += ("\n" if note else "") + (f"{len(report.layers)} layers: --depth 1 sums each top-level "
                                          "block into one row (--depth 2 the level below); --totals-only "
                                          "shows the totals")
    if note:
        out.append(Line(note, _DIM))
    return out, needed


def renderables(items: list[Shown | Line]) -> list:
    """`layout`'s tables and lines as rich renderables (rich is imported here only).

    Every string handed to rich is a Text, never markup: a network named "[/]" or
    "[link=https://...]" is printed as written (markup would crash or emit a terminal hyperlink).
    """
    from rich.table import Table
    from rich.text import Text

    def table(caption: str | None, shown: Fit, dim: tuple[bool, ...] | None = None) -> Table:
        t = Table(title=Text(caption) if caption else None, title_justify="left", header_style="bold")
        for i, c in enumerate(shown.columns):
            justify = "right" if c.right else "left"
            if shown.widths is None:
                t.add_column(Text(c.title), justify=justify, no_wrap=True)
            else:  # only what can wrap is narrower than its longest line (table_fit.floor)
                t.add_column(Text(c.title), justify=justify, width=shown.widths[i], overflow="fold",
                             no_wrap=shown.widths[i] >= natural(c))
        for r, cells in enumerate(zip(*(c.cells for c in shown.columns), strict=True)):
            if dim is not None and dim[r]:
                t.add_row(*(Text(cell, style="dim" if cell else "") for cell in cells))
            elif any("\n" in cell for cell in cells):  # a name above its layer's kind
                t.add_row(*(_stack_text(cell, Text) for cell in cells))
            else:
                t.add_row(*map(Text, cells))
        return t

    return [Text(item.text, style=item.style) if isinstance(item, Line) else table(*item) for item in items]


def plain_items(items: list[Shown | Line]) -> list | None:
    """The same items for table_plain, or None when a column had to wrap (rich lays that out)."""
    from .table_plain import Table

    out: list = []
    for item in items:
        if isinstance(item, Line):
            out.append(item)
            continue
        if item.fit.widths is not None:
            return None
        columns = item.fit.columns
        out.append(Table(item.caption or "", tuple(c.title for c in columns), tuple(c.right for c in columns),
                         list(zip(*(c.cells for c in columns), strict=True))))
    return out


def _stack_text(cell: str, text_type):
    name, _, kind = cell.partition("\n")
    out = text_type(name)
    if kind:
        out.append("\n" + kind, style="dim")
    return out


WIDTH = 160  # columns when the output is not a terminal (a file, a pipe); 200 with --device


def _default_width(report: Report) -> int:
    return WIDTH + 40 if report.roofline is not None else WIDTH  # 4 more columns


def render(report: Report, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    page = options.width or _default_width(report)
    items, needed = layout(report, options, None if options.wide else page)
    width = max(page, needed)
    if not options.color:
        from . import table_plain

        plain = plain_items(items)
        text = None if plain is None else table_plain.render(plain, width)
        if text is not None:
            return text
    return print_rich(renderables(items), width, options.color)


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
