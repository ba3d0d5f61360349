"""Markdown output: the layer table, the network totals in three versions, the by-kind breakdown."""

from __future__ import annotations

from ..analysis.report import Report
from .values import decimal, grouped, human, op_summary, percent, shape


def _row(cells) -> str:
    return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"


def render(report: Report) -> str:
    lines = [f"# {report.name}", ""]
    if report.symbols:
        lines += [f"Symbolic: {', '.join(report.symbols)}", ""]
    lines += [f"Input: {shape(report.input)}", ""]
    head = ("#", "name", "layer", "input", "output", "params", "mult-adds", "as standard", "as separable", "sep/std")
    lines += [_row(head), _row(["---"] * 5 + ["---:"] * 5)]
    for r in report.layers:
        alt = (human(r.standard.macs), human(r.separable.macs), decimal(r.ratio)) if r.standard else ("", "", "")
        lines.append(_row((r.index, r.name, op_summary(r.kind, r.attrs), shape(r.input), shape(r.output), grouped(r.params),
                           grouped(r.macs), *alt)))
        if len(r.parts) > 1:
            for p in r.parts:
                lines.append(_row(("", "", f"↳ {p.label}", "", "", grouped(p.params), grouped(p.macs), "", "", "")))
    t = report.totals
    lines += ["", "## Totals", "", _row(("network", "params", "mult-adds")), _row(("---", "---:", "---:")),
              _row(("as written", grouped(t.params), grouped(t.macs))),
              _row(("all standard", grouped(t.standard.params), grouped(t.standard.macs))),
              _row(("separable where cheaper", grouped(t.separable.params), grouped(t.separable.macs)))]
    lines += ["", "## By kind", "", _row(("kind", "mult-adds", "%", "params", "%")),
              _row(("---", "---:", "---:", "---:", "---:"))]
    for k in report.by_kind:
        lines.append(_row((k.kind, grouped(k.macs), percent(k.macs_share), grouped(k.params), percent(k.params_share))))
    other = [f"{name}: {grouped(v)}" for name, v in t.counters.items() if v != 0]
    if other:
        lines += ["", "Not in mult-adds: " + "; ".join(other) + "."]
    for w in report.warnings:
        lines += ["", f"> warning: {w}"]
    return "\n".join(lines) + "\n"
