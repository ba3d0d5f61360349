"""CSV output: the view's rows with every value exact (parts left out), then one `(total)` row."""

from __future__ import annotations

import csv
import io

from ..analysis.report import Report
from ..symbolic.display import exact, exact_str, shape
from . import DEFAULT_OPTIONS, RenderOptions
from .view import RECORD_KEYS, build

COLUMNS = RECORD_KEYS


def _cell(key: str, value):
    if value is None:
        return ""
    if key in ("input", "output"):
        return shape(value)
    if key in ("from", "pair"):
        return " ".join(value)
    if key == "ratio":
        return exact_str(value)
    return exact(value)


def render(report: Report, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    view = build(report)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in view.rows:
        if not row.part:
            writer.writerow([_cell(key, row.cells.get(key)) for key in COLUMNS])
    written, standard, separable = (cost for _, cost in view.totals)
    counters = dict(report.totals.counters)
    total = {"name": "(total)", "input": view.input, "params": written.params, "macs": written.macs,
             **counters, "standard_params": standard.params, "standard_macs": standard.macs,
             "separable_params": separable.params, "separable_macs": separable.macs}
    writer.writerow([_cell(key, total.get(key)) for key in COLUMNS])
    return buf.getvalue()
