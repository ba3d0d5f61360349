"""Option bundles shared by the commands (parsing only; no analysis here)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import click


def _pairs(option: str, values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint=option)
        out[name.strip()] = value.strip()
    return out


def parse_sets(values: tuple[str, ...]) -> dict[str, str]:
    return _pairs("--set", values)


def parse_symbolic(values: tuple[str, ...]) -> tuple[str, ...]:
    names: list[str] = []
    for item in values:
        names += [n.strip() for n in item.split(",") if n.strip()]
    return tuple(dict.fromkeys(names))


def parse_limits(values: tuple[str, ...]):
    from ..limits import DEFAULT_LIMITS

    pairs = {}
    for name, value in _pairs("--limit", values).items():
        # ASCII digits only (int() would also take "３" or " +5 "); no limit needs more than 30 of them.
        if len(value) > 30 or not re.fullmatch(r"-?[0-9][0-9_]*", value):
            raise click.BadParameter(f"{value!r} is not a whole number", param_hint="--limit")
        pairs[name] = int(value.replace("_", ""))
    return DEFAULT_LIMITS.with_overrides(pairs)


def network_options(fn: Callable) -> Callable:
    """SOURCE plus --set, --symbolic and --limit: everything that says which network to load."""

    @click.argument("source", metavar="FILE_OR_BUILTIN")
    @click.option("--set", "sets", multiple=True, metavar="NAME=VALUE",
                  help="Override a var of the file (exact: 0.75 means 3/4). Repeatable.")
    @click.option("--symbolic", "symbolic", multiple=True, metavar="NAME[,NAME...]",
                  help="Keep these vars as sympy symbols: results become closed-form expressions.")
    @click.option("--limit", "limits", multiple=True, metavar="NAME=N",
                  help="Raise a safety limit (file_bytes, yaml_nodes, yaml_depth, layers, expr_chars, "
                  "expr_nodes, expr_total, int_bits, exponent, degree); see docs/security.md.")
    @functools.wraps(fn)
    def wrapper(*args, sets, symbolic, limits, **kwargs):
        kwargs["network"] = dict(
            set=parse_sets(sets), symbolic=parse_symbolic(symbolic), limits=parse_limits(limits)
        )
        return fn(*args, **kwargs)

    return wrapper
