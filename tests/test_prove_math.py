"""The derivation's mathematics, checked independently of the code that builds and verifies it.

Every step of `convcost prove --format json` is parsed back with sympy (with this file's own symbols) and
compared with a closed form written out here by hand, and with brute-force counting and integer
arithmetic on grids of small sizes. Nothing here calls convcost's formulas or its verify().
"""

from __future__ import annotations

import itertools
import json
from fractions import Fraction

import pytest
import sympy
from click.testing import CliRunner
from sympy.parsing.sympy_parser import parse_expr

from convcost.cli import main

_POS = {"integer": True, "positive": True}
M, N, Dk, Dkp, Do, Dop = (sympy.Symbol(s, **_POS) for s in ("M", "N", "Dk", "Dkp", "Do", "Dop"))
alpha, rho = sympy.Symbol("alpha", positive=True), sympy.Symbol("rho", positive=True)
NAMES = {"M": M, "N": N, "Dk": Dk, "Dkp": Dkp, "Do": Do, "Dop": Dop, "alpha": alpha, "rho": rho}
BOUND = {"p", "n", "w", "m", "a", "b"}  # summation indices and the slack variables of one step


def parse(text: str) -> sympy.Basic:
    """Parse our own JSON output (sympy syntax); the names must mean this file's symbols."""
    return parse_expr(text, local_dict=dict(NAMES))


