"""CSV output of `convcost sweep`: one row per configuration, every value exact ("3/4" for fractions,
as in `analyze -f csv`), the error (if any) in the last column."""

from __future__ import annotations

import csv
import io

from ..analysis.sweep import Sweep
from ..symbolic.display import exact
from . import DEFAULT_OPTIONS, RenderOptions
from .sweep_view import cells, columns, error_text


def render(sweep: Sweep, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([c.key for c in columns(sweep)] + ["error"])
    for row in sweep.rows:
        writer.writerow(["" if v is None else exact(v) for v in cells(sweep, row)] + [error_text(row.error)])
    return buf.getvalue()
