"""`convcost compare` as JSON (schema 1, documented in docs/json.md): exact values, every convention's
total, parameters and the terms of its difference from the paper; every layer with --by-layer."""

from __future__ import annotations

import json
from typing import Any

from ..conventions.compare import Comparison
from ..conventions.counting import Counted, Terms
from ..symbolic.display import exact
from . import DEFAULT_OPTIONS, RenderOptions

SCHEMA = 1


def _terms(terms: Terms, key: str) -> list[dict[str, Any]]:
    return [{"term": label, key: exact(v)} for label, v in terms]


def _convention(c: Counted) -> dict[str, Any]:
    conv = c.convention
    return {
        "name": conv.name, "unit": conv.unit, "reproduces": conv.reproduces,
        "macs": exact(c.count), "params": exact(c.params),
        "difference": {"macs": exact(c.difference), "params": exact(c.params_difference)},
        "terms": _terms(c.versus_paper, "macs"), "params_terms": _terms(c.params_versus_paper, "params"),
    }


def comparison_dict(comparison: Comparison, by_layer: bool = False) -> dict[str, Any]:
    r = comparison.report
    out: dict[str, Any] = {
        "schema": SCHEMA, "name": r.name, "source": r.source, "input": [exact(x) for x in r.input],
        "vars": {k: exact(v) for k, v in r.vars.items()}, "symbolic": list(r.symbols),
        "conventions": [_convention(c) for c in comparison.counted],
    }
    if by_layer:
        layers = []
        for j, (row, call) in enumerate(zip(r.layers, comparison.calls, strict=True)):
            each: dict[str, Any] = {}
            for c in comparison.counted:
                lc = c.layers[j]
                each[c.convention.name] = {"macs": exact(lc.count), "params": exact(lc.params),
                                           "terms": _terms(lc.versus_paper, "macs"),
                                           "params_terms": _terms(lc.params_versus_paper, "params")}
            layers.append({"index": row.index, "name": row.name, "kind": row.kind, "torch": call,
                           "conventions": each})
        out["layers"] = layers
    return out


def render(comparison: Comparison, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    """Indented JSON with one layer per line (as `analyze -f json`)."""
    parts = []
    for key, value in comparison_dict(comparison, options.by_layer).items():
        if key == "layers":
            line = json.JSONEncoder(separators=(", ", ": ")).encode
            text = "[\n    " + ",\n    ".join(map(line, value)) + "\n  ]" if value else "[]"
        elif isinstance(value, list) and not any(isinstance(v, (list, dict)) for v in value):
            text = json.dumps(value, separators=(", ", ": "))
        else:
            text = json.dumps(value, indent=2).replace("\n", "\n  ")
        parts.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"
