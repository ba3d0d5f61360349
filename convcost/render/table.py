"""The rich terminal table (the default output of `convcost analyze`)."""

from __future__ import annotations

from ..analysis.report import Report
from .values import decimal, grouped, human, op_summary, percent, shape


def build(report: Report):
    """Rich renderables for a report (imported lazily: rich is only loaded for this format)."""
    from rich.table import Table
    from rich.text import Text

    title = report.name + (f"  (symbolic: {', '.join(report.symbols)})" if report.symbols else "")
    layers = Table(title=title, title_justify="left", header_style="bold")
    for col, justify in (("#", "right"), ("name", "left"), ("layer", "left"), ("input", "left"), ("output", "left"),
                         ("params", "right"), ("mult-adds", "right"), ("as standard", "right"),
                         ("as separable", "right"), ("sep/std", "right")):
        layers.add_column(col, justify=justify, no_wrap=True)
    for r in report.layers:
        alt = (human(r.standard.macs), human(r.separable.macs), decimal(r.ratio)) if r.standard else ("", "", "")
        layers.add_row(str(r.index), r.name, op_summary(r.kind, r.attrs), shape(r.input), shape(r.output), human(r.params),
                       human(r.macs), *alt)
        if len(r.parts) > 1:
            for p in r.parts:
                layers.add_row("", "", Text(f"  {p.label}", style="dim"), "", "", Text(human(p.params), style="dim"),
                               Text(human(p.macs), style="dim"), "", "", "")
    t = report.totals
    totals = Table(title="network totals", title_justify="left", header_style="bold")
    totals.add_column("version")
    totals.add_column("params", justify="right")
    totals.add_column("mult-adds", justify="right")
    totals.add_column("exact mult-adds", justify="right")
    for label, params, macs in (("as written", t.params, t.macs),
                                ("all standard", t.standard.params, t.standard.macs),
                                ("separable where cheaper", t.separable.params, t.separable.macs)):
        totals.add_row(label, human(params), human(macs), grouped(macs))
    kinds = Table(title="by kind", title_justify="left", header_style="bold")
    for col in ("kind", "mult-adds", "% mult-adds", "params", "% params"):
        kinds.add_column(col, justify="left" if col == "kind" else "right")
    for k in report.by_kind:
        kinds.add_row(k.kind, human(k.macs), percent(k.macs_share), human(k.params), percent(k.params_share))
    out = [layers, totals, kinds]
    other = [f"{name} {human(v)}" for name, v in t.counters.items() if v != 0]
    if other:
        out.append(Text("not in mult-adds: " + ", ".join(other), style="dim"))
    for w in report.warnings:
        out.append(Text(f"warning: {w}", style="yellow"))
    return out


def render(report: Report, width: int = 160, color: bool = False) -> str:
    from rich.console import Console

    console = Console(width=width, record=True, color_system="standard" if color else None,
                      force_terminal=color, highlight=False, soft_wrap=False)
    with console.capture() as cap:
        for item in build(report):
            console.print(item)
            console.print()
    return cap.get()
