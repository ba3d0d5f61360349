"""The terminal table of `convcost sweep` (its default format): plain aligned text with exact counts
in grouped digits. Not rich: 10,000 rows print in milliseconds, and the output is the same on a
terminal, in a pipe or in a file."""

from __future__ import annotations

from ..analysis.sweep import Sweep
from ..symbolic.display import exact_text, grouped
from . import DEFAULT_OPTIONS, RenderOptions
from .sweep_view import NOTE, cells, columns, error_text, title


def render(sweep: Sweep, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    cols = columns(sweep)
    failed = sweep.failed > 0
    table = [[c.title for c in cols]]
    for row in sweep.rows:
        table.append([("" if v is None else exact_text(v) if c.var else grouped(v))
                      for c, v in zip(cols, cells(sweep, row), strict=True)])
    widths = [max(map(len, column)) for column in zip(*table, strict=True)]
    lines = [title(sweep), ""]
    for i, text in enumerate(table):
        line = "  ".join(cell.rjust(w) for cell, w in zip(text, widths, strict=True))
        if failed:
            line += "  " + ("error" if i == 0 else error_text(sweep.rows[i - 1].error))
        lines.append(line.rstrip())
    lines += ["", NOTE]
    return "\n".join(lines) + "\n"
