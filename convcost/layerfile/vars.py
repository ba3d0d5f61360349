"""The `vars:` of a layer file with `--set` and `--symbolic` applied: exact values or sympy symbols."""

from __future__ import annotations

import contextlib
import keyword
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import Collector, ConvcostError, Location, did_you_mean, listing, shown
from ..limits import Limits
from ..symbolic import arith
from ..symbolic.arith import Lifted, Value
from ..symbolic.expr import FAILED, FUNCTIONS, evaluate_text
from . import coerce
from .fields import NAME_CHARS, expect_type, unknown_key
from .model import BLOCK_INPUT, REPEAT_INPUT, Var
from .yamlnodes import Node

VAR_KEYS = ("value", "min", "max", "integer")



def _make_symbol(name: str, integer: bool):
    import sympy

    if integer:
        return sympy.Symbol(name, positive=True, integer=True)
    return sympy.Symbol(name, positive=True)


def _is_integer_text(node: Node) -> bool:
    return node.type == "int" or (node.type == "str" and "." not in node.value and "/" not in node.value)


_RESERVED_VARS = frozenset(("input", REPEAT_INPUT, BLOCK_INPUT, *FUNCTIONS))


def _var_name(raw: str, loc: Location) -> str:
    """The var's name as expressions see it: Python reads identifiers in NFKC form (`ﬁ` is `fi`)."""
    name = unicodedata.normalize("NFKC", raw)
    if (not name.isidentifier() or name.startswith("_") or keyword.iskeyword(name) or name in _RESERVED_VARS
            or len(name) > NAME_CHARS):
        raise ConvcostError(f"{shown(raw)} is not a valid var name", loc,
                            "var names are identifiers like alpha or res, not keywords or function names")
    return name


def _declared(node: Node | None, errors: Collector) -> dict[str, tuple[Node, Location]]:
    """name -> (value node, where the name is written), names normalised as expressions see them."""
    if node is None or node.type == "null":
        return {}
    expect_type(node, "map", "`vars`")
    out: dict[str, tuple[Node, Location]] = {}
    for raw, vnode in node.value.items():
        kloc = node.key_locs[raw]
        with errors.catch():
            name = _var_name(raw, kloc)
            if name in out:
                first = out[name][1].line
                raise ConvcostError(f"var {shown(raw)} is var {name!r} again (declared at line {first})",
                                    kloc, "each var may be declared once")
            out[name] = (vnode, kloc)
    return out


def _var_fields(name: str, vnode: Node) -> dict[str, Node]:
    if vnode.type != "map":
        return {"value": vnode}
    for key in vnode.value:
        if key not in VAR_KEYS:
            raise unknown_key(key, VAR_KEYS, f"var {name!r}", vnode.key_locs[key])
    if "value" not in vnode.value:
        raise ConvcostError(f"var {name!r} needs a `value`", vnode.loc,
                            f"write `{name}: {{value: 1, min: ..., max: ...}}`")
    return vnode.value


def _representative(low: Value | None, high: Value | None) -> Value:
    """A number for a symbolic var written without one: it only orders results and seeds the checks."""
    if arith.is_number(low):
        return low
    if arith.is_number(high) and high < 1:
        return high
    return 1


def _load_var(name: str, fields: dict[str, Node], loc: Location, overrides: Mapping[str, Any], is_sym: bool,
              env: Mapping[str, Value], limits: Limits) -> Var:
    value_node = fields["value"]
    explicit = "integer" in fields
    integer = _is_integer_text(value_node)
    if explicit:
        integer = coerce.boolean(fields["integer"], env, limits, f"`integer` of var {name!r}")
    low, high = (coerce.number(fields[k], env, limits, f"`{k}` of var {name!r}") if k in fields else None
                 for k in ("min", "max"))
    if arith.is_number(low) and arith.is_number(high) and low > high:
        raise ConvcostError(f"var {name!r} has `min` {low} above its `max` {high}", fields["min"].loc,
                            "swap them, or drop one")
    if name in overrides:
        default = _override(name, overrides[name], env, limits, loc)
    elif value_node.type != "null":
        default = coerce.number(value_node, env, limits, f"var {name!r}")
    elif is_sym:
        default = _representative(low, high)
    else:
        raise ConvcostError(f"var {name!r} has no value", loc,
                            f"give it one (`{name}: 1`), or run with --set {name}=VALUE or --symbolic {name}")
    integer = _integer(name, integer, explicit, default, low, high, loc)
    value = _make_symbol(name, integer) if is_sym else default
    return Var(name, value, default, integer, is_sym, low, high, loc)


def _integer(name: str, integer: bool, explicit: bool, default: Value, low: Value | None,
             high: Value | None, loc: Location) -> bool:
    """Whether the var is an integer (its symbol is made an integer symbol, which lets sympy simplify
    floors). Written `1`, a var is an integer unless its `min`, `max` or --set value is not one: a
    symbol must never be assumed integer against the values it may take. `integer: true` with a
    value that is not an integer is a contradiction."""
    if isinstance(default, Lifted):  # a sweep's grid of values: numeric runs need no symbol facts
        return integer
    fractional = [v for v in (default, low, high) if arith.is_number(v) and arith.is_integer(v) is False]
    if not explicit:
        return integer and not fractional
    if integer and arith.is_number(default) and arith.is_integer(default) is False:
        raise ConvcostError(f"var {name!r} is declared `integer: true` but its value is {default}", loc,
                            "drop `integer: true`, or give an integer value")
    return integer


def load_vars(node: Node | None, overrides: Mapping[str, Any], symbolic: Sequence[str], path: str,
              limits: Limits, errors: Collector | None = None) -> tuple[dict[str, Var], dict[str, Value]]:
    """The vars, and the values expressions read: a var that failed (its error kept in `errors`) is
    FAILED there, so what reads it is not reported again. Without `errors` the first error raises."""
    own = errors is None
    errors = errors if errors is not None else Collector(cap=1)
    with errors.collecting() if own else contextlib.nullcontext():
        declared = _declared(node, errors)
        overrides = {unicodedata.normalize("NFKC", k): v for k, v in overrides.items()}
        symbolic = [unicodedata.normalize("NFKC", n) for n in symbolic]
        for name in [*overrides, *symbolic]:
            if name not in declared:
                errors.keep(ConvcostError(
                    f"unknown var {shown(name)}", Location(path),
                    did_you_mean(name, declared) or
                    (f"the file's vars are: {listing(declared)}" if declared else
                     "the file declares no vars"),
                ))
        out: dict[str, Var] = {}
        env: dict[str, Value] = {}
        for name, (vnode, loc) in declared.items():
            with errors.catch():
                out[name] = _load_var(name, _var_fields(name, vnode), loc, overrides, name in symbolic, env,
                                      limits)
            env[name] = out[name].value if name in out else FAILED
    return out, env


def _override(name: str, raw: Any, env: Mapping[str, Value], limits: Limits, loc: Location) -> Value:
    if isinstance(raw, arith.Lifted):  # a swept var: its values over a sweep's grid (symbolic/grid.py)
        return raw
    if isinstance(raw, str):
        try:
            return evaluate_text(raw, env, limits)
        except ConvcostError as err:
            err.message = f"--set {name}={raw}: {err.message}"
            raise
    if isinstance(raw, bool) or not (arith.is_number(raw) or hasattr(raw, "free_symbols")):
        raise ConvcostError(f"value for var {name!r} must be a number or an expression string, got {raw!r}",
                            hint="e.g. --set alpha=0.75 (or set={'alpha': '0.75'} in Python)")
    return raw


