"""ONNX operators that move or reshape feature maps without weights: Concat, Split and Slice of
channels, Reshape / Flatten / Squeeze / Unsqueeze (and the Reshape + Transpose + Reshape of a channel
shuffle), Transpose, Pad, Resize / Upsample. None has parameters or mult-adds (docs/onnx.md)."""

from __future__ import annotations

from fractions import Fraction

from ..errors import shown
from ..symbolic import arith
from . import folding
from .consts import dims_text, slice_range
from .convert import Converter, Data
from .folding import reshape_target, slice_spec, squeezed, unsqueezed

BIG_END = 2**62  # a Slice end at least this big means "to the end" (exporters write INT64_MAX)


def image(cv: Converter, x: Data, what: str) -> None:
    if len(x.shape) != 4:
        raise cv.unsupported(f"{what} on a rank-{len(x.shape)} input {dims_text(x.shape)}",
                             "convcost reads 2-D operators on images [N, C, H, W]")


def channels(cv: Converter, x: Data) -> int:
    c = x.shape[1]
    if not arith.is_number(c):
        raise cv.fail(f"the input's channels are {c}, not a number",
                      "give the channels a number with --set")
    return c


def equal_dims(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(arith.equal(x, y) is True for x, y in zip(a, b, strict=True))


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
    c = channels(cv, x)
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
    c = channels(cv, x)
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
    kept = None  # the channels kept
    for axis, start, end, step in slice_spec(cv, len(x.shape)):
        if not arith.is_number(start):
            raise cv.fail(f"the Slice start {start} depends on the dynamic dims")
        if arith.is_number(end) and end >= BIG_END:
            end = BIG_END
        if axis == 1:
            if step != 1 or not arith.is_number(end):
                raise cv.unsupported(f"a Slice of channels {start}:{end}:{step}")
            kept = slice_range(start, end, 1, channels(cv, x))
        elif not (step == 1 and (start == 0 or start <= -BIG_END)
                  and (end == BIG_END or arith.less_than(end, x.shape[axis]) is False)):
            raise cv.unsupported(f"a Slice of axis {axis} ({start}:{end}:{step} of {x.shape[axis]})",
                                 "convcost slices channels only (not crops of height and width)")
    if kept is None:
        cv.put(x)
    else:
        _channel_slice(cv, x, kept.start, kept.stop)


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
    if equal_dims(dims, x.shape):
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


_PAD_MODES = {"constant": "constant", "reflect": "reflect", "edge": "replicate", "wrap": "circular"}


def pad(cv: Converter) -> None:
    x = cv.data(0)
    image(cv, x, "a Pad")
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
    image(cv, x, f"a {cv.node.op_type}")
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
