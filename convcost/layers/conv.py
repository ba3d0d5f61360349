"""Convolution family: conv, depthwise, pointwise, separable. Counting: one multiply-accumulate
per weight per output position (macs); bias additions counted apart (bias_adds)."""

from __future__ import annotations

from ..symbolic import arith
from .registry import ConvGeometry, LayerError, Outcome, ParamSpec, Part, rule
from .shapes import check_channels, conv_out, feature_map, pad_pair

P = ParamSpec
_GEOM = (
    P("stride", "size", 1, "step of the kernel: int or [height, width]"),
    P("padding", "padding", 0, "int, [height, width], `same` or `valid`"),
    P("dilation", "size", 1, "spacing of kernel taps: int or [height, width]"),
)


def _kdesc(kh, kw) -> str:
    return f"{kh}x{kw}"


def _spatial(p, h, w, kh, kw):
    sh, sw = p["stride"]
    ph, pw = pad_pair(p["padding"])
    dh, dw = p["dilation"]
    return conv_out(h, kh, sh, ph, dh, "height"), conv_out(w, kw, sw, pw, dw, "width")


def conv_label(m, n, kh, kw, groups) -> str:
    if groups == 1:
        return "pointwise" if (kh, kw) == (1, 1) else f"conv {_kdesc(kh, kw)}"
    if arith.equal(groups, m) is True and arith.is_integer(arith.div(n, m)) is True:
        return f"depthwise {_kdesc(kh, kw)}"
    return f"grouped conv {_kdesc(kh, kw)}"


def _conv(m, h, w, n, kh, kw, groups, bias, p):
    check_channels(n, "`out` (output channels)")
    if arith.is_integer(groups) is False or arith.is_positive(groups) is False:
        raise LayerError(f"groups must be a positive integer, got {groups}", check="shape.groups")
    for count, role in ((m, "input"), (n, "output")):
        if arith.is_integer(arith.div(count, groups)) is False:
            raise LayerError(f"groups={groups} does not divide the {count} {role} channels",
                             hint="groups must divide both input and output channels", check="shape.groups")
    ho, wo = _spatial(p, h, w, kh, kw)
    per_position = arith.product(kh, kw, arith.div(m, groups), n)
    params = arith.add(per_position, n if bias else 0)
    out_pos = arith.mul(ho, wo)
    macs = arith.mul(per_position, out_pos)
    counters = {"bias_adds": arith.mul(n, out_pos)} if bias else {}
    label = conv_label(m, n, kh, kw, groups)
    geometry = ConvGeometry(m, n, kh, kw, ho, wo, bias, groups)
    return Outcome((n, ho, wo), params, macs, counters, (Part(label, params, macs),), geometry)


@rule("conv", family="conv", params=(
    P("out", "count", doc="output channels N"),
    P("kernel", "size", doc="Dk or [Dk, Dk']"),
    *_GEOM,
    P("groups", "count", 1, "channel groups; groups = in = out is a depthwise convolution"),
    P("bias", "bool", False, "add a learned bias per output channel"),
))
def conv(p, inputs):
    """A standard (or grouped) 2-D convolution, as torch.nn.Conv2d."""
    m, h, w = feature_map(inputs, "conv")
    kh, kw = p["kernel"]
    return _conv(m, h, w, p["out"], kh, kw, p["groups"], p["bias"], p)


@rule("pointwise", family="conv", params=(
    P("out", "count", doc="output channels N"),
    P("stride", "size", 1, "step: int or [height, width]"),
    P("groups", "count", 1, "channel groups (ShuffleNet's grouped 1x1)"),
    P("bias", "bool", False, "add a learned bias per output channel"),
))
def pointwise(p, inputs):
    """A 1x1 convolution mixing channels (the second half of a separable convolution)."""
    m, h, w = feature_map(inputs, "pointwise")
    q = {"stride": p["stride"], "padding": 0, "dilation": (1, 1)}
    return _conv(m, h, w, p["out"], 1, 1, p["groups"], p["bias"], q)


@rule("depthwise", family="conv", params=(
    P("kernel", "size", doc="Dk or [Dk, Dk']"),
    *_GEOM,
    P("multiplier", "count", 1, "output channels per input channel"),
    P("bias", "bool", False, "add a learned bias per output channel"),
))
def depthwise(p, inputs):
    """A depthwise convolution: one Dk x Dk' filter per input channel (groups = channels)."""
    m, h, w = feature_map(inputs, "depthwise")
    kh, kw = p["kernel"]
    n = arith.mul(m, p["multiplier"])
    return _conv(m, h, w, n, kh, kw, m, p["bias"], p)


@rule("separable", family="conv", params=(
    P("out", "count", doc="output channels N"),
    P("kernel", "size", doc="Dk or [Dk, Dk'] of the depthwise part"),
    *_GEOM,
    P("bias", "bool", False, "give both the depthwise and the pointwise part a bias"),
))
def separable(p, inputs):
    """A depthwise Dk x Dk' convolution followed by a 1x1 pointwise one, written as one layer."""
    m, h, w = feature_map(inputs, "separable")
    kh, kw = p["kernel"]
    n = p["out"]
    check_channels(n, "`out` (output channels)")
    ho, wo = _spatial(p, h, w, kh, kw)
    bias = p["bias"]
    out_pos = arith.mul(ho, wo)
    dw_params = arith.add(arith.product(kh, kw, m), m if bias else 0)
    dw_macs = arith.product(kh, kw, m, out_pos)
    pw_params = arith.add(arith.mul(m, n), n if bias else 0)
    pw_macs = arith.product(m, n, out_pos)
    counters = {"bias_adds": arith.mul(arith.add(m, n), out_pos)} if bias else {}
    parts = (Part(f"depthwise {_kdesc(kh, kw)}", dw_params, dw_macs), Part("pointwise", pw_params, pw_macs))
    geometry = ConvGeometry(m, n, kh, kw, ho, wo, bias, 1, separable=True)
    return Outcome((n, ho, wo), arith.add(dw_params, pw_params), arith.add(dw_macs, pw_macs),
                   counters, parts, geometry)
