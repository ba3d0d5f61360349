"""The operators of shape arithmetic, folded to exact constants: what exporters emit to compute the
sizes of dynamic models (Shape -> Gather -> Unsqueeze -> Concat -> Reshape, Cast -> Mul -> Floor for
Resize, ...). Each handler here runs on constants only (ops.py sends an operator here when none of
its inputs is a feature map); values stay ints, Fractions or sympy expressions (docs/onnx.md).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from ..symbolic import arith
from . import consts as c
from .consts import BINARY, COMPARISONS, INTEGER, UNARY, Const, FoldError, dims_text
from .convert import Converter, Data, fold_failure, initializer_const
from .records import ATTR_FLOAT, ATTR_FLOATS, ATTR_INT, ATTR_INTS, ATTR_TENSOR

Handler = Callable[[Converter], None]


def _axis(cv: Converter, axis: int, rank: int) -> int:
    if not -rank <= axis < max(rank, 1):
        raise cv.fail(f"axis {axis} is out of range for rank {rank}")
    return axis + rank if axis < 0 else axis


def _values(cv: Converter, i: int, what: str) -> Const:
    const = cv.const(i, what)
    return const._replace(values=cv.read(const, what))


def _numbers(cv: Converter, values: tuple, what: str) -> tuple:
    for v in values:
        if not arith.is_number(v) or arith.is_integer(v) is not True:
            raise cv.fail(f"the {what} {dims_text(values)} must be integers known without the dynamic dims",
                          "give the dynamic dims numbers with --set")
    return tuple(int(v) for v in values)


def constant(cv: Converter) -> None:
    node = cv.node
    attrs = {a.name: a for a in node.attributes}
    if "value" in attrs and attrs["value"].type == ATTR_TENSOR and attrs["value"].t is not None:
        cv.put(initializer_const(attrs["value"].t)._replace(name=node.outputs[0] if node.outputs else ""))
    elif "value_int" in attrs and attrs["value_int"].type == ATTR_INT:
        cv.put(c.scalar(attrs["value_int"].value, INTEGER))
    elif "value_ints" in attrs and attrs["value_ints"].type == ATTR_INTS:
        cv.put(c.vector(attrs["value_ints"].value))
    elif "value_float" in attrs and attrs["value_float"].type == ATTR_FLOAT:
        cv.put(c.scalar(_exact(cv, attrs["value_float"].value), c.FLOATING))
    elif "value_floats" in attrs and attrs["value_floats"].type == ATTR_FLOATS:
        cv.put(c.vector([_exact(cv, f) for f in attrs["value_floats"].value], c.FLOATING))
    else:
        raise cv.unsupported("a Constant that is not a number tensor (string or sparse)")


def _exact(cv: Converter, f: float):
    if f - f != 0:
        raise cv.fail(f"non-finite constant {f}")
    return Fraction(f)


def constant_of_shape(cv: Converter) -> None:
    dims = _numbers(cv, cv.ints(0, "shape"), "shape")
    if any(d < 0 for d in dims):
        raise cv.fail(f"negative dim in {dims_text(dims)}")
    value = cv.node.attribute("value")
    fill, dtype = 0, c.FLOATING
    if value is not None and value.t is not None:
        t = initializer_const(value.t)
        got = cv.read(t, "fill value")
        if len(got) != 1:
            raise cv.fail("the fill value must hold one element")
        fill, dtype = got[0], t.dtype
    n = c.count(dims)
    cv.budget.take(n)
    cv.put(Const(dims, dtype, (fill,) * n))


def shape(cv: Converter) -> None:
    x = cv.get(0)
    dims = tuple(x.shape) if isinstance(x, Data) else tuple(x.dims) if isinstance(x, Const) else None
    if dims is None:
        raise cv.fail("input 1 is missing")
    rank = len(dims)
    start, end = cv.attr_int("start", 0), cv.attr_int("end", rank)
    start = min(max(start + rank if start < 0 else start, 0), rank)
    end = min(max(end + rank if end < 0 else end, 0), rank)
    cv.put(c.vector(dims[start:end]))


def size(cv: Converter) -> None:
    x = cv.get(0)
    dims = x.shape if isinstance(x, Data) else x.dims
    cv.put(c.scalar(arith.product(*dims), INTEGER))


def gather(cv: Converter) -> None:
    data = _values(cv, 0, "data")
    indices = _values(cv, 1, "indices")
    axis = _axis(cv, cv.attr_int("axis", 0), len(data.dims))
    try:
        cv.put(c.gather(data, indices._replace(values=_numbers(cv, indices.values, "indices")), axis,
                        cv.budget))
    except FoldError as err:
        raise fold_failure(cv, err) from None


def _axes(cv: Converter, what: str) -> tuple | None:
    """Axes from the attribute (before opset 13) or from input 2 (from opset 13)."""
    attr = cv.attr_ints("axes")
    if attr is not None:
        return attr
    if len(cv.node.inputs) > 1 and cv.node.inputs[1]:
        return _numbers(cv, cv.ints(1, "axes"), "axes")
    return None


def unsqueezed(cv: Converter, dims: tuple) -> tuple:
    axes = _axes(cv, "axes")
    if not axes:
        raise cv.fail("Unsqueeze needs axes")
    rank = len(dims) + len(axes)
    axes = sorted(_axis(cv, a, rank) for a in axes)
    out = list(dims)
    for a in axes:
        out.insert(a, 1)
    return tuple(out)


def squeezed(cv: Converter, dims: tuple) -> tuple:
    axes = _axes(cv, "axes")
    if axes is None:
        return tuple(d for d in dims if not (type(d) is int and d == 1))
    axes = {_axis(cv, a, len(dims)) for a in axes}
    for a in axes:
        if arith.equal(dims[a], 1) is not True:
            raise cv.fail(f"Squeeze of axis {a}, whose size is {dims[a]}, not 1")
    return tuple(d for k, d in enumerate(dims) if k not in axes)


def unsqueeze(cv: Converter) -> None:
    x = cv.const(0, "input")
    cv.put(c.reshape(x, unsqueezed(cv, x.dims)))


def squeeze(cv: Converter) -> None:
    x = cv.const(0, "input")
    cv.put(c.reshape(x, squeezed(cv, x.dims)))


def reshape_target(cv: Converter, dims: tuple, target: tuple, allowzero: bool) -> tuple:
    """ONNX Reshape's target: 0 copies the input's dim (unless allowzero), one -1 is inferred."""
    out = []
    for k, t in enumerate(target):
        if type(t) is int and t == 0 and not allowzero:
            if k >= len(dims):
                raise cv.fail(f"Reshape target {dims_text(target)} copies dim {k} of a rank-{len(dims)} "
                              "input")
            out.append(dims[k])
        else:
            out.append(t)
    unknown = [k for k, t in enumerate(out) if type(t) is int and t == -1]
    if len(unknown) > 1:
        raise cv.fail(f"Reshape target {dims_text(target)} has more than one -1")
    for t in out:
        if type(t) is int and t < -1:
            raise cv.fail(f"Reshape target {dims_text(target)} has a negative size")
    if unknown:
        known = arith.product(*(t for t in out if not (type(t) is int and t == -1)))
        if arith.is_zero(known) is True:
            raise cv.fail(f"Reshape target {dims_text(target)} infers -1 from a zero size")
        inferred = arith.div(arith.product(*dims), known)
        if arith.is_integer(inferred) is False:
            raise cv.fail(f"Reshape of {dims_text(dims)} to {dims_text(target)}: the sizes do not divide")
        out[unknown[0]] = inferred
    elif arith.equal(arith.product(*out), arith.product(*dims)) is False:
        raise cv.fail(f"Reshape of {dims_text(dims)} ({arith.product(*dims)} elements) to {dims_text(out)}")
    return tuple(out)


def reshape(cv: Converter) -> None:
    x = cv.const(0, "input")
    target = _numbers(cv, cv.ints(1, "shape"), "Reshape target")
    cv.put(c.reshape(x, reshape_target(cv, x.dims, target, bool(cv.attr_int("allowzero", 0)))))


def flatten(cv: Converter) -> None:
    x = cv.const(0, "input")
    axis = _axis(cv, cv.attr_int("axis", 1), len(x.dims) + 1)
    cv.put(c.reshape(x, (c.count(x.dims[:axis]), c.count(x.dims[axis:]))))


def concat(cv: Converter) -> None:
    parts = [_values(cv, i, f"input {i + 1}") for i in range(len(cv.node.inputs)) if cv.node.inputs[i]]
    if not parts:
        raise cv.fail("Concat of nothing")
    axis = cv.attr_int("axis")
    if axis is None:
        raise cv.fail("Concat needs an axis")
    axis = _axis(cv, axis, len(parts[0].dims))
    try:
        cv.put(c.concat(parts, axis, cv.budget))
    except FoldError as err:
        raise fold_failure(cv, err) from None


def slice_spec(cv: Converter, rank: int) -> list[tuple]:
    """(axis, start, end, step) of each axis a Slice cuts (attributes before opset 10, inputs from
    10); starts and ends may be symbolic, axes and steps are numbers."""
    if cv.node.attribute("starts") is not None:
        starts, ends = cv.attr_ints("starts", ()), cv.attr_ints("ends", ())
        axes = cv.attr_ints("axes") or tuple(range(len(starts)))
        steps = (1,) * len(starts)
    else:
        starts = cv.ints(1, "starts")
        ends = cv.ints(2, "ends")
        axes = (_numbers(cv, cv.ints(3, "axes"), "axes") if cv.get(3) is not None
                else tuple(range(len(starts))))
        steps = _numbers(cv, cv.ints(4, "steps"), "steps") if cv.get(4) is not None else (1,) * len(starts)
    if not len(starts) == len(ends) == len(axes) == len(steps):
        raise cv.fail("Slice's starts, ends, axes and steps differ in length")
    seen = [_axis(cv, a, rank) for a in axes]
    if len(set(seen)) != len(seen):
        raise cv.fail(f"Slice names an axis twice: {dims_text(axes)}")
    return list(zip(seen, starts, ends, steps, strict=True))


def slice_(cv: Converter) -> None:
    x = _values(cv, 0, "input")
    ranges = {}
    for axis, start, end, step in slice_spec(cv, len(x.dims)):
        start, end = _numbers(cv, (start, end), "Slice bounds")
        try:
            ranges[axis] = c.slice_range(start, end, step, x.dims[axis])
        except FoldError as err:
            raise fold_failure(cv, err) from None
    cv.put(c.slice_(x, ranges, cv.budget))


_CAST_TYPES = {1: c.FLOATING, 10: c.FLOATING, 11: c.FLOATING, 16: c.FLOATING, 9: c.BOOLEAN,
               **dict.fromkeys((2, 3, 4, 5, 6, 7, 12, 13), INTEGER)}


def cast_to(cv: Converter, x: Const, dtype: str) -> Const:
    if x.values is None and x.tensor is not None and x.size > 4096:
        return Const(x.dims, dtype, None, None, x.name)  # a weight: only its dims count
    values = cv.read(x, "input")
    try:
        return Const(x.dims, dtype, tuple(map(c.CASTS[dtype], values)))
    except FoldError as err:
        raise fold_failure(cv, err) from None


def cast(cv: Converter) -> None:
    to = cv.attr_int("to", 1)
    if to not in _CAST_TYPES:
        raise cv.unsupported(f"a Cast to data type {to}")
    cv.put(cast_to(cv, cv.const(0, "input"), _CAST_TYPES[to]))


def cast_like(cv: Converter) -> None:
    cv.put(cast_to(cv, cv.const(0, "input"), cv.const(1, "target").dtype))


def binary(cv: Converter) -> None:
    op = cv.node.op_type
    parts = [_values(cv, i, f"input {i + 1}") for i in range(len(cv.node.inputs)) if cv.node.inputs[i]]
    if not parts or (op not in ("Max", "Min", "Sum") and len(parts) != 2):
        raise cv.fail(f"{op} takes {'two inputs' if op not in ('Max', 'Min', 'Sum') else 'inputs'}")
    dtype = parts[0].dtype
    if op == "Div":
        fn = c.int_div if dtype == INTEGER else c.exact_div
    elif op == "Mod":
        fn = c.int_mod if not cv.attr_int("fmod", 0) else _fmod
    elif op == "Sum":
        fn = arith.add
    else:
        fn = BINARY[op]
    if op in COMPARISONS:
        dtype = c.BOOLEAN
    try:
        if op not in ("Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"):
            for p in parts:
                c.finite(p.values)
        out = parts[0]
        for p in parts[1:]:
            out = c.elementwise(fn, [out, p], dtype, cv.budget)
        if len(parts) == 1:
            out = out._replace(dtype=dtype)
        cv.put(out)
    except FoldError as err:
        raise fold_failure(cv, err) from None


def _fmod(a, b):
    if type(a) is not int or type(b) is not int or b == 0:
        raise FoldError(f"fmod of {a} and {b}")
    r = abs(a) % abs(b)
    return r if a >= 0 else -r


def unary(cv: Converter) -> None:
    x = _values(cv, 0, "input")
    try:
        c.finite(x.values)
        dtype = c.BOOLEAN if cv.node.op_type == "Not" else x.dtype
        if cv.node.op_type in ("Ceil", "Floor") and x.dtype != INTEGER:
            dtype = x.dtype
        cv.put(c.elementwise(UNARY[cv.node.op_type], [x], dtype, cv.budget))
    except FoldError as err:
        raise fold_failure(cv, err) from None


def where(cv: Converter) -> None:
    cond, x, y = (_values(cv, i, what) for i, what in enumerate(("condition", "x", "y")))
    try:
        cv.put(c.elementwise(lambda k, a, b: a if k else b, [cond, x, y], x.dtype, cv.budget))
    except FoldError as err:
        raise fold_failure(cv, err) from None


def range_(cv: Converter) -> None:
    start, limit, delta = (_values(cv, i, what) for i, what in enumerate(("start", "limit", "delta")))
    try:
        cv.put(c.arange(start.values[0], limit.values[0], delta.values[0], start.dtype, cv.budget))
    except FoldError as err:
        raise fold_failure(cv, err) from None


def expand(cv: Converter) -> None:
    x = _values(cv, 0, "input")
    dims = _numbers(cv, cv.ints(1, "shape"), "shape")
    try:
        cv.put(c.repeat_to(x, dims, cv.budget))
    except FoldError as err:
        raise fold_failure(cv, err) from None


def tile(cv: Converter) -> None:
    x = _values(cv, 0, "input")
    repeats = _numbers(cv, cv.ints(1, "repeats"), "repeats")
    if len(repeats) != len(x.dims) or any(r < 0 for r in repeats):
        raise cv.fail(f"Tile repeats {dims_text(repeats)} do not fit dims {dims_text(x.dims)}")
    cv.put(c.tile(x, repeats, cv.budget))


def transpose(cv: Converter) -> None:
    x = cv.const(0, "input")
    perm = cv.attr_ints("perm") or tuple(reversed(range(len(x.dims))))
    if sorted(perm) != list(range(len(x.dims))):
        raise cv.fail(f"perm {dims_text(perm)} is not a permutation of {len(x.dims)} axes")
    if x.values is None and x.tensor is not None and x.size <= 4096:
        x = x._replace(values=cv.read(x, "input"))
    cv.put(c.transpose(x, perm, cv.budget))


_REDUCE = {"ReduceSum": lambda vs: arith.total(vs), "ReduceProd": lambda vs: arith.product(*vs),
           "ReduceMean": lambda vs: arith.div(arith.total(vs), len(vs)),
           "ReduceMax": lambda vs: arith.maximum(*vs), "ReduceMin": lambda vs: arith.minimum(*vs)}


def reduce(cv: Converter) -> None:
    x = _values(cv, 0, "input")
    axes = _axes(cv, "axes") or ()
    axes = tuple(_axis(cv, a, len(x.dims)) for a in axes)
    if not axes and cv.attr_int("noop_with_empty_axes", 0):
        cv.put(x)
        return
    try:
        c.finite(x.values)
        cv.put(c.reduce(x, axes, bool(cv.attr_int("keepdims", 1)), _REDUCE[cv.node.op_type], cv.budget))
    except FoldError as err:
        raise fold_failure(cv, err) from None


def identity(cv: Converter) -> None:
    cv.put(cv.get(0))


HANDLERS: dict[str, Handler] = {
    "Constant": constant, "ConstantOfShape": constant_of_shape, "Shape": shape, "Size": size,
    "Gather": gather, "Unsqueeze": unsqueeze, "Squeeze": squeeze, "Reshape": reshape, "Flatten": flatten,
    "Concat": concat, "Slice": slice_, "Cast": cast, "CastLike": cast_like, "Where": where, "Range": range_,
    "Expand": expand, "Tile": tile, "Transpose": transpose, "Identity": identity,
    **dict.fromkeys(("Add", "Sub", "Mul", "Div", "Mod", "Pow", "Max", "Min", "Sum", *COMPARISONS), binary),
    **dict.fromkeys(UNARY, unary),
    **dict.fromkeys(_REDUCE, reduce),
}
