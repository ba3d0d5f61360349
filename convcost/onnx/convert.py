"""The walk through an ONNX graph that makes the layers of a Spec: what every tensor is (a constant,
a feature map made by a layer, or the unknown output of an unsupported operator), the node being
read, and the layers emitted so far. The operators themselves are in ops.py and shapes.py.

Layers are the kinds of layer files (docs/layer-file.md), so the Spec needs nothing new downstream
and `convcost import` can write it out as a layer file. Each layer's output shape comes from its own
rule (the same rules the engine runs), so shapes that shape arithmetic reads are exactly the ones
the analysis reports.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from ..errors import ConvcostError, LimitExceeded, Location, shown
from ..layerfile.model import INPUT, LayerSpec
from ..layers.records import REQUIRED, LayerError
from ..layers.registry import get_rules
from ..limits import Limits
from ..symbolic import arith
from .consts import Budget, Const, FoldError, dims_text, dtype_of
from .graph import label
from .records import ATTR_FLOAT, ATTR_FLOATS, ATTR_INT, ATTR_INTS, ATTR_STRING, Graph, Node, TensorValueError
from .values import tensor_values
from .wire import WireError

_NAME_CHARS = 200
_NOT_NAME = re.compile(r"[^\w./-]")
_RESERVED = frozenset((INPUT, "repeat_input", "block_input"))
ATTR_BOUND = 2**62  # the largest size, stride or pad an attribute may give (int64 minus headroom)


class Data(NamedTuple):
    """A feature map (or vector): the layer that makes it and its ONNX shape, batch first."""

    layer: str  # INPUT or a layer name
    shape: tuple  # (N, C, H, W) or (N, F): numbers or symbols
    view: tuple = ()  # a channel shuffle under way: ("grouped", g) after its first Reshape,
    # ("shuffled", g) after its Transpose


class Fused(NamedTuple):
    """Sigmoid(x) (or HardSigmoid(x)) whose one reader is Mul(x, it): that Mul is one silu (hswish)."""

    kind: str
    x: Data
    tensor: str  # the tensor x


class Opaque(NamedTuple):
    """The output of an operator counted as zero (--allow-unsupported), whose value is unknown."""

    node: str


def layer_name(raw: str) -> str:
    """A node name as a layer name of layer files: `/features/conv0/Conv` stays as it is; characters
    outside letters, digits and `_ . / -` become `_`, and a `.` or `-` (or `/.`) starting it is dropped."""
    name = _NOT_NAME.sub("_", raw)[:_NAME_CHARS]
    slashes = len(name) - len(name.lstrip("/"))
    rest = name[slashes:].lstrip("./-")
    return name[:slashes] + rest if rest else ""


class Converter:
    def __init__(self, graph: Graph, path: str, limits: Limits, batch: int):
        self.graph = graph
        self.path = path
        self.limits = limits
        self.batch = batch
        self.values: dict[str, Any] = {}
        self.layers: list[LayerSpec] = []
        self.position: dict[str, int] = {}  # layer name -> its index in `layers`
        self.readers: dict[str, int] = {}
        self.budget = Budget(limits.onnx_values)
        self.rules = get_rules()
        self.shapes: dict[str, tuple] = {INPUT: ()}  # layer name -> per-sample output shape
        self.outcomes: dict[tuple, Any] = {}
        self.node: Node | None = None
        self.index = 0
        self.made: dict[str, str] = {}  # layer name -> the tensor it was made for
        self.consumer: dict[str, Node] = {}  # tensor -> the node reading it, for tensors read once
        self.nhwc_input = ""  # the input tensor when it is channels-last and only read by Transposes to NCHW

    # -- messages ---------------------------------------------------------------------------------

    @property
    def loc(self) -> Location:
        return Location(self.path, self.index + 1)

    def fail(self, message: str, hint: str | None = None) -> ConvcostError:
        """An error about the node being read, at its number."""
        return ConvcostError(f"{label(self.node, self.index)}: {message}", self.loc, hint)

    def unsupported(self, what: str, hint: str | None = None) -> ConvcostError:
        return self.fail(f"{what} is not supported",
                         hint or "see docs/onnx.md for the operators convcost reads")

    # -- inputs -----------------------------------------------------------------------------------

    def get(self, i: int) -> Any:
        """Input `i` of the node (None when it is left out)."""
        inputs = self.node.inputs
        if i >= len(inputs) or not inputs[i]:
            return None
        value = self.values[inputs[i]]
        if isinstance(value, Opaque):
            raise self.fail(f"input {shown(inputs[i])} comes from {value.node}, which is counted as zero "
                            "(--allow-unsupported): its value is unknown and needed here")
        return value

    def data(self, i: int = 0) -> Data:
        value = self.get(i)
        if not isinstance(value, Data):
            what = "missing" if value is None else "a constant"
            raise self.fail(f"input {i + 1} is {what}; a feature map was expected",
                            "convcost counts operators on the network's activations")
        return value

    def const(self, i: int, what: str) -> Const:
        value = self.get(i)
        if not isinstance(value, Const):
            raise self.fail(f"the {what} (input {i + 1}) is "
                            + ("missing" if value is None else "computed from the input, not a constant"))
        return value

    def read(self, c: Const, what: str) -> tuple:
        """The elements of a constant, read from the file if they were not yet."""
        if c.values is not None:
            return c.values
        if c.tensor is None:
            raise self.fail(f"the values of the {what} are not known (it is derived from a weight)")
        try:
            self.budget.take(c.tensor.element_count)
            return tensor_values(c.tensor, self.budget.limit)
        except LimitExceeded:
            raise
        except TensorValueError as err:
            raise self.fail(f"cannot read the {what}: {err}", "convcost reads the values of small "
                            "constants only (shapes, pads, scales)") from None
        except WireError as err:
            raise self.fail(f"the {what} is corrupt: {err}") from None

    def values_of(self, i: int, what: str) -> tuple:
        return self.read(self.const(i, what), what)

    def ints(self, i: int, what: str) -> tuple:
        """Input `i` as integers (a shape, axes, pads), exact and possibly symbolic."""
        c = self.const(i, what)
        if c.dtype != "int":
            raise self.fail(f"the {what} must be integers")
        return self.read(c, what)

    # -- attributes -------------------------------------------------------------------------------

    def _attr(self, name: str, types: tuple[int, ...]):
        found = self.node.attribute(name)
        if found is None:
            return None
        if found.type not in types:
            raise self.fail(f"attribute {shown(name)} has the wrong type ({found.type})")
        return found

    def attr_int(self, name: str, default: int | None = None, low: int = -ATTR_BOUND,
                 high: int = ATTR_BOUND) -> int | None:
        a = self._attr(name, (ATTR_INT,))
        if a is None:
            return default
        value = a.value
        if not low <= value <= high:
            raise self.fail(f"attribute {name} = {value} is out of range [{low}, {high}]")
        return value

    def attr_ints(self, name: str, default: tuple | None = None, length: int | None = None,
                  low: int = -ATTR_BOUND, high: int = ATTR_BOUND) -> tuple | None:
        a = self._attr(name, (ATTR_INTS,))
        if a is None:
            return default
        values = a.value
        if length is not None and len(values) != length:
            raise self.fail(f"attribute {name} has {len(values)} values, expected {length}",
                            "convcost reads 2-D operators (images [N, C, H, W])")
        bad = [v for v in values if not low <= v <= high]
        if bad:
            raise self.fail(f"attribute {name} has {bad[0]}, out of range [{low}, {high}]")
        return values

    def attr_float(self, name: str, default: float | None = None) -> float | None:
        a = self._attr(name, (ATTR_FLOAT,))
        return default if a is None else a.value

    def attr_floats(self, name: str) -> tuple | None:
        a = self._attr(name, (ATTR_FLOATS,))
        return None if a is None else a.value

    def attr_str(self, name: str, default: str = "") -> str:
        a = self._attr(name, (ATTR_STRING,))
        if a is None:
            return default
        return a.value.decode("utf-8", "replace")

    # -- outputs ----------------------------------------------------------------------------------

    def put(self, value: Any, k: int = 0) -> None:
        outputs = self.node.outputs
        if k < len(outputs) and outputs[k]:
            if isinstance(value, Const):
                self.budget.take(0 if value.values is None else len(value.values))
            elif isinstance(value, Data) and value.layer not in self.made:
                self.made[value.layer] = outputs[k]
            self.values[outputs[k]] = value

    def used(self, k: int) -> bool:
        """Whether output `k` of the node is read by anything."""
        outputs = self.node.outputs
        return k < len(outputs) and bool(outputs[k]) and self.readers.get(outputs[k], 0) > 0

    def only_outputs(self, n: int, what: str) -> None:
        """Refuse a node whose outputs past the first `n` are read (MaxPool's indices, BN's statistics)."""
        for k in range(n, len(self.node.outputs)):
            if self.used(k):
                raise self.unsupported(f"reading its output {k + 1} ({what})")

    def name(self, suffix: str = "") -> str:
        """A unique layer name for the node being read (plus `suffix`)."""
        base = layer_name(self.node.name) or f"{layer_name(self.node.op_type) or 'node'}_{self.index + 1}"
        base = base[:_NAME_CHARS - len(suffix)] + suffix
        if base in _RESERVED:
            base += "_"
        name, k = base, 2
        while name in self.position:
            name = f"{base[:_NAME_CHARS - 6]}_{k}"
            k += 1
        return name

    def attrs(self, kind: str, given: Mapping[str, Any]) -> dict[str, Any]:
        """`given` with every other setting of `kind` at its default, as the layer-file loader fills."""
        out: dict[str, Any] = {}
        for s in self.rules[kind].settings:
            if s.name in given:
                out[s.name] = given[s.name]
            elif s.default is REQUIRED:
                raise AssertionError(f"{kind} needs {s.name}")  # a bug in the op that emits it
            elif s.type in ("size", "padding") and isinstance(s.default, int):
                out[s.name] = (s.default, s.default)
            else:
                out[s.name] = s.default
        return out

    def infer(self, kind: str, attrs: dict[str, Any], inputs: tuple[str, ...]):
        shapes = tuple(self.shapes[i] for i in inputs)
        key = (kind, tuple(attrs.items()), shapes)
        outcome = self.outcomes.get(key)
        if outcome is None:
            try:
                outcome = self.outcomes[key] = self.rules[kind].infer(attrs, shapes)
            except LayerError as err:
                raise self.fail(f"as a {kind} layer: {err.message}", err.hint) from None
        return outcome

    def emit(self, kind: str, inputs: list[Data], given: Mapping[str, Any], suffix: str = "") -> Data:
        """A layer of `kind` for the node, reading `inputs`; returns the feature map it makes."""
        if len(self.layers) >= self.limits.layers:
            raise LimitExceeded(f"the graph makes more than {self.limits.layers} layers", self.loc,
                                "raise it with --limit layers=N if this is intended")
        for d in inputs:
            if d.view:
                raise self.unsupported(f"a {kind} of a reshaped view {dims_text(d.shape)}",
                                       "a Reshape to 5 dims is read only as part of a channel shuffle "
                                       "(Reshape, Transpose, Reshape)")
        attrs = self.attrs(kind, given)
        names = tuple(d.layer for d in inputs)
        outcome = self.infer(kind, attrs, names)
        name = self.name(suffix)
        self.position[name] = len(self.layers)
        self.layers.append(LayerSpec(len(self.layers), name, kind, names, attrs, self.loc, True))
        self.shapes[name] = outcome.output
        return Data(name, (self.batch, *outcome.output))

    def replace_attrs(self, layer: str, given: Mapping[str, Any]) -> Data:
        """Change settings of a layer already emitted (a bias found in a later Add)."""
        i = self.position[layer]
        old = self.layers[i]
        attrs = {**old.attrs, **given}
        outcome = self.infer(old.kind, attrs, old.inputs)
        self.layers[i] = old._replace(attrs=attrs)
        self.shapes[layer] = outcome.output
        return Data(layer, (self.batch, *outcome.output))

    def layer_of(self, d: Data) -> LayerSpec | None:
        i = self.position.get(d.layer)
        return None if i is None else self.layers[i]

    # -- shapes -----------------------------------------------------------------------------------

    def per_sample(self, shape: tuple) -> tuple:
        """An ONNX shape without its batch, which must be the graph's."""
        if not shape or arith.equal(shape[0], self.batch) is not True:
            raise self.unsupported(f"a result of shape {dims_text(shape)}, whose first dim is not the batch "
                                   f"({self.batch})")
        return tuple(shape[1:])


def initializer_const(tensor) -> Const:
    return Const(tuple(tensor.dims), dtype_of(tensor.data_type), None, tensor, tensor.name)


def fold_failure(cv: Converter, err: FoldError) -> ConvcostError:
    return cv.fail(err.message, err.hint)
