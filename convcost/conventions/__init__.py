"""Counting conventions: the totals that other tools print (ptflops, thop, fvcore, torchinfo,
onnx-tool, Keras), reproduced from a Report, each one an entry of data in table.py.

`count(report, name)` evaluates a convention term by term; `apply(report, name)` returns the Report
re-counted in it (what `--convention` shows); `compare.compare(report)` puts every convention side
by side. The table and its labels load with the package; the machinery when first used (a run in
the paper's convention needs only the labels).
"""

from __future__ import annotations

from typing import Any

from .table import CONVENTIONS, DEFAULT, NAMES, Convention, Term, count_title, headline, params_title

__all__ = ["CONVENTIONS", "DEFAULT", "NAMES", "Convention", "Counted", "LayerCount", "Term", "apply",
           "checked_convention", "count", "count_title", "get", "headline", "params_title"]

_LAZY = {"apply": ".recount", "Counted": ".counting", "LayerCount": ".counting",
         "checked_convention": ".counting", "count": ".counting", "get": ".counting"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
