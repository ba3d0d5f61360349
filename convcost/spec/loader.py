"""Layer file -> validated Spec: read safely, check every key, expand repeats, resolve names."""

from __future__ import annotations

import keyword
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..errors import ConvcostError, LimitExceeded, Location, shown
from ..layers.registry import COMMON_KEYS, REQUIRED, get_rules
from ..limits import DEFAULT_LIMITS, Limits
from ..symbolic import arith
from ..symbolic.arith import Value
from ..symbolic.expr import FUNCTIONS, evaluate_text, expression_budget
from . import coerce
from .model import INPUT, REPEAT_INPUT, LayerSpec, Spec, Var
from .yamlnodes import Node, load_document

TOP_KEYS = ("name", "description", "vars", "input", "layers", "budget")
VAR_KEYS = ("value", "min", "max", "integer")
REPEAT_KEYS = ("times", "layers", "name")
NAME_CHARS = 200  # longest layer or var name: names are echoed in every message about their layer
# Names are printed in tables, CSV and CI logs: no spaces, quotes, control characters or a leading
# = + - @ (which spreadsheets read as a formula).
_LAYER_NAME = re.compile(r"\w[\w./-]*")


def did_you_mean(word: str, options: Iterable[str]) -> str | None:
    if len(word) > NAME_CHARS:  # nothing is that close to a long word, and difflib's cost grows with it
        return None
    import difflib  # only for messages: numeric runs need not load it

    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None


def _unknown_key(key: str, allowed: Sequence[str], where: str, loc: Location) -> ConvcostError:
    hint = did_you_mean(key, allowed) or f"{where} takes: {', '.join(allowed)}"
    return ConvcostError(f"unknown key {shown(key)} in {where}", loc, hint)


def _expect(node: Node, type_: str, what: str) -> Node:
    if node.type != type_:
        want = {"map": "a mapping", "seq": "a list", "str": "a string"}[type_]
        raise ConvcostError(f"{what} must be {want}, got {node.describe()}", node.loc)
    return node


def _text(node: Node | None, what: str) -> str:
    """A scalar's text ("" when absent or empty); a list or mapping is an error, not ""."""
    if node is None or node.type == "null":
        return ""
    if node.type in ("map", "seq"):
        raise ConvcostError(f"{what} must be a string, got {node.describe()}", node.loc)
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in node.text):  # "\n::error::", "\e[2J"
        raise ConvcostError(f"{what} must be one line of text, without control characters", node.loc)
    return node.text


# -- reading -------------------------------------------------------------------------------------


def _too_large(loc: Location, limits: Limits) -> LimitExceeded:
    return LimitExceeded(f"the file is larger than the limit of {limits.file_bytes} bytes", loc,
                         "raise it with --limit file_bytes=N if this is intended")


def _read_bytes(path: str, limits: Limits) -> bytes:
    """At most file_bytes + 1 bytes of the file: a 300 MB file is refused, not read."""
    loc = Location(path)
    if os.path.isdir(path):
        raise ConvcostError("is a directory, not a layer file", loc, "name a .yaml file inside it")
    try:
        # O_NONBLOCK: opening a named pipe nobody writes to would otherwise wait forever.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise ConvcostError("no such file", loc) from None
    except OSError as exc:
        raise ConvcostError(f"cannot read the file: {exc.strerror or exc}", loc) from None
    with os.fdopen(fd, "rb") as fh:
        if os.fstat(fd).st_size > limits.file_bytes:
            raise _too_large(loc, limits)
        if getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)  # a pipe with a writer (cat net.yaml | ... /dev/stdin) is read whole
        try:
            data = fh.read(limits.file_bytes + 1)  # the file may grow after fstat; devices never end
        except OSError as exc:
            raise ConvcostError(f"cannot read the file: {exc.strerror or exc}", loc) from None
    if len(data) > limits.file_bytes:
        raise _too_large(loc, limits)
    return data


def read_text(path: str, limits: Limits) -> str:
    """Read a layer file as UTF-8 text, with clear errors for everything that is not one."""
    loc = Location(path)
    data = _read_bytes(path, limits)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConvcostError("the file is UTF-16 (or UTF-32), not UTF-8", loc, "save the file as UTF-8")
    if b"\x00" in data:
        raise ConvcostError("the file is binary (it contains NUL bytes), not a YAML layer file", loc)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ConvcostError(f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                            Location(path, line, column), "save the file as UTF-8") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise ConvcostError("the file is empty", loc,
                            "a layer file needs at least `input:` and `layers:`; see docs/layer-file.md")
    return text


