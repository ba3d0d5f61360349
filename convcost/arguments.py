"""The arguments of the public API (convcost.api, convcost.testing), checked as the CLI checks its options.

The command line only ever hands convcost text that click and the option parsers have checked; a
Python caller can hand it anything. Each function here takes what a caller gave and returns what
the layers below expect (a str path, exact ints and Fractions, a tuple of names, a Limits), or
raises ArgumentError: a ConvcostError naming the argument, never a raw TypeError from deep inside.
Above all, nothing inexact gets in: a float, NaN, an infinity or a sympy Float in exact arithmetic
gives wrong answers ("mult-adds nan within the budget"). docs/api.md lists what each argument takes.
"""

from __future__ import annotations

import math
import operator
import os
import sys
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from .errors import ConvcostError, shown
from .layerfile.model import Spec
from .limits import DEFAULT_LIMITS, Limits, check_limit


class ArgumentError(ConvcostError, ValueError):
    """An argument of convcost's API that the CLI would refuse as an option (exit 2 there). Also a
    ValueError, as the API's misuse errors were before."""


FLOAT_HINT = ("a float is a binary approximation (0.1 is not 1/10): pass the exact value as a string "
              "such as \"0.1\" or as a Fraction such as Fraction(1, 10)")
SOURCE_HINT = "give a layer file's path or a built-in network's name (`convcost zoo` lists them)"


def _sympy(value: Any):
    """sympy's module if `value` is a sympy object, else None (sympy is never imported here)."""
    sympy = sys.modules.get("sympy")
    return sympy if sympy is not None and isinstance(value, sympy.Basic) else None


def _type(value: Any) -> str:
    return f"{type(value).__module__}.{type(value).__qualname__}".removeprefix("builtins.")


def _described(value: Any) -> str:
    """'None', or the type and a short repr: `str 'yes'`, `list [1, 2, 3, 4, 5, 6, ...]`."""
    import reprlib

    return "None" if value is None else f"{_type(value)} {reprlib.repr(value)}"


# -- sources ---------------------------------------------------------------------------------------


def source(value: Any, what: str = "source", spec: bool = True) -> str | Spec:
    """A layer file's path (str or os.PathLike, fspath'd) or a built-in network's name; a Spec if `spec`."""
    if spec and isinstance(value, Spec):
        return value
    if isinstance(value, str):
        text = value
    elif isinstance(value, os.PathLike):
        try:
            text = os.fsdecode(os.fspath(value))
        except TypeError:  # __fspath__ returned something else
            raise ArgumentError(f"{what}: os.fspath() of the {_type(value)} gave no path",
                                hint=SOURCE_HINT) from None
    else:
        also = ", or a Spec from convcost.load()" if spec else ""
        hint = "it is loaded already" if isinstance(value, Spec) else SOURCE_HINT
        raise ArgumentError(f"{what} must be a path (str or os.PathLike) or a built-in network's name{also}, "
                            f"got {_described(value)}", hint=hint)
    if not text:
        raise ArgumentError(f"{what} is empty", hint=SOURCE_HINT)
    if "\0" in text:
        raise ArgumentError(f"{what} {shown(text)} contains a NUL character", hint=SOURCE_HINT)
    return text


# -- exact numbers ---------------------------------------------------------------------------------


def _bits(value: int, what: str, limits: Limits | None) -> int:
    """`value` within int_bits (`limits` None: the default limit, which the caller cannot raise)."""
    bound = (limits or DEFAULT_LIMITS).int_bits
    if value.bit_length() > bound:
        hint = ("raise it with limits=Limits(int_bits=N) if this is intended" if limits else
                "a value this large is refused (docs/security.md)")
        raise ArgumentError(f"{what} has {value.bit_length()} bits, over the limit of {bound}", hint=hint)
    return value


