"""Every cost and size formula of convcost, once: rules, the engine, the checks and the proof use these.

Each is a small pure function of exact values (ints, Fractions or sympy expressions, through
convcost.symbolic.arith), so the same formula gives a layer's numbers and, fed with sympy symbols,
the general expressions that `convcost prove` verifies.
"""

from __future__ import annotations

import math

from ..symbolic import arith
from ..symbolic.arith import Value
from .records import ConvGeometry, Cost, Kernel, LayerError

# -- sizes ---------------------------------------------------------------------------------------


def window_span(size: Value, k: Value, p: Value | tuple, d: Value) -> Value:
    """H + 2p - d(k-1) - 1: how far a window's first tap can travel along an axis of length H.
    An asymmetric padding is a (before, after) pair: H + p_before + p_after - d(k-1) - 1."""
    if type(size) is type(k) is type(p) is type(d) is int:  # twice per convolution: no helpers
        return size + 2 * p - d * (k - 1) - 1
    padded = arith.add(size, arith.add(*p) if isinstance(p, tuple) else arith.mul(2, p))
    return arith.sub(padded, arith.add(arith.mul(d, arith.sub(k, 1)), 1))


def pad_after(p: Value | tuple) -> Value:
    """The padding after the input along one axis (bottom or right)."""
    return p[1] if isinstance(p, tuple) else p


def pad_before(p: Value | tuple) -> Value:
    """The padding before the input along one axis (top or left)."""
    return p[0] if isinstance(p, tuple) else p


def conv_out(size: Value, k: Value, s: Value, p: Value | str, d: Value, axis: str,
             ceil_mode: bool = False) -> Value:
    """Output length along one axis, as PyTorch: floor(span/s) + 1 (ceil with `ceil_mode`, the last
    window starting inside the input or the left padding); `same` gives ceil(H/s)."""
    if p == "same":
        return arith.ceildiv(size, s)
    if p == "valid":
        p = 0
    span = window_span(size, k, p, d)
    if not ceil_mode and type(span) is type(s) is int:
        out = span // s + 1
        if out <= 0:
            check_positive_size(out, axis, size, k, s, p, d)
        return out
    if ceil_mode:
        out = arith.add(arith.ceildiv(span, s), 1)
        if arith.is_number(out) and arith.is_number(size) and (out - 1) * s >= size + pad_before(p):
            out -= 1
    else:
        out = arith.add(arith.floordiv(span, s), 1)
    check_positive_size(out, axis, size, k, s, p, d)
    return out


def check_positive_size(out: Value, axis: str, size: Value, k: Value, s: Value, p: Value, d: Value) -> None:
    if arith.is_positive(out) is False:
        raise LayerError(
            f"output {axis} reaches {out}: input {axis} {size}, kernel {k}, stride {s}, padding {p}, "
            f"dilation {d}",
            hint="the input is too small for this kernel; add padding or remove a stride",
            check="shape.zero",
        )


def pad_pair(p: Value | str | tuple) -> tuple:
    """A padding setting as a (height, width) pair (`same` and `valid` stay words); an asymmetric
    axis is a (before, after) pair inside it: ((top, bottom), (left, right))."""
    if isinstance(p, tuple):
        return p
    return (p, p)


# -- costs ---------------------------------------------------------------------------------------


def conv_weights(m: Value, n: Value, kh: Value, kw: Value, groups: Value = 1) -> Value:
    """Dk·Dk'·(M/groups)·N: the weights of a convolution, each used once per output position."""
    return arith.product(kh, kw, arith.div(m, groups), n)


def conv_cost(m: Value, n: Value, kh: Value, kw: Value, ho: Value, wo: Value, groups: Value = 1,
              bias: bool = False) -> Cost:
    """A Dk x Dk' convolution, M -> N channels in `groups` groups, Do x Do' output:
    Dk·Dk'·(M/groups)·N weights (+N biases); one multiply-accumulate per weight per output position."""
    weights = conv_weights(m, n, kh, kw, groups)
    return Cost(arith.add(weights, n if bias else 0), arith.mul(weights, arith.mul(ho, wo)))


def standard_cost(g: ConvGeometry) -> Cost:
    """The geometry as one standard convolution: Dk·Dk'·M·N weights (+N); Dk·Dk'·M·N·Do·Do' mult-adds.

    The same count as conv_cost with groups 1. The product is associated as weights·Do·Do' here (as
    conv_cost's is weights·(Do·Do')), which only changes how sympy writes a symbolic result: kept so
    that symbolic output stays as it always was."""
    weights = conv_weights(g.m, g.n, g.kh, g.kw)
    return Cost(arith.add(weights, g.n if g.bias else 0), arith.product(weights, g.ho, g.wo))


def separable_parts(m: Value, n: Value, kh: Value, kw: Value, ho: Value, wo: Value,
                    bias: bool = False) -> tuple[Cost, Cost]:
    """A depthwise Dk x Dk' convolution on M channels, then a pointwise one M -> N."""
    return conv_cost(m, m, kh, kw, ho, wo, m, bias), conv_cost(m, n, 1, 1, ho, wo, 1, bias)


def separable_cost(g: ConvGeometry) -> Cost:
    """The geometry as depthwise + pointwise, factored: (Dk·Dk' + N)·M weights (+M+N biases) and
    (Dk·Dk' + N)·M·Do·Do' mult-adds. Factored, so that symbolic ratios cancel as they are built."""
    weights = arith.mul(arith.add(arith.mul(g.kh, g.kw), g.n), g.m)
    params = arith.add(weights, arith.add(g.m, g.n) if g.bias else 0)
    return Cost(params, arith.product(weights, g.ho, g.wo))


