"""Safe YAML reading that keeps the line and column of every node.

PyYAML's safe *composer* builds a node graph with marks; it never constructs Python objects from
tags. We walk that graph ourselves into a small immutable tree, rejecting explicit tags, merge keys
and duplicate keys, and counting every node visit (aliases included) so that alias bombs and deep
nesting stop at a documented limit instead of exhausting memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import yaml

from ..errors import ConvcostError, LimitExceeded, Location
from ..limits import Limits

try:  # libyaml is much faster; both composers are safe (they build nodes, not objects)
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

_T = "tag:yaml.org,2002:"
SCALAR_TAGS = {_T + t: t for t in ("str", "int", "float", "bool", "null", "timestamp")}
COLLECTION_TAGS = {_T + "map", _T + "seq"}
_INTS = yaml.constructor.SafeConstructor()  # only its YAML 1.1 integer syntax is used


@dataclass(frozen=True, slots=True)
class Node:
    """One YAML node. `value` is dict[str, Node], list[Node], or a scalar (see `type`)."""

    value: Any
    type: str  # "map", "seq", "str", "int", "float", "bool", "null"
    loc: Location
    text: str = ""  # the scalar's source text
    key_locs: dict[str, Location] | None = None  # for maps: where each key is written

    def describe(self) -> str:
        return {"map": "a mapping", "seq": "a list", "str": "a string", "int": "an integer",
                "float": "a number", "bool": "a boolean", "null": "null (empty)"}[self.type]


def _loc(path: str, mark) -> Location:
    return Location(path, mark.line + 1, mark.column + 1)


class _Walker:
    def __init__(self, path: str, limits: Limits):
        self.path = path
        self.limits = limits
        self.visits = 0

    def walk(self, node: yaml.Node, depth: int) -> Node:
        self.visits += 1
        loc = _loc(self.path, node.start_mark)
        if self.visits > self.limits.yaml_nodes:
            raise LimitExceeded(
                f"the file expands to more than {self.limits.yaml_nodes} YAML nodes (aliases counted "
                "each time they are used)",
                loc,
                "a YAML alias bomb looks like this; raise the limit with --limit yaml_nodes=N if it is intended",
            )
        if depth > self.limits.yaml_depth:
            raise LimitExceeded(
                f"YAML nesting is deeper than {self.limits.yaml_depth} levels",
                loc,
                "raise it with --limit yaml_depth=N if this is intended",
            )
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, loc)
        if node.tag not in COLLECTION_TAGS:
            raise ConvcostError(f"YAML tag {node.tag!r} is not allowed", loc,
                                "layer files are plain YAML: mappings, lists, numbers and strings")
        if isinstance(node, yaml.SequenceNode):
            return Node([self.walk(item, depth + 1) for item in node.value], "seq", loc)
        return self.mapping(node, loc, depth)

    def mapping(self, node: yaml.MappingNode, loc: Location, depth: int) -> Node:
        out: dict[str, Node] = {}
        key_locs: dict[str, Location] = {}
        for key_node, value_node in node.value:
            kloc = _loc(self.path, key_node.start_mark)
            if key_node.tag == _T + "merge":
                raise ConvcostError("YAML merge keys (<<) are not supported", kloc,
                                    "write the keys out, or use `repeat:` for repeated blocks")
            if not isinstance(key_node, yaml.ScalarNode):
                raise ConvcostError("mapping keys must be plain names, not lists or mappings", kloc)
            key = self.scalar(key_node, kloc)
            name = key.text if key.type != "null" else ""
            if name in out:
                prev = key_locs[name]
                raise ConvcostError(f"duplicate key {name!r} (first written at line {prev.line})", kloc,
                                    "each key may appear once in a mapping")
            key_locs[name] = kloc
            out[name] = self.walk(value_node, depth + 1)
        return Node(out, "map", loc, key_locs=key_locs)

    def scalar(self, node: yaml.ScalarNode, loc: Location) -> Node:
        kind = SCALAR_TAGS.get(node.tag)
        if kind is None:
            raise ConvcostError(f"YAML tag {node.tag!r} is not allowed", loc,
                                "layer files are plain YAML: mappings, lists, numbers and strings")
        text = node.value
        if kind == "int":
            try:
                value: Any = _INTS.construct_yaml_int(node)
            except ValueError:
                raise ConvcostError(f"integer {text[:40]!r} is too long", loc) from None
        elif kind == "float":
            clean = text.replace("_", "")
            try:
                value = Fraction(clean)
            except (ValueError, ZeroDivisionError):
                raise ConvcostError(f"number {text!r} is not a finite number", loc) from None
            if value.denominator == 1:
                value = value.numerator
        elif kind == "bool":
            value = text.lower() in ("yes", "true", "on", "y")
        elif kind == "null":
            value = None
        else:
            value, kind = text, "str"
        return Node(value, kind, loc, text=text)


def load_document(text: str, path: str, limits: Limits) -> Node:
    """Parse one YAML document into a Node tree (errors carry the file, line and column)."""
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = _loc(path, mark) if mark else Location(path)
        problem = exc.problem or exc.context or "invalid YAML"
        raise ConvcostError(f"invalid YAML: {problem}", loc, "check indentation, colons and brackets") from None
    except yaml.YAMLError as exc:
        raise ConvcostError(f"invalid YAML: {exc}", Location(path)) from None
    if root is None:
        raise ConvcostError("the file is empty", Location(path),
                            "a layer file needs at least `input:` and `layers:`; see docs/layer-file.md")
    return _Walker(path, limits).walk(root, 0)
