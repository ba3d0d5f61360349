"""Exact arithmetic on values that are Python ints, Fractions, or sympy expressions.

Numeric runs never import sympy: every helper here works on ints and Fractions directly and only
touches sympy when one of its arguments already is a sympy object (which only happens when the
user asked for a symbol). Results that sympy can pin down to a number come back as int/Fraction.

The contract that makes one rule work on numbers and on symbols alike: **questions about a value
are three-valued**. `is_integer`, `is_positive`, `is_zero`, `less_than` and `equal` answer True or
False when that holds for every value the symbols may take (by their assumptions: positive, and
integer where declared), and None when it depends on the symbols. A caller decides on True and
False only and treats None as "undecided" (an error it cannot rule out is not raised; a saving it
cannot prove is not claimed). Never `bool()` or `==` on a symbolic relation: sympy's `==` is
structural, and `bool(x < y)` raises for symbols.

A fourth kind of value exists only inside `convcost sweep`: a `Lifted` value stands for one exact
number per configuration of a grid (convcost/symbolic/grid.py). Every helper here hands it to the
value itself, which applies the same helper to each configuration's number, so one run of the rules
evaluates a whole grid and means exactly what a run per configuration means. Questions about a
lifted value are answered True or False when every configuration agrees; when they do not, the
value stops the run (the sweep then splits its grid), so it never answers None.
"""

from __future__ import annotations

import math
import sys
from fractions import Fraction
from functools import lru_cache
from typing import Any

Value = Any  # int | Fraction | sympy.Expr

NUMBER_TYPES = (int, Fraction)


class Lifted:
    """Base of values that stand for one exact number per configuration of a sweep (grid.py).

    `apply(fn, args)` is `fn` (a helper of this module) applied to each configuration's numbers;
    `decide(fn, args)` the answer of the question `fn` when it is the same for every configuration
    (else it raises, to split the grid); `unlift()` raises: the caller needs one plain number.
    """

    __slots__ = ()

    def apply(self, fn, args: tuple) -> Value:
        raise NotImplementedError

    def decide(self, fn, args: tuple) -> bool:
        raise NotImplementedError

    def unlift(self):
        raise NotImplementedError


def _lifted(args) -> Lifted | None:
    """The first lifted value among `args`, if any."""
    for x in args:
        if isinstance(x, Lifted):
            return x
    return None


def is_number(x: Value) -> bool:
    """An int or Fraction (not a bool, not a sympy object)."""
    if type(x) is int:  # by far the most common value: decided without isinstance
        return True
    if isinstance(x, Lifted):  # neither a number nor a symbol: code that must choose cannot run on it
        x.unlift()
    return isinstance(x, NUMBER_TYPES) and not isinstance(x, bool)


def is_symbolic(x: Value) -> bool:
    """Not a plain number: a sympy object (which may still be a number until normalized)."""
    return not isinstance(x, NUMBER_TYPES)


def sympy_loaded() -> bool:
    """Whether sympy has been imported (numeric runs must leave it unloaded)."""
    return "sympy" in sys.modules


def to_sympy(x: Value):
    """`x` as a sympy object: ints and Fractions become Integer and Rational; sympy stays as it is.
    The one conversion used everywhere (engine, checks, proof, printers)."""
    if isinstance(x, Lifted):
        x.unlift()
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
    """a + b, exact."""
    if type(a) is int and type(b) is int:  # the hot path of every numeric run
        return a + b
    if isinstance(a, Lifted) or isinstance(b, Lifted):
        return _lifted((a, b)).apply(add, (a, b))
    if is_number(a) and is_number(b):
        return normalize(a + b)
    return normalize(to_sympy(a) + to_sympy(b))


def sub(a: Value, b: Value) -> Value:
    """a - b, exact."""
    if type(a) is int and type(b) is int:
        return a - b
    if isinstance(a, Lifted) or isinstance(b, Lifted):
        return _lifted((a, b)).apply(sub, (a, b))
    if is_number(a) and is_number(b):
        return normalize(a - b)
    return normalize(to_sympy(a) - to_sympy(b))


