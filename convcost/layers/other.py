"""Every layer kind outside the convolution family: fc, pooling, normalisation, activations and
the structural kinds (flatten, add, mul, concat, upsample, dropout)."""

from __future__ import annotations

from ..symbolic import arith
from .formulas import conv_out, pad_pair
from .records import LayerError, Outcome, Part, Rule, Setting, collector
from .shapes import check_channels, elements, feature_map, fmt_shape

rules: list[Rule] = []
rule = collector(rules)




@rule("fc", family="fc", settings=(
    Setting("out", "count", doc="output features"),
    Setting("bias", "bool", True, "add a learned bias per output feature"),
))
def fc(attrs, inputs):
    """A fully connected layer (torch.nn.Linear) on the flattened input."""
    features = elements(inputs[0])
    n = attrs["out"]
    check_channels(n, "`out` (output features)")
    macs = arith.mul(features, n)
    params = arith.add(macs, n if attrs["bias"] else 0)
    counters = {"bias_adds": n} if attrs["bias"] else {}
    return Outcome((n,), params, macs, counters, (Part("fc", params, macs),))


_POOL = (
    Setting("kernel", "size", None, "window: int or [height, width] (not with `global`)"),
    Setting("stride", "size", None, "step; defaults to the kernel"),
    Setting("padding", "padding", 0, "int, [height, width], `same` or `valid`"),
    Setting("ceil_mode", "bool", False, "round the output size up, as PyTorch's ceil_mode"),
    Setting("global", "bool", False, "pool each channel down to 1x1"),
)


def _torch(forms: str, doc: str) -> Setting:
    """How the PyTorch model computes the layer. No effect on the layer's cost; some peer tools count
    a module and a functional call differently (`--convention`, docs/conventions.md)."""
    return Setting("torch", f"choice:{forms}", None, doc)


def _pool_window(attrs) -> tuple | None:
    """(kernel, stride, padding, dilation) for the stride check; None where no input can be left
    unread (global pooling, and ceil_mode, whose last window takes the remainder)."""
    if attrs.get("global") or attrs.get("ceil_mode"):
        return None
    kernel = attrs["kernel"]
    return kernel, attrs.get("stride") or kernel, attrs.get("padding", 0), attrs.get("dilation") or (1, 1)


def _pool(attrs, inputs, kind):
    c, h, w = feature_map(inputs, kind)
    if attrs["global"]:
        if attrs["kernel"] is not None:
            raise LayerError(f"{kind} takes either `global: true` or a `kernel`, not both",
                             hint="drop one of them")
        return Outcome((c, 1, 1), counters={"pool_ops": arith.product(c, h, w)})
    if attrs["kernel"] is None:
        raise LayerError(f"{kind} needs a `kernel` (or `global: true`)",
                         hint=f"write e.g. `{kind}: {{kernel: 3, stride: 2}}` or `{kind}: {{global: true}}`")
    kh, kw = attrs["kernel"]
    sh, sw = attrs["stride"] if attrs["stride"] is not None else (kh, kw)
    ph, pw = pad_pair(attrs["padding"])
    dh, dw = attrs.get("dilation", (1, 1))
    _pool_padding(kind, "height", kh, ph, dh)
    _pool_padding(kind, "width", kw, pw, dw)
    ho = conv_out(h, kh, sh, ph, dh, "height", attrs["ceil_mode"])
    wo = conv_out(w, kw, sw, pw, dw, "width", attrs["ceil_mode"])
    return Outcome((c, ho, wo), counters={"pool_ops": arith.product(c, ho, wo, kh, kw)})


def _pool_padding(kind: str, axis: str, k, p, d) -> None:
    """PyTorch refuses padding over half the dilated window, per axis: p <= ((k - 1)·d + 1) // 2.
    An asymmetric axis (before, after), which PyTorch cannot write and ONNX can, is held to ONNX
    Runtime's rule instead: each side smaller than the dilated window, so no window is all padding."""
    if isinstance(p, str):  # `same` and `valid` are convcost's own
        return
    if isinstance(p, tuple):
        span = arith.add(arith.mul(arith.sub(k, 1), d), 1)
        for side in p:
            if arith.less_than(side, span) is False:
                raise LayerError(
                    f"{kind} padding {side} along the {axis} is not smaller than the window ({span} for "
                    f"kernel {k} and dilation {d}): some windows would hold only padding",
                    hint=f"pad each side by at most {arith.sub(span, 1)}")
        return
    half = arith.floordiv(arith.add(arith.mul(arith.sub(k, 1), d), 1), 2)
    if arith.less_than(half, p) is True:
        raise LayerError(
            f"{kind} padding {p} along the {axis} is more than half the window: at most {half} for kernel "
            f"{k} and dilation {d}",
            hint=f"PyTorch refuses it (pad should be at most half of effective kernel size); use padding "
                 f"of at most {half}",
        )


