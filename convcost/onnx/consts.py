"""Constants of an ONNX graph and the exact arithmetic on them: the shape computations exporters emit
for dynamic sizes (Shape, Gather, Unsqueeze, Concat, Cast, Div, Mul, Slice, ...), folded to values.

A Const is a small tensor held as its dims and its elements in row-major order. Elements are exact:
ints, Fractions (a float constant is the dyadic rational it stores), or sympy expressions when a
dimension of the input is kept symbolic (`--symbolic height`); never binary floats, except for the
non-finite floats a Clip bound may hold (which arithmetic refuses). Weights are Consts whose values
are never read: only their dims count.

Every element made or read is charged to one budget (`Limits.onnx_values`), so a hostile graph that
asks for ConstantOfShape([10**9]) or a billion-element broadcast is refused before it is computed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, NamedTuple

from ..errors import LimitExceeded
from ..symbolic import arith
from .records import (
    BFLOAT16,
    BOOL,
    DOUBLE,
    FLOAT,
    FLOAT16,
    INT8,
    INT16,
    INT32,
    INT64,
    UINT8,
    UINT16,
    UINT32,
    UINT64,
    Tensor,
)

FLOATING, INTEGER, BOOLEAN, OTHER = "float", "int", "bool", "other"
DTYPES = {FLOAT: FLOATING, DOUBLE: FLOATING, FLOAT16: FLOATING, BFLOAT16: FLOATING, BOOL: BOOLEAN,
          INT8: INTEGER, INT16: INTEGER, INT32: INTEGER, INT64: INTEGER, UINT8: INTEGER, UINT16: INTEGER,
          UINT32: INTEGER, UINT64: INTEGER}

INT64_MAX = 2**63 - 1


class FoldError(Exception):
    """A constant computation that cannot be done exactly (the converter adds the node)."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class Const(NamedTuple):
    """A constant tensor: its dims, element type, and elements (None when not read: a weight)."""

    dims: tuple[int, ...]
    dtype: str  # FLOATING, INTEGER, BOOLEAN or OTHER
    values: tuple | None = None
    tensor: Tensor | None = None  # the initializer whose values can be read on demand
    name: str = ""  # for messages

    @property
    def size(self) -> int:
        return count(self.dims)


def dims_text(values: Sequence) -> str:
    """A shape or list for a message, cut after a few entries (a hostile file may give 100,000 dims)."""
    shown = ", ".join(str(v)[:60] for v in list(values[:8]))
    return f"[{shown}]" if len(values) <= 8 else f"[{shown}, ... ({len(values)} in all)]"


def count(dims: Sequence[int]) -> int:
    n = 1
    for d in dims:
        n *= d
    return n


class Budget:
    """The elements that constants may still read or make in this run (Limits.onnx_values)."""

    __slots__ = ("left", "limit")

    def __init__(self, limit: int):
        self.left = self.limit = limit

    def take(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise LimitExceeded(f"the graph's constants hold more than {self.limit} elements",
                                hint="raise it with --limit onnx_values=N if this is intended")


def dtype_of(data_type: int) -> str:
    return DTYPES.get(data_type, OTHER)


def scalar(value: Any, dtype: str) -> Const:
    return Const((), dtype, (value,))


def vector(values: Sequence, dtype: str = INTEGER) -> Const:
    return Const((len(values),), dtype, tuple(values))


# -- elements ------------------------------------------------------------------------------------


def is_finite(v: Any) -> bool:
    return not isinstance(v, float)  # only non-finite floats are kept as floats


def finite(values: Sequence) -> None:
    if any(isinstance(v, float) for v in values):
        raise FoldError("arithmetic on an infinite or NaN constant")


def to_int(v: Any) -> Any:
    """A value cast to an integer type: truncation toward zero, as ONNX's Cast does."""
    if isinstance(v, bool):
        return int(v)
    if type(v) is int:
        return v
    if isinstance(v, Fraction):
        return int(v)  # truncates toward zero
    if isinstance(v, float):
        raise FoldError(f"cannot cast {v} to an integer")
    if arith.is_integer(v) is True:
        return v
    if arith.is_nonnegative(v) is True:
        return arith.floor(v)
    raise FoldError(f"cannot cast {v} to an integer: its sign depends on the dynamic dims")


def to_float(v: Any) -> Any:
    return int(v) if isinstance(v, bool) else v


def to_bool(v: Any) -> int:
    z = arith.is_zero(v) if is_finite(v) else False
    if z is None:
        raise FoldError(f"whether {v} is zero depends on the dynamic dims")
    return 0 if z else 1


CASTS: dict[str, Callable[[Any], Any]] = {INTEGER: to_int, FLOATING: to_float, BOOLEAN: to_bool}


def int_div(a: Any, b: Any) -> Any:
    """Integer division as ONNX runtimes do it (C's truncation toward zero)."""
    if b == 0:
        raise FoldError("integer division by zero")
    if type(a) is int and type(b) is int:
        q = abs(a) // abs(b)
        return q if (a >= 0) == (b > 0) else -q
    if arith.is_nonnegative(a) is True and arith.is_positive(b) is True:
        return arith.floordiv(a, b)
    raise FoldError(f"the sign of {a} / {b} depends on the dynamic dims")


def exact_div(a: Any, b: Any) -> Any:
    if arith.is_zero(b) is True:
        raise FoldError("division by zero")
    return arith.div(a, b)


def int_mod(a: Any, b: Any) -> Any:
    if b == 0:
        raise FoldError("integer modulo by zero")
    if type(a) is int and type(b) is int:
        return a % b
    return arith.sub(a, arith.mul(b, arith.floordiv(a, b)))


def power(a: Any, b: Any) -> Any:
    if type(b) is not int or b < 0 or b > 64:
        raise FoldError(f"exponent {b} in shape arithmetic (only small non-negative integers)")
    out = 1
    for _ in range(b):
        out = arith.mul(out, a)
    return out


def _decided(answer: bool | None, what: str) -> int:
    if answer is None:
        raise FoldError(f"{what} depends on the dynamic dims", "give them numbers with --set")
    return int(answer)


def equal(a: Any, b: Any) -> int:
    return _decided(arith.equal(a, b) if is_finite(a) and is_finite(b) else a == b, f"whether {a} == {b}")


def less(a: Any, b: Any) -> int:
    if not (is_finite(a) and is_finite(b)):
        return int(a < b)
    return _decided(arith.less_than(a, b), f"whether {a} < {b}")


BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "Add": arith.add, "Sub": arith.sub, "Mul": arith.mul, "Pow": power,
    "Max": lambda a, b: arith.maximum(a, b), "Min": lambda a, b: arith.minimum(a, b),
    "Equal": equal, "Less": less, "Greater": lambda a, b: less(b, a),
    "LessOrEqual": lambda a, b: 1 - less(b, a), "GreaterOrEqual": lambda a, b: 1 - less(a, b),
    "And": lambda a, b: int(bool(a) and bool(b)), "Or": lambda a, b: int(bool(a) or bool(b)),
    "Xor": lambda a, b: int(bool(a) != bool(b)),
}
COMPARISONS = ("Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor")
def absolute(a: Any) -> Any:
    sign = arith.is_nonnegative(a)
    if sign is None:
        raise FoldError(f"the sign of {a} depends on the dynamic dims")
    return a if sign else arith.sub(0, a)


