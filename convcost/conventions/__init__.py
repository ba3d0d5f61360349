"""Counting conventions: the totals that other tools print (ptflops, thop, fvcore, torchinfo,
onnx-tool, Keras), reproduced from a Report, each one an entry of data in table.py.

`count(report, name)` evaluates a convention term by term; `apply(report, name)` returns the Report
re-counted in it (what `--convention` shows); `compare(report)` puts every convention side by side.
"""

from __future__ import annotations

from .count import Counted, LayerCount, count, get
from .table import CONVENTIONS, DEFAULT, NAMES, Convention, Term

__all__ = ["CONVENTIONS", "DEFAULT", "NAMES", "Convention", "Counted", "LayerCount", "Term", "count", "get"]
