"""A conv layer (or a separable pair) as one standard and as one depthwise-separable convolution."""

from __future__ import annotations

from typing import NamedTuple

from ..layers.formulas import separable_advantage, separable_cost, standard_cost
from ..layers.records import ConvGeometry, Cost, Outcome
from ..symbolic import arith
from ..symbolic.arith import Value


class Alternatives(NamedTuple):
    geometry: ConvGeometry
    standard: Cost
    separable: Cost
    ratio: Value | None  # separable.macs / standard.macs
    params_ratio: Value | None
    cheaper: bool | None  # is separable cheaper than this standard conv (False for other kinds)?


def ratio(a: Value, b: Value) -> Value | None:
    """a / b, or None when b may be zero."""
    return None if arith.is_zero(b) is not False else arith.div(a, b)


def separable_cheaper(geometry: ConvGeometry) -> bool | None:
    """Would the separable alternative of this standard convolution need fewer mult-adds? (False for
    grouped and separable convolutions, None when the symbols leave it undecided.)"""
    if geometry.separable or not geometry.groups == 1:
        return False
    # decided from N and the kernel alone, so symbolic channel counts rarely block it
    return arith.less_than(1, separable_advantage(geometry.n, geometry.kh, geometry.kw))


def alternatives(geometry: ConvGeometry, written: Cost, factored: bool = True,
                 ratios: bool = True) -> Alternatives:
    """`written` is the layer's own cost. `factored`: the ratios may use separable_cost(geometry),
    the same value as the separable alternative in factored form (else they use `written`).
    Without `ratios` (a sweep needs only the totals) both ratios are None."""
    standard = standard_cost(geometry)
    formula = separable_cost(geometry) if factored else written
    separable = written if geometry.separable else formula
    cheaper = separable_cheaper(geometry)
    if not ratios:
        return Alternatives(geometry, standard, separable, None, None, cheaper)
    # Ratios from the factored formula where it equals the written cost: sympy then
    # cancels common factors as it builds the quotient, (64*alpha + 9)/(576*alpha).
    return Alternatives(geometry, standard, separable, ratio(formula.macs, standard.macs),
                        ratio(formula.params, standard.params), cheaper)


def pair_alternatives(dw: Outcome, pw: Outcome, ratios: bool = True) -> Alternatives:
    """A depthwise and a pointwise layer recognised as one separable convolution."""
    d, p = dw.geometry, pw.geometry
    geometry = ConvGeometry(d.m, p.n, d.kh, d.kw, p.ho, p.wo, p.bias, 1, separable=True)
    written = Cost(arith.add(dw.params, pw.params), arith.add(dw.macs, pw.macs))
    # The factored formula has the pair's value when the depthwise part keeps the channel count
    # (no multiplier) and both parts agree on bias.
    factored = arith.equal(d.n, d.m) is True and d.bias == p.bias
    return alternatives(geometry, written, factored, ratios)
