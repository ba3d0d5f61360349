"""Exact numbers from the text of number literals, with their size bounded *before* they are built.

`Fraction("1e999999999")` or `int()` of a long digit string would compute a number of a billion
digits (or hit Python's digit limit with a ValueError); a layer file must get a clear error naming
the `int_bits` limit instead. Used for YAML integers and decimals and for the decimal literals of
expressions.
"""

from __future__ import annotations

import re
from fractions import Fraction

from ..errors import ConvcostError, LimitExceeded, shown
from ..limits import Limits
from .arith import Value, normalize

# Python's and YAML 1.1's decimal syntax, underscores removed: 1.5, .5, 1., 1e3, 4.5e-6.
_DECIMAL = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")
_BITS_PER_DIGIT = 3.33  # log2(10), rounded up


def _too_big(text: str, bits: float, limits: Limits) -> LimitExceeded:
    return LimitExceeded(
        f"number {shown(text)} has about {int(bits)} bits, over the limit of {limits.int_bits}",
        hint="raise it with --limit int_bits=N if this is intended",
    )


def _parts(text: str, limits: Limits) -> tuple[str, str, int]:
    """(sign, digits, power) with the value sign·digits·10**power, digits without leading or trailing 0."""
    match = _DECIMAL.fullmatch(text.strip().replace("_", ""))
    if match is None or not (match.group(2) or match.group(3)):
        raise ConvcostError(f"number {shown(text)} is not a finite decimal number",
                            hint="write digits with an optional point and exponent, e.g. 0.75 or 1e3")
    sign, whole, frac, exp = match.group(1), match.group(2), match.group(3) or "", match.group(4)
    if exp is not None and len(exp.lstrip("+-")) > 12:  # 10**(10**12): refuse before int() of it
        raise _too_big(text, 10**12, limits)
    digits = (whole + frac).lstrip("0")
    stripped = digits.rstrip("0")
    return sign, stripped, int(exp or 0) - len(frac) + (len(digits) - len(stripped))


def decimal(text: str, limits: Limits) -> Value:
    """An exact int or Fraction from decimal text ('0.75' is 3/4, '1e3' is 1000); never a float."""
    sign, digits, power = _parts(text, limits)
    if not digits:
        return 0
    # The numerator or the denominator has about this many decimal digits: refuse before building it.
    size = max(len(digits) + max(power, 0), -min(power, 0))
    if size * _BITS_PER_DIGIT > limits.int_bits + 64:
        raise _too_big(text, size * _BITS_PER_DIGIT, limits)
    try:
        mantissa = int(sign + digits)
    except ValueError:  # Python's own digit limit, lower than a raised int_bits
        raise _too_big(text, size * _BITS_PER_DIGIT, limits) from None
    if power >= 0:
        return check_bits(mantissa * 10**power, text, limits)
    value = Fraction(mantissa, 10**-power)
    check_bits(value.numerator, text, limits)
    check_bits(value.denominator, text, limits)
    return normalize(value)


def check_bits(value: int, text: str, limits: Limits) -> int:
    """`value` (read from `text`) if it is within the int_bits limit."""
    if value.bit_length() > limits.int_bits:
        raise _too_big(text, value.bit_length(), limits)
    return value


def integer_text_fits(text: str, limits: Limits) -> None:
    """Refuse integer text too long to be under the limit (binary needs one character per bit)."""
    if len(text) > limits.int_bits + 16:
        raise LimitExceeded(
            f"integer {shown(text)} is longer than the limit of {limits.int_bits} bits allows",
            hint="raise it with --limit int_bits=N if this is intended",
        )
