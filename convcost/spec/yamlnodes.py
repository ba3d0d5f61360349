"""Safe YAML reading that keeps the line and column of every node.

We read PyYAML's *event* stream (scanner and parser only: they build no objects) and compose the
node tree ourselves, iteratively, into a small immutable tree. Doing the composing ourselves is what
bounds the work: PyYAML's composers recurse once per nesting level (libyaml's C composer crashes the
interpreter on a few thousand nested `[`) and compose the whole file before anyone can count; here
the nesting depth and the node count (an alias counts as the whole node it repeats, so alias bombs
cost nothing to detect) are checked as each event arrives. Explicit tags other than the standard
ones, merge keys, duplicate keys, recursive aliases and several documents are errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from ..errors import ConvcostError, LimitExceeded, Location, shown
from ..limits import Limits
from ..symbolic.literals import check_bits, decimal, integer_text_fits

try:  # libyaml is much faster; both parsers are safe (they produce events, not objects)
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

_T = "tag:yaml.org,2002:"
SCALAR_TAGS = {_T + t: t for t in ("str", "int", "float", "bool", "null", "timestamp")}
SCALAR_TAGS[_T + "value"] = "str"  # a plain `=` (YAML 1.1's "value" key) is just text here
COLLECTION_TAGS = {_T + "map", _T + "seq"}
_CHECKED_TAGS = {_T + "int", _T + "bool", _T + "null"}  # explicit tags whose text must match them
_INTS = yaml.constructor.SafeConstructor()  # only its YAML 1.1 integer syntax is used
_TAG_HINT = "layer files are plain YAML: mappings, lists, numbers and strings"


@dataclass(slots=True)  # not frozen: 3x faster to build (files reach 200,000 nodes); read-only by use
class Node:
    """One YAML node. `value` is dict[str, Node], list[Node], or a scalar (see `type`). Never modified."""

    value: Any
    type: str  # "map", "seq", "str", "int", "float", "bool", "null"
    loc: Location
    text: str = ""  # the scalar's source text
    key_locs: dict[str, Location] | None = None  # for maps: where each key is written

    def describe(self) -> str:
        return {"map": "a mapping", "seq": "a list", "str": "a string", "int": "an integer",
                "float": "a number", "bool": "a boolean", "null": "null (empty)"}[self.type]


def _name(event) -> str:
    # By class name, not isinstance: PyYAML's C extension keeps the event classes of the first
    # import of `yaml`, so after a re-import (pytest's pytester does that) isinstance fails.
    return type(event).__name__


def _is_yaml_error(exc: BaseException) -> bool:
    return any(cls.__name__ == "YAMLError" for cls in type(exc).__mro__)  # see _name


def _loc(path: str, mark) -> Location:
    return Location(path, mark.line + 1, mark.column + 1)


class _Open:
    """A mapping or list whose end event has not arrived yet."""

    __slots__ = ("is_map", "loc", "anchor", "items", "key_locs", "key", "size", "height")

    def __init__(self, is_map: bool, loc: Location, anchor: str | None):
        self.is_map = is_map
        self.loc = loc
        self.anchor = anchor
        self.items: Any = {} if is_map else []
        self.key_locs: dict[str, Location] = {}
        self.key: str | None = None  # a mapping's key waiting for its value
        self.size = 1  # nodes in this subtree, aliases counted in full
        self.height = 0  # levels below this node

    def wants_key(self) -> bool:
        return self.is_map and self.key is None

    def node(self) -> Node:
        if self.is_map:
            return Node(self.items, "map", self.loc, key_locs=self.key_locs)
        return Node(self.items, "seq", self.loc)


class _Composer:
    def __init__(self, loader, path: str, limits: Limits):
        self.loader = loader
        self.path = path
        self.limits = limits
        self.total = 0  # nodes so far, aliases counted in full
        self.anchors: dict[str, tuple[Node, int, int]] = {}  # name -> (node, size, height)
        self.stack: list[_Open] = []
        self.scalars: dict[tuple, tuple[Any, str]] = {}  # (text, tag, implicit) -> (value, kind)

    def document(self) -> Node | None:
        self.loader.get_event()  # stream start
        if _name(self.loader.peek_event()) == "StreamEndEvent":
            return None
        self.loader.get_event()  # document start
        root = self.compose()
        self.loader.get_event()  # document end
        if _name(self.loader.peek_event()) != "StreamEndEvent":
            raise ConvcostError("the file holds more than one YAML document (a second `---`)",
                                _loc(self.path, self.loader.peek_event().start_mark),
                                "a layer file is one document")
        return root

    def compose(self) -> Node:
        """Build the tree of one document from its events, without recursion."""
        while True:
            event = self.loader.get_event()
            name = _name(event)
            if name in ("SequenceEndEvent", "MappingEndEvent"):
                done = self.stack.pop()
                node, size, height = done.node(), done.size, done.height
                if done.anchor is not None:
                    self.anchors[done.anchor] = (node, size, height)
            else:
                loc = _loc(self.path, event.start_mark)
                if name in ("SequenceStartEvent", "MappingStartEvent"):
                    self.start(event, loc, name == "MappingStartEvent")
                    continue
                if name == "AliasEvent":
                    node, size, height = self.alias(event, loc)
                else:
                    self.count(1, 0, loc)
                    node, size, height = self.scalar(event, loc), 1, 0
                    if event.anchor is not None:
                        self.anchors[event.anchor] = (node, 1, 0)
            if not self.stack:
                return node
            self.add(self.stack[-1], node, size, height)

    def start(self, event, loc: Location, is_map: bool) -> None:
        if self.stack and self.stack[-1].wants_key():
            raise ConvcostError("mapping keys must be plain names, not lists or mappings", loc)
        tag = event.tag
        if tag not in (None, "!") and tag not in COLLECTION_TAGS:
            raise ConvcostError(f"YAML tag {shown(tag)} is not allowed", loc, _TAG_HINT)
        self.count(1, 0, loc)
        self.stack.append(_Open(is_map, loc, event.anchor))

    def count(self, size: int, height: int, loc: Location) -> None:
        """Account for `size` more nodes reaching `height` levels below the current depth."""
        self.total += size
        if self.total > self.limits.yaml_nodes:
            raise LimitExceeded(
                f"the file expands to more than {self.limits.yaml_nodes} YAML nodes (aliases counted "
                "each time they are used)",
                loc,
                "a YAML alias bomb looks like this; "
                "raise the limit with --limit yaml_nodes=N if it is intended",
            )
        if len(self.stack) + height > self.limits.yaml_depth:
            raise LimitExceeded(
                f"YAML nesting is deeper than {self.limits.yaml_depth} levels",
                loc,
                "raise it with --limit yaml_depth=N if this is intended",
            )

    def alias(self, event, loc: Location) -> tuple[Node, int, int]:
        if event.anchor not in self.anchors:
            if any(o.anchor == event.anchor for o in self.stack):
                raise ConvcostError(f"alias {shown('*' + event.anchor)} is used inside the node it names",
                                    loc, "a node cannot contain itself")
            raise ConvcostError(f"alias {shown('*' + event.anchor)} names no anchor written before it", loc,
                                "write `&name` on a node before using `*name`")
        node, size, height = self.anchors[event.anchor]
        self.count(size, height, loc)
        return node, size, height

    def add(self, parent: _Open, node: Node, size: int, height: int) -> None:
        parent.size += size
        parent.height = max(parent.height, height + 1)
        if not parent.wants_key():
            if parent.is_map:
                parent.items[parent.key] = node
                parent.key = None
            else:
                parent.items.append(node)
            return
        if node.type in ("map", "seq"):  # an alias of a collection used as a key
            raise ConvcostError("mapping keys must be plain names, not lists or mappings", node.loc)
        name = node.text if node.type != "null" else ""
        if name in parent.items:
            first = parent.key_locs[name]
            raise ConvcostError(f"duplicate key {shown(name)} (first written at line {first.line})", node.loc,
                                "each key may appear once in a mapping")
        parent.key_locs[name] = node.loc
        parent.key = name

    def scalar(self, event, loc: Location) -> Node:
        text = event.value
        if event.tag is None and event.implicit[0] and _is_plain_decimal(text):  # the common case, fast
            return Node(int(text), "int", loc, text=text)
        key = (text, event.tag, event.implicit)
        known = self.scalars.get(key)  # layer files repeat their scalars (relu, 1, 3, true) a lot
        if known is None:
            known = self.scalars[key] = self.convert(event, loc)
        return Node(known[0], known[1], loc, text=event.value)

    def convert(self, event, loc: Location) -> tuple[Any, str]:
        text = event.value
        tag = event.tag
        if tag in (None, "!"):
            tag = self.loader.resolve(yaml.ScalarNode, text, event.implicit)
        elif tag in _CHECKED_TAGS and tag != self.loader.resolve(yaml.ScalarNode, text, (True, False)):
            raise ConvcostError(f"{shown(text)} is not a valid {SCALAR_TAGS[tag]}", loc)  # `!!int abc`
        if tag == _T + "merge":
            raise ConvcostError("YAML merge keys (<<) are not supported", loc,
                                "write the keys out, or use `repeat:` for repeated blocks")
        kind = SCALAR_TAGS.get(tag)
        if kind is None:
            raise ConvcostError(f"YAML tag {shown(tag)} is not allowed", loc, _TAG_HINT)
        try:
            return _scalar_value(kind, text, self.limits)
        except ConvcostError as err:
            raise err.with_location(loc) from None


def _is_plain_decimal(text: str) -> bool:
    """Digits only, short, no leading zero (YAML 1.1 reads 012 as octal): int(text) is its value."""
    return 0 < len(text) < 19 and text.isascii() and text.isdigit() and (text[0] != "0" or len(text) == 1)


def _scalar_value(kind: str, text: str, limits: Limits) -> tuple[Any, str]:
    if kind == "int":
        integer_text_fits(text, limits)
        try:
            value = _INTS.construct_yaml_int(yaml.ScalarNode(_T + "int", text))
        except ValueError:  # Python's own digit limit, when int_bits is raised past it
            raise ConvcostError(f"integer {shown(text)} is too long") from None
        return check_bits(value, text, limits), "int"
    if kind == "float":
        return decimal(text, limits), "float"
    if kind == "bool":
        return text.lower() in ("yes", "true", "on", "y"), "bool"
    if kind == "null":
        return None, "null"
    return text, "str"


def _yaml_error(exc: Exception, text: str, path: str) -> ConvcostError:
    """PyYAML's scanner, parser and reader errors as our error at the line and column."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or "invalid YAML"
        return ConvcostError(f"invalid YAML: {problem}", _loc(path, mark),
                             "check indentation, colons and brackets")
    position, char = getattr(exc, "position", None), getattr(exc, "character", None)
    if position is not None and char is not None:  # a reader error: a control character
        before = text[:position]
        loc = Location(path, before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1)
        code = char if isinstance(char, int) else ord(char)
        return ConvcostError(f"invalid YAML: control character U+{code:04X} is not allowed", loc,
                             "remove control characters from the file")
    return ConvcostError(f"invalid YAML: {exc}", Location(path))


def load_document(text: str, path: str, limits: Limits) -> Node:
    """Parse one YAML document into a Node tree (errors carry the file, line and column)."""
    loader = _Loader(text)
    try:
        root = _Composer(loader, path, limits).document()
    except ConvcostError:
        raise
    except Exception as exc:
        if not _is_yaml_error(exc):
            raise
        err = _yaml_error(exc, text, path)
        if "maximum nesting depth" in err.message:  # PyYAML >= 6.0.4's libyaml stops deep nesting itself,
            # while scanning ahead, before our own count sees the events
            raise LimitExceeded(f"YAML nesting is deeper than {limits.yaml_depth} levels", err.location,
                                "raise it with --limit yaml_depth=N if this is intended") from None
        raise err from None
    finally:
        loader.dispose()
    if root is None:
        raise ConvcostError("the file is empty", Location(path),
                            "a layer file needs at least `input:` and `layers:`; see docs/layer-file.md")
    return root
