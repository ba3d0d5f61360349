"""Layer file -> validated Spec: check every key, expand repeats, resolve names, evaluate settings.

Reading the bytes is reading.py, the vars vars.py, budgets and expectations targets.py.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import ConvcostError, LimitExceeded, Location, did_you_mean, shown
from ..layers.records import COMMON_KEYS, REQUIRED
from ..layers.registry import get_rules
from ..limits import DEFAULT_LIMITS, Limits
from ..symbolic import arith
from ..symbolic.arith import Value
from ..symbolic.expr import expression_budget
from . import coerce, targets
from .fields import NAME_CHARS, expect_type, one_line, unknown_key
from .model import INPUT, REPEAT_INPUT, LayerSpec, Spec
from .reading import read_text
from .vars import load_vars
from .yamlnodes import Node, load_document

TOP_KEYS = ("name", "description", "vars", "input", "layers", "budget")
REPEAT_KEYS = ("times", "layers", "name")
# Names are printed in tables, CSV and CI logs: no spaces, quotes, control characters or a leading
# = + - @ (which spreadsheets read as a formula).
_LAYER_NAME = re.compile(r"\w[\w./-]*")



class _Raw:
    """A layer during expansion, before names are final."""

    __slots__ = ("kind", "body", "loc", "user_name", "scope", "prefix", "refs", "prev", "name", "key_locs")

    def __init__(self, kind, body, loc, user_name, scope, prefix, prev, key_locs):
        self.kind = kind
        self.body = body  # dict[str, Node]
        self.loc = loc
        self.user_name = user_name
        self.scope = scope
        self.prefix = prefix
        self.prev = prev  # the _Raw (or INPUT) feeding it by default
        self.key_locs = key_locs
        self.name = ""


class _Repeat:
    __slots__ = ("last",)

    def __init__(self):
        self.last = None


class _Scope:
    def __init__(self, parent: _Scope | None, entry: Any):
        self.parent = parent
        self.entry = entry  # what `repeat_input` means here (None at top level)
        self.names: dict[str, Any] = {}

    def lookup(self, name: str):
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.names:
                target = scope.names[name]
                return target.last if isinstance(target, _Repeat) else target
            if name == REPEAT_INPUT and scope.entry is not None:
                return scope.entry
            scope = scope.parent
        return INPUT if name == INPUT else None

    def visible(self) -> list[str]:
        out, scope = [INPUT], self
        while scope is not None:
            out += list(scope.names)
            scope = scope.parent
        return out


def _split_entry(item: Node, kinds: Mapping[str, Any]) -> tuple[str, Node | None, Location]:
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


class _Expander:
    def __init__(self, path: str, env: Mapping[str, Value], limits: Limits):
        self.path = path
        self.env = env
        self.limits = limits
        self.rules = get_rules()
        self.layers: list[_Raw] = []
        self.repeat_count = 0

    def kind_error(self, kind: str, loc: Location) -> ConvcostError:
        known = sorted([*self.rules, "repeat"])
        return ConvcostError(f"unknown layer kind {shown(kind)}", loc,
                             did_you_mean(kind, known) or "known kinds: " + ", ".join(known))

    def size(self, seq: Node, depth: int = 0) -> int:
        """How many layers a body expands to, computed without expanding it."""
        total = 0
        for item in seq.value:
            kind, body, loc = _split_entry(item, self.rules)
            if kind == "repeat":
                body = expect_type(body, "map", "`repeat`") if body is not None else None
                if body is None or "layers" not in body.value or "times" not in body.value:
                    raise ConvcostError("`repeat` needs `times` and `layers`", loc)
                times = self.times(body.value["times"])
                body_layers = expect_type(body.value["layers"], "seq", "`layers` of repeat")
                total += times * self.size(body_layers, depth + 1)
            else:
                total += 1
            if total > self.limits.layers:
                return total
        return total

    def times(self, node: Node) -> int:
        value = coerce.count(node, self.env, self.limits, "`times` of repeat")
        if not arith.is_number(value):
            raise ConvcostError("`times` of repeat must be a number, not symbolic", node.loc,
                                "keep the var that sets it numeric (drop it from --symbolic)")
        return value

    def expand(self, seq: Node, scope: _Scope, prefix: str, prev: Any) -> Any:
        """Expand a list of layer entries; return the last layer (the output of the list)."""
        items = []
        for item in seq.value:  # pass 1: kinds and names, so references can point forward
            kind, body, loc = _split_entry(item, self.rules)
            if kind != "repeat" and kind not in self.rules:
                raise self.kind_error(kind, loc)
            if body is not None and body.type == "null":
                body = None
            if body is not None:
                expect_type(body, "map", f"the settings of {kind!r}")
            fields = body.value if body is not None else {}
            user_name = None
            if "name" in fields:
                user_name = self.name_of(fields["name"])
                if user_name in scope.names:
                    raise ConvcostError(f"duplicate layer name {shown(user_name)}", fields["name"].loc,
                                        "layer names must be unique")
                scope.names[user_name] = _Repeat() if kind == "repeat" else None
            items.append((kind, body, loc, user_name))
        for kind, body, loc, user_name in items:  # pass 2: expand
            if kind == "repeat":
                prev = self.expand_repeat(body, loc, scope, prefix, prev, user_name)
                continue
            fields = body.value if body is not None else {}
            raw = _Raw(kind, fields, loc, user_name, scope, prefix, prev,
                       body.key_locs if body is not None else {})
            if len(self.layers) >= self.limits.layers:
                raise self.too_many(loc)
            self.layers.append(raw)
            if user_name is not None:
                scope.names[user_name] = raw
            prev = raw
        return prev

    def too_many(self, loc: Location) -> LimitExceeded:
        return LimitExceeded(
            f"the network expands to more than {self.limits.layers} layers", loc,
            "raise the limit with --limit layers=N if this is intended",
        )

    def name_of(self, node: Node) -> str:
        if node.type not in ("str", "int"):
            raise ConvcostError(f"a layer name must be a string, got {node.describe()}", node.loc)
        name = node.text.strip()
        if len(name) > NAME_CHARS or not _LAYER_NAME.fullmatch(name):
            raise ConvcostError(f"invalid layer name {shown(name)}", node.loc,
                                f"use letters, digits, _ - . and /, starting with a letter, digit or _ "
                                f"(at most {NAME_CHARS} characters)")
        if name in (INPUT, REPEAT_INPUT):
            raise ConvcostError(f"{name!r} is a reserved name", node.loc, "choose another layer name")
        return name

    def expand_repeat(self, body: Node | None, loc: Location, scope: _Scope, prefix: str, prev: Any,
                      user_name: str | None) -> Any:
        if body is None:
            raise ConvcostError("`repeat` needs `times` and `layers`", loc)
        for key, kloc in body.key_locs.items():
            if key not in REPEAT_KEYS:
                raise unknown_key(key, REPEAT_KEYS, "repeat", kloc)
        if "times" not in body.value or "layers" not in body.value:
            raise ConvcostError("`repeat` needs `times` and `layers`", loc)
        times = self.times(body.value["times"])
        layers = expect_type(body.value["layers"], "seq", "`layers` of repeat")
        if not layers.value:  # each iteration must add a layer, or `times: 10**12` would spin, adding none
            raise ConvcostError("`layers` of repeat is empty", layers.loc,
                                "list at least one layer to repeat")
        if len(self.layers) + times * self.size(layers) > self.limits.layers:
            raise self.too_many(loc)
        self.repeat_count += 1
        rname = prefix + (user_name or f"repeat_{self.repeat_count}")
        for i in range(1, times + 1):
            inner = _Scope(scope, prev)
            prev = self.expand(layers, inner, f"{rname}.{i}.", prev)
        if user_name is not None:
            scope.names[user_name].last = prev
        return prev


def _assign_names(raws: list[_Raw]) -> None:
    used: dict[str, _Raw] = {}
    for raw in raws:
        if raw.user_name is not None:
            raw.name = raw.prefix + raw.user_name
            if raw.name in used:
                first = used[raw.name].loc
                raise ConvcostError(
                    f"duplicate layer name {shown(raw.name)} (first used at line {first.line})",
                    raw.loc, "layer names must be unique")
            used[raw.name] = raw
    counters: dict[str, int] = {}
    for raw in raws:
        if raw.user_name is None:
            n = counters.get(raw.kind, 0)
            while True:
                n += 1
                name = f"{raw.kind}_{n}"
                if name not in used:
                    break
            counters[raw.kind] = n
            raw.name = name
            used[name] = raw


def _resolve_inputs(raw: _Raw) -> tuple[str, ...]:
    node = raw.body.get("from")
    if node is None:
        if raw.prev is None:
            return (INPUT,)
        return (INPUT if raw.prev is INPUT else raw.prev.name,)
    refs = node.value if node.type == "seq" else [node]
    out = []
    for ref in refs:
        if ref.type not in ("str", "int"):
            raise ConvcostError(f"`from` takes layer names, got {ref.describe()}", ref.loc)
        target = raw.scope.lookup(ref.text.strip())
        if target is None:
            raise ConvcostError(f"unknown layer {shown(ref.text)} in `from`", ref.loc,
                                did_you_mean(ref.text, raw.scope.visible()) or
                                "`from` names a layer written with `name:`, or `input`")
        out.append(INPUT if target is INPUT else target.name)
    if not out:
        raise ConvcostError("`from` is an empty list", node.loc)
    return tuple(out)


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
    return frozenset((*rule.setting_names, *COMMON_KEYS)), tuple(steps)


def _attrs(raw: _Raw, rule, plan: tuple[frozenset[str], tuple], env: Mapping[str, Value],
           limits: Limits) -> dict[str, Any]:
    """The layer's settings: every key checked, values coerced, defaults filled in."""
    allowed, steps = plan
    body = raw.body
    if not allowed.issuperset(body):
        key = next(k for k in body if k not in allowed)
        raise unknown_key(key, (*rule.setting_names, *COMMON_KEYS), f"layer {raw.name!r} ({raw.kind})",
                          raw.key_locs.get(key, raw.loc))
    out: dict[str, Any] = {}
    for name, type_name, coerce_node, default, setting in steps:
        node = body.get(name)
        if node is None or node.type == "null":
            if default is REQUIRED:
                raise ConvcostError(f"layer {raw.name!r} ({raw.kind}) needs `{name}`", raw.loc,
                                    setting.doc and f"{name}: {setting.doc}")
            out[name] = default
            continue
        value = coerce.literal(type_name, node)
        if value is coerce.MISS:
            value = coerce_node(node, env, limits, f"`{name}` of layer {raw.name!r}")
        out[name] = value
    return out


