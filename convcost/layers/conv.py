"""Convolution family: conv, depthwise, pointwise, separable. Counting: one multiply-accumulate
per weight per output position (macs); bias additions counted apart (bias_adds). The formulas are
in formulas.py; these rules read settings and shapes and label the result."""

from __future__ import annotations

from ..symbolic import arith
from .formulas import conv_cost, conv_out, conv_transpose_cost, conv_transpose_out, pad_pair, separable_parts
from .records import ConvGeometry, LayerError, Outcome, Part, Rule, Setting, collector
from .shapes import check_channels, feature_map

rules: list[Rule] = []
rule = collector(rules)


_GEOM = (
    Setting("stride", "size", 1, "step of the kernel: int or [height, width]"),
    Setting("padding", "padding", 0, "int, [height, width], `same` or `valid`"),
    Setting("dilation", "size", 1, "spacing of kernel taps: int or [height, width]"),
)


def _window(attrs) -> tuple:
    """(kernel, stride, padding, dilation) of a conv-family layer, for the stride check."""
    kernel = attrs.get("kernel", (1, 1))
    return kernel, attrs.get("stride") or kernel, attrs.get("padding", 0), attrs.get("dilation") or (1, 1)


def _kdesc(kh, kw) -> str:
    return f"{kh}x{kw}"


def _spatial(attrs, h, w, kh, kw):
    sh, sw = attrs["stride"]
    ph, pw = pad_pair(attrs["padding"])
    dh, dw = attrs["dilation"]
    return conv_out(h, kh, sh, ph, dh, "height"), conv_out(w, kw, sw, pw, dw, "width")


def conv_label(m, n, kh, kw, groups) -> str:
    if groups == 1:
        return "pointwise" if (kh, kw) == (1, 1) else f"conv {_kdesc(kh, kw)}"
    if arith.equal(groups, m) is True and arith.is_integer(arith.div(n, m)) is True:
        return f"depthwise {_kdesc(kh, kw)}"
    return f"grouped conv {_kdesc(kh, kw)}"


def _role(m, kh, kw, groups, attrs, depthwise: bool) -> str | None:
    """How the layer can take part in a separable pair (see Outcome.role)."""
    if depthwise and groups != 1 and arith.equal(groups, m) is True:
        return "depthwise"
    unpadded = attrs["padding"] in ((0, 0), "valid")
    if groups == 1 and (kh, kw) == (1, 1) and attrs["stride"] == (1, 1) and unpadded:
        return "pointwise"
    return None


def _conv(m, h, w, n, kh, kw, groups, bias, attrs, depthwise=True):
    check_channels(n, "`out` (output channels)")
    if arith.is_integer(groups) is False or arith.is_positive(groups) is False:
        raise LayerError(f"groups must be a positive integer, got {groups}",
                         hint="groups divides the input and output channels: 1, 2, ..., or the channels",
                         check="shape.groups")
    for count, role in ((m, "input"), (n, "output")):
        if arith.is_integer(arith.div(count, groups)) is False:
            raise LayerError(f"groups={groups} does not divide the {count} {role} channels",
                             hint="groups must divide both input and output channels", check="shape.groups")
    ho, wo = _spatial(attrs, h, w, kh, kw)
    params, macs = conv_cost(m, n, kh, kw, ho, wo, groups, bias)
    counters = {"bias_adds": arith.mul(n, arith.mul(ho, wo))} if bias else {}
    label = conv_label(m, n, kh, kw, groups)
    geometry = ConvGeometry(m, n, kh, kw, ho, wo, bias, groups)
    return Outcome((n, ho, wo), params, macs, counters, (Part(label, params, macs),), geometry,
                   _role(m, kh, kw, groups, attrs, depthwise))


@rule("conv", family="conv", window=_window, settings=(
    Setting("out", "count", doc="output channels N"),
    Setting("kernel", "size", doc="Dk or [Dk, Dk']"),
    *_GEOM,
    Setting("groups", "count", 1, "channel groups; groups = in = out is a depthwise convolution"),
    Setting("bias", "bool", False, "add a learned bias per output channel"),
))
def conv(attrs, inputs):
    """A standard (or grouped) 2-D convolution, as torch.nn.Conv2d."""
    m, h, w = feature_map(inputs, "conv")
    kh, kw = attrs["kernel"]
    return _conv(m, h, w, attrs["out"], kh, kw, attrs["groups"], attrs["bias"], attrs)


@rule("pointwise", family="conv", window=_window, settings=(
    Setting("out", "count", doc="output channels N"),
    Setting("stride", "size", 1, "step: int or [height, width]"),
    Setting("groups", "count", 1, "channel groups (ShuffleNet's grouped 1x1)"),
    Setting("bias", "bool", False, "add a learned bias per output channel"),
))
def pointwise(attrs, inputs):
    """A 1x1 convolution mixing channels (the second half of a separable convolution)."""
    m, h, w = feature_map(inputs, "pointwise")
    q = {"stride": attrs["stride"], "padding": (0, 0), "dilation": (1, 1)}
    # a grouped 1x1 with groups = channels is not the depthwise half of a separable pair
    return _conv(m, h, w, attrs["out"], 1, 1, attrs["groups"], attrs["bias"], q, depthwise=False)


