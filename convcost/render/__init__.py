"""Renderers: one module per output format behind one interface, `render(report) -> str`."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


def renderer(fmt: Format) -> Callable:
    """The render function for a format (modules are imported on demand: rich only for tables)."""
    if fmt is Format.TABLE:
        from .table import render
    elif fmt is Format.JSON:
        from .json_ import render
    elif fmt is Format.CSV:
        from .csv_ import render
    elif fmt is Format.MARKDOWN:
        from .markdown import render
    else:  # pragma: no cover - the exhaustiveness test covers every member
        raise ValueError(fmt)
    return render
