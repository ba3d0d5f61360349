"""An ONNX model file -> a validated Spec, the same a layer file gives: layers of convcost's kinds
named after the graph's nodes, the input's dynamic dims as vars. Nothing after the Spec changes.

Only the graph and the initializers' dims are read: weights are never loaded, and a model whose
external-data file is missing costs what its graph costs (docs/onnx.md).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..errors import ConvcostError, LimitExceeded, Location, shown
from ..layerfile.model import INPUT, Spec, Unsupported
from ..limits import DEFAULT_LIMITS, Limits
from .consts import Const, dims_text
from .convert import Converter, Data, Opaque, initializer_const
from .dims import network_input
from .graph import DEFAULT_DOMAINS, describe_unknown, label, op_key, order, readers, unknown_operators
from .ops import HANDLERS
from .proto import BudgetExceeded, read_model
from .records import Graph, Model, Tensor
from .values import ELEMENT_BYTES
from .wire import WireError


def load(path: str, overrides: Mapping[str, Any] | None = None, symbolic: Sequence[str] = (),
         limits: Limits = DEFAULT_LIMITS, allow_unsupported: bool = False,
         defaults_only: bool = False) -> Spec:
    """The Spec of the ONNX model at `path`. `overrides` (--set) and `symbolic` (--symbolic) give the
    input's dynamic dims; `allow_unsupported` counts unknown operators as zero instead of refusing
    the model; `defaults_only` (for `convcost import`) keeps every dynamic dim a symbol."""
    model = _read(path, limits)
    try:
        return _spec(model, path, overrides or {}, tuple(symbolic), limits, allow_unsupported, defaults_only)
    finally:
        model.source.close()


def builder(path: str, limits: Limits = DEFAULT_LIMITS,
            allow_unsupported: bool = False) -> Callable[..., Spec]:
    """A function from the dynamic dims' values (and dims to keep symbolic) to the model's Spec, the
    file read once (sources.builder: `convcost sweep` and `solve`). The file stays mapped while the
    function lives."""
    model = _read(path, limits)

    def build(overrides: Mapping[str, Any], symbolic: Sequence[str] = ()) -> Spec:
        return _spec(model, path, overrides, tuple(symbolic), limits, allow_unsupported, False)

    return build


def _read(path: str, limits: Limits) -> Model:
    where = Location(path)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a pipe or device: open() could wait for ever
            raise ConvcostError(f"{shown(path)} is not a regular file", where,
                                "give the path of a .onnx file")
        return read_model(path, max_records=limits.onnx_records)
    except BudgetExceeded as err:
        raise LimitExceeded(f"the model holds {err.message}", where,
                            "raise it with --limit onnx_records=N if this is intended") from None
    except WireError as err:
        raise ConvcostError(f"not a valid ONNX model: {err.message} at byte {err.offset}", where,
                            "the file is truncated or corrupt, or it is not an ONNX model") from None
    except ValueError as err:  # larger than protobuf's 2 GiB
        raise ConvcostError(str(err), where, "protobuf files are at most 2 GiB; export the weights as "
                            "external data (the graph is all convcost reads)") from None
    except OSError as err:
        raise ConvcostError(f"cannot read {shown(path)}: {err.strerror or err}", where,
                            "check the path and its permissions") from None


def _spec(model: Model, path: str, overrides: Mapping[str, Any], symbolic: tuple, limits: Limits,
          allow_unsupported: bool, defaults_only: bool) -> Spec:
    graph = model.graph
    if graph is None or not graph.nodes:
        raise ConvcostError("the model holds no graph" if graph is None else "the graph has no nodes",
                            Location(path), "is this an ONNX model file?")
    inp = network_input(graph, path, overrides, symbolic, limits, defaults_only)
    constants = {t.name: initializer_const(t) for t in graph.initializers}
    for t in graph.initializers:
        _check_tensor(t, path)
    for s in graph.sparse_initializers:
        constants[s.name] = Const(tuple(s.dims), "other", None, None, s.name)
    nodes = graph.nodes
    sequence = order(graph, path, constants, (v.name for v in graph.inputs if v.name not in constants))
    unknown = unknown_operators(graph, HANDLERS)
    if unknown and not allow_unsupported:
        kinds = len(unknown)
        raise ConvcostError(
            f"{kinds} operator{'s' if kinds > 1 else ''} convcost does not know: "
            f"{describe_unknown(graph, unknown)}",
            Location(path, unknown[min(unknown, key=lambda k: unknown[k][0])][0] + 1),
            "--allow-unsupported counts them as zero and lists them in the report; docs/onnx.md lists the "
            "operators convcost reads")
    cv = Converter(graph, path, limits, inp.batch)
    cv.readers = readers(graph)
    cv.consumer = _single_readers(graph, cv.readers)
    cv.values.update(constants)
    shape = inp.shape
    if _channels_last(graph, inp.name, shape):  # TensorFlow's NHWC input, transposed to NCHW at once
        shape = (shape[2], shape[0], shape[1])
        cv.nhwc_input = inp.name
    cv.values[inp.name] = Data(INPUT, (inp.batch, *shape))
    cv.shapes[INPUT] = shape
    skipped: dict[str, tuple[list[str], list[str]]] = {}  # operator -> (node names, layer names)
    for i in sequence:
        node = nodes[i]
        cv.node, cv.index = node, i
        if node.domain not in DEFAULT_DOMAINS or node.op_type not in HANDLERS:
            names, layers = skipped.setdefault(op_key(node), ([], []))
            names.append(node.name or f"#{i + 1}")
            before = len(cv.layers)
            _zero(cv, graph)
            layers.extend(layer.name for layer in cv.layers[before:])
            continue
        try:
            HANDLERS[node.op_type](cv)
        except ConvcostError as err:  # a budget hit deep in the arithmetic: name the node
            if err.location is None:
                err.message = f"{label(node, i)}: {err.message}"
                err.location = cv.loc
            raise
        for k, out in enumerate(node.outputs):
            if out and out not in cv.values and cv.readers.get(out):
                raise cv.unsupported(f"reading its output {k + 1}")
    if not cv.layers:
        raise ConvcostError("the graph has no layer convcost counts (no operator on the input)",
                            Location(path),
                            "is the graph's input the image? docs/onnx.md lists the operators read")
    unsupported = tuple(Unsupported(op, tuple(names), tuple(layers))
                        for op, (names, layers) in skipped.items())
    name = os.path.splitext(os.path.basename(path))[0] or "model"
    producer = " ".join(p for p in (model.producer_name, model.producer_version) if p)
    description = f"ONNX model{f' from {producer}' if producer else ''}, {len(nodes)} nodes"
    return Spec(name, path, shape, Location(path), inp.vars, tuple(cv.layers), (), description[:200],
                limits, unsupported)


def _channels_last(graph: Graph, name: str, shape: tuple) -> bool:
    """Whether the input is [N, H, W, C] and every node reading it is Transpose(perm=[0, 3, 1, 2]),
    as tf2onnx writes a Keras model without --inputs-as-nchw: then the input is read as [N, C, H, W]
    and those Transposes are no-ops (docs/onnx.md)."""
    readers = [n for n in graph.nodes if name in n.inputs]
    if len(shape) != 3 or not readers:
        return False
    for n in readers:
        perm = n.attribute("perm")
        if n.op_type != "Transpose" or n.domain not in DEFAULT_DOMAINS or perm is None \
                or tuple(perm.ints) != (0, 3, 1, 2):
            return False
    return True


def _single_readers(graph: Graph, counts: dict[str, int]) -> dict:
    out = {}
    for node in graph.nodes:
        for name in node.inputs:
            if name and counts.get(name) == 1:
                out[name] = node
    return out


def _zero(cv: Converter, graph: Graph) -> None:
    """An unknown operator counted as zero: an identity on its first feature map (its other outputs,
    and the outputs of one that reads constants only, are unknown from here on)."""
    node = cv.node
    first = next((v for n in node.inputs if n and isinstance(v := cv.values.get(n), Data)), None)
    for out in node.outputs:
        if out:
            cv.values[out] = Opaque(label(node, cv.index))
    if first is None or not node.outputs or not node.outputs[0]:
        return
    declared = _declared_shape(graph, node.outputs[0])
    if declared is not None and (len(declared) != len(first.shape) or any(
            isinstance(d, int) and isinstance(s, int) and d != s
            for d, s in zip(declared[1:], first.shape[1:], strict=True))):
        raise cv.fail(f"it is counted as zero (--allow-unsupported) but changes the shape "
                      f"{dims_text(first.shape)} to {dims_text(declared)}; convcost cannot go on past it")
    if first.view:
        raise cv.unsupported("an unknown operator on a reshaped view")
    cv.put(cv.emit("identity", [first], {}))


def _declared_shape(graph: Graph, name: str) -> tuple | None:
    for info in (*graph.value_infos, *graph.outputs):
        if info.name == name and info.shape is not None:
            return info.shape
    return None


def _check_tensor(t: Tensor, path: str) -> None:
    """An initializer's dims and the size of its data agree (its bytes are never read)."""
    where = Location(path)
    if any(d < 0 for d in t.dims):
        raise ConvcostError(f"initializer {shown(t.name)} has a negative dim: {dims_text(t.dims)}", where,
                            "the file is corrupt or was not written by an ONNX exporter")
    count = t.element_count
    size = ELEMENT_BYTES.get(t.data_type)
    if t.is_external:
        length = dict(t.external_data).get("length")
        if size is not None and length is not None and length.strip().isdigit() and len(length) < 30 \
                and int(length) != count * size:
            raise ConvcostError(f"initializer {shown(t.name)} claims {count} elements, but its external data "
                                f"is {length} bytes", where, "the file is corrupt")
        return
    if t.raw_data is not None:
        if size is not None and t.raw_data[1] != count * size:
            raise ConvcostError(f"initializer {shown(t.name)} claims {count} elements "
                                f"({dims_text(t.dims)}) but holds {t.raw_data[1]} bytes", where,
                                "the file is truncated or corrupt")
    elif not t.has_typed_data and count > 0:
        raise ConvcostError(f"initializer {shown(t.name)} claims {count} elements ({dims_text(t.dims)}) "
                            "but holds no data, neither in the file nor in an external file", where,
                            "the file is corrupt")
