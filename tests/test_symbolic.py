"""Symbolic runs: closed forms in the vars that agree with every numeric run."""

from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import convcost

alpha = sympy.Symbol("alpha", positive=True)


def _continuous(macs):
    """slim_depth(d*alpha, 8) read as d*alpha: the paper's continuous width (exact where every
    d*alpha is a whole number of at least 8)."""
    from convcost.symbolic.functions import slim_depth

    return macs.replace(slim_depth, lambda v, _minimum: v)


def test_mobilenet_macs_are_a_polynomial_in_alpha():
    report = convcost.analyze("mobilenet_v1", symbolic=["alpha"])
    macs = _continuous(report.totals.macs)
    poly = sympy.Poly(macs, alpha)
    # Independent: the pointwise convs scale as alpha^2 (539,492,352 at alpha=1), the rest as alpha.
    assert poly.degree() == 2
    assert poly.coeff_monomial(alpha**2) == 539_492_352
    assert poly.coeff_monomial(alpha) == 568_740_352 - 539_492_352
    assert macs.subs(alpha, sympy.Rational(3, 4)) == 325_400_448


@pytest.mark.parametrize("a", ["1", "0.75", "0.5", "0.25", "0.625"])
def test_symbolic_alpha_substituted_equals_numeric(a):
    # at these widths every channel count d*alpha is an integer >= 8, so TF-slim's rounding
    # max(int(d*alpha), 8) changes nothing and the symbolic alpha*d is exact
    sym = convcost.analyze("mobilenet_v1", symbolic=["alpha"]).totals
    num = convcost.analyze("mobilenet_v1", set={"alpha": a}).totals
    value = sympy.Rational(a)
    for s, n in ((sym.macs, num.macs), (sym.params, num.params), (sym.standard.macs, num.standard.macs),
                 (sym.standard.params, num.standard.params)):
        assert sympy.Integer(n) == s.subs(alpha, value)


def test_numeric_and_symbolic_alpha_are_both_rounded_as_tf_slim():
    # alpha = 1/8: the stem's 32/8 = 4 channels become max(4, 8) = 8 in TF-slim's MobileNetV1; the
    # symbolic channel count is slim_depth(32*alpha, 8), which gives 8 there too (never alpha*d: a
    # symbolic result must equal the numeric one at every width, issue 15)
    num = convcost.analyze("mobilenet_v1", set={"alpha": "0.125"})
    assert [layer.output[0] for layer in num.layers[:3]] == [8, 8, 16]
    report = convcost.analyze("mobilenet_v1", symbolic=["alpha"])
    assert report.layers[0].output[0].subs(alpha, sympy.Rational(1, 8)) == 8
    for a in (sympy.Rational(1, 8), sympy.Rational(7, 20), sympy.Rational(1, 3)):
        numeric = convcost.analyze("mobilenet_v1", set={"alpha": str(a)}).totals.macs
        assert report.totals.macs.subs(alpha, a) == numeric


@settings(max_examples=15, deadline=None)
@given(res=st.integers(min_value=33, max_value=400))
def test_symbolic_resolution_agrees_at_any_size(res):
    report = convcost.analyze("mobilenet_v1", symbolic=["res"])
    res_sym = sympy.Symbol("res", positive=True, integer=True)
    numeric = convcost.analyze("mobilenet_v1", set={"res": str(res)}).totals.macs
    assert report.totals.macs.subs(res_sym, res) == numeric


def test_symbolic_channel_counts_are_accepted_as_written():
    report = convcost.analyze("mobilenet_v1", symbolic=["alpha"])
    assert str(report.layers[1].output[0]) == "slim_depth(64*alpha, 8)"


def test_symbolic_ratio_is_exact():
    report = convcost.analyze("mobilenet_v1", symbolic=["alpha"])
    ratio = report.layer("sep13").ratio
    # 1/N + 1/9 with N = slim_depth(1024*alpha, 8)
    n = report.layer("sep13").output[0]
    assert sympy.simplify(ratio - (1 / n + sympy.Rational(1, 9))) == 0
    assert ratio.subs(alpha, 1) == sympy.Rational(1, 1024) + sympy.Rational(1, 9)


def test_numeric_ratio_is_a_fraction():
    assert convcost.analyze("mobilenet_v1").layer("sep13").ratio == Fraction(1, 1024) + Fraction(1, 9)
