"""`convcost compare` in the terminal: one row per convention (and with --by-layer, every layer first).
Totals are exact, as the tools print them; the per-layer table rounds."""

from __future__ import annotations

from ..conventions.compare import Comparison
from ..symbolic.display import grouped, human, shape
from . import DEFAULT_OPTIONS, RenderOptions
from . import compare_view as view


def build(comparison: Comparison, options: RenderOptions = DEFAULT_OPTIONS) -> list:
    """Rich renderables (rich is imported only for this format)."""
    from rich.table import Table
    from rich.text import Text

    out: list = []
    r = comparison.report
    head = f"{view.title(comparison)}  (input {shape(r.input)})"
    if options.by_layer:
        layers = view.by_layer(comparison)
        table = Table(title=f"{head}: every layer, in MACs (flops: FLOPs)", title_justify="left",
                      header_style="bold")
        for name in ("#", "name", "as PyTorch", *layers.names):
            left = name in ("name", "as PyTorch")
            table.add_column(name, justify="left" if left else "right", no_wrap=True)
        for r in layers.rows:
            table.add_row(str(r.index), r.name, r.call, *(human(v) for v in r.counts))
        out.append(table)
        if len(layers.params_titles) > 1:  # the layers whose parameters some convention counts its own way
            params = Table(title="parameters, where a convention counts them its own way",
                           title_justify="left", header_style="bold")
            for name in ("#", "name", *layers.params_titles):
                params.add_column(name, justify="left" if name == "name" else "right", no_wrap=True)
            for r in layers.rows:
                if r.params_differ:
                    params.add_row(str(r.index), r.name, *(grouped(v) for v in r.params))
            out.append(params)
    summary = Table(title=None if options.by_layer else head, title_justify="left", header_style="bold")
    for name in view.SUMMARY_TITLES:
        numeric = name in ("total", "params", "vs paper")
        summary.add_column(name, justify="right" if numeric else "left",
                           no_wrap=numeric or name == "convention")
    for s in view.summary(comparison):
        summary.add_row(s.name, s.unit, grouped(s.count), grouped(s.params), view.signed(s.difference), s.why)
    out.append(summary)
    out.append(Text("\n".join(f"{name}: {what}" for name, what in view.legend(comparison)), style="dim"))
    return out


WIDTH = 160  # columns when the output is not a terminal


def render(comparison: Comparison, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    from rich.console import Console

    console = Console(width=options.width or WIDTH, record=True, force_terminal=options.color,
                      color_system="standard" if options.color else None, highlight=False, soft_wrap=False)
    with console.capture() as cap:
        for item in build(comparison, options):
            console.print(item)
            console.print()
    return cap.get()
