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
from .consts import Const, FoldError, broadcast_dims, dims_text, slice_range
from .convert import Converter, Data, Fused
from .folding import reshape_target, slice_spec, squeezed, unsqueezed

Handler = Callable[[Converter], None]
BIG_END = 2**62  # a Slice end at least this big means "to the end" (exporters write INT64_MAX)


def _image(cv: Converter, x: Data, what: str) -> None:
    if len(x.shape) != 4:
        raise cv.unsupported(f"{what} on a rank-{len(x.shape)} input {dims_text(x.shape)}",
                             "convcost reads 2-D operators on images [N, C, H, W]")


def _channels(cv: Converter, x: Data) -> int:
    c = x.shape[1]
    if not arith.is_number(c):
        raise cv.fail(f"the input's channels are {c}, not a number",
                      "give the channels a number with --set")
    return c


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
    _image(cv, x, "a Conv")
    w = cv.const(1, "weight")
    if len(w.dims) != 4 or any(d < 1 for d in w.dims):
        raise cv.fail(f"the weight has dims {dims_text(w.dims)}; [N, C/group, kH, kW] was expected")
    n, per_group, kh, kw = w.dims
    group = cv.attr_int("group", 1, 1)
    c = _channels(cv, x)
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
    _image(cv, x, "a ConvTranspose")
    w = cv.const(1, "weight")
    if len(w.dims) != 4 or any(d < 1 for d in w.dims):
        raise cv.fail(f"the weight has dims {dims_text(w.dims)}; [C, N/group, kH, kW] was expected")
    c, per_group, kh, kw = w.dims
    group = cv.attr_int("group", 1, 1)
    if c != _channels(cv, x) or c % group:
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
    c = _channels(cv, x)
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


