"""Shape arithmetic shared by the rules (PyTorch's conventions, exact for ints and symbols)."""

from __future__ import annotations

from collections.abc import Sequence

from ..symbolic import arith
from ..symbolic.arith import Value
from .registry import LayerError, Shape


def fmt_shape(shape: Shape) -> str:
    return "[" + ", ".join(str(x) for x in shape) + "]"


def feature_map(inputs: Sequence[Shape], kind: str) -> tuple[Value, Value, Value]:
    """The single (C, H, W) input of a spatial layer."""
    shape = inputs[0]
    if len(shape) != 3:
        raise LayerError(
            f"{kind} needs a feature map [channels, height, width], got {fmt_shape(shape)}",
            hint="spatial layers cannot follow flatten or fc",
            check="shape.rank",
        )
    return shape[0], shape[1], shape[2]


def elements(shape: Shape) -> Value:
    return arith.product(*shape)


def conv_out(size: Value, k: Value, s: Value, p: Value | str, d: Value, axis: str,
             ceil_mode: bool = False) -> Value:
    """Output length along one axis: floor((H + 2p - d(k-1) - 1)/s) + 1; 'same' gives ceil(H/s)."""
    if p == "same":
        return arith.ceildiv(size, s)
    if p == "valid":
        p = 0
    if not ceil_mode and type(size) is type(k) is type(s) is type(p) is type(d) is int:
        # The all-integer case of the formula below, without the helpers' symbolic branches: it
        # runs twice per convolution.
        out = (size + 2 * p - d * (k - 1) - 1) // s + 1
        if out <= 0:
            check_positive_size(out, axis, size, k, s, p, d)
        return out
    span = arith.sub(arith.add(size, arith.mul(2, p)), arith.add(arith.mul(d, arith.sub(k, 1)), 1))
    if ceil_mode:
        out = arith.add(arith.ceildiv(span, s), 1)
        # PyTorch: the last window must start inside the input or the left padding.
        if arith.is_number(out) and arith.is_number(size) and (out - 1) * s >= size + p:
            out -= 1
    else:
        out = arith.add(arith.floordiv(span, s), 1)
    check_positive_size(out, axis, size, k, s, p, d)
    return out


def check_positive_size(out: Value, axis: str, size: Value, k: Value, s: Value, p: Value, d: Value) -> None:
    if arith.is_positive(out) is False:
        raise LayerError(
            f"output {axis} reaches {out}: input {axis} {size}, kernel {k}, stride {s}, padding {p}, dilation {d}",
            hint="the input is too small for this kernel; add padding or remove a stride",
            check="shape.zero",
        )


def pad_pair(p: Value | str | tuple) -> tuple:
    if isinstance(p, tuple):
        return p
    return (p, p)


def check_channels(c: Value, what: str) -> None:
    if arith.is_integer(c) is False or arith.is_positive(c) is False:
        raise LayerError(f"{what} must be a positive integer, got {c}",
                         hint="with a width multiplier, round with make_divisible(...) or floor(...)",
                         check="shape.channels")
