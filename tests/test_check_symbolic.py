"""Symbolic budgets: decided where they can be (with a witness or a proof), reported undecided where
they cannot, never guessed. Plus the SI counts budgets are written in."""

import textwrap
from fractions import Fraction

import pytest
import sympy

import convcost
from convcost.checks.decide import Range, at_most
from convcost.checks.findings import Severity, Status
from convcost.errors import ConvcostError
from convcost.symbolic.display import exact_text
from convcost.symbolic.quantity import count, ratio

BOUNDED = "alpha: {value: 1.0, min: 0.25, max: 1}"


def mobilenet(tmp_path, alpha=BOUNDED, budget="macs: 600M", res="224"):
    """The built-in MobileNetV1 with its vars and budget replaced."""
    with open(convcost.load("mobilenet_v1").path, encoding="utf-8") as fh:
        source = fh.read()
    source = source.replace("  alpha: 1.0 ", f"  {alpha} ").replace("  res: 224 ", f"  res: {res} ")
    # the paper's continuous widths d*alpha (the built-in rounds them as TF-slim: slim_depth), so that
    # the costs are the paper's polynomials in alpha
    source = source.replace("slim_depth(", "(")
    source += f"budget: {{{budget}}}\n"
    path = tmp_path / "mobilenet.yaml"
    path.write_text(source)
    return str(path)


def test_budget_over_a_bounded_range_is_proven_at_its_maximum(tmp_path):
    report = convcost.check(mobilenet(tmp_path), symbolic=["alpha"])
    o = report.outcome("budget.macs")
    assert o.status is Status.PASSED
    assert o.message == ("network mult-adds 539492352*alpha**2 + 29248000*alpha (at most 568,740,352, at "
                         "alpha = 1) within the budget of 600,000,000")


def test_budget_exceeded_inside_the_range_fails_with_a_witness(tmp_path):
    report = convcost.check(mobilenet(tmp_path, budget="macs: 500M"), symbolic=["alpha"])
    (f,) = report.findings
    assert (f.check, f.severity, f.line, f.column) == ("budget.macs", Severity.ERROR, 29, 16)
    assert f.message.endswith("exceed the budget of 500,000,000: they are 568,740,352 at alpha = 1")


def test_without_a_max_the_budget_must_hold_for_every_positive_value(tmp_path):
    report = convcost.check(mobilenet(tmp_path, alpha="alpha: 1.0"), symbolic=["alpha"])
    (f,) = report.findings
    assert "at alpha = 2" in f.message  # the file's value passes; a larger alpha, checked exactly, does not
    assert f.hint.startswith("alpha has no `max` under `vars:`")


def test_a_symbolic_budget_is_compared_exactly(tmp_path):
    # 539492352 a^2 + 29248000 a <= 600M a^2  <=>  a >= 29248000/60507648 (about 0.483)
    fails = convcost.check(mobilenet(tmp_path, budget='macs: "600M*alpha**2"'), symbolic=["alpha"])
    (f,) = fails.findings
    assert f.message.endswith("(= 37,500,000 there): they are 41,030,272 at alpha = 1/4")
    proven = convcost.check(mobilenet(tmp_path, alpha="alpha: {value: 1.0, min: 0.5, max: 1}",
                                      budget='macs: "600M*alpha**2"'), symbolic=["alpha"])
    assert proven.ok and proven.outcome("budget.macs").status is Status.PASSED


def test_a_symbolic_budget_that_differs_by_a_constant(tmp_path):
    path = mobilenet(tmp_path, budget='macs: "539492352*alpha**2 + 29248000*alpha - 1"')
    (f,) = convcost.check(path, symbolic=["alpha"]).findings
    assert f.message.endswith("exceed the budget of 539492352*alpha**2 + 29248000*alpha - 1 for every value "
                              "of the vars")


def test_integer_var_range(tmp_path):
    path = mobilenet(tmp_path, alpha="alpha: 1.0", res="{value: 224, min: 96, max: 224}", budget="macs: 570M")
    assert convcost.check(path, symbolic=["res"]).ok
    path = mobilenet(tmp_path, alpha="alpha: 1.0", res="{value: 160, min: 96, max: 256}", budget="macs: 570M")
    (f,) = convcost.check(path, symbolic=["res"]).findings
    assert f.message.endswith("at res = 256")


def test_what_cannot_be_decided_is_reported_undecided_not_guessed(tmp_path):
    # True (221,184 alpha + 2,359,296 alpha*beta stays under 20M alpha), but beyond the procedure: two vars
    # and a symbolic limit. It must say so rather than guess. Likewise the expectation: floor(32*beta) and
    # 32*beta agree at every point tried (the file's value, the range ends) but not at beta = 0.3.
    path = tmp_path / "net.yaml"
    path.write_text(textwrap.dedent(f"""\
        vars: {{{BOUNDED}, beta: {{value: 1.0, min: 0.25, max: 1}}}}
        input: [3, 16, 16]
        budget: {{macs: "20M*alpha"}}
        layers:
          - conv: {{name: c, out: "32*alpha", kernel: 3, padding: 1}}
          - conv: {{name: d, out: "32*beta", kernel: 3, padding: 1,
                    expect: {{output: ["floor(32*beta)", 16, 16]}}}}
        """))
    report = convcost.check(str(path), symbolic=["alpha", "beta"])
    assert report.ok  # undecided is not a failure without --strict
    assert [(f.check, f.severity.value, f.line, f.column) for f in report.findings] == [
        ("budget.macs", "undecided", 3, 16), ("expect.output", "undecided", 7, 30)]
    assert report.findings[0].message.startswith("cannot decide whether network mult-adds ")
    assert report.findings[0].message.endswith("for every allowed value of alpha, beta")
    assert report.outcome("budget.macs").status is Status.UNDECIDED
    assert report.findings[0].hint.startswith("convcost can neither prove nor refute it over these ranges")
    strict = convcost.check(str(path), symbolic=["alpha", "beta"], strict=True)
    assert not strict.ok and {f.severity for f in strict.findings} == {Severity.ERROR}
    assert convcost.check(str(path), symbolic=["alpha"]).outcome("budget.macs").status is Status.PASSED


