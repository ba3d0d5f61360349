"""Counts with SI suffixes (600M, 4.5M, 1.2G, 300k) and ratios, exact.

A suffix directly after a number scales it by a power of ten: `4.5M` is read as the exact decimal
`4.5e6` = 4,500,000, never through a binary float. The rest is convcost's own expression language
(so `"600M * alpha**2"` works in a layer file), evaluated with the file's vars.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..errors import ConvcostError, Location
from ..limits import DEFAULT_LIMITS, Limits
from . import arith
from .arith import Value
from .expr import evaluate_text

SUFFIXES = {"k": 3, "K": 3, "M": 6, "G": 9, "T": 12}
HINT = "write a whole number such as 4209088, or one with an SI suffix: 300k, 600M, 4.5M, 1.2G"

# A number literal followed directly by letters, not inside a name (`res2M` is a name).
_SUFFIXED = re.compile(r"(?<![\w.])(\d[\d_]*(?:\.\d*)?|\.\d+)([A-Za-z]+)(?![\w.])")


def _expand(text: str) -> str:
    def scale(match: re.Match) -> str:
        number, suffix = match.groups()
        if suffix not in SUFFIXES:
            raise ConvcostError(f"unknown suffix {suffix!r} in {text.strip()!r}",
                                hint="SI suffixes are k, M, G, T (case matters: m would be milli)")
        return f"{number}e{SUFFIXES[suffix]}"

    return _SUFFIXED.sub(scale, text)


def count(raw: Value | str, what: str, env: Mapping[str, Value] | None = None,
          limits: Limits = DEFAULT_LIMITS, loc: Location | None = None) -> Value:
    """A whole, non-negative count from an int or a text such as '600M' (exact).

    Symbolic values (expressions over vars kept symbolic) are accepted as they are.
    """
    if isinstance(raw, bool):
        raise ConvcostError(f"{what} must be a count, got {raw!r}", loc, HINT)
    if isinstance(raw, str):
        try:
            value = evaluate_text(_expand(raw), env or {}, limits)
        except ConvcostError as err:
            err.message = f"{what}: {err.message}"
            err.hint = err.hint if env else HINT  # without vars, "declare it under vars" would mislead
            raise err.with_location(loc) from None
    elif arith.is_number(raw) or hasattr(raw, "free_symbols"):
        value = raw
    else:
        raise ConvcostError(f"{what} must be a count, got {raw!r}", loc, HINT)
    if arith.is_integer(value) is False:
        raise ConvcostError(f"{what} must be a whole count, got {value}", loc, HINT)
    if arith.is_positive(arith.add(value, 1)) is False:
        raise ConvcostError(f"{what} must not be negative, got {value}", loc, HINT)
    return value


def ratio(text: Value | str, what: str) -> Value:
    """An exact ratio in (0, 1] such as 0.2 or 1/5 (for --min-saving)."""
    if isinstance(text, str):
        try:
            value = evaluate_text(text, {})
        except ConvcostError as err:
            err.message = f"{what}: {err.message}"
            raise
    else:
        value = text
    if isinstance(value, bool) or not arith.is_number(value) or not 0 < value <= 1:
        raise ConvcostError(f"{what} must be a ratio above 0 and at most 1, got {text!r}",
                            hint="a ratio of separable to standard mult-adds, e.g. 0.2 or 1/5")
    return value
