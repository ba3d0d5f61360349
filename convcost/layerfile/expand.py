"""The `layers:` of a layer file expanded into a flat list of layers: repeats, blocks, chunks, `when:`,
scoped names, `from` references and each layer's evaluated settings.

Names are scoped: a layer inside a repeat copy or a block instance is named after it
(`stage2.1.expand`, `stage2.1.bn_1`), and every expanded name can be referenced from anywhere. A
reference is looked up in the innermost scope first, then outwards.

Expressions inside a block or repeat may read the shape of its input (`in_channels`, `in_height`,
`in_width`). Those shapes come from the layers' rules, run here on demand, in file order, for the
layers before the one asked about; a file that never asks runs no rule while loading. So the Spec
holds plain numbers, and `when:` may depend on shapes too (a residual only where the shapes match).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import (
    Collector,
    Consequence,
    ConvcostError,
    LimitExceeded,
    Location,
    close_matches,
    did_you_mean,
    shown,
)
from ..layers.records import ALLOWABLE, COMMON_KEYS, REQUIRED, LayerError
from ..layers.registry import get_rules
from ..limits import Limits
from ..symbolic import arith
from ..symbolic.arith import Value
from . import coerce, targets
from .conditions import condition
from .fields import NAME_CHARS, expect_type, unknown_key
from .foreign import KEYS as FOREIGN_KEYS
from .foreign import kind_hint
from .model import BLOCK_INPUT, INPUT, REPEAT_INPUT, LayerSpec
from .yamlnodes import Node

REPEAT_KEYS = ("times", "layers", "name", "use", "args", "first", "each", "index", "from", "when")
BLOCK_KEYS = ("use", "name", "from", "when")  # a `block:` entry's own keys; all others are arguments
BLOCK_DEF_KEYS = ("args", "layers", "description")
LAYER_KEYS = (*COMMON_KEYS, "when")
SHAPE_NAMES = {"in_channels": 0, "in_height": 1, "in_width": 2}
# Names are printed in tables, CSV and CI logs: no spaces, quotes, control characters or a leading
# = + - @ (which spreadsheets read as a formula).
_LAYER_NAME = re.compile(r"/*\w[\w./-]*")  # a leading `/` as ONNX exporters name nodes (docs/onnx.md)
_BLOCK_NAME = re.compile(r"[^\W\d]\w*")
_RESERVED = (INPUT, REPEAT_INPUT, BLOCK_INPUT)
_REPEAT_HINT = ("write `repeat: {times: N, layers: [...]}`, or `repeat: {times: N, use: BLOCK}`; "
                "see docs/layer-file.md")
_RECURSION_HINT = "a block cannot contain itself, directly or through other blocks"
_UNKNOWN = object()  # a shape that cannot be known while loading (forward reference, failing rule)
_BROKEN = "a layer before it has errors"  # why a shape is unknown when the layer's errors are reported


class _Raw:
    """A layer during expansion; its name is final, its inputs are resolved at the end."""

    __slots__ = ("kind", "body", "loc", "key_locs", "name", "user_named", "scope", "prev", "attrs",
                 "targets", "early", "shape", "why", "pos", "broken", "allow")

    def __init__(self, kind, body, loc, key_locs, name, user_named, scope, prev):
        self.kind = kind
        self.body = body  # dict[str, Node]
        self.loc = loc
        self.key_locs = key_locs
        self.name = name
        self.user_named = user_named
        self.scope = scope
        self.prev = prev  # what it reads without `from`: a _Raw, INPUT or a _Pending
        self.attrs: dict[str, Any] = {}
        self.targets: tuple = ()
        self.early: tuple | None = None  # inputs as resolved while loading, if a shape was needed
        self.shape: Any = None  # None: not computed yet; _UNKNOWN: cannot be known while loading
        self.why = ""
        self.pos = 0
        self.broken = False  # its settings had errors (reported): no shape, no LayerSpec
        self.allow: tuple[str, ...] = ()


class _Group:
    """A name standing for the output of several layers: a repeat, a repeat copy, a block instance, a
    chunk. `last` is its output layer."""

    __slots__ = ("last",)

    def __init__(self):
        self.last: Any = None


class _Pending:
    """An input named by a `from` that could not be resolved yet (it points forward)."""

    __slots__ = ("ref", "scope", "loc")

    def __init__(self, ref: str, scope: _Scope, loc: Location):
        self.ref = ref
        self.scope = scope
        self.loc = loc


class _Env(Mapping):
    """The names an expression can read in a scope: vars, block arguments, and the shape of the
    scope's input (`in_channels`, `in_height`, `in_width`), computed only when read."""

    __slots__ = ("values", "scope", "expander")

    def __init__(self, values: Mapping[str, Value], scope: _Scope, expander: _Expander):
        self.values = values
        self.scope = scope
        self.expander = expander

    def __getitem__(self, key: str) -> Value:
        if key in self.values:
            return self.values[key]
        if key in SHAPE_NAMES:
            return self.expander.input_dim(self.scope, key)
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return key in self.values or key in SHAPE_NAMES

    def __iter__(self) -> Iterator[str]:
        yield from self.values
        yield from (k for k in SHAPE_NAMES if k not in self.values)

    def __len__(self) -> int:
        return len(self.values) + sum(k not in self.values for k in SHAPE_NAMES)


