"""Kinds that imported graphs need and layer files may use too: `reshape` to a given shape (a [C]
vector to a [C, 1, 1] gate, as `x.view(b, c, 1, 1)`), and `eltwise`, an element-wise operation with
a constant (input normalisation `(x - mean) / std`, a fixed scale)."""

from __future__ import annotations

from ..symbolic import arith
from .records import LayerError, Outcome, Rule, Setting, collector
from .shapes import elements, fmt_shape

rules: list[Rule] = []
rule = collector(rules)


@rule("reshape", family="reshape", settings=(
    Setting("shape", "shape", doc="the output per sample: [features] or [channels, height, width]"),
))
def reshape(attrs, inputs):
    """The same elements in another shape (as torch's view); no cost."""
    shape = tuple(attrs["shape"])
    if arith.equal(elements(shape), elements(inputs[0])) is False:
        raise LayerError(f"reshape of {fmt_shape(inputs[0])} ({elements(inputs[0])} elements) to "
                         f"{fmt_shape(shape)} ({elements(shape)} elements)",
                         hint="a reshape keeps the number of elements", check="shape.reshape")
    return Outcome(shape)


ELTWISE_OPS = ("add", "sub", "mul", "div", "pow", "max", "min")


@rule("eltwise", family="eltwise", transparent=True, settings=(
    Setting("op", "choice:" + ",".join(ELTWISE_OPS), doc="the operation with a constant operand"),
))
def eltwise(attrs, inputs):
    """An element-wise operation with a constant (normalisation, scaling): one eltwise_op per element;
    the constant is not counted as parameters."""
    shape = inputs[0]
    return Outcome(shape, counters={"eltwise_ops": elements(shape)})