@rule("depthwise", family="conv", window=_window, settings=(
    Setting("kernel", "size", doc="Dk or [Dk, Dk']"),
    *_GEOM,
    Setting("multiplier", "count", 1, "output channels per input channel"),
    Setting("bias", "bool", False, "add a learned bias per output channel"),
))
def depthwise(attrs, inputs):
    """A depthwise convolution: one Dk x Dk' filter per input channel (groups = channels)."""
    m, h, w = feature_map(inputs, "depthwise")
    kh, kw = attrs["kernel"]
    n = arith.mul(m, attrs["multiplier"])
    return _conv(m, h, w, n, kh, kw, m, attrs["bias"], attrs)


@rule("separable", family="conv", window=_window, settings=(
    Setting("out", "count", doc="output channels N"),
    Setting("kernel", "size", doc="Dk or [Dk, Dk'] of the depthwise part"),
    *_GEOM,
    Setting("bias", "bool", False, "give both the depthwise and the pointwise part a bias"),
))
def separable(attrs, inputs):
    """A depthwise Dk x Dk' convolution followed by a 1x1 pointwise one, written as one layer."""
    m, h, w = feature_map(inputs, "separable")
    kh, kw = attrs["kernel"]
    n = attrs["out"]
    check_channels(n, "`out` (output channels)")
    ho, wo = _spatial(attrs, h, w, kh, kw)
    bias = attrs["bias"]
    dw, pw = separable_parts(m, n, kh, kw, ho, wo, bias)
    counters = {"bias_adds": arith.mul(arith.add(m, n), arith.mul(ho, wo))} if bias else {}
    parts = (Part(f"depthwise {_kdesc(kh, kw)}", *dw), Part("pointwise", *pw))
    geometry = ConvGeometry(m, n, kh, kw, ho, wo, bias, 1, separable=True)
    return Outcome((n, ho, wo), arith.add(dw.params, pw.params), arith.add(dw.macs, pw.macs),
                   counters, parts, geometry)


@rule("conv_transpose", family="conv", settings=(
    Setting("out", "count", doc="output channels N"),
    Setting("kernel", "size", doc="Dk or [Dk, Dk']"),
    Setting("stride", "size", 1, "step: int or [height, width]"),
    Setting("padding", "padding", 0, "int or [height, width], taken off each side of the output"),
    Setting("output_padding", "padding", 0, "extra rows and columns on one side: int or [height, width]"),
    Setting("dilation", "size", 1, "spacing of kernel taps: int or [height, width]"),
    Setting("groups", "count", 1, "channel groups"),
    Setting("bias", "bool", False, "add a learned bias per output channel"),
))
def conv_transpose(attrs, inputs):
    """A transposed 2-D convolution, as torch.nn.ConvTranspose2d: (H-1)·s - 2p + d(k-1) +
    output_padding + 1 out; mult-adds = input elements x (N/groups)·Dk·Dk'."""
    m, h, w = feature_map(inputs, "conv_transpose")
    n, groups, bias = attrs["out"], attrs["groups"], attrs["bias"]
    check_channels(n, "`out` (output channels)")
    for count, role in ((m, "input"), (n, "output")):
        if arith.is_integer(arith.div(count, groups)) is False:
            raise LayerError(f"groups={groups} does not divide the {count} {role} channels",
                             hint="groups must divide both input and output channels", check="shape.groups")
    padding, extra = attrs["padding"], attrs["output_padding"]
    if any(isinstance(p, str) or isinstance(p[0], tuple) or isinstance(p[1], tuple)
           for p in (padding, extra)):
        raise LayerError("conv_transpose takes padding and output_padding as an int or [height, width]",
                         hint="`same` and `valid` are not defined for a transposed convolution")
    kh, kw = attrs["kernel"]
    out = []
    for i, (axis, size, k) in enumerate((("height", h, kh), ("width", w, kw))):
        s, d, p, op = attrs["stride"][i], attrs["dilation"][i], padding[i], extra[i]
        if arith.less_than(op, s) is False and arith.less_than(op, d) is False:
            raise LayerError(f"output_padding {op} must be smaller than the stride {s} or the dilation {d}",
                             hint="as in PyTorch")
        out.append(conv_transpose_out(size, k, s, p, d, op, axis))
    params, macs = conv_transpose_cost(m, n, kh, kw, h, w, groups, bias)
    counters = {"bias_adds": arith.product(n, *out)} if bias else {}
    part = Part(f"transposed conv {_kdesc(kh, kw)}", params, macs)
    return Outcome((n, *out), params, macs, counters, (part,))
