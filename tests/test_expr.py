"""The whitelisted expression language: exact values, and nothing that could run code."""

from fractions import Fraction

import pytest

from convcost.errors import ConvcostError, LimitExceeded
from convcost.limits import Limits
from convcost.symbolic.expr import evaluate_text


def ev(text, **env):
    return evaluate_text(text, env)


@pytest.mark.parametrize("text,expected", [
    ("1 + 2 * 3", 7),
    ("(1 + 2) * 3", 9),
    ("7 / 2", Fraction(7, 2)),
    ("7 // 2", 3),
    ("-7 // 2", -4),
    ("7 % 3", 1),
    ("2 ** 10", 1024),
    ("2 ** -2", Fraction(1, 4)),
    ("0.75", Fraction(3, 4)),
    ("0.1 + 0.2", Fraction(3, 10)),  # exact, not 0.30000000000000004
    ("1e3", 1000),
    ("floor(7 / 2)", 3),
    ("ceil(7 / 2)", 4),
    ("round(2.5)", 2),  # half to even, as Python's round
    ("round(3.5)", 4),
    ("min(3, 1, 2)", 1),
    ("max(3, 1, 2)", 3),
    ("abs(-4)", 4),
    ("10 ** 30", 10**30),
])
def test_values(text, expected):
    assert ev(text) == expected


def test_vars():
    assert ev("32 * alpha", alpha=Fraction(3, 4)) == 24


@pytest.mark.parametrize("v,divisor,expected", [
    # torchvision's _make_divisible: max(d, int(v + d/2) // d * d), + d if below 0.9 v
    (32 * 0.75, 8, 24), (16 * 0.35, 8, 8), (96 * 1.4, 8, 136), (24 * 0.5, 8, 16), (40 * 0.75, 8, 32),
    (10, 8, 16), (7, 8, 8), (1000, 64, 1024),
])
def test_make_divisible_matches_torchvision(v, divisor, expected):
    def torchvision(v, d):
        new_v = max(d, int(v + d / 2) // d * d)
        return new_v + d if new_v < 0.9 * v else new_v

    assert torchvision(v, divisor) == expected
    assert ev(f"make_divisible({v!r}, {divisor})") == expected


@pytest.mark.parametrize("text", [
    "__import__('os').system('touch /tmp/convcost-pwned')",
    "().__class__.__bases__[0].__subclasses__()",
    "alpha.real",
    "x[0]",
    "lambda: 1",
    "[i for i in range(3)]",
    "open('/etc/passwd')",
    "eval('1')",
    "__builtins__",
    "'abc'",
    "1 if 1 else 2",
    "1 < 2",
    "x := 3",
    "True",
    "f(x=1)",
    "floor",
    "min(*[1, 2])",
])
def test_rejected(text):
    with pytest.raises(ConvcostError):
        ev(text, alpha=1, x=1)


def test_division_by_zero():
    with pytest.raises(ConvcostError, match="division by zero"):
        ev("1 / (2 - 2)")
    with pytest.raises(ConvcostError, match="division by zero"):
        ev("5 % 0")


def test_unknown_name_suggests():
    with pytest.raises(ConvcostError) as e:
        ev("32 * alpah", alpha=1)
    assert e.value.hint == "did you mean 'alpha'?"


def test_exponent_tower_is_refused_quickly():
    with pytest.raises(LimitExceeded, match="exponent"):
        ev("2 ** 2 ** 2 ** 30")


def test_huge_result_is_refused():
    with pytest.raises(LimitExceeded, match="bits"):
        ev("(10 ** 1000) ** 1000")
    with pytest.raises(LimitExceeded):
        ev("*".join(["(10**400)"] * 20))


def test_long_expression_is_refused():
    with pytest.raises(LimitExceeded, match="characters"):
        ev("1+" * 50_000 + "1")


def test_limits_can_be_raised():
    limits = Limits(exponent=5000, int_bits=20_000)
    assert evaluate_text("2 ** 4000", {}, limits) == 2**4000
