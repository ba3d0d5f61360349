"""A convention evaluated on a Report: each layer's count and parameters, term by term, and the
difference from the paper's count explained by those terms."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from ..analysis.report import Report
from ..errors import ConvcostError, did_you_mean, shown
from ..symbolic import arith
from ..symbolic.arith import Value
from .facts import Layer, layers
from .table import CONVENTIONS, DEFAULT, Convention, Term

Terms = tuple[tuple[str, Value], ...]  # (term label, value), in the convention's order


class LayerCount(NamedTuple):
    name: str
    count: Value  # in the convention's unit
    params: Value
    terms: Terms  # the count's terms that match the layer (zeros left out)
    param_terms: Terms
    versus_paper: Terms  # what makes the count differ from the paper's, by term (zeros left out)
    params_versus_paper: Terms


class Counted(NamedTuple):
    """A report counted in one convention."""

    convention: Convention
    layers: tuple[LayerCount, ...]
    count: Value
    params: Value
    paper_count: Value
    paper_params: Value
    versus_paper: Terms  # the network's difference from the paper's count, by term
    params_versus_paper: Terms

    @property
    def difference(self) -> Value:
        return arith.sub(self.count, self.paper_count)

    @property
    def params_difference(self) -> Value:
        return arith.sub(self.params, self.paper_params)


def checked_convention(name: str) -> str:
    """`name` if it is a convention; else a ConvcostError naming them (exit 2)."""
    if name not in CONVENTIONS:
        hint = did_you_mean(name, CONVENTIONS)
        raise ConvcostError(f"unknown convention {shown(name)}",
                            hint=(hint + " " if hint else "") + "conventions: " + ", ".join(CONVENTIONS))
    return name


def get(name: str) -> Convention:
    """The convention of that name (ConvcostError for an unknown name)."""
    return CONVENTIONS[checked_convention(name)]


def matches(term: Term, layer: Layer) -> bool:
    if term.calls and layer.call not in term.calls:
        return False
    return all(layer.props.get(key) == value for key, value in term.when)


def evaluate(terms: Sequence[Term], layer: Layer, overrides: Mapping[str, Value] | None = None) -> Terms:
    """The value of each term that matches the layer; `overrides` replaces some of its quantities
    (an alternative version of a convolution has other mult-adds and bias adds)."""
    q = layer.quantities if not overrides else {**layer.quantities, **overrides}
    return tuple((t.label, arith.mul(t.weight, q.get(t.quantity, 0))) for t in terms if matches(t, layer))


def _sum(terms: Terms) -> Value:
    return arith.total(v for _, v in terms)


def _nonzero(terms: Terms) -> Terms:
    return tuple((label, v) for label, v in terms if arith.is_zero(v) is not True)


def versus_paper(terms: Sequence[Term], layer: Layer, values: Terms, base: str) -> Terms:
    """What makes this layer's count differ from the paper's, by term. The paper counts the
    quantity `base` ("macs", or "params" for parameters) once: the first matching term that weighs
    that quantity absorbs it; a layer that no term counts it for shows it as not counted."""
    paper = layer.quantities[base]
    out: list[tuple[str, Value]] = []
    absorbed = False
    for term, (label, value) in zip((t for t in terms if matches(t, layer)), values, strict=True):
        if not absorbed and term.quantity == base and arith.is_positive(term.weight):
            value = arith.sub(value, paper)
            absorbed = True
        out.append((label, value))
    if not absorbed and arith.is_zero(paper) is not True:
        out.append((f"{'parameters' if base == 'params' else 'conv + fc multiply-accumulates'} not counted",
                    arith.mul(-1, paper)))
    return _nonzero(tuple(out))


def _merge(per_layer: Iterable[Terms], order: Sequence[Term] = ()) -> Terms:
    """Each label's total over the layers, in the convention's order (then any other label)."""
    totals: dict[str, list[Value]] = {t.label: [] for t in order}
    for terms in per_layer:
        for label, value in terms:
            totals.setdefault(label, []).append(value)
    return _nonzero(tuple((label, arith.total(values)) for label, values in totals.items() if values))


def count_layers(convention: Convention, seen: Sequence[Layer]) -> tuple[LayerCount, ...]:
    out = []
    for layer in seen:
        terms = evaluate(convention.count, layer)
        params = evaluate(convention.params, layer)
        out.append(LayerCount(
            layer.row.name, _sum(terms), _sum(params), _nonzero(terms), _nonzero(params),
            versus_paper(convention.count, layer, terms, "macs"),
            versus_paper(convention.params, layer, params, "params")))
    return tuple(out)


def count(report: Report, name: str = DEFAULT, seen: Sequence[Layer] | None = None) -> Counted:
    """The report counted in convention `name` (a report already re-counted by `apply` is read as
    what it was: its rows' `macs` and `params` must be the paper's)."""
    if report.convention != DEFAULT:
        raise ValueError(f"the report is already counted in the {report.convention} convention")
    convention = get(name)
    seen = layers(report) if seen is None else seen
    rows = count_layers(convention, seen)
    return Counted(
        convention, rows, arith.total(r.count for r in rows), arith.total(r.params for r in rows),
        report.totals.macs, report.totals.params,
        _merge((r.versus_paper for r in rows), convention.count),
        _merge((r.params_versus_paper for r in rows), convention.params))
