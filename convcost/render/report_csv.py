"""CSV output: the view's rows with every value exact (parts left out), then one `(total)` row."""

from __future__ import annotations

import csv
import io

from ..analysis.report import Report
from ..symbolic.display import exact, exact_str, shape
from . import DEFAULT_OPTIONS, RenderOptions
from .view import RECORD_KEYS, build

COLUMNS = RECORD_KEYS  # without a device (view.record_keys adds the roofline's columns with one)


def _cell(key: str, value):
    if value is None:
        return ""
    if key in ("input", "output"):
        return shape(value)
    if key in ("from", "pair"):
        return " ".join(value)
    if key in ("ratio", "bound", "fused_into"):
        return exact_str(value)
    return exact(value)


def render(report: Report, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    view = build(report)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    columns = view.record_keys
    writer.writerow(columns)
    for row in view.rows:
        if not row.part:
            writer.writerow([_cell(key, row.cells.get(key)) for key in columns])
    written, standard, separable = (cost for _, cost in view.totals)
    counters = dict(report.totals.counters)
    total = {"name": "(total)", "input": view.input, "params": written.params, "macs": written.macs,
             **counters, "standard_params": standard.params, "standard_macs": standard.macs,
             "separable_params": separable.params, "separable_macs": separable.macs}
    if view.roofline is not None:
        n, m = view.roofline, report.memory
        total.update(weights_bytes=m.weights, flops=n.flops, time_s=n.time_s, standard_time_s=n.standard_time,
                     separable_time_s=n.separable_time)
    writer.writerow([_cell(key, total.get(key)) for key in columns])
    return buf.getvalue()
