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

from typing import Any, NamedTuple

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


class Node(NamedTuple):
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


# Event kinds, by class name (see _name): what compose() does with each event.
_SCALAR, _MAP, _SEQ, _END, _ALIAS = range(5)
_KINDS = {"ScalarEvent": _SCALAR, "MappingStartEvent": _MAP, "SequenceStartEvent": _SEQ,
          "MappingEndEvent": _END, "SequenceEndEvent": _END, "AliasEvent": _ALIAS}
_KEY_HINT = "mapping keys must be plain names, not lists or mappings"
_KEY_FIX = "write `name: value`; a `?` or a list before the colon makes a complex key"
# What compose() keeps of each open collection around the current one (the current one is in locals).
_FRAME = ("items", "is_map", "key", "key_locs", "loc", "anchor", "start", "reach_before")
_ANCHOR = _FRAME.index("anchor")


class _Composer:
    def __init__(self, loader, path: str, limits: Limits):
        self.loader = loader
        self.path = path
        self.limits = limits
        self.anchors: dict[str, tuple[Node, int, int]] = {}  # name -> (node, size, height)
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
        """Build the tree of one document from its events, without recursion.

        This loop runs once per event (180,000 for a file of 20,000 layers), so it is one function
        working on local variables: the innermost open collection lives in locals (its parents on
        `stack`), a scalar's text is converted once per distinct text (layer files repeat `relu`,
        `3`, `true`), and a mapping key becomes a name without a Node. What an alias needs of its
        node (aliases count in full) comes from running counts, not per-node bookkeeping: the size
        is the growth of the node count while the node is open, the height the deepest level
        reached meanwhile. The node count and the depth are still checked at every event, before
        anything is built from it.
        """
        get_event, path, anchors = self.loader.get_event, self.path, self.anchors
        max_nodes, max_depth = self.limits.yaml_nodes, self.limits.yaml_depth
        new_tuple = tuple.__new__  # Location(...), Node(...) without NamedTuple's Python-level __new__
        plain: dict[str, tuple[Any, str]] = {}  # untagged plain scalars: text -> (value, kind)
        quoted: dict[str, tuple[Any, str]] = {}  # untagged quoted scalars
        kinds: dict[type, int] = {}  # event class -> kind (classes looked up by name once, see _name)
        stack: list[tuple] = []  # the open collections around the current one, as _FRAME says
        total = depth = reach = 0  # nodes so far; open collections; deepest level reached
        # The current (innermost open) collection; `items` is None at the top level.
        items: Any = None
        is_map = False
        key: str | None = None  # a mapping's key waiting for its value
        key_locs: dict[str, Location] = {}
        loc = Location(path)
        anchor: str | None = None
        start = reach_before = 0  # `total` before this collection; `reach` outside an anchored one
        while True:
            event = get_event()
            cls = type(event)
            kind = kinds.get(cls)
            if kind is None:
                kind = kinds[cls] = _KINDS[_name(event)]
            if kind == _SCALAR:
                mark = event.start_mark
                here = new_tuple(Location, (path, mark.line + 1, mark.column + 1))
                total += 1
                if total > max_nodes:
                    raise self.too_many(here)
                if depth > max_depth:
                    raise self.too_deep(here)
                text = event.value
                if event.tag is None:
                    cache = plain if event.implicit[0] else quoted
                    known = cache.get(text)
                    if known is None:
                        known = cache[text] = self.convert(event, here)
                else:
                    known = self.convert_tagged(event, here)
                if event.anchor is not None:
                    node = new_tuple(Node, (*known, here, text, None))
                    anchors[event.anchor] = (node, 1, 0)
                elif is_map and key is None:  # the common mapping key: a name, no Node needed
                    name = text if known[1] != "null" else ""
                    if name in items:
                        raise self.duplicate(name, key_locs, here)
                    key_locs[name] = here
                    key = name
                    continue
                else:
                    node = new_tuple(Node, (*known, here, text, None))
                    if items is None:
                        return node
                    if is_map:
                        items[key] = node
                        key = None
                    else:
                        items.append(node)
                    continue
            elif kind == _END:
                fields = (items, "map", loc, "", key_locs) if is_map else (items, "seq", loc, "", None)
                node = new_tuple(Node, fields)
                depth -= 1
                if items and reach <= depth:  # its children reach one level below it
                    reach = depth + 1
                if anchor is not None:
                    anchors[anchor] = (node, total - start, reach - depth)
                    reach = max(reach, reach_before)
                if not stack:
                    return node
                items, is_map, key, key_locs, loc, anchor, start, reach_before = stack.pop()
            elif kind == _ALIAS:
                mark = event.start_mark
                here = _loc(path, mark)
                node, size, height = self.alias(event, here, stack, anchor)
                total += size
                if total > max_nodes:
                    raise self.too_many(here)
                if depth + height > max_depth:
                    raise self.too_deep(here)
                if depth + height > reach:
                    reach = depth + height
            else:  # the start of a mapping or a list
                mark = event.start_mark
                here = new_tuple(Location, (path, mark.line + 1, mark.column + 1))
                if is_map and key is None:
                    raise ConvcostError(_KEY_HINT, here, _KEY_FIX)
                tag = event.tag
                if tag not in (None, "!") and tag not in COLLECTION_TAGS:
                    raise ConvcostError(f"YAML tag {shown(tag)} is not allowed", here, _TAG_HINT)
                total += 1
                if total > max_nodes:
                    raise self.too_many(here)
                if depth > max_depth:
                    raise self.too_deep(here)
                if items is not None:
                    stack.append((items, is_map, key, key_locs, loc, anchor, start, reach_before))
                is_map = kind == _MAP
                items, key, key_locs = ({} if is_map else []), None, {}
                loc, anchor, start = here, event.anchor, total - 1
                if anchor is not None:  # its height is measured from here
                    reach_before, reach = reach, depth
                depth += 1
                continue
            # A finished collection, an alias, or an anchored scalar: add it to its parent.
            if items is None:
                return node
            if not is_map:
                items.append(node)
            elif key is not None:
                items[key] = node
                key = None
            else:
                if node.type in ("map", "seq"):  # an alias of a collection used as a key
                    raise ConvcostError(_KEY_HINT, node.loc, _KEY_FIX)
                name = node.text if node.type != "null" else ""
                if name in items:
                    raise self.duplicate(name, key_locs, node.loc)
                key_locs[name] = node.loc
                key = name

    def too_many(self, loc: Location) -> LimitExceeded:
        return LimitExceeded(
            f"the file expands to more than {self.limits.yaml_nodes} YAML nodes (aliases counted "
            "each time they are used)",
            loc,
            "a YAML alias bomb looks like this; "
            "raise the limit with --limit yaml_nodes=N if it is intended",
        )

    def too_deep(self, loc: Location) -> LimitExceeded:
        return LimitExceeded(
            f"YAML nesting is deeper than {self.limits.yaml_depth} levels",
            loc,
            "raise it with --limit yaml_depth=N if this is intended",
        )

    @staticmethod
    def duplicate(name: str, key_locs: dict[str, Location], loc: Location) -> ConvcostError:
        first = key_locs[name]
        return ConvcostError(f"duplicate key {shown(name)} (first written at line {first.line})", loc,
                             "each key may appear once in a mapping")

    def alias(self, event, loc: Location, stack: list[tuple], anchor: str | None) -> tuple[Node, int, int]:
        """The aliased node with its size and height; `stack` and `anchor` are the open collections."""
        if event.anchor not in self.anchors:
            if event.anchor == anchor or any(frame[_ANCHOR] == event.anchor for frame in stack):
                raise ConvcostError(f"alias {shown('*' + event.anchor)} is used inside the node it names",
                                    loc, "a node cannot contain itself")
            raise ConvcostError(f"alias {shown('*' + event.anchor)} names no anchor written before it", loc,
                                "write `&name` on a node before using `*name`")
        return self.anchors[event.anchor]

    def convert_tagged(self, event, loc: Location) -> tuple[Any, str]:
        """A scalar with an explicit tag (rare), converted once per (text, tag, implicit)."""
        key = (event.value, event.tag, event.implicit)
        known = self.scalars.get(key)
        if known is None:
            known = self.scalars[key] = self.convert(event, loc)
        return known

    def convert(self, event, loc: Location) -> tuple[Any, str]:
        text = event.value
        tag = event.tag
        if tag is None and event.implicit[0] and _is_plain_decimal(text):  # the common number, fast
            return int(text), "int"
        if tag in (None, "!"):
            tag = self.loader.resolve(yaml.ScalarNode, text, event.implicit)
        elif tag in _CHECKED_TAGS and tag != self.loader.resolve(yaml.ScalarNode, text, (True, False)):
            raise ConvcostError(f"{shown(text)} is not a valid {SCALAR_TAGS[tag]}", loc,  # `!!int abc`
                                "drop the tag, or write a value of that type")
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
            raise ConvcostError(f"integer {shown(text)} is too long",
                                hint="raise the limit with --limit int_bits=N if this is intended") from None
        return check_bits(value, text, limits), "int"
    if kind == "float":
        return decimal(text, limits), "float"
    if kind == "bool":
        return text.lower() in ("yes", "true", "on", "y"), "bool"
    if kind == "null":
        return None, "null"
    return text, "str"