class _Scope:
    """One body being expanded: the top level, a repeat copy or a block instance."""

    __slots__ = ("parent", "prefix", "kind", "entry", "declared", "counts", "env")

    def __init__(self, parent: _Scope | None, prefix: str, kind: str, entry: Any, values, expander):
        self.parent = parent
        self.prefix = prefix
        self.kind = kind  # "top", "repeat" or "block"
        self.entry = entry  # the input of this body (INPUT at the top)
        self.declared: set[str] = set()  # the names written with `name:` in this body
        self.counts: dict[str, int] = {}
        self.env = _Env(values, self, expander)

    def chain(self) -> Iterator[_Scope]:
        scope: _Scope | None = self
        while scope is not None:
            yield scope
            scope = scope.parent


class _Block:
    __slots__ = ("name", "args", "layers", "loc")

    def __init__(self, name: str, args: dict[str, Node | None], layers: Node, loc: Location):
        self.name = name
        self.args = args  # name -> default node (None: required)
        self.layers = layers
        self.loc = loc


def _split_entry(item: Node) -> tuple[str, Node | None, Location]:
    if item.type == "str":
        return item.value.strip(), None, item.loc
    if item.type != "map" or len(item.value) != 1:
        raise ConvcostError(
            "each layer is a one-key mapping such as `- conv: {out: 32, kernel: 3}`"
            + (f"; this one has {len(item.value)} keys: {shown(', '.join(item.value))}"
               if item.type == "map" else
               f", got {item.describe()}"),
            item.loc,
            "indent the layer's settings under its kind, or put them in {braces}",
        )
    (kind, body), = item.value.items()
    return kind, body, item.key_locs[kind]


def _identifier(raw: str, loc: Location, what: str) -> str:
    if len(raw) > NAME_CHARS or not _BLOCK_NAME.fullmatch(raw):
        raise ConvcostError(f"invalid {what} {shown(raw)}", loc,
                            "use letters, digits and _, starting with a letter or _")
    return raw


def read_blocks(node: Node | None, errors: Collector | None = None) -> dict[str, _Block | None]:
    """The top-level `blocks:` section: name -> block definition (None: a block whose definition has
    errors, kept in `errors`, so that its uses are not reported again)."""
    if node is None or node.type == "null":
        return {}
    expect_type(node, "map", "`blocks`")
    errors = errors if errors is not None else Collector(cap=1)
    out: dict[str, _Block | None] = {}
    for name, body in node.value.items():
        kloc = node.key_locs[name]
        before = len(errors)
        with errors.catch():
            out[name] = _read_block(name, kloc, body, errors)
        if len(errors) > before:
            out[name] = None
    return out


def _read_block(name: str, kloc: Location, body: Node, errors: Collector) -> _Block:
    _identifier(name, kloc, "block name")
    expect_type(body, "map", f"block {name!r}")
    misspelled: list[str] = []
    for key, loc in body.key_locs.items():
        if key not in BLOCK_DEF_KEYS:
            misspelled += close_matches(key, BLOCK_DEF_KEYS)
            errors.keep(unknown_key(key, BLOCK_DEF_KEYS, f"block {name!r}", loc))
    if "layers" not in body.value:
        error = Consequence if "layers" in misspelled else ConvcostError  # `layerz: ...` said it already
        raise error(f"block {name!r} needs `layers`", kloc,
                            "list the block's layers under `layers:`, as at the top level")
    layers = expect_type(body.value["layers"], "seq", f"`layers` of block {name!r}")
    if not layers.value:
        raise ConvcostError(f"`layers` of block {name!r} is empty", layers.loc, "list at least one layer")
    args: dict[str, Node | None] = {}
    if "args" in body.value and body.value["args"].type != "null":
        anode = expect_type(body.value["args"], "map", f"`args` of block {name!r}")
        for arg, default in anode.value.items():
            aloc = anode.key_locs[arg]
            with errors.catch():
                _identifier(arg, aloc, "argument name")
                if arg in BLOCK_KEYS or arg in SHAPE_NAMES:
                    raise ConvcostError(f"{arg!r} cannot be an argument name", aloc,
                                        f"{', '.join(BLOCK_KEYS)} and {', '.join(SHAPE_NAMES)} are taken")
                args[arg] = None if default.type == "null" else default
    return _Block(name, args, layers, kloc)


def _plan(rule) -> tuple[frozenset[str], tuple]:
    """What _attrs needs of a rule, worked out once per kind rather than once per layer: the keys it
    takes, and per setting its name, type, coercer and default (an int default of a pair already
    paired) and the Setting itself."""
    steps = []
    for setting in rule.settings:
        default = setting.default
        if setting.type in ("size", "padding") and isinstance(default, int):
            default = (default, default)
        steps.append((setting.name, setting.type, coerce.coercer(setting.type), default, setting))
    return frozenset((*rule.setting_names, *LAYER_KEYS)), tuple(steps)