@rule("avgpool", family="pool", window=_pool_window, settings=(*_POOL, _torch(
    "module,functional,adaptive,mean",
    "as PyTorch computes it: module (nn.AvgPool2d, or nn.AdaptiveAvgPool2d when global), functional "
    "(F.avg_pool2d, or F.adaptive_avg_pool2d when global), adaptive (nn.AdaptiveAvgPool2d to this output "
    "size), mean (x.mean((2, 3)), global only)")))
def avgpool(attrs, inputs):
    """Average pooling; pool_ops counts one addition per window element per output."""
    if attrs["torch"] == "mean" and not attrs["global"]:
        raise LayerError("`torch: mean` (x.mean((2, 3))) is a global average pool",
                         hint="write `global: true`, or another `torch` form")
    return _pool(attrs, inputs, "avgpool")


@rule("maxpool", family="pool", window=_pool_window,
      settings=(*_POOL, Setting("dilation", "size", 1, "spacing of window taps"), _torch(
          "module,functional,adaptive",
          "as PyTorch computes it: module (nn.MaxPool2d, or nn.AdaptiveMaxPool2d when global), functional "
          "(F.max_pool2d, F.adaptive_max_pool2d), adaptive (nn.AdaptiveMaxPool2d to this output size)")))
def maxpool(attrs, inputs):
    """Max pooling; pool_ops counts one comparison per window element per output."""
    return _pool(attrs, inputs, "maxpool")


@rule("bn", family="norm", kinds=("batchnorm",), transparent=True,
      settings=(Setting("affine", "bool", True, "learned scale (gamma) and shift (beta)"),))
def bn(attrs, inputs):
    """Batch normalisation: 2 parameters per channel (gamma, beta); running statistics are buffers."""
    shape = inputs[0]
    params = arith.mul(2, shape[0]) if attrs["affine"] else 0
    parts = (Part("bn", params, 0),) if attrs["affine"] else ()
    return Outcome(shape, params, 0, {"bn_ops": elements(shape)}, parts)


ACTIVATIONS = ("relu", "relu6", "leakyrelu", "elu", "gelu", "sigmoid", "hsigmoid", "hswish", "swish",
               "silu", "mish", "tanh", "softmax", "hardsigmoid", "hardswish", "clip")


# Activations that PyTorch also offers as torch functions and tensor methods (torch.relu, x.sigmoid()).
TENSOR_ACTIVATIONS = ("relu", "relu6", "sigmoid", "tanh", "softmax")
_ACTIVATION_TORCH = {
    True: _torch("module,functional,torch",
                 "as PyTorch computes it: module (nn.ReLU, ...), functional (F.relu, ...), torch "
                 "(torch.relu, x.relu(); relu6: torch.clamp(x, 0, 6))"),
    False: _torch("module,functional",
                  "as PyTorch computes it: module (nn.SiLU, ...), functional (F.silu, ...)"),
}


def activation(attrs, inputs):
    """An element-wise activation: one activation_op per element, no parameters."""
    shape = inputs[0]
    return Outcome(shape, counters={"activation_ops": elements(shape)})


for _kind in ACTIVATIONS:
    rule(_kind, family="activation", transparent=True,
         settings=(_ACTIVATION_TORCH[_kind in TENSOR_ACTIVATIONS],))(activation)


@rule("dropout", family="identity", kinds=("identity",), transparent=True,
      settings=(Setting("p", "number", 0, "drop probability (no effect on cost)"),))
def identity(attrs, inputs):
    """No cost: the shape passes through (dropout is the identity at inference)."""
    p = attrs["p"]
    if arith.less_than(p, 0) is True or arith.less_than(1, p) is True:  # as torch.nn.Dropout
        raise LayerError(f"dropout probability `p` must be between 0 and 1, got {p}",
                         hint="p is the probability of dropping an element, e.g. 0.2")
    return Outcome(inputs[0])


