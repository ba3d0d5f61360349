"""The terminal table of `convcost sweep` (its default format): plain aligned text with exact counts
in grouped digits. Not rich: 10,000 rows print in milliseconds, and the output is the same on a
terminal, in a pipe or in a file, except that a page narrower than the table (`options.width`, a
terminal's) gets it in parts, each with the swept vars, so that no count is cut or wrapped."""

from __future__ import annotations

import textwrap

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
    lines = [title(sweep)]
    keys = sum(c.var for c in cols)
    parts = _parts(widths, keys, options.width)
    for n, part in enumerate(parts):
        lines.append("")
        for i, text in enumerate(table):
            line = "  ".join(text[j].rjust(widths[j]) for j in part)
            if failed and n == len(parts) - 1:
                line += "  " + ("error" if i == 0 else error_text(sweep.rows[i - 1].error))
            lines.append(line.rstrip())
    note = NOTE if options.width is None else "\n".join(textwrap.wrap(NOTE, max(options.width, 40)))
    lines += ["", note]
    return "\n".join(lines) + "\n"


def _parts(widths: list[int], keys: int, page: int | None) -> list[list[int]]:
    """The columns of each part: all of them, or, on a page too narrow, the first `keys` (the swept
    vars) and as many of the counts as fit, part after part."""
    def width(part):
        return sum(widths[j] for j in part) + 2 * (len(part) - 1)

    every = list(range(len(widths)))
    if page is None or width(every) <= page:
        return [every]
    out, current = [], list(range(keys))
    for j in range(keys, len(widths)):
        if len(current) > keys and width([*current, j]) > page:
            out.append(current)
            current = list(range(keys))
        current.append(j)
    return [*out, current]