def _attrs(raw: _Raw, rule, plan: tuple[frozenset[str], tuple], env: Mapping[str, Value],
           limits: Limits, errors: Collector) -> dict[str, Any]:
    """The layer's settings: every key checked, values coerced, defaults filled in. Each bad key or
    value is kept in `errors` (and the layer marked broken), the others still read."""
    allowed, steps = plan
    body = raw.body
    misspelled: set[str] = set()  # settings a misspelled key stands for: not reported missing as well
    if not allowed.issuperset(body):
        raw.broken = True
        for key in body:
            if key not in allowed:
                misspelled.update(close_matches(key, rule.setting_names), (FOREIGN_KEYS.get(key, ""),))
                errors.keep(unknown_key(key, (*rule.setting_names, *COMMON_KEYS),
                                        f"layer {raw.name!r} ({raw.kind})", raw.key_locs.get(key, raw.loc)))
    out: dict[str, Any] = {}
    for name, type_name, coerce_node, default, setting in steps:
        node = body.get(name)
        if node is None or node.type == "null":
            if default is REQUIRED:
                raw.broken = True
                if name in misspelled:
                    continue
                errors.keep(ConvcostError(f"layer {raw.name!r} ({raw.kind}) needs `{name}`", raw.loc,
                                          f"{name}: {setting.doc}" if setting.doc else
                                          f"add `{name}:` to the layer's settings"))
                continue
            out[name] = default
            continue
        value = coerce.literal(type_name, node)
        if value is coerce.MISS:
            try:
                value = coerce_node(node, env, limits, f"`{name}` of layer {raw.name!r}")
            except ConvcostError as err:
                raw.broken = True
                errors.keep(err)
                continue
        out[name] = value
    return out


def _allowed(node: Node) -> tuple[str, ...]:
    """`allow: [shape.stride]`: the warnings of `convcost check` the layer accepts."""
    items = node.value if node.type == "seq" else [node]
    out = []
    for item in items:
        check = item.text.strip() if item.type == "str" else ""
        if check not in ALLOWABLE:
            raise ConvcostError(f"`allow` takes the id of a warning, got {shown(item.text)}", item.loc,
                                f"a layer may allow: {', '.join(ALLOWABLE)} (errors cannot be allowed)")
        out.append(check)
    return tuple(dict.fromkeys(out))


def _layer_targets(raw: _Raw, env: Mapping[str, Value], limits: Limits) -> tuple:
    """The layer's `budget:` then its `expect:` entries, as Targets."""
    found = ()
    if (node := raw.body.get("budget")) is not None:
        found += targets.budget(node, env, limits, raw.name)
    if (node := raw.body.get("expect")) is not None:
        found += targets.expect(node, env, limits, raw.name)
    return found


