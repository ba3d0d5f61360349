"""`budget:` (at the top and on layers) and `expect:` (on layers), read when the file is loaded.

Reading them is strict, like the rest of the layer file: an unknown key or a value that is not a
count is an input error (exit 2) at its line and column, for `convcost analyze` as for `check`.
The result is plain Targets; `convcost check` compares them with the analysis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import ConvcostError, did_you_mean
from ..limits import Limits
from ..symbolic import quantity
from ..symbolic.arith import Value
from . import coerce
from .model import Target
from .yamlnodes import Node

BUDGET_KEYS = ("macs", "params")
EXPECT_KEYS = ("output", "params", "macs")

Env = Mapping[str, Value]


def _fields(node: Node, allowed: Sequence[str], what: str) -> dict[str, Node]:
    if node.type == "null":
        return {}
    if node.type != "map":
        raise ConvcostError(f"{what} must be a mapping such as {{{allowed[0]}: ...}}, got {node.describe()}",
                            node.loc, f"it takes: {', '.join(allowed)}")
    for key, kloc in (node.key_locs or {}).items():
        if key not in allowed:
            raise ConvcostError(f"unknown key {key!r} in {what}", kloc,
                                did_you_mean(key, allowed) or f"{what} takes: {', '.join(allowed)}")
    return node.value


def _count(node: Node, what: str, env: Env, limits: Limits) -> Value:
    """A count written in the layer file: an integer, or a string such as "600M" or "600M*alpha**2"."""
    if node.type in ("int", "float", "str"):
        return quantity.count(node.value, what, env, limits, node.loc)
    raise ConvcostError(f"{what} must be a count, got {node.describe()}", node.loc, quantity.HINT)


def budget(node: Node, env: Env, limits: Limits, layer: str | None = None) -> tuple[Target, ...]:
    """The targets of a `budget:` mapping: of the network (`layer` None) or of one layer."""
    what = "`budget`" if layer is None else f"`budget` of layer {layer!r}"
    where = "budget" if layer is None else f"budget[{layer}]"
    return tuple(Target(f"{where}.{key}", f"budget.{key}", key, _count(value, f"{what}: {key}", env, limits),
                        value.loc, layer)
                 for key, value in _fields(node, BUDGET_KEYS, what).items())


def expect(node: Node, env: Env, limits: Limits, layer: str) -> tuple[Target, ...]:
    """The targets of a layer's `expect:` mapping."""
    what = f"`expect` of layer {layer!r}"
    out = []
    for key, value in _fields(node, EXPECT_KEYS, what).items():
        if key == "output":
            if value.type != "seq" or len(value.value) not in (1, 3):
                raise ConvcostError(f"{what}: output is [channels, height, width] or [features]", value.loc,
                                    "write e.g. `output: [1024, 7, 7]`")
            expected: Any = tuple(coerce.number(v, env, limits, f"{what}: output") for v in value.value)
        else:
            expected = _count(value, f"{what}: {key}", env, limits)
        out.append(Target(f"expect[{layer}].{key}", f"expect.{key}", key, expected, value.loc, layer))
    return tuple(out)
