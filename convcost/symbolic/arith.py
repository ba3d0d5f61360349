"""Exact arithmetic on values that are Python ints, Fractions, or sympy expressions.

Numeric runs never import sympy: every helper here works on ints and Fractions directly and only
touches sympy when one of its arguments already is a sympy object (which only happens when the
user asked for a symbol). Results that sympy can pin down to a number come back as int/Fraction.
"""

from __future__ import annotations

import sys
from fractions import Fraction
from functools import lru_cache
from typing import Any

Value = Any  # int | Fraction | sympy.Expr

NUMBER_TYPES = (int, Fraction)


def is_number(x: Value) -> bool:
    if type(x) is int:  # by far the most common value: decided without isinstance
        return True
    return isinstance(x, NUMBER_TYPES) and not isinstance(x, bool)


def is_symbolic(x: Value) -> bool:
    return not isinstance(x, NUMBER_TYPES)


def sympy_loaded() -> bool:
    return "sympy" in sys.modules


def to_sympy(x: Value):
    import sympy

    if isinstance(x, int):
        return sympy.Integer(x)
    if isinstance(x, Fraction):
        return sympy.Rational(x.numerator, x.denominator)
    return x


def normalize(x: Value) -> Value:
    """Fractions with denominator 1 become ints; sympy numbers become int/Fraction."""
    if isinstance(x, int):
        return x
    if isinstance(x, Fraction):
        return x.numerator if x.denominator == 1 else x
    if getattr(x, "is_Integer", False):
        return int(x)
    if getattr(x, "is_Rational", False):
        return Fraction(int(x.p), int(x.q))
    return x


def add(a: Value, b: Value) -> Value:
    if type(a) is int and type(b) is int:  # the hot path of every numeric run
        return a + b
    if is_number(a) and is_number(b):
        return normalize(a + b)
    return normalize(to_sympy(a) + to_sympy(b))


def sub(a: Value, b: Value) -> Value:
    if type(a) is int and type(b) is int:
        return a - b
    if is_number(a) and is_number(b):
        return normalize(a - b)
    return normalize(to_sympy(a) - to_sympy(b))


def mul(a: Value, b: Value) -> Value:
    if type(a) is int and type(b) is int:
        return a * b
    if is_number(a) and is_number(b):
        return normalize(a * b)
    return normalize(to_sympy(a) * to_sympy(b))


def div(a: Value, b: Value) -> Value:
    """Exact division (caller guarantees b is not zero)."""
    if type(a) is int and type(b) is int:
        q, r = divmod(a, b)
        return q if r == 0 else _fraction(a, b)
    if is_number(a) and is_number(b):
        return normalize(Fraction(a) / Fraction(b))
    return normalize(to_sympy(a) / to_sympy(b))


@lru_cache(maxsize=4096)
def _fraction(a: int, b: int) -> Fraction:
    # Networks repeat their blocks, and with them the same ratios; building a Fraction (Python
    # code, a gcd) costs ten times a cache hit. Fractions are immutable, so sharing one is safe.
    return Fraction(a, b)


def product(*xs: Value) -> Value:
    out: Value = 1
    for x in xs:
        out = out * x if type(out) is int and type(x) is int else mul(out, x)
    return out


_INT = {int}


def total(xs) -> Value:
    """Sum of many values; a symbolic sum is built in one step (sympy.Add), not term by term."""
    xs = list(xs)
    if set(map(type, xs)) <= _INT:  # a numeric run's totals, summed in C
        return sum(xs)
    nums = 0
    syms = []
    for x in xs:
        if type(x) is int or is_number(x):
            nums += x
        else:
            syms.append(x)
    if not syms:
        return normalize(nums) if isinstance(nums, Fraction) else nums
    import sympy

    return normalize(sympy.Add(to_sympy(nums), *syms))