def _layer_targets(raw: _Raw, env: Mapping[str, Value], limits: Limits) -> tuple:
    """The layer's `budget:` then its `expect:` entries, as Targets."""
    found = ()
    if (node := raw.body.get("budget")) is not None:
        found += targets.budget(node, env, limits, raw.name)
    if (node := raw.body.get("expect")) is not None:
        found += targets.expect(node, env, limits, raw.name)
    return found


def build_layers(seq: Node, env: Mapping[str, Value], path: str, limits: Limits) -> tuple[LayerSpec, ...]:
    expander = _Expander(path, env, limits)
    top = _Scope(None, None)
    expander.expand(seq, top, "", INPUT)
    raws = expander.layers
    if not raws:
        raise ConvcostError("`layers` is empty", seq.loc, "list at least one layer")
    _assign_names(raws)
    rules = expander.rules
    plans: dict[str, tuple] = {}
    layers = []
    for i, raw in enumerate(raws):
        rule = rules[raw.kind]
        plan = plans.get(raw.kind)
        if plan is None:
            plan = plans[raw.kind] = _plan(rule)
        inputs = _resolve_inputs(raw)
        if not rule.many_inputs and len(inputs) != 1:
            raise ConvcostError(f"layer {raw.name!r} ({raw.kind}) takes one input, `from` lists "
                                f"{len(inputs)}", raw.body["from"].loc,
                                "only add, mul and concat take several inputs")
        if rule.many_inputs and len(inputs) < 2:
            raise ConvcostError(f"layer {raw.name!r} ({raw.kind}) needs at least two inputs in `from`",
                                raw.body["from"].loc if "from" in raw.body else raw.loc,
                                f"write e.g. `from: [{inputs[0]}, other_layer]`")
        attrs = _attrs(raw, rule, plan, env, limits)
        layers.append(LayerSpec(
            i, raw.name, raw.kind, inputs, attrs, raw.loc, raw.user_name is not None, raw.key_locs,
            _layer_targets(raw, env, limits),
        ))
    return tuple(layers)