def test_symbolic_stride_is_undecided(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text("vars: {res: 33}\ninput: [3, res, res]\nlayers:\n  - maxpool: {kernel: 2}\n"
                    "  - conv: {out: 8, kernel: 3, stride: 2, padding: 1}\n")
    (f,) = convcost.check(str(path), symbolic=["res"]).findings
    assert (f.check, f.severity, f.line) == ("shape.stride", Severity.UNDECIDED, 4)
    (odd,) = convcost.check(str(path)).findings  # 2x2/2 on 33 rows reads rows 0 to 31: row 32 is lost
    assert odd.severity is Severity.WARNING
    assert odd.message.endswith("the last input row and column are never read")
    assert convcost.check(str(path), set={"res": 32}).findings == ()  # ... and on 32 rows reads them all
    path.write_text("vars: {res: 32}\ninput: [3, res, 33]\nlayers:\n  - maxpool: {kernel: 2}\n")
    undecided, warning = convcost.check(str(path), symbolic=["res"]).findings  # height open, width known
    assert (undecided.severity, warning.severity) == (Severity.UNDECIDED, Severity.WARNING)
    assert "input height unread" in undecided.message and "width 33 gives 16.5" in warning.message
    assert warning.hint.startswith("pad so that")


# -- the decision procedure itself -------------------------------------------------------------


A = sympy.Symbol("a", positive=True)
N = sympy.Symbol("n", positive=True, integer=True)
SPACE = {"a": Range("a", A, Fraction(1, 4), False, 1, False, Fraction(1, 4)),
         "n": Range("n", N, 1, False, 10, True, 3)}


@pytest.mark.parametrize("value, limit, holds, witness", [
    (10 * A**2 - 10 * A + 3, 5, True, None),  # not monotone: solved exactly
    (Fraction(3, 5), 10 * A**2 - 10 * A + 3, False, {"a": Fraction(1, 2)}),  # dips inside the range
    ((N - 5) ** 2, 25, True, None),  # integer range: enumerated
    ((N - 5) ** 2, 16, False, {"n": 10}),
    (sympy.floor(N / 3) * (7 - N), 4, True, None),
    (A * N, 10, True, None),  # monotone: maximum at the upper corner
    (A * N, 9, False, {"a": 1, "n": 10}),
    (1 / (32 * A) + Fraction(1, 9), Fraction(1, 5), False, {"a": Fraction(1, 4)}),
])
def test_at_most(value, limit, holds, witness):
    decision = at_most(value, limit, SPACE)
    assert decision.holds is holds
    if witness is not None:
        assert decision.witness == witness


def test_at_most_never_guesses():
    piecewise = sympy.Piecewise((A + 1, A < Fraction(1, 2)), (A, True))
    assert at_most(piecewise * sympy.floor(7 * A), 100, SPACE).holds is None
    assert at_most(A, 1, {}).holds is None  # a symbol without a known range


# -- SI counts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text, value", [
    ("600M", 600_000_000), ("4.5M", 4_500_000), ("1.2G", 1_200_000_000), ("300k", 300_000),
    ("4209088", 4_209_088), ("4_209_088", 4_209_088), ("1T", 10**12), ("0.5k", 500), ("2*300k", 600_000),
    (4_209_088, 4_209_088), ("10**9", 10**9), ("0", 0),
])
def test_si_counts_are_exact(text, value):
    result = count(text, "--max-macs")
    assert result == value and type(result) is int


@pytest.mark.parametrize("text, message", [
    ("600m", "unknown suffix 'm'"), ("1.2345k", "whole count"), ("-1", "not be negative"),
    ("abc", "unknown variable"), ("", "cannot parse"), ("1.5", "whole count"), (True, "must be a count"),
])
def test_bad_si_counts(text, message):
    with pytest.raises(ConvcostError, match=message) as info:
        count(text, "--max-macs")
    assert info.value.hint


def test_ratios_and_their_display():
    assert ratio("0.2", "--min-saving") == Fraction(1, 5) and ratio("1/8", "--min-saving") == Fraction(1, 8)
    for bad in ("0", "1.5", "-1", "x"):
        with pytest.raises(ConvcostError):
            ratio(bad, "--min-saving")
    assert [exact_text(v) for v in (Fraction(15, 2), Fraction(1, 5), Fraction(41, 288), 3)] == [
        "7.5", "0.2", "41/288", "3"]
