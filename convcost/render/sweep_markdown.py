"""Markdown output of `convcost sweep`: a title line and one table row per configuration, counts
with grouped digits (exact), var values as short exact decimals (0.75) or fractions (1/3)."""

from __future__ import annotations

from ..analysis.sweep import Sweep
from ..symbolic.display import exact_text, grouped
from . import DEFAULT_OPTIONS, RenderOptions
from .sweep_view import NOTE, cells, columns, error_text, title


def _row(cells) -> str:
    return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"


def render(sweep: Sweep, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    cols = columns(sweep)
    failed = sweep.failed > 0
    lines = [f"**{title(sweep)}**", ""]
    lines.append(_row([c.title for c in cols] + (["error"] if failed else [])))
    lines.append(_row(["---:"] * len(cols) + (["---"] if failed else [])))
    for row in sweep.rows:
        text = [("" if v is None else exact_text(v) if c.var else grouped(v))
                for c, v in zip(cols, cells(sweep, row), strict=True)]
        lines.append(_row(text + ([error_text(row.error)] if failed else [])))
    lines += ["", f"{NOTE}."]
    return "\n".join(lines) + "\n"