def _equal_dims(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(arith.equal(x, y) is True for x, y in zip(a, b, strict=True))


def _same_shape(cv: Converter, x: Data, k: Const) -> None:
    try:
        out = broadcast_dims(x.shape, k.dims)
    except FoldError as err:
        raise cv.fail(err.message) from None
    if not _equal_dims(out, x.shape):
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


def concat(cv: Converter) -> None:
    ins = [cv.get(i) for i in range(len(cv.node.inputs)) if cv.node.inputs[i]]
    if not all(isinstance(v, Data) for v in ins):
        raise cv.unsupported("a Concat of feature maps and constants")
    rank = len(ins[0].shape)
    axis = cv.attr_int("axis", 1)
    if (axis + rank if axis < 0 else axis) != 1:
        raise cv.unsupported(f"a Concat of feature maps along axis {axis}", "convcost concatenates channels")
    cv.put(ins[0] if len(ins) == 1 else cv.emit("concat", ins, {}))


def _channel_slice(cv: Converter, x: Data, start: int, end: int, k: int = 0, suffix: str = "") -> None:
    c = _channels(cv, x)
    if start <= 0 and end >= c:
        cv.put(x, k)
    elif start >= end:
        raise cv.fail(f"channels {start}:{end} of {c} are empty")
    else:
        cv.put(cv.emit("slice", [x], {"start": start, "end": end}, suffix), k)


def split(cv: Converter) -> None:
    x = cv.data(0)
    rank = len(x.shape)
    axis = cv.attr_int("axis", 0)
    if (axis + rank if axis < 0 else axis) != 1:
        raise cv.unsupported(f"a Split of a feature map along axis {axis}", "convcost splits channels")
    c = _channels(cv, x)
    outputs = len(cv.node.outputs)
    sizes = cv.attr_ints("split", None, None, 0)
    if sizes is None and cv.get(1) is not None:
        sizes = folding._numbers(cv, cv.ints(1, "split"), "split sizes")
    if sizes is None:
        parts = cv.attr_int("num_outputs", outputs, 1)
        size = -(-c // parts)
        sizes = [size] * (parts - 1) + [c - size * (parts - 1)]
    if len(sizes) != outputs or sum(sizes) != c or any(s < 0 for s in sizes):
        raise cv.fail(f"split sizes {dims_text(sizes)} do not cut {c} channels into {outputs} outputs")
    start = 0
    for k, s in enumerate(sizes):
        if s:
            _channel_slice(cv, x, start, start + s, k, f".{k}")
        start += s


def slice_(cv: Converter) -> None:
    """A Slice of channels; every other axis it names must be kept whole."""
    x = cv.data(0)
    channels = None
    for axis, start, end, step in slice_spec(cv, len(x.shape)):
        if not arith.is_number(start):
            raise cv.fail(f"the Slice start {start} depends on the dynamic dims")
        if arith.is_number(end) and end >= BIG_END:
            end = BIG_END
        if axis == 1:
            if step != 1 or not arith.is_number(end):
                raise cv.unsupported(f"a Slice of channels {start}:{end}:{step}")
            channels = slice_range(start, end, 1, _channels(cv, x))
        elif not (step == 1 and (start == 0 or start <= -BIG_END)
                  and (end == BIG_END or arith.less_than(end, x.shape[axis]) is False)):
            raise cv.unsupported(f"a Slice of axis {axis} ({start}:{end}:{step} of {x.shape[axis]})",
                                 "convcost slices channels only (not crops of height and width)")
    if channels is None:
        cv.put(x)
    else:
        _channel_slice(cv, x, channels.start, channels.stop)


def _to_shape(cv: Converter, x: Data, dims: tuple) -> None:
    """A feature map given new dims (Reshape, Flatten, Squeeze, Unsqueeze): nothing, a flatten, a
    reshape, or one step of a channel shuffle (Reshape [N, g, C/g, H, W], Transpose, Reshape)."""
    if x.view:
        step, g, original = x.view
        if step == "shuffled" and len(dims) == 4 and all(
                arith.equal(a, b) is True for a, b in zip(dims, original, strict=True)):
            cv.put(cv.emit("channel_shuffle", [Data(x.layer, original)], {"groups": g}))
            return
        raise cv.unsupported(f"a Reshape of a reshaped view {dims_text(x.shape)}",
                             "a Reshape to 5 dims is read only as part of a channel shuffle "
                             "(Reshape, Transpose, Reshape)")
    if _equal_dims(dims, x.shape):
        cv.put(x)
        return
    if (len(x.shape) == 4 and len(dims) == 5 and arith.equal(dims[0], x.shape[0]) is True
            and arith.equal(arith.mul(dims[1], dims[2]), x.shape[1]) is True
            and all(arith.equal(a, b) is True for a, b in zip(dims[3:], x.shape[2:], strict=True))):
        cv.put(Data(x.layer, dims, ("grouped", dims[1], x.shape)))
        return
    per = cv.per_sample(dims)
    if len(per) == 1 and len(x.shape) == 4:
        if arith.equal(per[0], arith.product(*x.shape[1:])) is False:
            raise cv.fail(f"reshape of {dims_text(x.shape)} to {dims_text(dims)}")
        cv.put(cv.emit("flatten", [x], {}))
    elif len(per) in (1, 3):
        cv.put(cv.emit("reshape", [x], {"shape": per}))
    else:
        raise cv.unsupported(f"a feature map reshaped to {dims_text(dims)}",
                             "convcost's feature maps are [N, C, H, W] or [N, features]")


def reshape(cv: Converter) -> None:
    x = cv.data(0)
    target = cv.ints(1, "shape")
    cv_dims = reshape_target(cv, x.shape, target, bool(cv.attr_int("allowzero", 0)))
    _to_shape(cv, x, cv_dims)


def flatten(cv: Converter) -> None:
    x = cv.data(0)
    rank = len(x.shape)
    axis = cv.attr_int("axis", 1)
    axis = axis + rank if axis < 0 else axis
    if not 0 <= axis <= rank:
        raise cv.fail(f"axis {axis} out of range")
    _to_shape(cv, x, (arith.product(*x.shape[:axis]), arith.product(*x.shape[axis:])))


def squeeze(cv: Converter) -> None:
    x = cv.data(0)
    _to_shape(cv, x, squeezed(cv, x.shape))


def unsqueeze(cv: Converter) -> None:
    x = cv.data(0)
    _to_shape(cv, x, unsqueezed(cv, x.shape))


def transpose(cv: Converter) -> None:
    x = cv.data(0)
    perm = tuple(cv.attr_ints("perm") or reversed(range(len(x.shape))))
    if perm == tuple(range(len(x.shape))) or (cv.node.inputs[0] == cv.nhwc_input and perm == (0, 3, 1, 2)):
        cv.put(x)  # nothing moves, or the channels-last input already read as [N, C, H, W] (source.py)
    elif x.view and x.view[0] == "grouped" and perm == (0, 2, 1, 3, 4):
        cv.put(Data(x.layer, tuple(x.shape[p] for p in perm), ("shuffled", x.view[1], x.view[2])))
    else:
        raise cv.unsupported(f"a Transpose {dims_text(perm)} of a feature map",
                             "convcost reads Transpose only inside a channel shuffle "
                             "(Reshape, Transpose, Reshape)")


def global_pool(kind: str) -> Handler:
    def handler(cv: Converter) -> None:
        x = cv.data(0)
        _image(cv, x, f"a {cv.node.op_type}")
        cv.put(cv.emit(kind, [x], {"global": True}))

    return handler


def reduce_pool(kind: str) -> Handler:
    """ReduceMean / ReduceMax over height and width: global pooling (then flatten, without keepdims)."""
    def handler(cv: Converter) -> None:
        x = cv.get(0)
        if not isinstance(x, Data):
            folding.reduce(cv)
            return
        _image(cv, x, f"a {cv.node.op_type}")
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
        _image(cv, x, f"a {cv.node.op_type}")
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


_PAD_MODES = {"constant": "constant", "reflect": "reflect", "edge": "replicate", "wrap": "circular"}


def pad(cv: Converter) -> None:
    x = cv.data(0)
    _image(cv, x, "a Pad")
    mode = cv.attr_str("mode", "constant")
    if mode not in _PAD_MODES:
        raise cv.unsupported(f"Pad mode {shown(mode)}")
    pads = cv.attr_ints("pads") or cv.attr_ints("paddings")
    value = cv.attr_float("value", 0.0)
    if pads is None:
        pads = folding._numbers(cv, cv.ints(1, "pads"), "pads")
        if cv.get(2) is not None:
            got = cv.values_of(2, "constant value")
            value = got[0] if got else 0
    if cv.get(3) is not None:
        axes = [a % 4 for a in folding._numbers(cv, cv.ints(3, "axes"), "axes")]
        full = [0] * 8
        for j, a in enumerate(axes):
            full[a], full[a + 4] = pads[j], pads[j + len(axes)]
        pads = full
    if len(pads) != 8:
        raise cv.fail(f"pads has {len(pads)} values; 8 were expected for [N, C, H, W]")
    n0, c0, top, left, n1, c1, bottom, right = pads
    if n0 or c0 or n1 or c1:
        raise cv.unsupported("padding the batch or the channels")
    if min(pads) < 0:
        raise cv.unsupported(f"negative pads {dims_text(pads)} (a crop)")
    if isinstance(value, float):
        if value - value != 0:
            raise cv.fail(f"non-finite pad value {value}")
        value = Fraction(value)
    if not any(pads):
        cv.put(x)
        return
    padding = (top if top == bottom else (top, bottom), left if left == right else (left, right))
    cv.put(cv.emit("pad", [x], {"padding": padding, "mode": _PAD_MODES[mode], "value": value}))


_RESIZE_MODES = {"nearest": "nearest", "linear": "bilinear", "bilinear": "bilinear", "cubic": "bicubic"}


def resize(cv: Converter) -> None:
    """Resize and Upsample: to `sizes`, or by `scales` (output = floor(input x scale), as ONNX)."""
    x = cv.data(0)
    _image(cv, x, f"a {cv.node.op_type}")
    mode = cv.attr_str("mode", "nearest")
    if mode not in _RESIZE_MODES:
        raise cv.unsupported(f"{cv.node.op_type} mode {shown(mode)}")
    if cv.attr_str("keep_aspect_ratio_policy", "stretch") != "stretch":
        raise cv.unsupported("a Resize that keeps the aspect ratio")
    scales = sizes = None
    if cv.node.op_type == "Upsample":
        scales = cv.attr_floats("scales")
        if scales is None:
            scales = cv.values_of(1, "scales")
    elif len(cv.node.inputs) == 2:  # opset 10: X, scales
        scales = cv.values_of(1, "scales")
    else:
        if cv.get(3) is not None and cv.const(3, "sizes").size:
            sizes = cv.ints(3, "sizes")
        elif cv.get(2) is not None and cv.const(2, "scales").size:
            scales = cv.values_of(2, "scales")
    axes = cv.attr_ints("axes")
    given = sizes if sizes is not None else scales
    if given is None:
        raise cv.fail("neither scales nor sizes are given")
    if axes is not None:
        full = list(x.shape) if sizes is not None else [1, 1, 1, 1]
        if len(axes) != len(given):
            raise cv.fail("axes and scales (or sizes) differ in length")
        for a, v in zip(axes, given, strict=True):
            full[a % 4] = v
        given = tuple(full)
    if len(given) != 4:
        raise cv.fail(f"{len(given)} scales or sizes for a rank-4 input")
    m = _RESIZE_MODES[mode]
    if sizes is not None:
        if any(arith.equal(a, b) is not True for a, b in zip(given[:2], x.shape[:2], strict=True)):
            raise cv.unsupported(f"a resize of the batch or the channels (sizes {dims_text(given)})")
        size = tuple(given[2:])
    else:
        exact = []
        for s in given:
            if isinstance(s, float) or not arith.is_number(s) or s <= 0:
                raise cv.fail(f"scale {s} is not a positive number")
            exact.append(Fraction(s))
        if exact[0] != 1 or exact[1] != 1:
            raise cv.unsupported(f"a resize of the batch or the channels (scales {[str(s) for s in exact]})")
        if all(s.denominator == 1 for s in exact[2:]):
            if exact[2:] == [1, 1]:
                cv.put(x)
                return
            cv.put(cv.emit("upsample", [x], {"scale": (int(exact[2]), int(exact[3])), "mode": m}))
            return
        size = tuple(arith.floor(arith.mul(d, s)) for d, s in zip(x.shape[2:], exact[2:], strict=True))
    if all(arith.equal(a, b) is True for a, b in zip(size, x.shape[2:], strict=True)):
        cv.put(x)
        return
    cv.put(cv.emit("upsample", [x], {"size": size, "mode": m}))


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