def conv_transpose_out(size: Value, k: Value, s: Value, p: Value, d: Value, output_padding: Value,
                       axis: str) -> Value:
    """Output length of a transposed convolution, as torch.nn.ConvTranspose2d:
    (H - 1)·s - 2p + d(k-1) + output_padding + 1."""
    out = arith.add(arith.sub(arith.mul(arith.sub(size, 1), s), arith.mul(2, p)),
                    arith.add(arith.mul(d, arith.sub(k, 1)), arith.add(output_padding, 1)))
    if arith.is_positive(out) is False:
        raise LayerError(f"output {axis} reaches {out}: input {axis} {size}, kernel {k}, stride {s}, "
                         f"padding {p}, dilation {d}, output_padding {output_padding}",
                         hint="reduce the padding", check="shape.zero")
    return out


def conv_transpose_cost(m: Value, n: Value, kh: Value, kw: Value, h: Value, w: Value, groups: Value = 1,
                        bias: bool = False) -> Cost:
    """A transposed Dk x Dk' convolution, M -> N channels in `groups` groups, on an H x W input:
    M·(N/groups)·Dk·Dk' weights (+N biases); every input element is multiplied into (N/groups)·Dk·Dk'
    outputs, so H·W·M·(N/groups)·Dk·Dk' mult-adds (PyTorch's count: input elements x weights per
    input channel)."""
    weights = conv_weights(n, m, kh, kw, groups)  # the same weights as the conv N -> M it transposes
    return Cost(arith.add(weights, n if bias else 0), arith.mul(weights, arith.mul(h, w)))


def adaptive_windows(size: Value, out: Value) -> Value:
    """The summed window lengths of adaptive pooling along one axis, as PyTorch computes its windows:
    output i covers [floor(i·H/out), ceil((i+1)·H/out)). Summed, that is H + out - gcd(H, out) (the
    windows overlap by one where i·H/out is not an integer); a symbolic H is summed window by window."""
    if arith.is_number(size):
        return size + out - math.gcd(size, out)
    return arith.total(arith.sub(arith.ceildiv(arith.mul(i + 1, size), out),
                                 arith.floordiv(arith.mul(i, size), out)) for i in range(out))


def separable_advantage(n: Value, kh: Value, kw: Value) -> Value:
    """(N - 1)(Dk·Dk' - 1): separable needs fewer mult-adds (and, without biases, parameters) than
    standard exactly when this exceeds 1 (docs/derivation.md, section 6)."""
    return arith.mul(arith.sub(n, 1), arith.sub(arith.mul(kh, kw), 1))


# -- memory traffic and roofline time (docs/roofline.md) ----------------------------------------


def layer_flops(macs: Value, operations: Value = 0) -> Value:
    """2 × mult-adds (a multiply and an add each) plus the operations counted apart (bias adds, bn,
    activations, pooling, element-wise): the arithmetic of the roofline model."""
    return arith.add(arith.mul(2, macs), operations)


def roofline_time(kernel: Kernel, peak: Value, bandwidth: Value) -> Value:
    """max(flops / peak, bytes / bandwidth): a kernel takes as long as its arithmetic at the peak rate
    or its memory traffic at the full bandwidth, whichever is longer (Williams, Waterman, Patterson)."""
    return arith.maximum(arith.div(kernel.flops, peak), arith.div(kernel.bytes, bandwidth))


def standard_kernel(g: ConvGeometry, input_elements: Value, size: Value) -> Kernel:
    """The geometry as one standard convolution: reads its weights and input, writes N·Do·Do' outputs."""
    cost = standard_cost(g)
    out = arith.product(g.n, g.ho, g.wo)
    flops = layer_flops(cost.macs, out if g.bias else 0)
    return Kernel(flops, arith.mul(size, arith.add(cost.params, arith.add(input_elements, out))))


def separable_kernels(g: ConvGeometry, input_elements: Value, size: Value) -> tuple[Kernel, Kernel]:
    """The geometry as a depthwise kernel and a pointwise kernel. The depthwise part writes its
    M·Do·Do' output (the intermediate tensor) to memory and the pointwise part reads it back."""
    dw, pw = separable_parts(g.m, g.n, g.kh, g.kw, g.ho, g.wo, g.bias)
    between = arith.product(g.m, g.ho, g.wo)
    out = arith.product(g.n, g.ho, g.wo)
    depthwise = Kernel(layer_flops(dw.macs, between if g.bias else 0),
                       arith.mul(size, arith.add(dw.params, arith.add(input_elements, between))))
    pointwise = Kernel(layer_flops(pw.macs, out if g.bias else 0),
                       arith.mul(size, arith.add(pw.params, arith.add(between, out))))
    return depthwise, pointwise


def fused_kernel(first: Kernel, second: Kernel, on_chip_bytes: Value) -> Kernel:
    """Two kernels run as one, the tensor between them (`on_chip_bytes`) kept on chip: the arithmetic
    adds up, and the tensor is neither written nor read back."""
    return Kernel(arith.add(first.flops, second.flops),
                  arith.sub(arith.add(first.bytes, second.bytes), arith.mul(2, on_chip_bytes)))


def separable_fused_kernel(g: ConvGeometry, input_elements: Value, size: Value) -> Kernel:
    """The depthwise and pointwise kernels fused: the intermediate M·Do·Do' tensor stays on chip."""
    dw, pw = separable_kernels(g, input_elements, size)
    return fused_kernel(dw, pw, arith.mul(size, arith.product(g.m, g.ho, g.wo)))
