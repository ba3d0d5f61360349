"""CSV output: one row per layer with exact values, then one `(total)` row."""

from __future__ import annotations

import csv
import io

from ..analysis.report import Report
from ..layers.registry import COUNTERS
from .values import exact, exact_str, shape

COLUMNS = ("index", "name", "kind", "from", "input", "output", "params", "macs", *COUNTERS,
           "standard_params", "standard_macs", "separable_params", "separable_macs", "ratio", "pair")


def render(report: Report) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in report.layers:
        alt = [exact(r.standard.params), exact(r.standard.macs), exact(r.separable.params),
               exact(r.separable.macs), exact_str(r.ratio) if r.ratio is not None else ""] if r.standard else [""] * 5
        writer.writerow([r.index, r.name, r.kind, " ".join(r.inputs), shape(r.input), shape(r.output),
                         exact(r.params), exact(r.macs), *(exact(r.counters[c]) for c in COUNTERS), *alt,
                         " ".join(r.pair) if r.pair else ""])
    t = report.totals
    writer.writerow(["", "(total)", "", "", shape(report.input), "", exact(t.params), exact(t.macs),
                     *(exact(t.counters[c]) for c in COUNTERS), exact(t.standard.params), exact(t.standard.macs),
                     exact(t.separable.params), exact(t.separable.macs), "", ""])
    return buf.getvalue()
