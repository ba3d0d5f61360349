"""The network input of an ONNX graph: its per-sample shape, and its dynamic dims as vars.

A `dim_param` of the input (`height`, `width`) becomes a var of that name: a number with
`--set height=193`, a sympy symbol (a positive integer) with `--symbolic height`. With neither, the
run stops with an error that names the dims and both options. The first axis is the batch: costs
are per sample, so it is dropped (a named batch is not a var; a numeric one is kept only for the
shape arithmetic of the graph, which may read it).
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from ..errors import ConvcostError, Location, did_you_mean, listing, shown
from ..layerfile.model import Var
from ..limits import Limits
from ..symbolic import arith
from .consts import dims_text
from .records import Graph, ValueInfo

_RESERVED = frozenset(("input", "repeat_input", "block_input", "floor", "ceil", "round", "min", "max", "abs",
                       "make_divisible", "slim_depth", "in_channels", "in_height", "in_width"))
_AXES = {4: ("channels", "height", "width"), 2: ("features",)}


class Input(NamedTuple):
    name: str  # the graph input's tensor name
    shape: tuple  # per sample: (C, H, W) or (F,), numbers or symbols
    batch: int  # the batch size the graph's shape arithmetic sees (1 when dynamic)
    vars: dict[str, Var]


def var_name(dim_param: str) -> str:
    """A dim_param as a var name of layer files: an identifier, not a keyword, function or reserved
    name, not starting with `_` (`batch size` -> `batch_size`, `2h` -> `dim_2h`, `max` -> `max_`)."""
    name = unicodedata.normalize("NFKC", dim_param)
    name = re.sub(r"\W", "_", name)[:190] or "dim"
    if not name.isidentifier() or name.startswith("_"):
        name = "dim_" + name.lstrip("_")
    if keyword.iskeyword(name) or name in _RESERVED:
        name += "_"
    return name


def data_inputs(graph: Graph) -> list[ValueInfo]:
    """The graph inputs that are not initializers (models before IR 4 list the weights as inputs)."""
    constants = {t.name for t in graph.initializers} | {t.name for t in graph.sparse_initializers}
    return [v for v in graph.inputs if v.name not in constants]


def network_input(graph: Graph, path: str, overrides: Mapping[str, Any], symbolic: Sequence[str],
                  limits: Limits, defaults_only: bool = False) -> Input:
    """The one data input of the graph, its dims made numbers or symbols as the options say.

    `defaults_only` (for `convcost import`) keeps every dynamic dim a symbol and uses `--set` values
    only as the vars' defaults, so the layer file keeps its expressions."""
    where = Location(path)
    inputs = data_inputs(graph)
    if len(inputs) != 1:
        names = listing([shown(v.name) for v in inputs]) or "none"
        raise ConvcostError(f"convcost analyzes networks with one input; this graph has {len(inputs)}: "
                            f"{names}", where, "export the model with a single image input")
    info = inputs[0]
    if info.kind != "tensor" or info.shape is None:
        raise ConvcostError(f"the graph input {shown(info.name)} has no tensor shape", where,
                            "export with a fixed input shape, or name its dynamic axes")
    if len(info.shape) not in _AXES:
        raise ConvcostError(f"the graph input {shown(info.name)} has {len(info.shape)} dims "
                            f"{dims_text(info.shape)}; convcost reads images "
                            "[batch, channels, height, width] "
                            "(or feature vectors [batch, features])", where,
                            "export the model with one image or vector input (docs/onnx.md)")
    batch_dim, *dims = info.shape
    axes = _AXES[len(info.shape)]
    params: dict[str, str] = {}  # var name -> the dim_param it comes from
    for axis, d in zip(axes, dims, strict=True):
        if d is None:
            raise ConvcostError(f"the input's {axis} has neither a size nor a name", where,
                                "export with dynamic axes named, e.g. dynamic_axes={'input': {2: 'height'}}")
        if isinstance(d, str):
            params.setdefault(var_name(d), d)
        elif d < 1:
            raise ConvcostError(f"the input's {axis} is {d}", where, "sizes are positive integers")
    batch_name = var_name(batch_dim) if isinstance(batch_dim, str) else None
    _check_options(params, batch_name, overrides, symbolic, where, defaults_only)
    made = {name: _var(name, overrides, name in symbolic or defaults_only, limits, where, not defaults_only)
            for name in params}
    shape = tuple(made[var_name(d)].value if isinstance(d, str) else d for d in dims)
    batch = batch_dim if isinstance(batch_dim, int) and batch_dim >= 1 else 1
    return Input(info.name, shape, batch, made)


def _check_options(params: dict[str, str], batch: str | None, overrides: Mapping[str, Any],
                   symbolic: Sequence[str], where: Location, defaults_only: bool) -> None:
    for name in (*overrides, *symbolic):
        if name in params:
            continue
        if name == batch and name not in params:
            raise ConvcostError(f"{shown(name)} is the batch dimension, which convcost drops: costs are per "
                                "sample", where, "leave it out")
        hint = did_you_mean(name, params) or (f"the input's dynamic dims are: {listing(params)}" if params
                                              else "the input has no dynamic dims (its size is fixed)")
        raise ConvcostError(f"unknown var {shown(name)}", where, hint)
    missing = [n for n in params if n not in overrides and n not in symbolic]
    if missing and not defaults_only:
        names = listing(missing)
        sets = " ".join(f"--set {n}=224" for n in missing[:3])
        raise ConvcostError(
            f"the input's size is dynamic: {names} {'has' if len(missing) == 1 else 'have'} no value", where,
            f"give numbers with {sets}, or keep them as symbols with --symbolic {','.join(missing[:3])}")


def _var(name: str, overrides: Mapping[str, Any], is_sym: bool, limits: Limits, where: Location,
         representative: bool) -> Var:
    """The var of one dynamic dim. A symbol's default is its --set value, else 1 (the number that
    orders symbolic results, as for a layer-file var without a value), or None for `import`."""
    default: Any = None
    if name in overrides:
        default = _number(name, overrides[name], limits)
    if is_sym:
        import sympy

        value = sympy.Symbol(name, positive=True, integer=True)
        if default is None and representative:
            default = 1
        return Var(name, value, default, True, True, None, None, where)
    return Var(name, default, default, True, False, None, None, where)


def _number(name: str, raw: Any, limits: Limits) -> Any:
    if isinstance(raw, str):
        from ..symbolic.expr import evaluate_text

        try:
            value = evaluate_text(raw, {}, limits)
        except ConvcostError as err:
            err.message = f"--set {name}={raw}: {err.message}"
            raise
    else:
        value = raw
    if isinstance(value, bool) or not arith.is_number(value) or arith.is_integer(value) is not True \
            or value < 1:
        raise ConvcostError(f"--set {name}={raw}: a size must be a positive integer, got {value}",
                            hint=f"e.g. --set {name}=224")
    return int(value)
