"""Small checks of YAML nodes shared by the layer-file readers: types, keys, one-line texts."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from ..errors import ConvcostError, Location, did_you_mean, shown
from .foreign import key_hint
from .yamlnodes import Node

NAME_CHARS = 200  # longest layer or var name: names are echoed in every message about their layer


def unknown_key(key: str, allowed: Sequence[str], where: str, loc: Location) -> ConvcostError:
    hint = key_hint(key, allowed) or did_you_mean(key, allowed) or f"{where} takes: {', '.join(allowed)}"
    return ConvcostError(f"unknown key {shown(key)} in {where}", loc, hint)


_SHAPES = {
    "map": "write `key: value` pairs, indented below it or in {braces}",
    "seq": "write a list: `- item` lines indented below it, or [a, b] in brackets",
    "str": "write text (quote it if it looks like a number or a list)",
}


def expect_type(node: Node, type_: str, what: str) -> Node:
    """`node` itself, if it is a mapping ("map"), a list ("seq") or a string ("str") as required."""
    if node.type != type_:
        want = {"map": "a mapping", "seq": "a list", "str": "a string"}[type_]
        raise ConvcostError(f"{what} must be {want}, got {node.describe()}", node.loc, _SHAPES[type_])
    return node


def one_line(node: Node | None, what: str) -> str:
    """A scalar's text ("" when absent or empty); a list or mapping is an error, not ""."""
    if node is None or node.type == "null":
        return ""
    if node.type in ("map", "seq"):
        raise ConvcostError(f"{what} must be a string, got {node.describe()}", node.loc, _SHAPES["str"])
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in node.text):  # "\n::error::", "\e[2J"
        raise ConvcostError(f"{what} must be one line of text, without control characters", node.loc,
                            "remove the line breaks and control characters")
    return node.text