@pytest.fixture(scope="module")
def data() -> dict:
    res = CliRunner().invoke(main, ["prove", "--bias", "--multipliers", "--format", "json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


@pytest.fixture(scope="module")
def steps(data) -> dict[str, dict]:
    return {s["key"]: s for s in data["steps"]}


ARGS = (M, N, Dk, Dkp, Do, Dop, alpha, rho)
_RELATIONS = {
    sympy.StrictGreaterThan: lambda a, b: a > b,
    sympy.StrictLessThan: lambda a, b: a < b,
    sympy.GreaterThan: lambda a, b: a >= b,
    sympy.LessThan: lambda a, b: a <= b,
}


def exact(expr: sympy.Basic, env: dict) -> Fraction | bool:
    """Evaluate a parsed expression with Python Fractions: a small interpreter of its own, so the check
    does not lean on sympy's simplification (sums become loops, relations comparisons)."""
    if isinstance(expr, sympy.Symbol):
        return env[expr]
    if isinstance(expr, sympy.Rational):  # Integer too
        return Fraction(int(expr.p), int(expr.q))
    if isinstance(expr, sympy.Add):
        return sum((exact(a, env) for a in expr.args), Fraction(0))
    if isinstance(expr, sympy.Mul):
        out = Fraction(1)
        for a in expr.args:
            out *= exact(a, env)
        return out
    if isinstance(expr, sympy.Pow):
        assert expr.exp.is_Integer
        return exact(expr.base, env) ** int(expr.exp)
    if isinstance(expr, sympy.Sum):

        def loop(limits, env):
            if not limits:
                return exact(expr.function, env)
            (i, low, high), rest = limits[-1], limits[:-1]  # the last limit is the outermost sum
            total = Fraction(0)
            for k in range(int(exact(low, env)), int(exact(high, env)) + 1):
                total += loop(rest, {**env, i: Fraction(k)})
            return total

        return loop(list(expr.limits), env)
    if isinstance(expr, sympy.Subs):
        inner = dict(env)
        inner.update({var: exact(point, env) for var, point in zip(expr.variables, expr.point, strict=True)})
        return exact(expr.expr, inner)
    if type(expr) in _RELATIONS:
        return _RELATIONS[type(expr)](exact(expr.lhs, env), exact(expr.rhs, env))
    raise TypeError(f"no exact evaluation for {type(expr).__name__}: {expr}")


def evaluator(expr: sympy.Basic):
    """``expr`` as a function of (M, N, Dk, Dk', Do, Do', alpha, rho), evaluated exactly by :func:`exact`."""
    return lambda *args: exact(expr, dict(zip(ARGS, args, strict=True)))


def F(*values) -> list[Fraction]:  # noqa: N802
    return [Fraction(v) for v in values]


def is_zero(expr) -> bool:
    return sympy.simplify(sympy.expand(expr.doit())) == 0


# Closed forms written out by hand: K = Dk*Dk' kernel elements.
K = Dk * Dkp
EQUATIONS = {
    "standard.params": K * M * N,
    "standard.macs": K * M * N * Do * Dop,
    "depthwise.params": K * M,
    "depthwise.macs": K * M * Do * Dop,
    "pointwise.params": M * N,
    "pointwise.macs": M * N * Do * Dop,
    "separable.macs": K * M * Do * Dop + M * N * Do * Dop,
    "separable.params": K * M + M * N,
    "ratio.macs.cancel": (K + N) / (K * N),
    "ratio.macs": sympy.Rational(1) / N + sympy.Rational(1) / K,
    "ratio.params": sympy.Rational(1) / N + sympy.Rational(1) / K,
    "cheaper.difference": K * M * N * Do * Dop - (K * M * Do * Dop + M * N * Do * Dop),
    "counterexample.equal": sympy.Integer(1),
    "counterexample.kernel_1x1.ratio": 1 + sympy.Rational(1) / N,
    "counterexample.n_1.ratio": 1 + sympy.Rational(1) / K,
    "bias.standard.params": K * M * N + N,
    "bias.separable.params": K * M + M + M * N + N,
    "bias.ratio.params": (K * M + M + M * N + N) / (K * M * N + N),
    "bias.difference": (K * M * N + N) - (K * M + M + M * N + N),
    "bias.ratio.macs": sympy.Rational(1) / N + sympy.Rational(1) / K,
    # MobileNet: Dk*Dk'*aM*rDo*rDo' + aM*aN*rDo*rDo' (paper, eq. 6 and 7).
    "multipliers.separable.macs": K * (alpha * M) * (rho * Do) * (rho * Dop)
    + (alpha * M) * (alpha * N) * (rho * Do) * (rho * Dop),
    "multipliers.standard.macs": K * (alpha * M) * (alpha * N) * (rho * Do) * (rho * Dop),
    "multipliers.scaling": (K * alpha * M * rho**2 * Do * Dop + alpha**2 * M * N * rho**2 * Do * Dop)
    / (K * M * Do * Dop + M * N * Do * Dop),
    "multipliers.ratio": 1 / (alpha * N) + 1 / K,
    "multipliers.separable.params": K * alpha * M + alpha * M * alpha * N,
}
INEQUALITIES = {  # key: (expected lhs, expected rhs) of "lhs > rhs"
    "cheaper.factor_positive": (M * Do * Dop, 0),
    "counterexample.kernel_1x1": (1 + sympy.Rational(1) / N, 1),
    "counterexample.n_1": (1 + sympy.Rational(1) / K, 1),
}


def test_every_step_is_accounted_for_here(steps):
    known = set(EQUATIONS) | set(INEQUALITIES) | {
        "cheaper.macs", "cheaper.params", "cheaper.sufficient", "bias.cheaper.params",
    }  # fmt: skip
    assert set(steps) == known


@pytest.mark.parametrize("key", sorted(EQUATIONS))
def test_equation_sides_match_hand_written_closed_form(steps, key):
    step = steps[key]
    assert step["relation"] == "="
    assert step["verified"] is True
    expected = EQUATIONS[key]
    lhs, rhs = parse(step["lhs"]), parse(step["rhs"])
    assert is_zero(lhs - expected), (key, lhs)
    assert is_zero(rhs - expected), (key, rhs)


@pytest.mark.parametrize("key", sorted(EQUATIONS))
def test_equation_holds_at_integer_points_exactly(steps, key):
    """Independent of simplify: both sides agree at many positive-integer points, in exact arithmetic."""
    step = steps[key]
    lhs, rhs = evaluator(parse(step["lhs"])), evaluator(parse(step["rhs"]))
    points = itertools.product((1, 2, 3), (1, 2, 5), (1, 3), (1, 2), (1, 7), (2, 3))
    for point in points:
        args = F(*point, Fraction(3, 4), Fraction(5, 7))
        assert lhs(*args) == rhs(*args), (key, point)


@pytest.mark.parametrize("key", sorted(INEQUALITIES))
def test_inequality_sides(steps, key):
    step = steps[key]
    assert step["relation"] == ">"
    assert step["verified"] is True
    want_lhs, want_rhs = INEQUALITIES[key]
    lhs, rhs = parse(step["lhs"]), parse(step["rhs"])
    assert is_zero(lhs - want_lhs) and is_zero(rhs - want_rhs)
    lhs_at, rhs_at = evaluator(lhs), evaluator(rhs)
    for n, dk, dkp, m, do in itertools.product(range(1, 9), range(1, 5), range(1, 5), (1, 4), (1, 3)):
        args = F(m, n, dk, dkp, do, do, 1, 1)
        assert lhs_at(*args) > rhs_at(*args)


def test_sufficient_condition_step(steps):
    step = steps["cheaper.sufficient"]
    a, b = sympy.symbols("a b", integer=True, nonnegative=True)
    lhs = parse_expr(step["lhs"], local_dict={"a": a, "b": b})
    assert sympy.expand(lhs - (a + 1) * (b + 2)) == 0  # N - 1 = a + 1, Dk*Dk' - 1 = b + 2
    assert parse(step["rhs"]) == 1
    assert step["verified"] is True


@pytest.mark.parametrize("key", ["cheaper.macs", "cheaper.params", "bias.cheaper.params"])
def test_equivalences_agree_on_a_grid(steps, key):
    step = steps[key]
    assert step["relation"] == "<=>" and step["verified"] is True
    left, right = evaluator(parse(step["lhs"])), evaluator(parse(step["rhs"]))
    for n, dk, dkp, m, do in itertools.product(range(1, 12), range(1, 5), range(1, 5), (1, 3), (1, 2)):
        args = F(m, n, dk, dkp, do, do + 1, 1, 1)
        assert left(*args) == right(*args), (key, args)


def _brute_cheaper(n: int, dk: int, dkp: int, m: int = 1, do: int = 1, dop: int = 1) -> bool:
    standard = dk * dkp * m * n * do * dop
    separable = dk * dkp * m * do * dop + m * n * do * dop
    return separable < standard


def test_cheaper_when_matches_brute_force_over_a_grid(data):
    condition = parse(data["cheaper_when"])
    assert condition.free_symbols <= {N, Dk, Dkp}
    holds = evaluator(condition)
    for n, dk, dkp in itertools.product(range(1, 41), range(1, 8), range(1, 8)):
        assert holds(*F(1, n, dk, dkp, 1, 1, 1, 1)) == _brute_cheaper(n, dk, dkp), (n, dk, dkp)
    # ... and the answer does not depend on M or the output size.
    for n, dk, dkp, m, do in itertools.product(range(1, 6), range(1, 4), range(1, 4), (1, 7), (1, 5)):
        assert holds(*F(m, n, dk, dkp, do, do, 1, 1)) == _brute_cheaper(n, dk, dkp, m, do, do)
    # A few points through sympy's own relational evaluation as well.
    for n, dk, dkp in ((1, 3, 3), (2, 1, 2), (2, 3, 1), (3, 1, 2), (512, 3, 3), (7, 1, 1)):
        value = condition.subs({N: n, Dk: dk, Dkp: dkp})
        assert value is (sympy.true if _brute_cheaper(n, dk, dkp) else sympy.false)


def test_ratio_is_plain_integer_arithmetic(data):
    ratio = evaluator(parse(data["ratio"]))
    for n, dk, dkp in itertools.product(range(1, 30), range(1, 6), range(1, 6)):
        expected = Fraction(dk * dkp * 1 + n * 1, dk * dkp * n)  # separable / standard with M = Do = Do' = 1
        assert ratio(*F(1, n, dk, dkp, 1, 1, 1, 1)) == expected


# ---- counting by brute force: a direct convolution loop, one tick per multiply-accumulate


def _count_standard(m, n, kh, kw, ho, wo):
    macs, weights = 0, set()
    for o, _y, _x in itertools.product(range(n), range(ho), range(wo)):
        for c, u, v in itertools.product(range(m), range(kh), range(kw)):
            macs += 1  # out[o, y, x] += W[o, c, u, v] * in[c, y + u, x + v]
            weights.add((o, c, u, v))
    return len(weights), macs


def _count_depthwise(m, kh, kw, ho, wo):
    macs, weights = 0, set()
    for c, _y, _x in itertools.product(range(m), range(ho), range(wo)):
        for u, v in itertools.product(range(kh), range(kw)):
            macs += 1  # out[c, y, x] += W[c, u, v] * in[c, y + u, x + v]
            weights.add((c, u, v))
    return len(weights), macs


def _count_pointwise(m, n, ho, wo):
    macs, weights = 0, set()
    for o, _y, _x in itertools.product(range(n), range(ho), range(wo)):
        for c in range(m):
            macs += 1  # out[o, y, x] += W[o, c] * in[c, y, x]
            weights.add((o, c))
    return len(weights), macs


@pytest.mark.parametrize(
    "m,n,kh,kw,ho,wo", [(1, 1, 1, 1, 1, 1), (2, 3, 3, 3, 2, 2), (3, 2, 1, 5, 3, 1), (4, 5, 2, 3, 1, 2)]
)
def test_counting_steps_match_a_direct_convolution_loop(steps, m, n, kh, kw, ho, wo):
    def value(key: str, side: str) -> int:
        return evaluator(parse(steps[key][side]))(*F(m, n, kh, kw, ho, wo, 1, 1))

    std_params, std_macs = _count_standard(m, n, kh, kw, ho, wo)
    dw_params, dw_macs = _count_depthwise(m, kh, kw, ho, wo)
    pw_params, pw_macs = _count_pointwise(m, n, ho, wo)
    for side in ("lhs", "rhs"):
        assert value("standard.params", side) == std_params
        assert value("standard.macs", side) == std_macs
        assert value("depthwise.params", side) == dw_params
        assert value("depthwise.macs", side) == dw_macs
        assert value("pointwise.params", side) == pw_params
        assert value("pointwise.macs", side) == pw_macs
        assert value("separable.macs", side) == dw_macs + pw_macs
        assert value("separable.params", side) == dw_params + pw_params
        assert value("bias.standard.params", side) == std_params + n
        assert value("bias.separable.params", side) == dw_params + m + pw_params + n


def test_expressions_use_only_the_documented_names(data):
    allowed = {str(s) for s in NAMES.values()} | BOUND
    for step in data["steps"]:
        for side in ("lhs", "rhs"):
            names = {str(s) for s in parse(step[side]).atoms(sympy.Symbol)}
            assert names <= allowed, (step["key"], names)
