"""Option bundles shared by the commands (parsing only; no analysis here)."""

from __future__ import annotations

import functools
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
        try:
            if len(value) > 30:  # no limit needs more digits; int() of a huge text is slow
                raise ValueError(value)
            pairs[name] = int(value.replace("_", ""))
        except ValueError:
            raise click.BadParameter(f"{value!r} is not a whole number", param_hint="--limit") from None
    return DEFAULT_LIMITS.with_overrides(pairs)


allow_unsupported_option = click.option(
    "--allow-unsupported", is_flag=True,
    help="ONNX models: count operators convcost does not know as zero (listed in the report) instead of "
    "refusing the model.")


def network_options(fn: Callable) -> Callable:
    """SOURCE plus --set, --symbolic and --limit: everything that says which network to load."""

    @click.argument("source", metavar="FILE_OR_BUILTIN")
    @click.option("--set", "sets", multiple=True, metavar="NAME=VALUE",
                  help="Override a var of the file (exact: 0.75 means 3/4). Repeatable.")
    @click.option("--symbolic", "symbolic", multiple=True, metavar="NAME[,NAME...]",
                  help="Keep these vars as sympy symbols: results become closed-form expressions.")
    @click.option("--limit", "limits", multiple=True, metavar="NAME=N",
                  help="Raise a safety limit (file_bytes, yaml_nodes, yaml_depth, layers, expr_chars, "
                  "expr_nodes, expr_total, int_bits, exponent, degree, onnx_records, onnx_values); see "
                  "docs/security.md.")
    @allow_unsupported_option
    @functools.wraps(fn)
    def wrapper(*args, sets, symbolic, limits, allow_unsupported, **kwargs):
        kwargs["network"] = dict(
            set=parse_sets(sets), symbolic=parse_symbolic(symbolic), limits=parse_limits(limits)
        )
        if allow_unsupported:  # only when given: the API's other callers need not know the keyword
            kwargs["network"]["allow_unsupported"] = True
        return fn(*args, **kwargs)

    return wrapper