def _inexact(value: Any, what: str, expected: str) -> ArgumentError:
    """The error for a value that is not exact (or not a number at all)."""
    sympy = _sympy(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ArgumentError(f"{what} is NaN, not a number", hint=f"give {expected}")
        if math.isinf(value):
            return ArgumentError(f"{what} is infinite", hint=f"give {expected}")
        return ArgumentError(f"{what} is a float ({value!r}), not an exact number", hint=FLOAT_HINT)
    if sympy is not None:
        if value.has(sympy.S.NaN):
            return ArgumentError(f"{what} is NaN, not a number", hint=f"give {expected}")
        if value.has(sympy.S.Infinity, sympy.S.NegativeInfinity, sympy.S.ComplexInfinity):
            return ArgumentError(f"{what} is infinite", hint=f"give {expected}")
        if value.atoms(sympy.Float):
            return ArgumentError(f"{what} is a sympy Float ({shown(str(value))}), not an exact number",
                                 hint=FLOAT_HINT + ", or sympy.Rational(1, 10)")
    if isinstance(value, complex) or sympy is not None and value.has(sympy.I):
        return ArgumentError(f"{what} is not a real number, got {shown(str(value))}", hint=f"give {expected}")
    if isinstance(value, bool):
        return ArgumentError(f"{what} must be {expected}, got {value!r} (a bool)",
                             hint=f"a bool is not a number here: give {expected}")
    hint = ("a Decimal is exact as a string: str(value)" if _type(value) == "decimal.Decimal" else
            f"give {expected} (docs/api.md lists what each argument takes)")
    return ArgumentError(f"{what} must be {expected}, got {_described(value)}", hint=hint)


def _index(value: Any) -> int | None:
    """An exact integer by Python's protocol (int, numpy.int64, sympy.Integer), not a bool."""
    if isinstance(value, bool) or not hasattr(type(value), "__index__"):
        return None
    return operator.index(value)


def number(value: Any, what: str, limits: Limits | None,
           expected: str = "an int, a Fraction or an expression string") -> int | Fraction:
    """An int, a Fraction or a sympy Integer/Rational, as an exact int or Fraction within int_bits."""
    integer = _index(value)
    if integer is not None:
        return _bits(integer, what, limits)
    if isinstance(value, Fraction):
        _bits(value.numerator, what, limits)
        _bits(value.denominator, what, limits)
        return value.numerator if value.denominator == 1 else Fraction(value)
    sympy = _sympy(value)
    if sympy is not None and value.is_Rational:  # Rational (an Integer has __index__; never a Float)
        return number(Fraction(int(value.p), int(value.q)), what, limits)
    raise _inexact(value, what, expected)


def value(value: Any, what: str, limits: Limits | None,
          expected: str = "an int, a Fraction or an exact sympy value") -> Any:
    """`number`, or an exact sympy expression (it may hold symbols): no Float, NaN, infinity or I."""
    sympy = _sympy(value)
    if sympy is None or value.is_Rational:
        return number(value, what, limits, expected)
    if (not isinstance(value, sympy.Expr) or getattr(value, "is_Matrix", False)
            or value.has(sympy.S.NaN, sympy.S.Infinity, sympy.S.NegativeInfinity, sympy.S.ComplexInfinity,
                         sympy.I) or value.atoms(sympy.Float)):
        raise _inexact(value, what, expected)
    for atom in value.atoms(sympy.Rational):
        number(atom, what, limits, expected)
    return value


# -- the arguments ---------------------------------------------------------------------------------


def overrides(given: Any, limits: Limits) -> dict[str, Any]:
    """`set`: var name -> int, Fraction, sympy Integer/Rational, or an expression string (parsed by
    convcost's own parser, as `--set NAME=VALUE`)."""
    if given is None:
        return {}
    if not isinstance(given, Mapping):
        raise ArgumentError(f"set must be a mapping of var names to values, got {_described(given)}",
                            hint='e.g. set={"alpha": "0.75", "res": 160}')
    out: dict[str, Any] = {}
    for name, raw in given.items():
        if not isinstance(name, str):
            raise ArgumentError(f"set: a var name must be a string, got {_described(name)}",
                                hint='e.g. set={"alpha": "0.75"}')
        out[name] = raw if isinstance(raw, str) else number(raw, f"set[{shown(name)}]", limits)
    return out


def symbols(given: Any) -> tuple[str, ...]:
    """`symbolic`: var names, as `--symbolic`: a str is one name (or names joined by commas, as on the
    command line), never its characters."""
    if given is None:
        return ()
    if isinstance(given, str):
        items: Iterable[Any] = (given,)
    elif isinstance(given, (bytes, Mapping)) or not isinstance(given, Iterable):
        raise ArgumentError(f"symbolic must be a var name or a sequence of them, got {_described(given)}",
                            hint='e.g. symbolic=["alpha", "res"]')
    else:
        items = given
    names: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ArgumentError(f"symbolic: a var name must be a string, got {_described(item)}",
                                hint='e.g. symbolic=["alpha"] or symbolic="alpha,res"')
        names += [n.strip() for n in item.split(",") if n.strip()]
    return tuple(dict.fromkeys(names))


def limits(given: Any) -> Limits:
    """`limits`: a Limits (None for the defaults), each a positive int."""
    if given is None:
        return DEFAULT_LIMITS
    if not isinstance(given, Limits):
        raise ArgumentError(f"limits must be a convcost.limits.Limits, got {_described(given)}",
                            hint="e.g. limits=Limits(layers=50_000) (docs/security.md lists them)")
    for name in Limits.names():
        try:
            check_limit(name, getattr(given, name))
        except ConvcostError as err:
            raise ArgumentError(err.message, hint=err.hint) from None
    return given


def count(given: Any, what: str, limits: Limits) -> Any:
    """A budget (`max_macs`, `max_params`): an int, a text such as "600M" (read as `--max-macs`), or an
    exact sympy value."""
    if given is None or isinstance(given, str):
        return given
    return value(given, what, limits, 'an int, a text such as "600M" or an exact sympy value')


def ratio(given: Any, what: str, limits: Limits) -> Any:
    """`min_saving`: a Fraction, an int, a text such as "0.2" or "1/5", or an exact sympy value."""
    if given is None or isinstance(given, str):
        return given
    return value(given, what, limits, 'a Fraction, a text such as "0.2" or an exact sympy value')


def flag(given: Any, what: str) -> bool:
    if not isinstance(given, bool):
        raise ArgumentError(f"{what} must be True or False, got {_described(given)}",
                            hint=f"pass {what}=True or {what}=False")
    return given


def dimensions(given: Any) -> dict[str, Any]:
    """`prove`'s values: dimension name -> positive int (or an exact sympy value)."""
    if given is None:
        return {}
    if not isinstance(given, Mapping):
        raise ArgumentError("values must be a mapping of dimension names to numbers, got "
                            f"{_described(given)}", hint='e.g. values={"Dk": 3, "N": 512}')
    out: dict[str, Any] = {}
    for name, raw in given.items():
        if not isinstance(name, str):
            raise ArgumentError(f"values: a dimension name must be a string, got {_described(name)}",
                                hint='e.g. values={"N": 512, "Dk": 3}')
        out[name] = None if raw is None else value(raw, f"values[{shown(name)}]", None, "a positive int")
    return out


def shape(given: Any, what: str = "shape") -> tuple:
    """An expected shape: a sequence of exact values ([C, H, W] or [F])."""
    if isinstance(given, (str, bytes, Mapping)) or not isinstance(given, Iterable):
        raise ArgumentError(f"{what} must be a sequence of sizes such as [1024, 7, 7], "
                            f"got {_described(given)}", hint="give a list or tuple of positive ints")
    return tuple(value(v, f"{what}[{i}]", None) for i, v in enumerate(given))


def text(given: Any, what: str) -> str:
    if not isinstance(given, str):
        raise ArgumentError(f"{what} must be a string, got {_described(given)}",
                            hint="docs/api.md lists what each argument takes")
    return given