@rule("flatten", family="reshape")
def flatten(attrs, inputs):
    """Flatten a feature map to one vector of C*H*W features."""
    return Outcome((elements(inputs[0]),))


_ADD_HINT = "project the shortcut with a pointwise conv (stride/out) to match"


def _same_shapes(inputs, kind, hint=_ADD_HINT, shown=None):
    first = inputs[0]
    for other in inputs[1:]:
        if len(other) != len(first) or any(arith.equal(a, b) is False
                                           for a, b in zip(first, other, strict=True)):
            raise LayerError(
                f"{kind} needs inputs of one shape, got "
                + " and ".join(fmt_shape(s) for s in shown or inputs),
                hint=hint, check=f"shape.{kind}",
            )
    return first


_ELTWISE_TORCH = ("operator,torch", "as PyTorch computes it: operator (x + y, x += y, x * y), torch "
                  "(torch.add, x.add(y), torch.mul, x.mul(y))")


@rule("add", family="merge", many_inputs=True, settings=(_torch(*_ELTWISE_TORCH),))
def add(attrs, inputs):
    """Element-wise sum of two or more inputs of the same shape (a residual connection)."""
    shape = _same_shapes(inputs, "add")
    return Outcome(shape, counters={"eltwise_ops": arith.mul(len(inputs) - 1, elements(shape))})


@rule("mul", family="merge", many_inputs=True, settings=(_torch(*_ELTWISE_TORCH),))
def mul(attrs, inputs):
    """Element-wise product; a [C, 1, 1] input broadcasts over height and width (squeeze-excite)."""

    def is_gate(s):
        return len(s) == 3 and s[1] == 1 and s[2] == 1

    shape = next((s for s in inputs if not is_gate(s)), inputs[0])
    for s in inputs:
        if is_gate(s) and len(shape) == 3 and arith.equal(s[0], shape[0]) is not False:
            continue
        if is_gate(s) and len(shape) == 3:  # a squeeze-and-excitation gate of the wrong width
            hint = (f"a [C, 1, 1] gate scales the channels of the features it multiplies: give the gate's "
                    f"last conv (or fc) `out: {shape[0]}`, the channels of the features")
        else:
            hint = ("mul multiplies element by element: its inputs need one shape, or one of them is a "
                    "[C, 1, 1] gate with the other's channels (squeeze-and-excitation)")
        _same_shapes([shape, s], "mul", hint, inputs)
    return Outcome(shape, counters={"eltwise_ops": arith.mul(len(inputs) - 1, elements(shape))})


@rule("concat", family="merge", many_inputs=True)
def concat(attrs, inputs):
    """Concatenation along channels; heights and widths must agree."""
    first = inputs[0]
    for other in inputs[1:]:
        if len(other) != len(first) or any(arith.equal(a, b) is False
                                           for a, b in zip(first[1:], other[1:], strict=True)):
            raise LayerError(
                "concat needs inputs of one spatial size, got " + " and ".join(fmt_shape(s) for s in inputs),
                hint="concat joins along channels; height and width must match",
                check="shape.concat",
            )
    return Outcome((arith.total(s[0] for s in inputs), *first[1:]))


@rule("upsample", family="reshape", settings=(
    Setting("scale", "size", None, "integer factor: int or [height, width]"),
    Setting("size", "size", None, "output [height, width] instead of a scale"),
    Setting("mode", "choice:nearest,bilinear,bicubic", "nearest",
            "interpolation; costs are not counted for any"),
    _torch("module,functional", "as PyTorch computes it: module (nn.Upsample), functional (F.interpolate)"),
))
def upsample(attrs, inputs):
    """Resize a feature map by an integer scale or to a fixed size."""
    c, h, w = feature_map(inputs, "upsample")
    if (attrs["scale"] is None) == (attrs["size"] is None):
        raise LayerError("upsample takes exactly one of `scale` or `size`",
                         hint="write `scale: 2` or `size: [28, 28]`")
    if attrs["size"] is not None:
        return Outcome((c, *attrs["size"]))
    sh, sw = attrs["scale"]
    return Outcome((c, arith.mul(h, sh), arith.mul(w, sw)))