# -- the whole file ------------------------------------------------------------------------------


def load_text(text: str, path: str, overrides: Mapping[str, Any] | None = None, symbolic: Sequence[str] = (),
              limits: Limits = DEFAULT_LIMITS) -> Spec:
    """Build a Spec from layer-file text. `path` is used in messages only."""
    with expression_budget():  # all the file's expressions together stay within Limits.expr_total
        return _build_spec(text, path, overrides, symbolic, limits)


def _build_spec(text: str, path: str, overrides: Mapping[str, Any] | None, symbolic: Sequence[str],
                limits: Limits) -> Spec:
    return build_spec(load_document(text, path, limits), path, overrides, symbolic, limits)


def build_spec(root: Node, path: str, overrides: Mapping[str, Any] | None, symbolic: Sequence[str],
               limits: Limits) -> Spec:
    """The Spec of a parsed layer file (`load_document`): a sweep reads and parses the file once and
    builds one Spec per run from the same nodes (they are never modified)."""
    if root.type != "map":
        raise ConvcostError(f"a layer file is a mapping with `input:` and `layers:`, got {root.describe()}",
                            root.loc, "see docs/layer-file.md")
    top = root.value
    for key, kloc in root.key_locs.items():
        if key not in TOP_KEYS:
            raise unknown_key(key, TOP_KEYS, "the layer file", kloc)
    for key in ("input", "layers"):
        if key not in top:
            raise ConvcostError(f"the layer file needs `{key}`", root.loc, "see docs/layer-file.md")
    vars_ = load_vars(top.get("vars"), overrides or {}, symbolic, path, limits)
    env = {name: var.value for name, var in vars_.items()}
    input_node = expect_type(top["input"], "seq", "`input`")
    if len(input_node.value) not in (1, 3):
        raise ConvcostError("`input` is [channels, height, width] (or [features]), got "
                            f"{len(input_node.value)} values", input_node.loc)
    what = ("input channels", "input height", "input width") if len(input_node.value) == 3 else \
        ("input features",)
    shape = tuple(coerce.count(n, env, limits, w) for n, w in zip(input_node.value, what, strict=True))
    layers = build_layers(expect_type(top["layers"], "seq", "`layers`"), env, path, limits)
    name = one_line(top.get("name"), "`name`") or os.path.splitext(os.path.basename(path))[0]
    description = one_line(top.get("description"), "`description`")
    budget = top.get("budget")
    if budget is not None:
        expect_type(budget, "map", "`budget`")
    network_targets = targets.budget(budget, env, limits) if budget is not None else ()
    return Spec(name, path, shape, input_node.loc, vars_, layers, network_targets, description)


def read_document(source: str, limits: Limits = DEFAULT_LIMITS) -> tuple[str, Node]:
    """The path a layer file or built-in name resolves to, and its parsed document (for build_spec)."""
    from ..zoo import resolve

    path = resolve(source)
    return path, load_document(read_text(path, limits), path, limits)


def load(source: str, overrides: Mapping[str, Any] | None = None, symbolic: Sequence[str] = (),
         limits: Limits = DEFAULT_LIMITS) -> Spec:
    """Load a layer file, or a built-in network by name (see `convcost zoo`)."""
    from ..zoo import resolve

    path = resolve(source)
    return load_text(read_text(path, limits), path, overrides, symbolic, limits)
