"""The derivation as JSON: every expression in sympy syntax with the ASCII symbol names, so it parses back.

Parse with sympy.parse_expr and a local_dict giving M, N, Dk, Dkp, Do, Dop (and alpha, rho) as
symbols: without a local_dict sympy reads ``N`` as its numeric-evaluation function.
"""

from __future__ import annotations

import json
import re
from typing import Any

import sympy as sp

from ..proof import CheckedStep, Proof
from ..proof.roofline import ROOFLINE_MEANINGS
from ..proof.steps import Equivalence, Step
from ..proof.symbols import MEANINGS
from ..symbolic.arith import to_sympy
from . import DEFAULT_OPTIONS, RenderOptions
from .proof_notation import render_claim, sympy_syntax

TITLE = "Standard versus depthwise-separable convolution: the cost derivation"


def _value(expr: sp.Basic) -> int | str:
    """An integer as a JSON number, anything else as a sympy-syntax string."""
    return int(expr) if expr.is_Integer else sympy_syntax(expr)


def _sides(step: Step) -> dict[str, Any]:
    sides: dict[str, Any] = {"lhs": sympy_syntax(step.lhs), "rhs": sympy_syntax(step.rhs)}
    if isinstance(step, Equivalence):
        sides["factor"] = sympy_syntax(step.factor)
    return sides


def _step(section: str, checked: CheckedStep) -> dict[str, Any]:
    step = checked.step
    out: dict[str, Any] = {
        "number": checked.number,
        "section": section,
        "key": step.key,
        "claim": render_claim(step.claim, sympy_syntax),
        "relation": step.relation,
        **_sides(step),
        "verified": checked.verified,
    }
    if checked.instance is not None:
        out.update({f"{k}_value": v for k, v in _sides(checked.instance).items()})
    return out


def to_data(proof: Proof) -> dict[str, Any]:
    """The proof as JSON-ready plain data."""
    layer = proof.layer
    return {
        "title": TITLE,
        "symbols": MEANINGS,
        "values": {name: _value(v) for name, v in proof.values.items()},
        "bias": proof.bias,
        "multipliers": proof.multipliers,
        "layer": None if layer is None else {"source": layer.source, "name": layer.name, "kind": layer.kind},
        "steps": [_step(section.key, s) for section in proof.sections for s in section.steps],
        "standard": {"params": _value(proof.standard_params), "macs": _value(proof.standard_macs)},
        "separable": {"params": _value(proof.separable_params), "macs": _value(proof.separable_macs)},
        "ratio": sympy_syntax(proof.ratio),
        "ratio_params": sympy_syntax(proof.ratio_params),
        "ratio_float": proof.ratio_float,
        "saving": None if proof.saving is None else round(float(proof.saving), 2),
        "saving_exact": None if proof.saving is None else sympy_syntax(proof.saving),
        "cheaper_when": sympy_syntax(proof.cheaper_when),
        "cheaper_when_values": sympy_syntax(proof.cheaper_when_values),
        "cheaper": proof.cheaper,
        "verified": proof.verified,
        **_roofline(proof),
    }


def _roofline(proof: Proof) -> dict[str, Any]:
    """`time_ratio`, `time_ratio_fused` and the `roofline` details (with --roofline only)."""
    r = proof.roofline
    if r is None:
        return {}
    g = r.given
    return {
        "time_ratio": sympy_syntax(r.time_ratio),
        "time_ratio_fused": sympy_syntax(r.time_ratio_fused),
        "roofline": {
            "symbols": ROOFLINE_MEANINGS,
            "dtype": g.dtype, "element_bytes": g.size, "device": g.device,
            "peak_flops": None if g.peak is None else _value(to_sympy(g.peak)),
            "bandwidth": None if g.bandwidth is None else _value(to_sympy(g.bandwidth)),
            "ridge_point": _value(to_sympy(g.ridge) if g.ridge is not None else to_sympy(g.peak) / to_sympy(
                g.bandwidth)) if g.ridge is not None or g.peak is not None else None,
            "standard_time": _value(r.standard_time),
            "separable_time": _value(r.separable_time),
            "separable_time_fused": _value(r.separable_time_fused),
            "faster_when": sympy_syntax(r.faster_when),
            "faster_when_values": sympy_syntax(r.faster_when_values),
            "faster": r.faster,
            "faster_fused_when": sympy_syntax(r.faster_fused_when),
            "faster_fused_when_values": sympy_syntax(r.faster_fused_when_values),
            "faster_fused": r.faster_fused,
            "cheaper_when": sympy_syntax(r.cheaper_when),
            "memory_bound_faster_when": sympy_syntax(r.memory_bound_when),
            "intensities": {k: _value(v) for k, v in r.intensities.items()},
            "bounds": r.bounds,
        },
    }


# A lone surrogate (a file name that is not UTF-8, as Python decodes it) cannot be written as UTF-8;
# as a JSON escape it reads back as the same string.
_SURROGATE = re.compile("[\ud800-\udfff]")


def render(proof: Proof, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    text = json.dumps(to_data(proof), indent=2, ensure_ascii=False) + "\n"
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
