"""Shape helpers shared by the rules: reading a rule's input shapes and checking channel counts."""

from __future__ import annotations

from collections.abc import Sequence

from ..symbolic import arith
from ..symbolic.arith import Value
from .records import LayerError, Shape


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


def check_channels(c: Value, what: str) -> None:
    if arith.is_integer(c) is False or arith.is_positive(c) is False:
        raise LayerError(f"{what} must be a positive integer, got {c}",
                         hint="with a width multiplier, round with make_divisible(...) or floor(...)",
                         check="shape.channels")