# -- vars ----------------------------------------------------------------------------------------


def _make_symbol(name: str, integer: bool):
    import sympy

    return sympy.Symbol(name, positive=True, integer=integer) if integer else sympy.Symbol(name, positive=True)


def _is_integer_text(node: Node) -> bool:
    return node.type == "int" or (node.type == "str" and "." not in node.value and "/" not in node.value)


_RESERVED_VARS = frozenset(("input", REPEAT_INPUT, *FUNCTIONS))


def _var_name(raw: str, loc: Location) -> str:
    """The var's name as expressions see it: Python reads identifiers in NFKC form (`ﬁ` is `fi`)."""
    name = unicodedata.normalize("NFKC", raw)
    if (not name.isidentifier() or name.startswith("_") or keyword.iskeyword(name) or name in _RESERVED_VARS
            or len(name) > NAME_CHARS):
        raise ConvcostError(f"{shown(raw)} is not a valid var name", loc,
                            "var names are identifiers like alpha or res, not keywords or function names")
    return name


def _declared(node: Node | None) -> dict[str, tuple[Node, Location]]:
    """name -> (value node, where the name is written), names normalised as expressions see them."""
    if node is None or node.type == "null":
        return {}
    _expect(node, "map", "`vars`")
    out: dict[str, tuple[Node, Location]] = {}
    for raw, vnode in node.value.items():
        kloc = node.key_locs[raw]
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
            raise _unknown_key(key, VAR_KEYS, f"var {name!r}", vnode.key_locs[key])
    if "value" not in vnode.value:
        raise ConvcostError(f"var {name!r} needs a `value`", vnode.loc)
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
    integer = _is_integer_text(value_node)
    if "integer" in fields:
        integer = coerce.boolean(fields["integer"], env, limits, f"`integer` of var {name!r}")
    low, high = (coerce.number(fields[k], env, limits, f"`{k}` of var {name!r}") if k in fields else None
                 for k in ("min", "max"))
    if name in overrides:
        default = _override(name, overrides[name], env, limits, loc)
    elif value_node.type != "null":
        default = coerce.number(value_node, env, limits, f"var {name!r}")
    elif is_sym:
        default = _representative(low, high)
    else:
        raise ConvcostError(f"var {name!r} has no value", loc,
                            f"give it one (`{name}: 1`), or run with --set {name}=VALUE or --symbolic {name}")
    value = _make_symbol(name, integer) if is_sym else default
    return Var(name, value, default, integer, is_sym, low, high, loc)


def load_vars(node: Node | None, overrides: Mapping[str, Any], symbolic: Sequence[str], path: str,
              limits: Limits) -> dict[str, Var]:
    declared = _declared(node)
    overrides = {unicodedata.normalize("NFKC", k): v for k, v in overrides.items()}
    symbolic = [unicodedata.normalize("NFKC", n) for n in symbolic]
    for name in [*overrides, *symbolic]:
        if name not in declared:
            raise ConvcostError(
                f"unknown var {shown(name)}", Location(path),
                did_you_mean(name, declared) or
                (f"the file's vars are: {', '.join(declared)}" if declared else "the file declares no vars"),
            )
    out: dict[str, Var] = {}
    env: dict[str, Value] = {}
    for name, (vnode, loc) in declared.items():
        out[name] = _load_var(name, _var_fields(name, vnode), loc, overrides, name in symbolic, env, limits)
        env[name] = out[name].value
    return out


def _override(name: str, raw: Any, env: Mapping[str, Value], limits: Limits, loc: Location) -> Value:
    if isinstance(raw, str):
        try:
            return evaluate_text(raw, env, limits)
        except ConvcostError as err:
            err.message = f"--set {name}={raw}: {err.message}"
            raise
    if isinstance(raw, bool) or not (arith.is_number(raw) or hasattr(raw, "free_symbols")):
        raise ConvcostError(f"value for var {name!r} must be a number or an expression string, got {raw!r}")
    return raw


