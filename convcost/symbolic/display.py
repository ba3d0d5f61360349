"""Formatting exact values for people and for machines. Formatting only: no cost arithmetic."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from .arith import Value, is_number

_SI = ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "k"))


def exact(v: Value):
    """A JSON value: ints stay ints; fractions become "p/q"; symbolic values become sympy syntax."""
    if type(v) is int:  # nearly every value of a numeric run (JSON writes 20 per layer)
        return v
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, Fraction):
        return f"{v.numerator}/{v.denominator}" if v.denominator != 1 else v.numerator
    return str(v)


def exact_str(v: Value) -> str:
    """An exact value as a string (for ratios): "41/288", "1", or sympy syntax."""
    return str(v)


def human(v: Value) -> str:
    """568740352 -> '568.74M'; small numbers stay whole; symbolic values as sympy prints them."""
    if not is_number(v):
        return str(v)
    if isinstance(v, Fraction) and v.denominator != 1:
        return f"{float(v):.4g}" if abs(v) < _SCIENTIFIC else _scientific(round(v))
    n = int(v)
    if abs(n) >= _SCIENTIFIC:
        return _scientific(n)
    for scale, suffix in _SI:
        if abs(n) >= scale:
            return f"{n / scale:.2f}{suffix}"
    return str(n)


_SCIENTIFIC = 10**15  # from 1000T on: n / 10**12 as a float would print wrong digits (or overflow)


def _log10(n: int) -> int:
    """floor(log10(n)) for n >= 1, without str(n) (Python refuses str() of ints over 4300 digits)."""
    e = int((n.bit_length() - 1) * 0.30102999566398120)
    while 10 ** (e + 1) <= n:
        e += 1
    while e > 0 and 10**e > n:
        e -= 1
    return e


def _scientific(n: int) -> str:
    """4.41e+62: three significant digits, rounded exactly (half to even), for any size of n."""
    exponent = _log10(abs(n))
    hundredths = round(Fraction(abs(n), 10 ** (exponent - 2)))
    if hundredths == 1000:  # 9.995e+20 rounds to 1.00e+21
        hundredths, exponent = 100, exponent + 1
    return f"{'-' if n < 0 else ''}{hundredths // 100}.{hundredths % 100:02d}e+{exponent:02d}"


def grouped(v: Value) -> str:
    """568740352 -> '568,740,352'."""
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def decimal(v: Value, digits: int = 4) -> str:
    """A ratio as a short decimal for reading (the exact value is in JSON and CSV)."""
    if v is None:
        return ""
    if is_number(v):
        return f"{float(v):.{digits}f}"
    return str(v)


def percent(v: Value, digits: int = 2) -> str:
    if is_number(v):
        return f"{float(Fraction(v) * 100):.{digits}f}"
    return str(v)


def shape(s: tuple) -> str:
    return "x".join(str(x) for x in s)


def pair(p) -> str:
    if isinstance(p, tuple):
        return str(p[0]) if p[0] == p[1] else f"{p[0]}x{p[1]}"
    return str(p)


def exact_text(v: Value) -> str:
    """An exact value for messages: 15/2 as 7.5 and 1/5 as 0.2 (finite decimals), 41/288 as is."""
    if isinstance(v, Fraction):
        d = v.denominator
        while d % 2 == 0:
            d //= 2
        while d % 5 == 0:
            d //= 5
        if d == 1 and v.denominator <= 10**6:
            return str(Decimal(v.numerator) / Decimal(v.denominator))
    return str(v)


def seconds(v: Value) -> str:
    """A time for reading: 0.0001024 -> '102.4 µs', 0.0375 -> '37.5 ms' (exact values are in JSON)."""
    if not is_number(v):
        return str(v)
    if v == 0:
        return "0"
    for scale, unit in ((1, "s"), (Fraction(1, 10**3), "ms"), (Fraction(1, 10**6), "µs")):
        if abs(v) >= scale:
            return f"{float(Fraction(v) / scale):.4g} {unit}"
    return f"{float(Fraction(v) * 10**9):.4g} ns"
