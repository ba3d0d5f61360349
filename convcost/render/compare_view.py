"""The one view of a Comparison that the table and Markdown of `convcost compare` share: which rows and
columns there are, and the sentence that explains each difference. Values stay exact here."""

from __future__ import annotations

from typing import NamedTuple

from ..conventions import count_title, params_title
from ..conventions.compare import Comparison
from ..symbolic import arith
from ..symbolic.arith import Value
from ..symbolic.display import grouped

SUMMARY_TITLES = ("convention", "unit", "total", "params", "vs paper", "what makes the difference")


class Summary(NamedTuple):
    """One convention: its total, its parameters, the difference from the paper and why."""

    name: str
    unit: str
    count: Value
    params: Value
    difference: Value
    why: str  # "+4,967,424 batch norm ×2, +4,616,192 ReLU counted twice; params +9,600 ..."


class ByLayer(NamedTuple):
    names: tuple[str, ...]  # the conventions, one count column each
    count_titles: tuple[str, ...]  # their full titles: "paper", "FLOPs", "MACs (ptflops)", ...
    params_titles: tuple[str, ...]  # "params", then "params (keras)" for each that counts its own way
    rows: tuple[LayerRow, ...]


class LayerRow(NamedTuple):
    index: int
    name: str
    kind: str
    call: str  # the PyTorch call the conventions took the layer for
    counts: tuple[Value, ...]
    params: tuple[Value, ...]  # the paper's, then each own-way convention's

    @property
    def params_differ(self) -> bool:
        return any(p != self.params[0] for p in self.params[1:])


def signed(v: Value) -> str:
    """+4,967,424 / -1,000 / 0; symbolic values as sympy prints them, with their sign."""
    if arith.is_number(v):
        return ("+" if v > 0 else "") + grouped(v)
    text = str(v)
    return text if text.startswith("-") else "+" + text


def _largest_first(terms):
    """The terms by size, largest first (symbolic ones after, in the convention's order)."""
    numbers = [t for t in terms if arith.is_number(t[1])]
    return sorted(numbers, key=lambda t: -abs(t[1])) + [t for t in terms if not arith.is_number(t[1])]


def _why(terms, params_terms) -> str:
    parts = ", ".join(f"{signed(v)} {label}" for label, v in _largest_first(terms))
    if params_terms:
        parts += (("; " if parts else "") + "params "
                  + ", ".join(f"{signed(v)} {label}" for label, v in _largest_first(params_terms)))
    return parts


def summary(comparison: Comparison) -> tuple[Summary, ...]:
    return tuple(Summary(c.convention.name, c.convention.unit, c.count, c.params, c.difference,
                         _why(c.versus_paper, c.params_versus_paper)) for c in comparison.counted)


def legend(comparison: Comparison) -> tuple[tuple[str, str], ...]:
    """(convention, what it reproduces) for each convention compared."""
    return tuple((c.convention.name, c.convention.reproduces) for c in comparison.counted)


def by_layer(comparison: Comparison) -> ByLayer:
    """Every layer's count in each convention, and its parameters in each convention that counts them
    its own way (after the paper's)."""
    counted = comparison.counted
    names = tuple(c.convention.name for c in counted)
    own = [i for i, name in enumerate(names) if params_title(name) != "params"]
    rows = []
    for j, (row, call) in enumerate(zip(comparison.report.layers, comparison.calls, strict=True)):
        rows.append(LayerRow(row.index, row.name, row.kind, call, tuple(c.layers[j].count for c in counted),
                             (row.params, *(counted[i].layers[j].params for i in own))))
    return ByLayer(names, tuple("paper" if n == "paper" else count_title(n) for n in names),
                   ("params", *(params_title(names[i]) for i in own)), tuple(rows))


def title(comparison: Comparison) -> str:
    r = comparison.report
    return f"{r.name}: {len(comparison.counted)} counting conventions compared"
