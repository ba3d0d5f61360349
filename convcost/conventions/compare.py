"""`convcost compare`: every convention on one network, side by side, with the terms that make each
total differ from the paper's."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from ..analysis.report import Report
from .counting import Counted, checked_convention, count
from .facts import layers
from .table import DEFAULT, NAMES


class Comparison(NamedTuple):
    report: Report  # the network counted as the paper counts it
    counted: tuple[Counted, ...]  # one per convention compared, in the order asked (NAMES by default)
    calls: tuple[str, ...]  # per layer, the PyTorch call the conventions took it for (`nn.ReLU`, `x + y`)


def compare(report: Report, names: Sequence[str] | None = None) -> Comparison:
    """`report` (in the paper's convention) counted in each convention of `names` (all by default)."""
    if report.convention != DEFAULT:
        raise ValueError(f"the report is already counted in the {report.convention} convention")
    names = tuple(dict.fromkeys(checked_convention(n) for n in (NAMES if names is None else names)))
    seen = layers(report)
    return Comparison(report, tuple(count(report, name, seen) for name in names),
                      tuple(layer.call for layer in seen))