def _syntax_hint(text: str, mark, problem: str) -> str:
    """What to fix: a tab in the indentation of the line (or the one before it) is the usual cause."""
    lines = text.splitlines()
    near = lines[max(mark.line - 1, 0):mark.line + 1]
    tabbed = [mark.line + i for i, line in enumerate(near, start=0 if mark.line else 1)
              if "\t" in line[:len(line) - len(line.lstrip(" \t"))]]
    if "'\\t'" in problem or tabbed:
        where = f" (line {tabbed[-1]})" if tabbed else ""
        return f"tabs cannot indent YAML: indent with spaces{where}"
    return "check indentation, colons and brackets"


def _yaml_error(exc: Exception, text: str, path: str) -> ConvcostError:
    """PyYAML's scanner, parser and reader errors as our error at the line and column."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or "invalid YAML"
        return ConvcostError(f"invalid YAML: {problem}", _loc(path, mark), _syntax_hint(text, mark, problem))
    position, char = getattr(exc, "position", None), getattr(exc, "character", None)
    if position is not None and char is not None:  # a reader error: a control character
        before = text[:position]
        loc = Location(path, before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1)
        code = char if isinstance(char, int) else ord(char)
        return ConvcostError(f"invalid YAML: control character U+{code:04X} is not allowed", loc,
                             "remove control characters from the file")
    return ConvcostError(f"invalid YAML: {exc}", Location(path), "check that the file is YAML text")


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