def floor(x: Value) -> Value:
    if isinstance(x, int):
        return x
    if isinstance(x, Fraction):
        return x.numerator // x.denominator
    import sympy

    return normalize(sympy.floor(x))


def ceil(x: Value) -> Value:
    if isinstance(x, int):
        return x
    if isinstance(x, Fraction):
        return -((-x.numerator) // x.denominator)
    import sympy

    return normalize(sympy.ceiling(x))


def floordiv(a: Value, b: Value) -> Value:
    if type(a) is int and type(b) is int:
        return a // b
    if type(b) is int and b > 0 and is_symbolic(a):
        # floor((floor(u) + c) / b) == floor((u + c) / b) for integers c and b > 0: keeps the sizes
        # of strided stacks compact (floor(res/4 - 1/4) instead of floor(floor(res/2 - 1/2)/2)).
        import sympy

        c, rest = a.as_coeff_Add()
        if c.is_Integer and isinstance(rest, sympy.floor):
            return floor(div(rest.args[0] + c, b))
    return floor(div(a, b))


def ceildiv(a: Value, b: Value) -> Value:
    if type(a) is int and type(b) is int:
        return -((-a) // b)
    return ceil(div(a, b))


def minimum(*xs: Value) -> Value:
    if all(is_number(x) for x in xs):
        return normalize(min(xs))
    import sympy

    return normalize(sympy.Min(*[to_sympy(x) for x in xs]))


def maximum(*xs: Value) -> Value:
    if all(is_number(x) for x in xs):
        return normalize(max(xs))
    import sympy

    return normalize(sympy.Max(*[to_sympy(x) for x in xs]))


def degree_bound(x: Value) -> int:
    """An upper bound on the polynomial degree of `x` in its symbols (0 for a number).

    A product adds its factors' degrees, a power multiplies its base's by the exponent, anything
    else (sums, floor, Min, Piecewise, ...) takes the largest of its arguments. Iterative and
    memoised, so deep or shared subexpressions cost one visit each.
    """
    if is_number(x):
        return 0
    memo: dict = {}
    stack = [x]
    while stack:
        e = stack[-1]
        pending = [a for a in e.args if a not in memo]
        if pending:
            stack += pending
            continue
        stack.pop()
        memo[e] = _degree_of(e, [memo[a] for a in e.args])
    return memo[x]


def _degree_of(e, arg_degrees: list[int]) -> int:
    if e.is_Symbol:
        return 1
    if not arg_degrees:
        return 0
    if e.is_Mul:
        return sum(arg_degrees)
    if e.is_Pow and e.exp.is_Rational:
        return arg_degrees[0] * max(1, -(-abs(e.exp.p) // abs(e.exp.q)))
    if e.is_Pow:
        return sum(arg_degrees)
    return max(arg_degrees)


# Three-valued facts: True, False, or None when a symbolic value leaves it undecided.


def is_integer(x: Value) -> bool | None:
    if isinstance(x, int):
        return True
    if isinstance(x, Fraction):
        return x.denominator == 1
    return x.is_integer


def is_positive(x: Value) -> bool | None:
    if type(x) is int or is_number(x):
        return x > 0
    return x.is_positive


def is_zero(x: Value) -> bool | None:
    if type(x) is int or is_number(x):
        return x == 0
    return x.is_zero


def less_than(a: Value, b: Value) -> bool | None:
    """Is a < b? None when undecided."""
    if type(a) is int and type(b) is int:
        return a < b
    return is_positive(sub(b, a))


def equal(a: Value, b: Value) -> bool | None:
    if type(a) is int and type(b) is int or is_number(a) and is_number(b):
        return a == b
    if a == b:  # structurally identical (the common case: one expression reaching two places)
        return True
    d = sub(a, b)
    if is_number(d):
        return d == 0
    # Assumptions only: sympy.simplify can take seconds on Piecewise/floor expressions
    # (make_divisible of a symbol), and an undecided answer is a valid one here.
    return d.is_zero
