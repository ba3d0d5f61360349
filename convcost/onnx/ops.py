"""ONNX operators on feature maps, each mapped onto layer kinds of convcost (docs/onnx.md has the
table). An operator whose inputs are all constants is folded instead (folding.py); one that takes
both is dispatched here on whether any input is a feature map.

What each maps to decides what is counted: Conv, ConvTranspose, Gemm and MatMul with a constant
weight become conv / conv_transpose / fc layers (mult-adds and the weights and biases the graph
holds), BatchNormalization a bn layer (its scale and bias are parameters, its running statistics
are not); everything else has no parameters and no mult-adds, only the counters of its kind.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from ..errors import shown
from ..symbolic import arith
from . import folding
from .consts import Const, FoldError, broadcast_dims, dims_text
from .convert import Converter, Data, Fused
from .layout import (
    channels,
    concat,
    equal_dims,
    flatten,
    image,
    pad,
    reshape,
    resize,
    slice_,
    split,
    squeeze,
    transpose,
    unsqueeze,
)

Handler = Callable[[Converter], None]


def _padding(cv: Converter, kernel: tuple, strides: tuple, dilations: tuple):
    """auto_pad and pads as a padding setting: a (height, width) pair, (before, after) where an axis
    is padded unequally, or `same` (the output is ceil(input / stride), as ONNX's SAME_*)."""
    auto = cv.attr_str("auto_pad", "NOTSET")
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        if all(d * (k - 1) == 0 and s == 1 for k, s, d in zip(kernel, strides, dilations, strict=True)):
            return (0, 0)
        return "same"
    if auto == "VALID":
        return (0, 0)
    if auto not in ("NOTSET", ""):
        raise cv.fail(f"unknown auto_pad {shown(auto)}")
    top, left, bottom, right = cv.attr_ints("pads", (0, 0, 0, 0), 4, 0)
    return (top if top == bottom else (top, bottom), left if left == right else (left, right))


def _bias(cv: Converter, i: int, n: int, shapes: tuple[tuple, ...]) -> bool:
    b = cv.get(i)
    if b is None:
        return False
    if not isinstance(b, Const):
        raise cv.unsupported("a bias computed from the input")
    if b.size == 0:
        return False
    if tuple(b.dims) not in shapes:
        raise cv.fail(f"the bias has dims {dims_text(b.dims)}; {n} values were expected")
    return True


def conv(cv: Converter) -> None:
    x = cv.data(0)
    image(cv, x, "a Conv")
    w = cv.const(1, "weight")
    if len(w.dims) != 4 or any(d < 1 for d in w.dims):
        raise cv.fail(f"the weight has dims {dims_text(w.dims)}; [N, C/group, kH, kW] was expected")
    n, per_group, kh, kw = w.dims
    group = cv.attr_int("group", 1, 1)
    c = channels(cv, x)
    if per_group * group != c:
        raise cv.fail(f"the weight {dims_text(w.dims)} with group {group} reads {per_group * group} "
                      f"channels; the input has {c}")
    if n % group:
        raise cv.fail(f"group {group} does not divide the {n} output channels")
    kernel = cv.attr_ints("kernel_shape", (kh, kw), 2, 1)
    if tuple(kernel) != (kh, kw):
        raise cv.fail(f"kernel_shape {dims_text(kernel)} differs from the weight's {[kh, kw]}")
    strides = cv.attr_ints("strides", (1, 1), 2, 1)
    dilations = cv.attr_ints("dilations", (1, 1), 2, 1)
    padding = _padding(cv, (kh, kw), strides, dilations)
    bias = _bias(cv, 2, n, ((n,),))
    cv.put(cv.emit("conv", [x], {"out": n, "kernel": (kh, kw), "stride": tuple(strides), "padding": padding,
                                 "dilation": tuple(dilations), "groups": group, "bias": bias}))


def conv_transpose(cv: Converter) -> None:
    x = cv.data(0)
    image(cv, x, "a ConvTranspose")
    w = cv.const(1, "weight")
    if len(w.dims) != 4 or any(d < 1 for d in w.dims):
        raise cv.fail(f"the weight has dims {dims_text(w.dims)}; [C, N/group, kH, kW] was expected")
    c, per_group, kh, kw = w.dims
    group = cv.attr_int("group", 1, 1)
    if c != channels(cv, x) or c % group:
        raise cv.fail(f"the weight {dims_text(w.dims)} with group {group} does not fit {x.shape[1]} input "
                      "channels")
    n = per_group * group
    strides = cv.attr_ints("strides", (1, 1), 2, 1)
    dilations = cv.attr_ints("dilations", (1, 1), 2, 1)
    extra = cv.attr_ints("output_padding", (0, 0), 2, 0)
    out_shape = cv.attr_ints("output_shape", None, 2, 1)
    auto = cv.attr_str("auto_pad", "NOTSET")
    pads = []
    for axis in range(2):
        k, s, d, op, size = (kh, kw)[axis], strides[axis], dilations[axis], extra[axis], x.shape[2 + axis]
        full = arith.add(arith.mul(s, arith.sub(size, 1)), op + d * (k - 1) + 1)  # output with no padding
        if out_shape is not None or auto in ("SAME_UPPER", "SAME_LOWER"):
            want = out_shape[axis] if out_shape is not None else arith.mul(size, s)
            total = arith.sub(full, want)
            half = arith.div(total, 2)
            if arith.is_integer(half) is not True or arith.is_nonnegative(half) is not True:
                raise cv.unsupported(f"a ConvTranspose padded unequally ({total} in all along an axis)")
            pads.append(half)
        else:
            begin, end = cv.attr_ints("pads", (0, 0, 0, 0), 4, 0)[axis::2]
            if begin != end:
                raise cv.unsupported(f"a ConvTranspose padded unequally ({begin} and {end})")
            pads.append(begin)
    bias = _bias(cv, 2, n, ((n,),))
    cv.put(cv.emit("conv_transpose", [x], {
        "out": n, "kernel": (kh, kw), "stride": tuple(strides), "padding": tuple(pads),
        "output_padding": tuple(extra), "dilation": tuple(dilations), "groups": group, "bias": bias}))


def _features(cv: Converter, x: Data, k: int) -> None:
    if len(x.shape) != 2:
        raise cv.unsupported(f"a {cv.node.op_type} of a rank-{len(x.shape)} input {dims_text(x.shape)}",
                             "convcost reads fully connected layers on [N, features] (after Flatten)")
    if arith.equal(x.shape[1], k) is False:
        raise cv.fail(f"the weight expects {k} input features; the input has {x.shape[1]}",
                      "the model is valid only at the input size it was exported with")


def gemm(cv: Converter) -> None:
    x = cv.get(0)
    if not isinstance(x, Data):
        raise cv.unsupported("a Gemm whose first input is a constant")
    if cv.attr_int("transA", 0):
        raise cv.unsupported("a Gemm with transA")
    w = cv.const(1, "weight")
    if len(w.dims) != 2:
        raise cv.fail(f"the weight has dims {dims_text(w.dims)}")
    k, n = reversed(w.dims) if cv.attr_int("transB", 0) else w.dims
    _features(cv, x, k)
    bias = _bias(cv, 2, n, ((n,), (1, n)))
    cv.put(cv.emit("fc", [x], {"out": n, "bias": bias}))


def matmul(cv: Converter) -> None:
    x, w = cv.get(0), cv.get(1)
    if not isinstance(x, Data) or not isinstance(w, Const):
        raise cv.unsupported("a MatMul that is not a feature vector times a constant weight",
                             "convcost reads MatMul with a constant weight as a fully connected layer")
    if len(w.dims) != 2:
        raise cv.fail(f"the weight has dims {dims_text(w.dims)}")
    k, n = w.dims
    _features(cv, x, k)
    cv.put(cv.emit("fc", [x], {"out": n, "bias": False}))


def batch_norm(cv: Converter) -> None:
    x = cv.data(0)
    if len(x.shape) not in (2, 4):
        raise cv.unsupported(f"a BatchNormalization of a rank-{len(x.shape)} input")
    c = channels(cv, x)
    for i, what in enumerate(("scale", "bias", "mean", "variance"), 1):
        t = cv.const(i, what)
        if tuple(t.dims) != (c,):
            raise cv.fail(f"the {what} has dims {dims_text(t.dims)}; [{c}] was expected")
    cv.only_outputs(1, "the running statistics of training mode")
    cv.put(cv.emit("bn", [x], {"affine": True}))


def activation(kind: str) -> Handler:
    def handler(cv: Converter) -> None:
        cv.put(cv.emit(kind, [cv.data(0)], {}))

    return handler


_ONE_SIXTH = Fraction(1, 6)


def gate(kind: str, swish: str) -> Handler:
    """Sigmoid and HardSigmoid: an activation, or half of a swish when the one reader of its output
    is Mul(x, sigmoid(x)) (SiLU as exporters write it; x * HardSigmoid(x) with PyTorch's 1/6, 1/2
    is hardswish)."""
    def handler(cv: Converter) -> None:
        x = cv.data(0)
        node = cv.node
        out = node.outputs[0] if node.outputs else ""
        reader = cv.consumer.get(out)
        hard_ok = kind != "hsigmoid" or (
            abs(Fraction(cv.attr_float("alpha", 0.2)) - _ONE_SIXTH) < Fraction(1, 10**6)
            and cv.attr_float("beta", 0.5) == 0.5)
        if (reader is not None and reader.op_type == "Mul" and reader.domain in ("", "ai.onnx")
                and sorted(reader.inputs) == sorted((node.inputs[0], out)) and hard_ok and not x.view):
            cv.put(Fused(swish, x, node.inputs[0]))
        else:
            cv.put(cv.emit(kind, [x], {}))

    return handler


def _bound(cv: Converter, attr: str, i: int):
    value = cv.attr_float(attr)
    if value is None and cv.get(i) is not None:
        got = cv.values_of(i, f"{attr} bound")
        if len(got) != 1:
            raise cv.fail(f"the {attr} bound must be one number")
        value = got[0]
    if value is None or (isinstance(value, float) and value - value != 0):
        return None  # absent or infinite
    return Fraction(value)


def clip(cv: Converter) -> None:
    """Clip(0, 6) is relu6, Clip(0, inf) relu; other bounds make a `clip` activation."""
    low, high = _bound(cv, "min", 1), _bound(cv, "max", 2)
    kind = "relu6" if (low, high) == (0, 6) else "relu" if low == 0 and high is None else "clip"
    cv.put(cv.emit(kind, [cv.data(0)], {}))


def _same_shape(cv: Converter, x: Data, k: Const) -> None:
    try:
        out = broadcast_dims(x.shape, k.dims)
    except FoldError as err:
        raise cv.fail(err.message) from None
    if not equal_dims(out, x.shape):
        raise cv.unsupported(f"a constant of dims {dims_text(k.dims)} that widens a feature map "
                             f"{dims_text(x.shape)}")


def _fold_bias(cv: Converter, x: Data, k: Const) -> bool:
    """An Add of a per-channel constant right after a conv or fc without a bias is that layer's bias
    (TensorFlow exports, MatMul + Add): the layer gets `bias: true`, as the graph holds N biases."""
    layer = cv.layer_of(x)
    if layer is None or layer.kind not in ("conv", "conv_transpose", "fc") or layer.attrs["bias"]:
        return False
    name = next(n for n in cv.node.inputs if n and isinstance(cv.values.get(n), Data))
    if cv.made.get(layer.name) != name or cv.readers.get(name, 0) != 1:
        return False
    n = layer.attrs["out"]
    shapes = ((n,), (1, n)) if layer.kind == "fc" else ((n, 1, 1), (1, n, 1, 1))
    if tuple(k.dims) not in shapes:
        return False
    cv.put(cv.replace_attrs(layer.name, {"bias": True}))
    return True


def arithmetic(cv: Converter) -> None:
    """Add, Sub, Mul, Div, Pow, Max, Min, Sum with a feature map among the inputs."""
    op = cv.node.op_type
    ins = [cv.get(i) for i in range(len(cv.node.inputs)) if cv.node.inputs[i]]
    fused = next((v for v in ins if isinstance(v, Fused)), None)
    if fused is not None:  # the Mul of x * sigmoid(x): gate() checked it reads x and the gate only
        cv.put(cv.emit(fused.kind, [fused.x], {}))
        return
    data = [v for v in ins if isinstance(v, Data)]
    if op == "Sum" and len(data) == len(ins):
        cv.put(data[0] if len(data) == 1 else cv.emit("add", data, {}))
        return
    if len(ins) != 2:
        raise cv.fail(f"{op} of {len(ins)} inputs")
    if len(data) == 2:
        if op not in ("Add", "Mul"):
            raise cv.unsupported(f"{op} of two feature maps")
        cv.put(cv.emit(op.lower(), data, {}))
        return
    x, k = data[0], next(v for v in ins if isinstance(v, Const))
    _same_shape(cv, x, k)
    if op == "Add" and _fold_bias(cv, x, k):
        return
    if op not in ("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min"):
        raise cv.unsupported(f"{op} of a feature map and a constant")
    cv.put(cv.emit("eltwise", [x], {"op": op.lower()}))


def global_pool(kind: str) -> Handler:
    def handler(cv: Converter) -> None:
        x = cv.data(0)
        image(cv, x, f"a {cv.node.op_type}")
        cv.put(cv.emit(kind, [x], {"global": True}))

    return handler


def reduce_pool(kind: str) -> Handler:
    """ReduceMean / ReduceMax over height and width: global pooling (then flatten, without keepdims)."""
    def handler(cv: Converter) -> None:
        x = cv.get(0)
        if not isinstance(x, Data):
            folding.reduce(cv)
            return
        image(cv, x, f"a {cv.node.op_type}")
        axes = folding._axes(cv, "axes")
        if axes is None or {a % 4 for a in axes} != {2, 3}:
            raise cv.unsupported(f"a {cv.node.op_type} over axes {dims_text(axes or ())}",
                                 "convcost reads it over height and width only (global pooling)")
        pooled = cv.emit(kind, [x], {"global": True})
        cv.put(pooled if cv.attr_int("keepdims", 1) else cv.emit("flatten", [pooled], {}, ".flatten"))

    return handler


def pool(kind: str) -> Handler:
    def handler(cv: Converter) -> None:
        x = cv.data(0)
        image(cv, x, f"a {cv.node.op_type}")
        kernel = cv.attr_ints("kernel_shape", None, 2, 1)
        if kernel is None:
            raise cv.fail("kernel_shape is missing")
        strides = cv.attr_ints("strides", (1, 1), 2, 1)
        dilations = cv.attr_ints("dilations", (1, 1), 2, 1)
        padding = _padding(cv, tuple(kernel), strides, dilations)
        given = {"kernel": tuple(kernel), "stride": tuple(strides), "padding": padding,
                 "ceil_mode": bool(cv.attr_int("ceil_mode", 0))}
        if kind == "maxpool":
            given["dilation"] = tuple(dilations)
        elif tuple(dilations) != (1, 1):
            raise cv.unsupported("an AveragePool with dilations")
        cv.only_outputs(1, "the indices of the maxima")
        cv.put(cv.emit(kind, [x], given))

    return handler


def passthrough(outputs: int, what: str = "") -> Handler:
    """Identity, Dropout (inference), Cast of a feature map: no layer, the tensor passes on."""
    def handler(cv: Converter) -> None:
        x = cv.get(0)
        if not isinstance(x, Data):
            folding.HANDLERS.get(cv.node.op_type, folding.identity)(cv)
            return
        cv.only_outputs(outputs, what)
        cv.put(x)

    return handler


def _either(fold: Handler, data: Handler) -> Handler:
    """The data handler when any input is a feature map, else the folding one."""
    def handler(cv: Converter) -> None:
        if any(isinstance(cv.values.get(n), Data) for n in cv.node.inputs if n):
            data(cv)
        else:
            fold(cv)

    return handler


def _constants_only(fold: Handler) -> Handler:
    def handler(cv: Converter) -> None:
        if any(isinstance(cv.values.get(n), Data) for n in cv.node.inputs if n) and \
                cv.node.op_type not in ("Shape", "Size"):
            raise cv.unsupported(f"{cv.node.op_type} of a feature map")
        fold(cv)

    return handler


ACTIVATIONS = {"Relu": "relu", "LeakyRelu": "leakyrelu", "Sigmoid": "sigmoid", "HardSigmoid": "hsigmoid",
               "HardSwish": "hswish", "Tanh": "tanh", "Elu": "elu", "Gelu": "gelu", "Mish": "mish",
               "Softmax": "softmax"}

HANDLERS: dict[str, Handler] = {
    **{op: _constants_only(h) for op, h in folding.HANDLERS.items()},
    **{op: activation(kind) for op, kind in ACTIVATIONS.items()},
    "Sigmoid": gate("sigmoid", "silu"), "HardSigmoid": gate("hsigmoid", "hswish"),
    "Conv": conv, "ConvTranspose": conv_transpose, "Gemm": gemm, "MatMul": matmul,
    "BatchNormalization": batch_norm, "Clip": clip,
    "MaxPool": pool("maxpool"), "AveragePool": pool("avgpool"),
    "GlobalAveragePool": global_pool("avgpool"), "GlobalMaxPool": global_pool("maxpool"),
    "ReduceMean": reduce_pool("avgpool"), "ReduceMax": reduce_pool("maxpool"),
    "Pad": pad, "Resize": resize, "Upsample": resize, "Split": split,
    "Identity": passthrough(1), "Dropout": passthrough(1, "the dropout mask"), "Cast": passthrough(1),
    "CastLike": passthrough(1),
    **{op: _either(folding.HANDLERS[op], arithmetic)
       for op in ("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum")},
    **{op: _either(folding.HANDLERS[op], handler) for op, handler in (
        ("Concat", concat), ("Slice", slice_), ("Reshape", reshape), ("Flatten", flatten),
        ("Squeeze", squeeze), ("Unsqueeze", unsqueeze), ("Transpose", transpose))},
}
