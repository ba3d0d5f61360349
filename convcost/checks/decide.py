"""Is `value <= limit` for every allowed value of the vars kept symbolic? True, False, or None.

A var kept symbolic ranges over its declared `min`..`max` (layer-file `vars:`), or over all
positive values (integers for an integer var) where no bound is given. The answer is never a
guess:

- False only with a **witness**: a point inside the ranges where the exact value exceeds the limit
  (the file's own values and the corners of the ranges are tried first), or, for one var and a
  rational function, sympy's exact solution set of the violation;
- True only by proof: sympy's sign facts, a monotone expression evaluated at its upper corner,
  an exact solution set, or (integer vars, small ranges) exhaustive exact evaluation;
- None otherwise: the caller reports it as undecided.

sympy is imported only when a value is symbolic, so numeric runs never load it through here.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple

from ..layerfile.model import Spec
from ..symbolic import arith
from ..symbolic.arith import Value

ENUMERATE_AT_MOST = 4096  # integer points evaluated exactly before giving up
GROWTH_STEPS = 64  # doublings tried when looking for a witness beyond the file's values


@dataclass(frozen=True, slots=True)
class Range:
    """Where a symbolic var may be: low..high (low excluded when `low_open`; no high: unbounded)."""

    name: str
    symbol: Any
    low: Value
    low_open: bool
    high: Value | None
    integer: bool
    default: Value  # the value written in the file (or given with --set)

    def contains(self, v: Value) -> bool:
        return ((v > self.low or (v == self.low and not self.low_open))
                and (self.high is None or v <= self.high) and (not self.integer or arith.is_integer(v)))

    def describe(self) -> str:
        """'1/4 <= alpha <= 1', '0 < alpha', '1 <= res (integer)'."""
        text = f"{self.low} {'<' if self.low_open else '<='} {self.name}"
        high = f" <= {self.high}" if self.high is not None else ""
        return text + high + (" (integer)" if self.integer else "")


def ranges(spec: Spec) -> dict[str, Range]:
    """The ranges of the vars the spec keeps symbolic, from their `min`/`max` (numeric bounds only)."""
    out = {}
    for var in spec.vars.values():
        if not var.symbolic:
            continue
        lo = var.minimum if arith.is_number(var.minimum) else None
        hi = var.maximum if arith.is_number(var.maximum) else None
        if var.integer:
            low, low_open = max(1, arith.ceil(lo) if lo is not None else 1), False
            high = arith.floor(hi) if hi is not None else None
        else:
            low_open = lo is None or lo <= 0
            low, high = (0 if low_open else lo), hi
        out[var.name] = Range(var.name, var.value, low, low_open, high, var.integer, var.default)
    return out


@dataclass(frozen=True, slots=True)
class Decision:
    holds: bool | None
    witness: Mapping[str, Value] | None = None  # var values where it fails
    at: Value | None = None  # the value there; when it holds by monotonicity, its maximum
    where: str = ""  # when False without a single witness: the set of failing values

    def describe_witness(self) -> str:
        return ", ".join(f"{k} = {v}" for k, v in (self.witness or {}).items())


class _Search(NamedTuple):
    """A question about `expr` over the ranges of its symbols: `refuted(point)` is the Decision
    False (with the witness and `shown`'s value there) where `fails(expr's value)`, else None."""

    symbols: list
    ranges: list[Range]
    refuted: Callable[[dict], Decision | None]


def _search(expr, shown: Value, space: Mapping[str, Range], fails: Callable[[Value], bool]) -> _Search | None:
    symbols = sorted(expr.free_symbols, key=str)
    if any(str(s) not in space for s in symbols):
        return None
    rs = [space[str(s)] for s in symbols]
    expr_at, shown_at = _evaluator(expr), _evaluator(shown)

    def refuted(point: dict) -> Decision | None:
        v = expr_at(point)
        if v is not None and fails(v):
            return Decision(False, {r.name: point[r.symbol] for r in rs}, shown_at(point))
        return None

    return _Search(symbols, rs, refuted)


def _first_witness(search: _Search) -> Decision | None:
    """A counterexample at a place known to be allowed: the file's values, the corners, further out."""
    for point in _points(search.ranges) + _growing(search.ranges):
        if (found := search.refuted(point)) is not None:
            return found
    return None


def _enumerated(search: _Search) -> Decision | None:
    """Every point of small integer ranges: False with the first witness, else True; None when the
    ranges are not all integer and small."""
    rs = search.ranges
    if not all(r.integer and r.high is not None for r in rs) or \
            math.prod(int(r.high - r.low + 1) for r in rs) > ENUMERATE_AT_MOST:
        return None
    for values in itertools.product(*[range(int(r.low), int(r.high) + 1) for r in rs]):
        if (found := search.refuted(dict(zip(search.symbols, values, strict=True)))) is not None:
            return found
    return Decision(True)


def at_most(value: Value, limit: Value, space: Mapping[str, Range]) -> Decision:
    """Decide value <= limit over the ranges in `space` (see the module docstring)."""
    gap = arith.sub(limit, value)
    if arith.is_number(gap):  # the symbols cancel out
        return Decision(gap >= 0, where="" if gap >= 0 else "every value of the vars")
    search = _search(gap, value, space, lambda g: g < 0)
    if search is None:
        return Decision(None)
    if (found := _first_witness(search)) is not None:
        return found
    if arith.is_nonnegative(gap):
        return Decision(True)
    rs, value_of = search.ranges, _evaluator(value)
    free = [r for r in rs if not arith.is_number(value) and r.symbol in value.free_symbols]
    if arith.is_number(limit) and all(r.high is not None for r in free) and \
            _nondecreasing(value, {r.symbol: r.low for r in rs}):
        top = {r.symbol: r.high for r in free}  # the maximum of a nondecreasing value
        highest = value_of(top)
        if highest is not None:
            if highest > limit:
                return Decision(False, {r.name: r.high for r in free}, highest)
            return Decision(True, {r.name: r.high for r in free}, highest)
    if len(rs) == 1 and gap.is_rational_function(rs[0].symbol):
        decided = _one_var(gap, rs[0], search.refuted)
        if decided is not None:
            return decided
    return _enumerated(search) or Decision(None)


def equal_everywhere(actual: Value, expected: Value, space: Mapping[str, Range]) -> Decision:
    """Decide actual == expected for every allowed value of the vars: True (proven), False with a
    checked witness (found the way budgets find theirs: the file's values, the corners of the ranges,
    further out, then the pieces between the roots of a one-var rational function, or every point of
    small integer ranges), or None."""
    same = arith.equal(actual, expected)
    if same is not None:
        return Decision(same, where="" if same else "every value of the vars")
    diff = arith.sub(actual, expected)
    search = _search(diff, actual, space, lambda d: d != 0)
    if search is None:
        return Decision(None)
    if (found := _first_witness(search)) is not None:
        return found
    rs = search.ranges
    if len(rs) == 1 and diff.is_rational_function(rs[0].symbol):
        # a nonzero rational function has finitely many roots: a point of each piece between them
        # shows it is not zero; when none does, it is zero (its numerator cancels).
        decided = _one_var(diff, rs[0], search.refuted)
        if decided is not None and decided.holds is False:
            return decided
        import sympy

        if sympy.cancel(sympy.together(diff)) == 0:
            return Decision(True)
    return _enumerated(search) or Decision(None)


def value_at(expr: Value, witness: Mapping[str, Value]) -> Value | None:
    """The exact value of `expr` where the vars take the values in `witness` (by name)."""
    if arith.is_number(expr):
        return expr
    return _evaluator(expr)({s: witness[str(s)] for s in expr.free_symbols if str(s) in witness})


def _points(rs: Sequence[Range]) -> list[dict]:
    """The file's values, then the corners of the ranges (each var at its low or its high end)."""
    symbols = [r.symbol for r in rs]
    points = []
    if all(r.contains(r.default) for r in rs):
        points.append(dict(zip(symbols, [r.default for r in rs], strict=True)))
    ends = [[v for v in ((None if r.low_open else r.low), r.high) if v is not None] for r in rs]
    if len(rs) <= 8:
        points += [dict(zip(symbols, corner, strict=True)) for corner in itertools.product(*ends)]
    return points


def _growing(rs: Sequence[Range]) -> list[dict]:
    """Points further and further out along the unbounded vars (bounded ones at their high end)."""
    if all(r.high is not None for r in rs):
        return []
    def start(r: Range) -> Value:
        return r.high if r.high is not None else r.default if r.contains(r.default) else max(r.low, 1)

    return [{r.symbol: start(r) if r.high is not None else arith.mul(start(r), 2**k) for r in rs}
            for k in range(1, GROWTH_STEPS + 1)]


ROOT_DEGREE_AT_MOST = 32  # degree of numerator x denominator whose real roots are isolated exactly
ROOT_BITS_AT_MOST = 8192  # bits of the largest coefficient there (root isolation grows with both)


def _one_var(gap, r: Range, refuted: Callable[[dict], Decision | None]) -> Decision | None:
    """One var and a rational function: decided exactly by isolating the real roots of its numerator
    and denominator (sympy's exact, polynomial-time root isolation) and testing one simple rational
    (or integer) point in each piece between them, where the sign cannot change. Bounded: beyond
    ROOT_DEGREE_AT_MOST or ROOT_BITS_AT_MOST it answers None (undecided) without trying."""
    import sympy

    x = r.symbol
    try:
        num, den = sympy.fraction(sympy.together(gap))
        p, q = sympy.Poly(num, x, domain="QQ"), sympy.Poly(den, x, domain="QQ")
    except (sympy.PolynomialError, sympy.GeneratorsNeeded, ValueError):
        return None
    coefficients = [Fraction(int(c.p), int(c.q)) for c in (*p.coeffs(), *q.coeffs())]
    bits = max(c.numerator.bit_length() + c.denominator.bit_length() for c in coefficients)
    if p.degree() + q.degree() > ROOT_DEGREE_AT_MOST or bits > ROOT_BITS_AT_MOST:
        return None
    p_roots, q_roots = _isolated_roots(p), _isolated_roots(q)
    if any(r.contains(point) for point in _piece_points(q_roots, r, inside=True)):
        return None  # the denominator may vanish inside the range: the value is undefined there
    for point in _piece_points(sorted(p_roots + q_roots), r):
        if (found := refuted({x: point})) is not None:
            return found
    return Decision(True)


def _isolated_roots(poly) -> list[tuple[Fraction, Fraction]]:
    """Disjoint rational intervals, one around each real root (narrower than 2**-16)."""
    import sympy

    if poly.degree() <= 0:
        return []
    return [(Fraction(int(a.p), int(a.q)), Fraction(int(b.p), int(b.q)))
            for (a, b), _ in poly.intervals(eps=sympy.Rational(1, 2**16))]


def _piece_points(roots: list[tuple[Fraction, Fraction]], r: Range, inside: bool = False) -> list[Value]:
    """Points of the range, one in each piece between the isolated roots (a rational function keeps
    its sign there), plus the range's closed ends; for an integer var, one integer per piece and
    every integer inside a root's narrow isolating interval. With `inside`, only the latter kind:
    the points of the root intervals themselves (their ends and the integers in them)."""
    low = Fraction(r.low)
    high = None if r.high is None else Fraction(r.high)
    points: list[Value] = []
    if inside:
        for a, b in roots:
            points += [a, b, *range(math.ceil(a), math.floor(b) + 1)]
        return [arith.normalize(v) for v in points]
    cuts = sorted({low, *(c for iv in roots for c in iv if c > low and (high is None or c < high))})
    ends = [*cuts, high if high is not None else max(cuts[-1], 1) * 2 + 1]
    for a, b in zip(ends, ends[1:], strict=False):
        if r.integer:
            first = math.floor(a) + 1
            if first <= b:
                points.append(first)
        elif a < b:
            points.append(_simplest_between(a, b))
    if r.integer:
        for a, b in roots:
            points += range(math.ceil(a), math.floor(b) + 1)
    if not r.low_open:
        points.append(low)
    if high is not None:
        points.append(high)
    return [v for v in (arith.normalize(p) for p in dict.fromkeys(points)) if r.contains(v)]


def _simplest_between(a: Fraction, b: Fraction) -> Fraction:
    """The rational with the smallest denominator strictly between a < b (a Stern-Brocot walk)."""
    floor_a = math.floor(a)
    if floor_a + 1 < b:
        return Fraction(floor_a + 1)
    if a == floor_a:  # an integer a: the simplest is a + 1/k with the smallest k that stays below b
        return a + Fraction(1, math.floor(1 / (b - a)) + 1)
    # the same integer part: recurse on the reciprocals of the fractional parts (the order flips)
    return floor_a + 1 / _simplest_between(1 / (b - floor_a), 1 / (a - floor_a))


def _nondecreasing(expr, low: Mapping) -> bool:
    """Provably nondecreasing in every symbol on the ranges (whose lower corner is `low`): sums of
    such, products of such that are non-negative at `low`, positive integer powers, floor, ceiling,
    min and max of such."""
    import sympy

    from ..symbolic.functions import make_divisible, slim_depth

    if expr.is_Number or expr.is_Symbol:
        return True
    if expr.is_Add or isinstance(expr, (sympy.floor, sympy.ceiling, sympy.Max, sympy.Min)):
        return all(_nondecreasing(a, low) for a in expr.args)
    if isinstance(expr, (make_divisible, slim_depth)):  # nondecreasing in its value; the rest fixed
        return _nondecreasing(expr.args[0], low) and all(a.is_Number for a in expr.args[1:])
    if expr.is_Mul:
        return all(_nondecreasing(a, low) and _non_negative_at(a, low) for a in expr.args)
    if expr.is_Pow:
        base, exp = expr.args
        return bool(exp.is_Integer and exp > 0 and _nondecreasing(base, low) and _non_negative_at(base, low))
    return False


def _non_negative_at(expr, low: Mapping) -> bool:
    v = _evaluator(expr)(dict(low))
    return v is not None and v >= 0


class _Unsupported(Exception):
    pass


def _evaluator(expr) -> Callable[[Mapping], Value | None]:
    """Exact evaluation at a point of rationals: our own walk over the sympy tree (fast, no floats,
    no eval), falling back to sympy's subs for anything unusual; None if not a number there."""
    if arith.is_number(expr):
        return lambda point: expr
    try:
        fn = _compile(expr)
    except _Unsupported:
        fn = None

    def at(point: Mapping) -> Value | None:
        try:
            if fn is not None:
                return arith.normalize(fn(point))
            v = arith.normalize(expr.subs({s: arith.to_sympy(x) for s, x in point.items()}))
        except (ZeroDivisionError, KeyError, TypeError):
            return None
        return v if arith.is_number(v) else None

    return at


def _compile(expr) -> Callable[[Mapping], Any]:
    import sympy

    if expr.is_Symbol:
        return lambda p: p[expr]
    if expr.is_Rational:
        v = arith.normalize(expr)
        return lambda p: v
    parts = [_compile(a) for a in expr.args]
    if expr.is_Add:
        return lambda p: sum(Fraction(f(p)) for f in parts)
    if expr.is_Mul:
        return lambda p: math.prod(Fraction(f(p)) for f in parts)
    if expr.is_Pow and expr.exp.is_Integer:
        base, exp = parts[0], int(expr.exp)
        return lambda p: Fraction(base(p)) ** exp
    from ..symbolic.functions import make_divisible, slim_depth
    from ..symbolic.rounding import make_divisible_number, slim_depth_number

    simple: dict[type, Callable] = {sympy.floor: math.floor, sympy.ceiling: math.ceil,
                                    sympy.Max: max, sympy.Min: min, sympy.Mod: lambda a, b: a % b,
                                    make_divisible: make_divisible_number, slim_depth: slim_depth_number}
    for kind, fn in simple.items():
        if isinstance(expr, kind):
            return lambda p: fn(*(Fraction(f(p)) for f in parts))
    raise _Unsupported(type(expr).__name__)
