"""sympy functions of convcost's own, for symbolic values of the expression language's functions.

Imported only when a value is already symbolic (numeric runs never load sympy).

`make_divisible` of a symbol stays one unevaluated function: written out as floor, Max and a
Piecewise, three chained ones (an ordinary MobileNet pattern) made sympy's assumption queries take
minutes. As a function it answers the questions the engine asks (integer? positive?) at once, is
evaluated exactly as soon as its arguments are numbers, and prints as the layer file wrote it.
"""

from __future__ import annotations

import sympy
from sympy.core.logic import fuzzy_and

from . import arith
from .rounding import make_divisible_number, slim_depth_number


class make_divisible(sympy.Function):  # noqa: N801 - the name it prints as, as in layer files
    """make_divisible(v, divisor[, min_value]) of a symbolic v, evaluated when all are numbers.

    Its value is min_value, min_value + divisor, or a multiple of divisor (k or k+1 times): an
    integer when divisor and min_value are, and at least min_value. It is nondecreasing in v.
    """

    nargs = (2, 3)

    @classmethod
    def eval(cls, v, divisor, min_value=None):
        args = (v, divisor) if min_value is None else (v, divisor, min_value)
        if all(a.is_Rational for a in args):
            return arith.to_sympy(make_divisible_number(*(arith.normalize(a) for a in args)))
        return None

    def _floor_value(self):
        return self.args[2] if len(self.args) == 3 else self.args[1]

    def _eval_is_integer(self):
        return fuzzy_and([self.args[1].is_integer, self._floor_value().is_integer])

    def _eval_is_positive(self):
        return True if self._floor_value().is_positive else None

    def _eval_is_nonnegative(self):
        return True if self._floor_value().is_nonnegative else None

    def _eval_is_finite(self):
        return fuzzy_and([a.is_finite for a in self.args])


class slim_depth(sympy.Function):  # noqa: N801 - the name it prints as, as in layer files
    """slim_depth(v, min_depth) of a symbolic v: max(floor(v), min_depth), evaluated when both are
    numbers. An integer when min_depth is, at least min_depth, nondecreasing in v."""

    nargs = 2

    @classmethod
    def eval(cls, v, min_depth):
        if v.is_Rational and min_depth.is_Rational:
            return arith.to_sympy(slim_depth_number(arith.normalize(v), arith.normalize(min_depth)))
        return None

    def _eval_is_integer(self):
        return True if self.args[1].is_integer else None

    def _eval_is_positive(self):
        return True if self.args[1].is_positive else None

    def _eval_is_nonnegative(self):
        return True if self.args[1].is_nonnegative else None

    def _eval_is_finite(self):
        return fuzzy_and([a.is_finite for a in self.args])
