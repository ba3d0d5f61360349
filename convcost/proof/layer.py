"""`convcost prove FILE --layer NAME`: the derivation with one analyzed layer's dimensions, plus
steps that check it agrees with what `convcost analyze` reported for that layer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sympy as sp

from ..errors import ConvcostError, close_matches
from ..symbolic.arith import to_sympy
from .formulas import (
    RATIO,
    SEPARABLE_MACS,
    SEPARABLE_PARAMS,
    SEPARABLE_PARAMS_BIAS,
    STANDARD_MACS,
    STANDARD_PARAMS,
    STANDARD_PARAMS_BIAS,
)
from .steps import Equation, Section, claim, subs_evaluated
from .symbols import SYMBOLS
from .verify import LayerRef, Proof, prove


def _reported(value: Any) -> sp.Expr:
    """A number from ``analyze``'s report (an int, a Fraction or already sympy) as a sympy object."""
    if isinstance(value, bool):
        raise TypeError(f"unexpected value {value!r} in the report")
    return to_sympy(value)


def layer_values(report: Any, name: str) -> tuple[Any, dict[str, sp.Expr]]:
    """Find layer ``name`` in an ``analyze`` report; return it and its M, N, Dk, Dk', Do, Do'.

    Raises ConvcostError when there is no such layer or it is not a convolution.
    """
    layers = list(report.layers)
    by_name = {lr.name: lr for lr in layers}
    if name not in by_name:
        close = close_matches(name, by_name, n=3)
        hint = f"did you mean {', '.join(repr(c) for c in close)}?" if close else None
        convs = [lr.name for lr in layers if lr.geometry is not None]
        if hint is None:
            hint = (f"convolution layers: {', '.join(convs[:12])}{', ...' if len(convs) > 12 else ''}"
                    if convs else "the network has no convolution layer")
        raise ConvcostError(f"no layer named {name!r}", hint=hint)
    layer = by_name[name]
    g = layer.geometry
    if g is None:
        convs = [lr.name for lr in layers if lr.geometry is not None]
        raise ConvcostError(
            f"layer {name!r} ({layer.kind}) is not a convolution; the derivation needs one",
            hint=f"convolution layers: {', '.join(convs[:12])}{', ...' if len(convs) > 12 else ''}"
            if convs
            else "the network has no convolution layer",
        )
    values = {"M": g.m, "N": g.n, "Dk": g.kh, "Dkp": g.kw, "Do": g.ho, "Dop": g.wo}
    return layer, {k: _reported(v) for k, v in values.items()}


def agreement_section(layer: Any, values: Mapping[str, sp.Expr], *, bias: bool) -> Section:
    """Steps that check the derivation's numbers for one layer against what ``analyze`` reported for it."""
    subs = {SYMBOLS[k]: v for k, v in values.items()}
    std_params = STANDARD_PARAMS_BIAS if bias else STANDARD_PARAMS
    sep_params = SEPARABLE_PARAMS_BIAS if bias else SEPARABLE_PARAMS
    pairs = [
        ("standard.params", "Standard parameters", std_params, layer.standard.params),
        ("standard.macs", "Standard mult-adds", STANDARD_MACS, layer.standard.macs),
        ("separable.params", "Separable parameters", sep_params, layer.separable.params),
        ("separable.macs", "Separable mult-adds", SEPARABLE_MACS, layer.separable.macs),
        ("ratio", "Mult-add ratio", RATIO, layer.ratio),
    ]
    steps = tuple(
        Equation(
            key=f"analyze.{key}",
            claim=claim(f"{label}: the derivation (left) and convcost analyze (right) agree."),
            lhs=subs_evaluated(formula, subs),
            rhs=_reported(reported),
        )
        for key, label, formula, reported in pairs
        if reported is not None
    )
    return Section("analyze", claim(f"Agreement with convcost analyze for layer {layer.name!r}"), steps)


def prove_layer(
    report: Any, name: str, *, source: str, bias: bool = False, multipliers: bool = False, roofline=None
) -> Proof:
    """The derivation with one analyzed layer's dimensions, plus a check that it agrees with ``analyze``."""
    layer, values = layer_values(report, name)
    layer_bias = bool(getattr(layer.geometry, "bias", False))
    # analyze counted the layer as written; --bias on a layer without biases only adds the bias steps.
    section = agreement_section(layer, values, bias=layer_bias)
    return prove(
        values,
        bias=bias or layer_bias,
        multipliers=multipliers,
        extra=(section,),
        layer=LayerRef(source=source, name=layer.name, kind=str(layer.kind)),
        roofline=roofline,
    )
