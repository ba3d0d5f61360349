"""Counting conventions: the totals that other tools print (ptflops, thop, fvcore, torchinfo,
onnx-tool, Keras), reproduced from a Report, each one an entry of data in table.py.

`count(report, name)` evaluates a convention term by term; `apply(report, name)` returns the Report
re-counted in it (what `--convention` shows); `compare(report)` puts every convention side by side.
"""

from __future__ import annotations

from .apply import apply
from .count import Counted, LayerCount, checked_convention, count, get
from .table import CONVENTIONS, DEFAULT, NAMES, Convention, Term, count_title, headline, params_title

__all__ = ["CONVENTIONS", "DEFAULT", "NAMES", "Convention", "Counted", "LayerCount", "Term", "apply",
           "checked_convention", "count", "count_title", "get", "headline", "params_title"]
