"""`convcost compare` in the terminal: one row per convention (and with --by-layer, every layer first).
Totals are exact, as the tools print them; the per-layer table rounds."""

from __future__ import annotations

from ..conventions.compare import Comparison
from ..symbolic.display import grouped, human, shape
from . import DEFAULT_OPTIONS, RenderOptions
from . import compare_view as view
from .table_fit import BORDER, TextColumn, chunks, natural, table_width

WHY_MIN = 30  # narrower than this, the explanations are printed under the table instead of in it


def layout(comparison: Comparison, options: RenderOptions = DEFAULT_OPTIONS,
           page: int | None = None) -> tuple[list, int]:
    """Rich renderables (rich is imported only for this format) for a page `page` characters wide
    (None: however wide), and the width they need. Figures are never cut: a by-layer table too wide
    for the page is split into several, each with the layers' numbers and names; on a narrow page
    the explanations go under the summary table instead of into a column too narrow to read."""
    from rich.table import Table
    from rich.text import Text

    def table(caption: str | None, columns) -> Table:
        t = Table(title=Text(caption) if caption else None, title_justify="left", header_style="bold")
        for c in columns:
            t.add_column(Text(c.title), justify="right" if c.right else "left", no_wrap=True)
        for cells in zip(*(c.cells for c in columns), strict=True):
            t.add_row(*map(Text, cells))
        return t

    out: list = []
    needed = 0
    r = comparison.report
    head = f"{view.title(comparison)}  (input {shape(r.input)})"
    if options.by_layer:
        layers = view.by_layer(comparison)
        columns = [TextColumn("#", "#", tuple(str(r.index) for r in layers.rows), right=True),
                   TextColumn("name", "name", tuple(r.name for r in layers.rows)),
                   TextColumn("call", "as PyTorch", tuple(r.call for r in layers.rows)),
                   *(TextColumn(name, name, tuple(human(r.counts[i]) for r in layers.rows), right=True)
                     for i, name in enumerate(layers.names))]
        parts = chunks(columns, 2, page)
        for i, part in enumerate(parts):
            more = f" ({i + 1} of {len(parts)})" if len(parts) > 1 else ""
            out.append(table(f"{head}: every layer, in MACs (flops: FLOPs){more}" if i == 0 else
                             f"every layer, continued{more}", part))
            needed = max(needed, table_width([natural(c) for c in part]))
        if len(layers.params_titles) > 1:  # the layers whose parameters some convention counts its own way
            differ = [r for r in layers.rows if r.params_differ]
            columns = [TextColumn("#", "#", tuple(str(r.index) for r in differ), right=True),
                       TextColumn("name", "name", tuple(r.name for r in differ)),
                       *(TextColumn(t, t, tuple(grouped(r.params[i]) for r in differ), right=True)
                         for i, t in enumerate(layers.params_titles))]
            for i, part in enumerate(chunks(columns, 2, page)):
                out.append(table("parameters, where a convention counts them its own way" if i == 0 else
                                 "parameters, continued", part))
                needed = max(needed, table_width([natural(c) for c in part]))
    rows = view.summary(comparison)
    numbers = [TextColumn("convention", "convention", tuple(s.name for s in rows)),
               TextColumn("unit", "unit", tuple(s.unit for s in rows)),
               TextColumn("total", "total", tuple(grouped(s.count) for s in rows), right=True),
               TextColumn("params", "params", tuple(grouped(s.params) for s in rows), right=True),
               TextColumn("vs paper", "vs paper", tuple(view.signed(s.difference) for s in rows), right=True)]
    width = table_width([natural(c) for c in numbers])
    inline = page is None or page - width - BORDER >= WHY_MIN
    summary = Table(title=None if options.by_layer else Text(head), title_justify="left", header_style="bold")
    for name in view.SUMMARY_TITLES if inline else view.SUMMARY_TITLES[:-1]:
        numeric = name in ("total", "params", "vs paper")
        summary.add_column(Text(name), justify="right" if numeric else "left",
                           no_wrap=numeric or name == "convention", overflow="fold")
    for s in rows:
        cells = (s.name, s.unit, grouped(s.count), grouped(s.params), view.signed(s.difference), s.why)
        summary.add_row(*map(Text, cells if inline else cells[:-1]))
    out.append(summary)
    needed = max(needed, width)
    if not inline:
        why = [f"{s.name}: {s.why}" for s in rows if s.why]
        if why:
            out.append(Text(f"{view.SUMMARY_TITLES[-1]}:\n" + "\n".join(why)))
    out.append(Text("\n".join(f"{name}: {what}" for name, what in view.legend(comparison)), style="dim"))
    return out, needed


def build(comparison: Comparison, options: RenderOptions = DEFAULT_OPTIONS) -> list:
    """Rich renderables for a page of `options.width` characters (160 by default)."""
    return layout(comparison, options, options.width or WIDTH)[0]


WIDTH = 160  # columns when the output is not a terminal


def render(comparison: Comparison, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    from rich.console import Console

    page = options.width or WIDTH
    items, needed = layout(comparison, options, page)
    console = Console(width=max(page, needed), record=True, force_terminal=options.color,
                      color_system="standard" if options.color else None, highlight=False, soft_wrap=False)
    with console.capture() as cap:
        for item in items:
            console.print(item)
            console.print()
    return cap.get()