def mul(a: Value, b: Value) -> Value:
    """a * b, exact."""
    if type(a) is int and type(b) is int:
        return a * b
    if isinstance(a, Lifted) or isinstance(b, Lifted):
        return _lifted((a, b)).apply(mul, (a, b))
    if is_number(a) and is_number(b):
        return normalize(a * b)
    return normalize(to_sympy(a) * to_sympy(b))


def div(a: Value, b: Value) -> Value:
    """Exact division (caller guarantees b is not zero)."""
    if type(a) is int and type(b) is int:
        q, r = divmod(a, b)
        return q if r == 0 else _fraction(a, b)
    if isinstance(a, Lifted) or isinstance(b, Lifted):
        return _lifted((a, b)).apply(div, (a, b))
    if is_number(a) and is_number(b):
        return normalize(Fraction(a) / Fraction(b))
    return normalize(to_sympy(a) / to_sympy(b))


@lru_cache(maxsize=4096)
def _fraction(a: int, b: int) -> Fraction:
    # Networks repeat their blocks, and with them the same ratios; building a Fraction (Python
    # code, a gcd) costs ten times a cache hit. Fractions are immutable, so sharing one is safe.
    return Fraction(a, b)


def product(*xs: Value) -> Value:
    """The product of the values, left to right (1 for none)."""
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
    if (lifted := _lifted(xs)) is not None:
        return lifted.apply(total_of, tuple(xs))
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


def total_of(*xs: Value) -> Value:
    """total(xs), taking the values as arguments."""
    return total(xs)


def floor(x: Value) -> Value:
    """The largest integer <= x (sympy's floor for symbolic x)."""
    if isinstance(x, int):
        return x
    if isinstance(x, Fraction):
        return x.numerator // x.denominator
    if isinstance(x, Lifted):
        return x.apply(floor, (x,))
    import sympy

    return normalize(sympy.floor(x))


