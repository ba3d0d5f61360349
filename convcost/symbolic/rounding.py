"""Channel rounding on exact numbers (no sympy here: numeric runs use it)."""

from __future__ import annotations

from fractions import Fraction

from . import arith
from .arith import Value


def make_divisible_number(v: Value, divisor: Value, min_value: Value | None = None) -> Value:
    """The channel rounding of MobileNetV2/V3 (TensorFlow's and torchvision's `_make_divisible`) on
    exact numbers: v rounded to the nearest multiple of divisor (halves up), at least min_value
    (default divisor), and never more than 10% below v."""
    if min_value is None:
        min_value = divisor
    rounded = arith.mul(arith.floordiv(arith.add(v, arith.div(divisor, 2)), divisor), divisor)
    new_v = arith.maximum(min_value, rounded)
    return arith.add(new_v, divisor) if new_v < arith.mul(Fraction(9, 10), v) else new_v


def slim_depth_number(v: Value, min_depth: Value = 8) -> Value:
    """TF-slim MobileNetV1's `max(int(d * depth_multiplier), min_depth)` on exact numbers."""
    return arith.maximum(arith.floor(v), min_depth)