class _Expander:
    def __init__(self, path: str, env: Mapping[str, Value], input_shape: tuple | None,
                 blocks: dict[str, _Block | None], limits: Limits, errors: Collector):
        self.errors = errors  # independent errors are kept here and loading goes on
        self.broken: set[str] = set()  # names of entries that failed: what reads them is not reported again
        self.path = path
        self.vars = env
        self.input_shape = input_shape
        self.blocks = blocks
        self.limits = limits
        self.rules = get_rules()
        self.plans: dict[str, tuple] = {}
        self.layers: list[_Raw] = []
        self.table: dict[str, Any] = {}  # every expanded name: a _Raw, or a _Group for its output
        self.soft: dict[str, Any] = {}  # automatic group names (repeat copies): a layer's name wins
        self.sizing: list[str] = []  # blocks being sized, to refuse a block that uses itself
        self.left_out: dict[str, Location] = {}  # names whose `when` is false
        self.global_counts: dict[str, int] = {}
        self.global_used: set[str] = set()
        self.repeat_count = 0
        self.active: list[str] = []  # blocks being expanded, to refuse a block that uses itself
        self.shaped = 0  # layers[:shaped] have their shapes computed
        self.outcomes: dict[tuple, Any] = {}

    # -- errors and names ------------------------------------------------------------------------

    def kind_error(self, kind: str, loc: Location) -> ConvcostError:
        known = sorted([*self.rules, "repeat", "block"])
        return ConvcostError(f"unknown layer kind {shown(kind)}", loc,
                             kind_hint(kind, self.rules) or did_you_mean(kind, known) or
                             "known kinds: " + ", ".join(known))

    def too_many(self, loc: Location) -> LimitExceeded:
        return LimitExceeded(
            f"the network expands to more than {self.limits.layers} layers", loc,
            "raise the limit with --limit layers=N if this is intended",
        )

    def name_of(self, node: Node) -> str:
        if node.type not in ("str", "int"):
            raise ConvcostError(f"a layer name must be a string, got {node.describe()}", node.loc,
                                "write e.g. `name: stem`")
        name = node.text.strip()
        if len(name) > NAME_CHARS or not _LAYER_NAME.fullmatch(name):
            raise ConvcostError(f"invalid layer name {shown(name)}", node.loc,
                                f"use letters, digits, _ - . and /, starting with a letter, digit, _ or / "
                                f"(at most {NAME_CHARS} characters)")
        if name in _RESERVED:
            raise ConvcostError(f"{name!r} is a reserved name", node.loc, "choose another layer name")
        return name

    def auto_name(self, scope: _Scope, kind: str) -> str:
        """`kind_N`: at the top level N counts that kind through the whole expanded network (as it
        always has); inside a repeat copy or block instance it counts within that instance."""
        n = self.global_counts.get(kind, 0)
        while True:
            n += 1
            name = f"{kind}_{n}"
            if name not in self.global_used:
                break
        self.global_counts[kind] = n
        self.global_used.add(name)
        if scope.kind == "top":
            return name
        n = scope.counts.get(kind, 0)
        while True:
            n += 1
            name = f"{kind}_{n}"
            if name not in scope.declared:
                break
        scope.counts[kind] = n
        return scope.prefix + name

    def register(self, name: str, target: Any, loc: Location, hard: bool = True) -> None:
        if not hard:
            self.soft.setdefault(name, target)
            return
        first = self.table.get(name)
        if first is not None:
            where = f" (first used at line {first.loc.line})" if isinstance(first, _Raw) else ""
            raise ConvcostError(f"duplicate layer name {shown(name)}{where}", loc,
                                "layer names must be unique")
        self.table[name] = target

    # -- size, before expanding ------------------------------------------------------------------

    def times(self, node: Node, env: Mapping[str, Value], what: str = "`times` of repeat") -> int:
        value = coerce.count(node, env, self.limits, what)
        if not arith.is_number(value):
            raise ConvcostError(f"{what} must be a number, not symbolic", node.loc,
                                "keep the var that sets it numeric (drop it from --symbolic)")
        return value

    def size(self, seq: Node, env: Mapping[str, Value], depth: int = 0) -> int:
        """How many layers a body expands to, computed without expanding it: exact for plain repeats;
        a `when` is taken as true, and a count that reads a block's arguments (not known here) as 1.
        The count is checked against the limit before a repeat expands, and each layer again as it
        is added."""
        if depth > 64:
            return self.limits.layers + 1
        total = 0
        for item in seq.value:
            kind, body, loc = _split_entry(item)
            fields = body.value if body is not None and body.type == "map" else {}
            if kind == "repeat":
                if "times" in fields:
                    try:
                        times = self.times(fields["times"], env)
                    except LimitExceeded:
                        raise
                    except ConvcostError:
                        times = 1  # reads a block argument: counted when the block expands
                elif "each" in fields and fields["each"].type == "seq":
                    times = len(fields["each"].value)
                else:
                    raise ConvcostError("`repeat` needs `times` (or `each`)", loc, _REPEAT_HINT)
                total += times * self.body_size(fields, env, loc, depth)
            elif kind == "block":
                total += self.block_size(fields, loc, env, depth)
            elif kind == "chunk" and "parts" in fields and "index" not in fields:
                parts = fields["parts"]
                total += parts.value if parts.type == "int" and parts.value > 0 else 1
            else:
                total += 1
            if total > self.limits.layers:
                return total
        return total

    def body_size(self, fields: Mapping[str, Node], env, loc: Location, depth: int) -> int:
        if "use" in fields:
            return self.block_size(fields, loc, env, depth)
        if "layers" not in fields:
            raise ConvcostError("`repeat` needs `layers` (or `use`)", loc, _REPEAT_HINT)
        return self.size(expect_type(fields["layers"], "seq", "`layers` of repeat"), env, depth + 1)

    def block_size(self, fields: Mapping[str, Node], loc: Location, env, depth: int) -> int:
        block = self.block_of(fields, loc)
        if block.name in self.sizing:
            raise ConvcostError(f"block {block.name!r} uses itself (through {' -> '.join(self.sizing)})", loc,
                                _RECURSION_HINT)
        self.sizing.append(block.name)
        try:
            return self.size(block.layers, env, depth + 1)
        finally:
            self.sizing.pop()

    def block_of(self, fields: Mapping[str, Node], loc: Location) -> _Block:
        node = fields.get("use")
        if node is None or node.type != "str":
            raise ConvcostError("a block entry needs `use: BLOCK_NAME`",
                                node.loc if node is not None else loc,
                                "name the block to use, as defined under the top-level `blocks:`")
        name = node.value.strip()
        if name in self.blocks and self.blocks[name] is None:
            raise Consequence(f"block {name!r} has errors", node.loc, "fix the errors reported in the block")
        if name not in self.blocks:
            raise ConvcostError(f"unknown block {shown(name)}", node.loc,
                                did_you_mean(name, self.blocks) or
                                ("blocks are defined under the top-level `blocks:`" if not self.blocks else
                                 "defined blocks: " + ", ".join(self.blocks)))
        return self.blocks[name]

    # -- expansion -------------------------------------------------------------------------------

    def expand(self, seq: Node, scope: _Scope, prev: Any) -> Any:
        """Expand a list of entries into `scope`; return the last layer (the output of the list).

        An entry with an error is reported (kept in self.errors) and left out; the next entry reads
        what the entry before it read, and a reference to its name is not reported again."""
        items = []
        conditional: dict[str, bool] = {}  # name -> whether every entry of that name has a `when`
        keep = self.errors.keep  # try/except, not `with errors.catch()`: 20,000 layers pay for each entry
        for item in seq.value:  # pass 1: kinds and names, so references can point forward
            try:
                items.append(self.entry(item, scope, conditional))
            except ConvcostError as err:
                keep(err)
        for kind, body, loc, user_name in items:  # pass 2: expand
            fields = body.value if body is not None else {}
            before = len(self.errors.errors)
            try:
                prev = self.expand_entry(kind, body, fields, loc, scope, prev, user_name)
            except ConvcostError as err:
                keep(err)
            if len(self.errors.errors) > before and user_name is not None:
                self.broken.add(scope.prefix + user_name)
        return prev

    def entry(self, item: Node, scope: _Scope, conditional: dict[str, bool]) -> tuple:
        """(kind, settings node, location, `name:`) of a list entry, its name declared in `scope`."""
        kind, body, loc = _split_entry(item)
        fields = body.value if body is not None and body.type == "map" else {}
        if kind not in ("repeat", "block") and kind not in self.rules:
            if "name" in fields and fields["name"].type in ("str", "int"):
                self.broken.add(scope.prefix + fields["name"].text.strip())
            raise self.kind_error(kind, loc)
        if body is not None and body.type == "null":
            body = None
        if body is not None:
            expect_type(body, "map", f"the settings of {kind!r}")
        fields = body.value if body is not None else {}
        user_name = None
        if "name" in fields:
            user_name = self.name_of(fields["name"])
            # entries with `when` may share a name (alternatives); two kept ones are a duplicate
            if user_name in scope.declared and not (conditional.get(user_name) and "when" in fields):
                raise ConvcostError(f"duplicate layer name {shown(user_name)}", fields["name"].loc,
                                    "layer names must be unique (entries with `when` may share one)")
            conditional[user_name] = conditional.get(user_name, True) and "when" in fields
            scope.declared.add(user_name)
            if scope.kind == "top":
                self.global_used.add(user_name)
        return kind, body, loc, user_name

    def expand_entry(self, kind: str, body: Node | None, fields: Mapping[str, Node], loc: Location,
                     scope: _Scope, prev: Any, user_name: str | None) -> Any:
        if "when" in fields and not condition(fields["when"], scope.env, self.limits):
            if user_name is not None:
                self.left_out[scope.prefix + user_name] = fields["when"].loc
            return prev
        if kind == "repeat":
            return self.expand_repeat(body, loc, scope, prev, user_name)
        if kind == "block":
            return self.expand_block(fields, loc, scope, prev, user_name)
        if kind == "chunk" and "index" not in fields:
            return self.expand_chunk(body, loc, scope, prev, user_name)
        return self.add_layer(kind, body, loc, scope, prev, user_name)

    def add_layer(self, kind: str, body: Node | None, loc: Location, scope: _Scope, prev: Any,
                  user_name: str | None, name: str | None = None,
                  extra: Mapping[str, Any] | None = None) -> _Raw:
        if len(self.layers) >= self.limits.layers:
            raise self.too_many(loc)
        fields = body.value if body is not None else {}
        if name is None:
            name = scope.prefix + user_name if user_name is not None else self.auto_name(scope, kind)
        raw = _Raw(kind, fields, loc, body.key_locs if body is not None else {}, name,
                   user_name is not None, scope, prev)
        self.register(name, raw, fields["name"].loc if "name" in fields else loc)
        rule = self.rules[kind]
        plan = self.plans.get(kind)
        if plan is None:
            plan = self.plans[kind] = _plan(rule)
        raw.attrs = _attrs(raw, rule, plan, scope.env, self.limits, self.errors)
        if extra:
            raw.attrs.update(extra)
        if "budget" in fields or "expect" in fields:
            try:
                raw.targets = _layer_targets(raw, scope.env, self.limits)
            except ConvcostError as err:
                self.errors.keep(err)
        if "allow" in fields:
            with self.errors.catch():
                raw.allow = _allowed(fields["allow"])
        raw.pos = len(self.layers)
        self.layers.append(raw)
        return raw

    def expand_chunk(self, body: Node, loc: Location, scope: _Scope, prev: Any,
                     user_name: str | None) -> _Raw:
        """`chunk: {parts: N}`: N layers NAME.0 ... NAME.{N-1}, one per part; NAME is the last part."""
        fields = body.value if body is not None else {}
        if "parts" not in fields:
            raise ConvcostError("layer chunk needs `parts`", loc,
                                "parts: how many parts the channels are cut into")
        parts = self.times(fields["parts"], scope.env, "`parts` of chunk")
        name = scope.prefix + user_name if user_name is not None else self.auto_name(scope, "chunk")
        group = _Group()
        self.register(name, group, fields["name"].loc if "name" in fields else loc)
        if len(self.layers) + parts > self.limits.layers:
            raise self.too_many(loc)
        source = self.entry_input(fields, scope, prev)
        for i in range(parts):
            group.last = self.add_layer("chunk", body, loc, scope, source, user_name, f"{name}.{i}",
                                        {"index": i})
        return group.last

    def entry_input(self, fields: Mapping[str, Node], scope: _Scope, prev: Any) -> Any:
        """The input of a repeat, block or chunk: its `from` (one layer), else the previous layer."""
        node = fields.get("from")
        if node is None:
            return prev
        if node.type not in ("str", "int"):
            raise ConvcostError("`from` of a block, repeat or chunk takes one layer name, got "
                                f"{node.describe()}", node.loc, "its first layer reads that one layer")
        ref = node.text.strip()
        found = self.lookup(ref, scope, final=False)
        return found if found is not None else _Pending(ref, scope, node.loc)

    def expand_repeat(self, body: Node | None, loc: Location, scope: _Scope, prev: Any,
                      user_name: str | None) -> Any:
        if body is None:
            raise ConvcostError("`repeat` needs `times` and `layers`", loc, _REPEAT_HINT)
        fields = body.value
        for key, kloc in body.key_locs.items():
            if key not in REPEAT_KEYS:
                raise unknown_key(key, REPEAT_KEYS, "repeat", kloc)
        use = "use" in fields
        if ("layers" in fields) == use:
            raise ConvcostError("`repeat` needs `layers` or `use` (a block), not both" if use else
                                "`repeat` needs `times` and `layers`", loc, _REPEAT_HINT)
        for key in ("args", "first", "each"):
            if key in fields and not use:
                raise ConvcostError(f"`{key}` of repeat goes with `use: BLOCK`", body.key_locs[key],
                                    f"`{key}` gives a block's arguments; a repeat of `layers` reads the vars")
        each = None
        if "each" in fields:
            each = expect_type(fields["each"], "seq", "`each` of repeat").value
            for item in each:
                if item.type != "null":
                    expect_type(item, "map", "an entry of `each`")
        if "times" in fields:
            times = self.times(fields["times"], scope.env)
            if each is not None and len(each) != times:
                raise ConvcostError(f"`each` lists {len(each)} copies, `times` says {times}",
                                    fields["each"].loc, "drop `times`: `each` alone gives the count")
        elif each is not None:
            times = len(each)
            if not times:
                raise ConvcostError("`each` of repeat is empty", fields["each"].loc,
                                    "list one mapping per copy")
        else:
            raise ConvcostError("`repeat` needs `times` and `layers`", loc, _REPEAT_HINT)
        if not use:
            layers = expect_type(fields["layers"], "seq", "`layers` of repeat")
            if not layers.value:  # each copy must add a layer, or `times: 10**12` would spin, adding none
                raise ConvcostError("`layers` of repeat is empty", layers.loc,
                                    "list at least one layer to repeat")
        if len(self.layers) + times * self.body_size(fields, scope.env, loc, 0) > self.limits.layers:
            raise self.too_many(loc)
        self.repeat_count += 1
        rname = scope.prefix + (user_name or f"repeat_{self.repeat_count}")
        group = _Group()
        self.register(rname, group, fields["name"].loc if "name" in fields else loc,
                      hard=user_name is not None)
        prev = self.entry_input(fields, scope, prev)
        index = None
        if "index" in fields:
            inode = fields["index"]
            index = _identifier(inode.text.strip() if inode.type == "str" else "", inode.loc, "`index` name")
        errors_before = len(self.errors)
        for i in range(1, times + 1):
            if len(self.errors) > errors_before:
                break  # the next copies would repeat the errors of this one
            copy = _Group()
            self.register(f"{rname}.{i}", copy, loc, hard=False)
            if use:
                args = dict(self.arg_nodes(fields.get("args")))
                if i == 1:
                    args.update(self.arg_nodes(fields.get("first")))
                if each is not None:
                    args.update(self.arg_nodes(each[i - 1]))
                caller = scope if index is None else _Scope(scope, scope.prefix, scope.kind, scope.entry,
                                                            {**scope.env.values, index: i}, self)
                prev = self.instance(self.block_of(fields, loc), args, loc, caller, prev, f"{rname}.{i}")
            else:
                values = scope.env.values if index is None else {**scope.env.values, index: i}
                inner = _Scope(scope, f"{rname}.{i}.", "repeat", prev, values, self)
                prev = self.expand(layers, inner, prev)
            copy.last = prev
        group.last = prev
        return prev

    @staticmethod
    def arg_nodes(node: Node | None) -> dict[str, tuple[Node, Location]]:
        if node is None or node.type == "null":
            return {}
        expect_type(node, "map", "block arguments")
        return {k: (v, node.key_locs[k]) for k, v in node.value.items()}

    def expand_block(self, fields: Mapping[str, Node], loc: Location, scope: _Scope, prev: Any,
                     user_name: str | None) -> Any:
        block = self.block_of(fields, loc)
        args = {k: (v, loc) for k, v in fields.items() if k not in BLOCK_KEYS}
        name = scope.prefix + user_name if user_name is not None else self.auto_name(scope, block.name)
        return self.instance(block, args, loc, scope, self.entry_input(fields, scope, prev), name,
                             fields["name"].loc if "name" in fields else loc)

    def instance(self, block: _Block, args: dict[str, tuple[Node, Location]], loc: Location, scope: _Scope,
                 entry: Any, name: str, name_loc: Location | None = None) -> Any:
        """One instance of `block`, named `name`, reading `entry`; returns its output layer."""
        if block.name in self.active:
            raise ConvcostError(f"block {block.name!r} uses itself (through {' -> '.join(self.active)})", loc,
                                _RECURSION_HINT)
        group = _Group()
        self.register(name, group, name_loc or loc, hard=name_loc is not None)
        for arg, (_, aloc) in args.items():
            if arg not in block.args:
                raise ConvcostError(f"block {block.name!r} has no argument {shown(arg)}", aloc,
                                    did_you_mean(arg, block.args) or
                                    (f"its arguments: {', '.join(block.args)}" if block.args else
                                     "it takes no arguments"))
        values = dict(scope.env.values)
        inner = _Scope(scope, name + ".", "block", entry, values, self)
        for arg, default in block.args.items():  # the caller's values, else the defaults, in order
            if arg in args:
                node, _ = args[arg]
                values[arg] = self.arg_value(node, scope.env, f"argument {arg!r} of block {block.name!r}")
            elif default is not None:
                values[arg] = self.arg_value(default, inner.env, f"argument {arg!r} of block {block.name!r}")
            else:
                raise ConvcostError(f"block {block.name!r} needs the argument `{arg}`", loc,
                                    f"write `{arg}: VALUE` in the block entry")
        self.active.append(block.name)
        try:
            group.last = self.expand(block.layers, inner, entry)
        finally:
            self.active.pop()
        if group.last is entry:
            raise ConvcostError(f"every layer of block {block.name!r} is left out by its `when`", loc,
                                "a block must keep at least one layer: check its `when` conditions")
        return group.last

    def arg_value(self, node: Node, env: Mapping[str, Value], what: str) -> Value:
        if node.type == "bool":
            return int(node.value)
        return coerce.number(node, env, self.limits, what)

    # -- shapes while loading --------------------------------------------------------------------

    def input_dim(self, scope: _Scope, key: str) -> Value:
        """`in_channels`, `in_height` or `in_width` of the scope's input."""
        where = {"top": "the network", "repeat": "this repeat copy", "block": "this block"}[scope.kind]
        entry = scope.entry
        if isinstance(entry, _Pending):
            found = self.lookup(entry.ref, entry.scope, final=False)
            entry = found if found is not None else entry
        shape = self.input_shape if entry == INPUT else None
        if entry == INPUT and shape is None:
            raise Consequence("the network's input has errors", hint="fix the error reported about `input`")
        if isinstance(entry, _Raw):
            shape = self.shape_of(entry)
        if shape is None or shape is _UNKNOWN:
            why = entry.why if isinstance(entry, _Raw) else "it reads a layer further down the file"
            if why is _BROKEN:
                raise Consequence(f"{key}: the layer before has errors", hint="fix the errors reported above")
            raise ConvcostError(f"{key}: the input shape of {where} is not known here ({why})",
                                hint="in_channels, in_height and in_width need the layers before them")
        index = SHAPE_NAMES[key]
        if index >= len(shape):
            raise ConvcostError(f"{key}: the input of {where} is a vector of {shape[0]} features",
                                hint="in_height and in_width exist for [C, H, W] inputs; use in_channels")
        return shape[index]

    def shape_of(self, target: _Raw) -> Any:
        """The output shape of a layer already expanded, running the rules of the layers before it
        that were not run yet (in file order); _UNKNOWN where it cannot be known while loading."""
        rules = self.rules
        while self.shaped <= target.pos:
            raw = self.layers[self.shaped]
            self.shaped += 1
            if raw.broken:
                raw.shape, raw.why = _UNKNOWN, _BROKEN
                continue
            raw.early = self.inputs_of(raw, final=False)
            ins = []
            for src in raw.early:
                shape = self.input_shape if src == INPUT else (src.shape if isinstance(src, _Raw) else None)
                if src == INPUT and shape is None or isinstance(src, _Raw) and src.why is _BROKEN:
                    raw.shape, raw.why = _UNKNOWN, _BROKEN
                    break
                if shape is None or shape is _UNKNOWN:
                    raw.shape, raw.why = _UNKNOWN, (src.why if isinstance(src, _Raw) and src.why else
                                                    f"layer {raw.name!r} reads a layer further down the file")
                    break
                ins.append(shape)
            else:
                ins_t = tuple(ins)
                key = (raw.kind, tuple(raw.attrs.items()), ins_t)
                try:
                    out = self.outcomes.get(key)
                    if out is None:
                        out = self.outcomes[key] = rules[raw.kind].infer(raw.attrs, ins_t).output
                    raw.shape = out
                except LayerError as err:  # reported by the analysis, with every other problem
                    raw.shape, raw.why = _UNKNOWN, f"layer {raw.name!r} ({raw.kind}): {err.message}"
        return target.shape

    # -- references ------------------------------------------------------------------------------

    def lookup(self, ref: str, scope: _Scope, final: bool) -> Any:
        """What `ref` names, seen from `scope`: a _Raw or INPUT; None if not (yet) known.

        Inner scopes first: `add` inside copy 2 of `stage` is `stage.2.add`; any full name works
        from anywhere. While loading (final=False), a name written further down the same body is not
        known yet, so it is not taken for an outer layer of that name."""
        if ref == INPUT:
            return INPUT
        if ref in (REPEAT_INPUT, BLOCK_INPUT):
            want = "repeat" if ref == REPEAT_INPUT else "block"
            for s in scope.chain():
                if s.kind == want:
                    entry = s.entry
                    if isinstance(entry, _Pending):
                        entry = self.lookup(entry.ref, entry.scope, final)
                    return entry
            return None
        head = ref.split(".", 1)[0]
        for s in scope.chain():
            target = self.table.get(s.prefix + ref) or self.soft.get(s.prefix + ref)
            if target is not None:
                while isinstance(target, _Group):
                    target = target.last
                return target
            if not final and (ref in s.declared or head in s.declared):
                return None
        return None

    def inputs_of(self, raw: _Raw, final: bool) -> tuple:
        node = raw.body.get("from")
        if node is None:
            prev = raw.prev
            if isinstance(prev, _Pending):
                found = self.lookup(prev.ref, prev.scope, final)
                if found is None:
                    if final:
                        raise self.unknown(prev.ref, prev.scope, prev.loc)
                    return (prev,)
                prev = found
            return (prev,)
        refs = node.value if node.type == "seq" else [node]
        out = []
        for ref in refs:
            if ref.type not in ("str", "int"):
                raise ConvcostError(f"`from` takes layer names, got {ref.describe()}", ref.loc,
                                    "write `from: name` or `from: [name1, name2]`")
            text = ref.text.strip()
            target = self.lookup(text, raw.scope, final)
            if target is None:
                if final:
                    raise self.unknown(text, raw.scope, ref.loc)
                target = _Pending(text, raw.scope, ref.loc)
            out.append(target)
        if not out:
            raise ConvcostError("`from` is an empty list", node.loc,
                                "name the layers it reads, or drop `from` to read the layer before")
        return tuple(out)

    def unknown(self, ref: str, scope: _Scope, loc: Location) -> ConvcostError:
        for s in scope.chain():
            if s.prefix + ref in self.broken:
                return Consequence(f"layer {shown(ref)} in `from` has errors", loc,
                                   "fix the errors reported above")
        for s in scope.chain():
            if s.prefix + ref in self.left_out:
                return ConvcostError(f"layer {shown(ref)} in `from` is left out by its `when`", loc,
                                     f"its `when` is at line {self.left_out[s.prefix + ref].line}")
        if ref in (REPEAT_INPUT, BLOCK_INPUT):
            return ConvcostError(f"{ref!r} is only known inside a {ref.split('_')[0]}", loc,
                                 "at the top level, name the layer (or write `input`)")
        visible = [INPUT]
        for s in scope.chain():
            visible += [n[len(s.prefix):] for n in (*self.table, *self.soft) if n.startswith(s.prefix)]
        return ConvcostError(f"unknown layer {shown(ref)} in `from`", loc,
                             did_you_mean(ref, visible) or
                             "`from` names a layer (by its name as shown, or its `name:`), or `input`")

    def spec_layers(self) -> tuple[LayerSpec, ...]:
        out = []
        for i, raw in enumerate(self.layers):
            if raw.broken:
                continue
            try:
                out.append(self.spec_layer(i, raw))
            except ConvcostError as err:
                self.errors.keep(err)
        return tuple(out)

    def spec_layer(self, i: int, raw: _Raw) -> LayerSpec:
        found = self.inputs_of(raw, final=True)
        if raw.early is not None and any(not isinstance(a, _Pending) and a is not b
                                         for a, b in zip(raw.early, found, strict=True)):
            raise ConvcostError(
                f"layer {raw.name!r}: `from` was read before the layer it names was written",
                raw.body["from"].loc if "from" in raw.body else raw.loc,
                "a shape was needed before this reference could be resolved: give the layer it names "
                "a `name:`, or move it up")
        inputs = tuple(INPUT if t == INPUT else t.name for t in found)
        rule = self.rules[raw.kind]
        if not rule.many_inputs and len(inputs) != 1:
            raise ConvcostError(f"layer {raw.name!r} ({raw.kind}) takes one input, `from` lists "
                                f"{len(inputs)}", raw.body["from"].loc,
                                "only add, mul and concat take several inputs")
        if rule.many_inputs and len(inputs) < 2:
            raise ConvcostError(f"layer {raw.name!r} ({raw.kind}) needs at least two inputs in `from`",
                                raw.body["from"].loc if "from" in raw.body else raw.loc,
                                f"write e.g. `from: [{inputs[0]}, other_layer]`")
        return LayerSpec(i, raw.name, raw.kind, inputs, raw.attrs, raw.loc, raw.user_named,
                         raw.key_locs, raw.targets, raw.allow)


def build_layers(seq: Node, env: Mapping[str, Value], path: str, limits: Limits,
                 input_shape: tuple | None = (), blocks: dict[str, _Block | None] | None = None,
                 errors: Collector | None = None) -> tuple[LayerSpec, ...]:
    """The layers of `seq`, expanded. Errors are kept in `errors` (the caller raises them); without
    it, the first error raises. `input_shape` None: the network's input has errors."""
    if errors is None:
        errors = Collector(cap=1)
        with errors.collecting():
            layers = build_layers(seq, env, path, limits, input_shape, blocks, errors)
        return layers
    expander = _Expander(path, env, input_shape, blocks or {}, limits, errors)
    top = _Scope(None, "", "top", INPUT, env, expander)
    expander.expand(seq, top, INPUT)
    if not expander.layers and not errors:
        raise ConvcostError("`layers` is empty", seq.loc, "list at least one layer")
    return expander.spec_layers()
