"""Renderers: one module per (document, format), behind one interface, chosen in one place.

Six documents are rendered: the Report of `analyze`, the CheckReport of `check`, the Proof of
`prove`, the Comparison of `compare`, the Sweep of `sweep` and the Solution of `solve`. Each format
of each is one module with
`render(document, options) -> str`, imported only when used (rich and sympy are heavy). The enums
below are the only lists of formats: a format's module is named after its document and its value
(`module_name`), the CLI's `--format` choices and the golden tests are derived from the enums, so a
new format cannot be missed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from enum import StrEnum
from typing import Any, NamedTuple


class ReportFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


class FindingsFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    GITHUB = "github"


class CompareFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


class ProofFormat(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    LATEX = "latex"
    JSON = "json"


class SweepFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


class SolveFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


Format = ReportFormat  # the formats of `convcost analyze`, under their original name


class RenderOptions(NamedTuple):
    color: bool = False  # ANSI colours (text formats on a terminal)
    width: int | None = None  # columns of text formats (None: the format's own default)
    command: str = ""  # the command that produced the document, for formats that cite it
    by_layer: bool = False  # `convcost compare --by-layer`: every layer, not only the network
    wide: bool = False  # `--wide`: every column, however wide (else they are chosen for `width`)
    depth: int | None = None  # `--depth N`: layers summed below depth N of their names (0: totals only)


DEFAULT_OPTIONS = RenderOptions()

_PREFIX = {ReportFormat: "report", FindingsFormat: "findings", ProofFormat: "proof", CompareFormat: "compare",
           SweepFormat: "sweep", SolveFormat: "solve"}


def module_name(fmt: StrEnum) -> str:
    """The module of a format: `report_table`, `findings_github`, `proof_latex`, `compare_json`, ..."""
    return f"{_PREFIX[type(fmt)]}_{fmt.value}"


def renderer(fmt: StrEnum) -> Callable[..., str]:
    """`render(document, options=RenderOptions()) -> str` of a format (its module imported on demand)."""
    return importlib.import_module(f"{__name__}.{module_name(fmt)}").render


def render(document: Any, fmt: StrEnum, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    """`document` in format `fmt` (exact: numbers beyond Python's 4,300-digit guard are printed whole)."""
    from ..limits import exact_int_text

    with exact_int_text():
        return renderer(fmt)(document, options)
