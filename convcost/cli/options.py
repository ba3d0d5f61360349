"""Option bundles shared by the commands (parsing only; no analysis here)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import click

from .completion import complete_source


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


SET_HELP = "Override a var of the file (exact: 0.75 means 3/4). Repeatable."
LIMIT_HELP = ("Raise a safety limit (file_bytes, yaml_nodes, yaml_depth, layers, expr_chars, expr_nodes, "
              "expr_total, int_bits, exponent, degree, configurations, onnx_records, onnx_values); "
              "see docs/security.md.")
allow_unsupported_option = click.option(
    "--allow-unsupported", is_flag=True,
    help="ONNX models: count operators convcost does not know as zero (listed in the report) instead of "
    "refusing the model.")


def network_options(fn: Callable) -> Callable:
    """SOURCE plus --set, --symbolic and --limit: everything that says which network to load."""

    @click.argument("source", metavar="FILE_OR_BUILTIN", shell_complete=complete_source)
    @click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help=SET_HELP)
    @click.option("--symbolic", "symbolic", multiple=True, metavar="NAME[,NAME...]",
                  help="Keep these vars as sympy symbols: results become closed-form expressions.")
    @click.option("--limit", "limits", multiple=True, metavar="NAME=N", help=LIMIT_HELP)
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


def networks_options(fn: Callable) -> Callable:
    """network_options for several networks: SOURCES, a tuple of files and built-in names (`-` is
    standard input), in place of SOURCE."""
    wrapper = network_options(fn)
    many = click.Argument(["sources"], nargs=-1, required=True, metavar="FILE_OR_BUILTIN...",
                          shell_complete=complete_source)
    wrapper.__click_params__ = [many if p.name == "source" else p for p in wrapper.__click_params__]
    return wrapper


def convention_option(fn: Callable) -> Callable:
    """--convention NAME: how mult-adds and parameters are counted (docs/conventions.md)."""
    from ..conventions import DEFAULT, NAMES

    return click.option(
        "--convention", type=click.Choice(NAMES), default=DEFAULT, show_default=True,
        help="Count as: paper (conv + fc multiply-accumulates), flops (2 × paper), or the total a peer tool "
        "prints (ptflops, ptflops-aten, thop, fvcore, torchinfo, onnx-tool; keras for parameters). "
        "See docs/conventions.md.")(fn)


def grid_options(fn: Callable) -> Callable:
    """SOURCE plus --set, --limit and --allow-unsupported, for the commands that sweep vars (no
    --symbolic: a sweep is numeric); passes `sets` (NAME -> text), `limits` (a Limits) and
    `allow_unsupported`."""

    @click.argument("source", metavar="FILE_OR_BUILTIN", shell_complete=complete_source)
    @click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help=SET_HELP)
    @click.option("--limit", "limits", multiple=True, metavar="NAME=N", help=LIMIT_HELP)
    @allow_unsupported_option
    @functools.wraps(fn)
    def wrapper(*args, sets, limits, **kwargs):
        return fn(*args, sets=parse_sets(sets), limits=parse_limits(limits), **kwargs)

    return wrapper


def parse_axes(option: str, values: tuple[str, ...], limits) -> list:
    """`NAME=VALUES` items (a list `1,0.75,0.5` or a range `1/32:1:1/32`) as sweep Axes, in order."""
    from ..analysis.sweep import Axis, parse_values

    axes = []
    for item in values:
        name, sep, text = item.partition("=")
        if not sep or not name.strip() or not text.strip():
            raise click.BadParameter(f"{item!r} is not NAME=VALUES", param_hint=option)
        name = name.strip()
        axes.append(Axis(name, parse_values(text.strip(), f"{option} {name}", limits)))
    return axes


class Quantity(click.ParamType):
    """A whole count such as 600M, 4.5M, 1.2G, 300k or 4209088 (a bad value exits 2, click's usage error)."""

    name = "N"

    def convert(self, value, param, ctx):
        from ..errors import ConvcostError
        from ..symbolic.quantity import count

        try:
            return count(value, param.opts[0] if param else "value")
        except ConvcostError as err:
            self.fail(f"{err.message} ({err.hint})" if err.hint else err.message, param, ctx)