UNARY: dict[str, Callable[[Any], Any]] = {
    "Neg": lambda a: arith.sub(0, a), "Abs": absolute,
    "Ceil": arith.ceil, "Floor": arith.floor, "Not": lambda a: 1 - int(bool(a)),
    "Reciprocal": lambda a: exact_div(1, a),
}


# -- tensors -------------------------------------------------------------------------------------


def broadcast_dims(a: Sequence, b: Sequence) -> tuple:
    """numpy's broadcasting of two shapes (dims may be symbolic when one side is a feature map)."""
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    out = []
    for x, y in zip(a, b, strict=True):
        if x == 1:
            out.append(y)
        elif y == 1 or arith.equal(x, y) is True:
            out.append(x)
        else:
            raise FoldError(f"shapes {dims_text(a)} and {dims_text(b)} do not broadcast")
    return tuple(out)


def _strides(dims: Sequence[int]) -> list[int]:
    out = [1] * len(dims)
    for i in range(len(dims) - 2, -1, -1):
        out[i] = out[i + 1] * dims[i + 1]
    return out


def _indexer(dims: Sequence[int], out: Sequence[int]) -> Callable[[int], int]:
    """flat index into `out` -> flat index into a tensor of `dims` broadcast to `out`."""
    dims = (1,) * (len(out) - len(dims)) + tuple(dims)
    if tuple(dims) == tuple(out):
        return lambda i: i
    if count(dims) == 1:
        return lambda i: 0
    src = _strides(dims)
    dst = _strides(out)
    pairs = [(dst[k], out[k], src[k] if dims[k] != 1 else 0) for k in range(len(out))]

    def index(i: int) -> int:
        j = 0
        for stride, size, step in pairs:
            j += ((i // stride) % size) * step
        return j

    return index


def elementwise(fn: Callable, inputs: Sequence[Const], dtype: str, budget: Budget) -> Const:
    dims: tuple = ()
    for c in inputs:
        dims = broadcast_dims(dims, c.dims)
    n = count(dims)
    budget.take(n)
    index = [_indexer(c.dims, dims) for c in inputs]
    vals = [c.values for c in inputs]
    return Const(dims, dtype, tuple(fn(*(v[ix(i)] for v, ix in zip(vals, index, strict=True)))
                                    for i in range(n)))


def reshape(c: Const, dims: tuple) -> Const:
    return c._replace(dims=dims)


def transpose(c: Const, perm: Sequence[int], budget: Budget) -> Const:
    dims = tuple(c.dims[p] for p in perm)
    if c.values is None:
        return Const(dims, c.dtype, None, None, c.name)
    budget.take(c.size)
    src = _strides(c.dims)
    out_strides = _strides(dims)
    values = []
    for i in range(c.size):
        j = 0
        for k, p in enumerate(perm):
            j += ((i // out_strides[k]) % dims[k]) * src[p]
        values.append(c.values[j])
    return Const(dims, c.dtype, tuple(values))


def gather(c: Const, indices: Const, axis: int, budget: Budget) -> Const:
    size = c.dims[axis]
    idx = []
    for i in indices.values:
        if type(i) is not int or not -size <= i < size:
            raise FoldError(f"Gather index {i} out of range for a dim of {size}")
        idx.append(i + size if i < 0 else i)
    dims = c.dims[:axis] + indices.dims + c.dims[axis + 1:]
    n = count(dims)
    budget.take(n)
    outer, inner = count(c.dims[:axis]), count(c.dims[axis + 1:])
    values = []
    for o in range(outer):
        for i in idx:
            base = (o * size + i) * inner
            values.extend(c.values[base:base + inner])
    return Const(dims, c.dtype, tuple(values))


def concat(consts: Sequence[Const], axis: int, budget: Budget) -> Const:
    first = consts[0]
    rank = len(first.dims)
    for c in consts:
        if len(c.dims) != rank or any(c.dims[k] != first.dims[k] for k in range(rank) if k != axis):
            raise FoldError("Concat of constants whose dims differ off the axis: "
                            + ", ".join(str(list(c.dims)) for c in consts))
    dims = first.dims[:axis] + (sum(c.dims[axis] for c in consts),) + first.dims[axis + 1:]
    budget.take(count(dims))
    outer = count(first.dims[:axis])
    values: list = []
    for o in range(outer):
        for c in consts:
            chunk = count(c.dims[axis:])
            values.extend(c.values[o * chunk:(o + 1) * chunk])
    return Const(dims, first.dtype, tuple(values))


def slice_range(start: int, end: int, step: int, size: int) -> range:
    """The indices ONNX's Slice takes along one axis (numpy's clamping rules)."""
    if step == 0:
        raise FoldError("Slice with step 0")
    if start < 0:
        start += size
    if end < 0:
        end += size
    if step > 0:
        start, end = min(max(start, 0), size), min(max(end, 0), size)
    else:
        start, end = min(max(start, -1), size - 1), min(max(end, -1), size - 1)
    return range(start, end, step)


def slice_(c: Const, ranges: dict[int, range], budget: Budget) -> Const:
    dims = tuple(len(ranges[k]) if k in ranges else d for k, d in enumerate(c.dims))
    n = count(dims)
    budget.take(n)
    src = _strides(c.dims)
    out = _strides(dims)
    axes = [ranges.get(k, range(d)) for k, d in enumerate(c.dims)]
    values = []
    for i in range(n):
        j = 0
        for k in range(len(dims)):
            j += axes[k][(i // out[k]) % dims[k]] * src[k]
        values.append(c.values[j])
    return Const(dims, c.dtype, tuple(values))


def repeat_to(c: Const, dims: tuple, budget: Budget) -> Const:
    """Expand: broadcast `c` to `dims` (numpy rules, either side may grow)."""
    out = broadcast_dims(c.dims, dims)
    return elementwise(lambda v: v, [c], c.dtype, budget) if out == c.dims else \
        elementwise(lambda v, _: v, [c, Const(out, c.dtype, (0,))], c.dtype, budget)


def tile(c: Const, repeats: Sequence[int], budget: Budget) -> Const:
    dims = tuple(d * r for d, r in zip(c.dims, repeats, strict=True))
    n = count(dims)
    budget.take(n)
    src = _strides(c.dims)
    out = _strides(dims)
    values = []
    for i in range(n):
        j = 0
        for k in range(len(dims)):
            j += (((i // out[k]) % dims[k]) % c.dims[k]) * src[k]
        values.append(c.values[j])
    return Const(dims, c.dtype, tuple(values))


def reduce(c: Const, axes: Sequence[int], keepdims: bool, fn: Callable, budget: Budget) -> Const:
    """ReduceSum / ReduceProd / ReduceMax / ReduceMin over `axes` (all when empty)."""
    axes = sorted(set(axes)) if axes else list(range(len(c.dims)))
    dims = tuple(1 if k in axes else d for k, d in enumerate(c.dims))
    budget.take(c.size)
    groups: dict[int, list] = {}
    index = _strides(dims)
    src = _strides(c.dims)
    for i in range(c.size):
        j = sum(((i // src[k]) % c.dims[k]) * index[k] for k in range(len(dims)) if k not in axes)
        groups.setdefault(j, []).append(c.values[i])
    values = tuple(fn(groups[j]) for j in range(count(dims)))
    if not keepdims:
        dims = tuple(d for k, d in enumerate(dims) if k not in axes)
    return Const(dims, c.dtype, values)


def arange(start: Any, limit: Any, delta: Any, dtype: str, budget: Budget) -> Const:
    for v in (start, limit, delta):
        if not arith.is_number(v):
            raise FoldError("Range whose length depends on the dynamic dims", "give them numbers with --set")
    if delta == 0:
        raise FoldError("Range with delta 0")
    n = max(-((start - limit) // delta), 0)  # ceil((limit - start) / delta)
    budget.take(n)
    return Const((n,), dtype, tuple(start + i * delta for i in range(n)))