# -- layers --------------------------------------------------------------------------------------


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
                body = _expect(body, "map", "`repeat`") if body is not None else None
                if body is None or "layers" not in body.value or "times" not in body.value:
                    raise ConvcostError("`repeat` needs `times` and `layers`", loc)
                times = self.times(body.value["times"])
                total += times * self.size(_expect(body.value["layers"], "seq", "`layers` of repeat"), depth + 1)
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
                _expect(body, "map", f"the settings of {kind!r}")
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
                raise _unknown_key(key, REPEAT_KEYS, "repeat", kloc)
        if "times" not in body.value or "layers" not in body.value:
            raise ConvcostError("`repeat` needs `times` and `layers`", loc)
        times = self.times(body.value["times"])
        layers = _expect(body.value["layers"], "seq", "`layers` of repeat")
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
    """What _params needs of a rule, worked out once per kind rather than once per layer: the keys it
    takes, and per parameter its name, type, coercer and default (an int default of a pair already
    paired) and its spec."""
    steps = []
    for p in rule.params:
        default = p.default
        if p.type in ("size", "padding") and isinstance(default, int):
            default = (default, default)
        steps.append((p.name, p.type, coerce.coercer(p.type), default, p))
    return frozenset((*rule.param_names, *COMMON_KEYS)), tuple(steps)


def _params(raw: _Raw, rule, plan: tuple[frozenset[str], tuple], env: Mapping[str, Value],
            limits: Limits) -> dict[str, Any]:
    allowed, steps = plan
    body = raw.body
    if not allowed.issuperset(body):
        key = next(k for k in body if k not in allowed)
        raise _unknown_key(key, (*rule.param_names, *COMMON_KEYS), f"layer {raw.name!r} ({raw.kind})",
                           raw.key_locs.get(key, raw.loc))
    out: dict[str, Any] = {}
    for name, type_name, coerce_node, default, p in steps:
        node = body.get(name)
        if node is None or node.type == "null":
            if default is REQUIRED:
                raise ConvcostError(f"layer {raw.name!r} ({raw.kind}) needs `{name}`", raw.loc,
                                    p.doc and f"{name}: {p.doc}")
            out[name] = default
            continue
        value = coerce.literal(type_name, node)
        if value is coerce.MISS:
            value = coerce_node(node, env, limits, f"`{name}` of layer {raw.name!r}")
        out[name] = value
    return out


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
            raise ConvcostError(f"layer {raw.name!r} ({raw.kind}) takes one input, `from` lists {len(inputs)}",
                                raw.body["from"].loc, "only add, mul and concat take several inputs")
        if rule.many_inputs and len(inputs) < 2:
            raise ConvcostError(f"layer {raw.name!r} ({raw.kind}) needs at least two inputs in `from`",
                                raw.body["from"].loc if "from" in raw.body else raw.loc,
                                f"write e.g. `from: [{inputs[0]}, other_layer]`")
        params = _params(raw, rule, plan, env, limits)
        layers.append(LayerSpec(
            i, raw.name, raw.kind, inputs, params, raw.loc, raw.user_name is not None, raw.key_locs,
            raw.body.get("expect"), raw.body.get("budget"),
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
    root = load_document(text, path, limits)
    if root.type != "map":
        raise ConvcostError(f"a layer file is a mapping with `input:` and `layers:`, got {root.describe()}",
                            root.loc, "see docs/layer-file.md")
    top = root.value
    for key, kloc in root.key_locs.items():
        if key not in TOP_KEYS:
            raise _unknown_key(key, TOP_KEYS, "the layer file", kloc)
    for key in ("input", "layers"):
        if key not in top:
            raise ConvcostError(f"the layer file needs `{key}`", root.loc, "see docs/layer-file.md")
    vars_ = load_vars(top.get("vars"), overrides or {}, symbolic, path, limits)
    env = {name: var.value for name, var in vars_.items()}
    input_node = _expect(top["input"], "seq", "`input`")
    if len(input_node.value) not in (1, 3):
        raise ConvcostError(f"`input` is [channels, height, width] (or [features]), got {len(input_node.value)} values",
                            input_node.loc)
    what = ("input channels", "input height", "input width") if len(input_node.value) == 3 else ("input features",)
    shape = tuple(coerce.count(n, env, limits, w) for n, w in zip(input_node.value, what))
    layers = build_layers(_expect(top["layers"], "seq", "`layers`"), env, path, limits)
    name = _text(top.get("name"), "`name`") or os.path.splitext(os.path.basename(path))[0]
    description = _text(top.get("description"), "`description`")
    budget = top.get("budget")
    if budget is not None:
        _expect(budget, "map", "`budget`")
    return Spec(name, path, shape, input_node.loc, vars_, layers, budget, description)


def load(source: str, overrides: Mapping[str, Any] | None = None, symbolic: Sequence[str] = (),
         limits: Limits = DEFAULT_LIMITS) -> Spec:
    """Load a layer file, or a built-in network by name (see `convcost zoo`)."""
    from ..zoo import resolve

    path = resolve(source)
    return load_text(read_text(path, limits), path, overrides, symbolic, limits)