def ceil(x: Value) -> Value:
    """The smallest integer >= x."""
    if isinstance(x, int):
        return x
    if isinstance(x, Fraction):
        return -((-x.numerator) // x.denominator)
    if isinstance(x, Lifted):
        return x.apply(ceil, (x,))
    import sympy

    return normalize(sympy.ceiling(x))


def floordiv(a: Value, b: Value) -> Value:
    """floor(a / b), kept compact for nested floors of symbolic sizes."""
    if type(a) is int and type(b) is int:
        return a // b
    if isinstance(a, Lifted) or isinstance(b, Lifted):
        return _lifted((a, b)).apply(floordiv, (a, b))
    if type(b) is int and b > 0 and is_symbolic(a):
        # floor((floor(u) + c) / b) == floor((u + c) / b) for integers c and b > 0: keeps the sizes
        # of strided stacks compact (floor(res/4 - 1/4) instead of floor(floor(res/2 - 1/2)/2)).
        import sympy

        c, rest = a.as_coeff_Add()
        if c.is_Integer and isinstance(rest, sympy.floor):
            return floor(div(rest.args[0] + c, b))
    return floor(div(a, b))


def ceildiv(a: Value, b: Value) -> Value:
    """ceil(a / b)."""
    if type(a) is int and type(b) is int:
        return -((-a) // b)
    if isinstance(a, Lifted) or isinstance(b, Lifted):
        return _lifted((a, b)).apply(ceildiv, (a, b))
    return ceil(div(a, b))


def minimum(*xs: Value) -> Value:
    """The smallest value (sympy's Min when any is symbolic)."""
    if (lifted := _lifted(xs)) is not None:
        return lifted.apply(minimum, xs)
    if all(is_number(x) for x in xs):
        return normalize(min(xs))
    import sympy

    return normalize(sympy.Min(*[to_sympy(x) for x in xs]))


def maximum(*xs: Value) -> Value:
    """The largest value (sympy's Max when any is symbolic)."""
    if (lifted := _lifted(xs)) is not None:
        return lifted.apply(maximum, xs)
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
    """Is x an integer for every value of its symbols? True, False, or None (undecided)."""
    if isinstance(x, int):
        return True
    if isinstance(x, Fraction):
        return x.denominator == 1
    if isinstance(x, Lifted):
        return x.decide(is_integer, (x,))
    return x.is_integer


def is_positive(x: Value) -> bool | None:
    """Is x > 0 for every value of its symbols? True, False, or None (undecided)."""
    if type(x) is not int and isinstance(x, Lifted):
        return x.decide(is_positive, (x,))
    if type(x) is int or is_number(x):
        return x > 0
    if _sign(x) == "positive":
        return True
    return x.is_positive if _askable(x) else None


def is_zero(x: Value) -> bool | None:
    """Is x == 0 for every value of its symbols? True, False, or None (undecided)."""
    if type(x) is not int and isinstance(x, Lifted):
        return x.decide(is_zero, (x,))
    if type(x) is int or is_number(x):
        return x == 0
    if _sign(x) == "positive":
        return False
    return x.is_zero if _askable(x) else None


def is_nonnegative(x: Value) -> bool | None:
    """Is x >= 0 for every value of its symbols? True, False, or None (undecided)."""
    if type(x) is not int and isinstance(x, Lifted):
        return x.decide(is_nonnegative, (x,))
    if type(x) is int or is_number(x):
        return x >= 0
    if _sign(x) is not None:
        return True
    return x.is_nonnegative if _askable(x) else None


# sympy answers a sign question about a polynomial by isolating its real roots, which took minutes
# on degree 16 with 1000-digit coefficients: larger values get only the structural answer below.
_ASK_DEGREE = 6
_ASK_BITS = 512


def _askable(x) -> bool:
    """Small enough for sympy's assumption system to answer in milliseconds."""
    if degree_bound(x) > _ASK_DEGREE:
        return False
    return all(int(a.p).bit_length() <= _ASK_BITS and int(a.q).bit_length() <= _ASK_BITS
               for a in x.atoms() if getattr(a, "is_Rational", False))


def _sign(x) -> str | None:
    """"positive" or "nonnegative" when the structure alone shows it (sums and products of positive
    symbols, positive numbers, positive functions), else None. Cheap and never wrong."""
    if x.is_Number:
        return "positive" if x > 0 else "nonnegative" if x == 0 else None
    if x.is_Symbol:
        return "positive" if x.is_positive else "nonnegative" if x.is_nonnegative else None
    if x.is_Add or x.is_Mul:
        signs = [_sign(a) for a in x.args]
        if None in signs:
            return _bound_sign(x) if x.is_Add else None
        if x.is_Add:
            return "positive" if "positive" in signs else "nonnegative"
        return "positive" if all(s == "positive" for s in signs) else "nonnegative"
    if x.is_Pow:
        base = _sign(x.base)
        if base == "positive" or (base == "nonnegative" and x.exp.is_positive):
            return base
        return "nonnegative" if x.exp.is_Integer and x.exp % 2 == 0 else None
    name = type(x).__name__
    if name in ("Max",):
        signs = [_sign(a) for a in x.args]
        return "positive" if "positive" in signs else "nonnegative" if any(signs) else None
    if name in ("Min", "ceiling", "make_divisible", "slim_depth"):
        args = x.args[1:] if name in ("make_divisible", "slim_depth") else x.args  # at least its minimum
        signs = [_sign(a) for a in args]
        if None in signs:
            return None
        return "positive" if all(s == "positive" for s in signs) else "nonnegative"
    if name == "floor":
        return "nonnegative" if _sign(x.args[0]) is not None else _bound_sign(x)
    return None


def _bound_sign(x) -> str | None:
    """The sign `_lower` shows: floor(res/32 - 29/32) + 1 >= 0 because res >= 1 is an integer."""
    low = _lower(x, 0)
    return None if low is None else "positive" if low > 0 else "nonnegative" if low == 0 else None


def _lower(x, depth: int) -> Fraction | None:
    """A number x is never below, from its structure (None if none is found): an integer positive
    symbol is at least 1, another positive symbol more than 0, a sum at least the sum of its terms'
    bounds, a product of nonnegative factors at least the product of theirs; floor and ceiling of the
    bound, a nonnegative number times the bound of the one other factor. Sound for every value of
    the symbols; cheap (no sympy assumptions)."""
    if depth > 32:
        return None
    if x.is_Rational:
        return Fraction(int(x.p), int(x.q))
    if x.is_Symbol:
        return Fraction(1) if x.is_positive and x.is_integer else Fraction(0) if x.is_nonnegative else None
    if x.is_Add:
        bounds = [_lower(a, depth + 1) for a in x.args]
        return None if None in bounds else sum(bounds, Fraction(0))
    if x.is_Mul:
        coeff, rest = x.as_coeff_Mul()  # c * rest, c a number
        if coeff < 0:
            return None  # would need an upper bound of the rest
        factors = rest.args if rest.is_Mul else (rest,)
        bounds = [_lower(a, depth + 1) for a in factors]
        if None in bounds or (len(bounds) > 1 and any(b < 0 for b in bounds)):
            return None  # one factor may be negative (512*floor(...)), not two
        total = Fraction(int(coeff.p), int(coeff.q))
        for b in bounds:
            total *= b
        return total
    if x.is_Pow:
        base = _lower(x.base, depth + 1)
        if base is None or base < 0 or not (x.exp.is_Integer and 0 < x.exp <= 64):
            return None
        return base ** int(x.exp)
    name = type(x).__name__
    if name in ("floor", "ceiling"):
        low = _lower(x.args[0], depth + 1)
        if low is None:
            return None
        return Fraction(math.floor(low) if name == "floor" else math.ceil(low))
    if name in ("Max", "Min"):
        bounds = [_lower(a, depth + 1) for a in x.args]
        known = [b for b in bounds if b is not None]
        if name == "Max":
            return max(known) if known else None
        return None if None in bounds else min(bounds)
    return None


def less_than(a: Value, b: Value) -> bool | None:
    """Is a < b for every value of the symbols? True, False, or None (undecided)."""
    if type(a) is int and type(b) is int:
        return a < b
    if isinstance(a, Lifted) or isinstance(b, Lifted):
        return _lifted((a, b)).decide(less_than, (a, b))
    return is_positive(sub(b, a))


def at_most(a: Value, b: Value) -> bool | None:
    """Is a <= b for every value of the symbols? True, False, or None (undecided). A difference of
    products that share factors is also tried with them taken out (12·P - 8·P as 4·P)."""
    if type(a) is int and type(b) is int:
        return a <= b
    d = sub(b, a)
    answer = is_nonnegative(d)
    if answer is None and not isinstance(d, Lifted) and getattr(d, "is_Add", False):
        import sympy

        common = sympy.gcd_terms(d)
        if common != d and _sign(common) is not None:
            return True
    return answer


def equal(a: Value, b: Value) -> bool | None:
    """Is a == b for every value of the symbols? True, False, or None (undecided). Decided from
    structure and sympy's assumptions only, never by simplify (seconds on Piecewise and floor)."""
    if isinstance(a, Lifted) or isinstance(b, Lifted):
        return _lifted((a, b)).decide(equal, (a, b))
    if type(a) is int and type(b) is int or is_number(a) and is_number(b):
        return a == b
    if a == b:  # structurally identical (the common case: one expression reaching two places)
        return True
    d = sub(a, b)
    if is_number(d):
        return d == 0
    # Assumptions only: sympy.simplify can take seconds on Piecewise/floor expressions, and an
    # undecided answer is a valid one here.
    return is_zero(d)


def oversize(x: Value, bits: int, degree: int) -> str | None:
    """Why `x` is too large to keep computing with, or None: an integer (or a fraction's numerator
    or denominator, or a symbolic value's coefficient) of more than `bits` bits, or a symbolic value
    of polynomial degree above `degree`. Numbers are checked by size only (cheap)."""
    if type(x) is int:
        return None if x.bit_length() <= bits else f"a number of {x.bit_length()} bits"
    if isinstance(x, Fraction):
        return oversize(x.numerator, bits, degree) or oversize(x.denominator, bits, degree)
    if isinstance(x, Lifted):  # a sweep: fine when every configuration fits; else run them one by one
        if x.decide(lambda v: oversize(v, bits, degree) is None, (x,)):
            return None
        x.unlift()
    if isinstance(x, int):  # bool and int subclasses
        return oversize(int(x), bits, degree)
    if is_number(x):
        return None
    d = degree_bound(x)
    if d > degree:
        return f"a symbolic value of degree {d}"
    for atom in x.atoms():
        if getattr(atom, "is_Rational", False):
            found = oversize(int(atom.p), bits, degree) or oversize(int(atom.q), bits, degree)
            if found:
                return found.replace("a number", "a coefficient")
    return None
