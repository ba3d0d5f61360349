"""JSON output (schema 1, documented in docs/json.md). Exact: ints are JSON integers, fractions and
symbolic values are strings that sympy can parse back."""

from __future__ import annotations

import json
from typing import Any

from ..analysis.report import Cost, LayerReport, Report
from .values import exact, exact_str

SCHEMA = 1


def _cost(c: Cost) -> dict[str, Any]:
    return {"params": exact(c.params), "macs": exact(c.macs)}


def _layer(row: LayerReport) -> dict[str, Any]:
    out: dict[str, Any] = {
        "index": row.index,
        "name": row.name,
        "kind": row.kind,
        "from": list(row.inputs),
        "input": [exact(x) for x in row.input],
        "output": [exact(x) for x in row.output],
        "params": exact(row.params),
        "macs": exact(row.macs),
        "counters": {k: exact(v) for k, v in row.counters.items()},
        "output_elements": exact(row.output_elements),
        "line": row.loc.line,
        "column": row.loc.column,
    }
    if len(row.input_shapes) > 1:
        out["inputs"] = [[exact(x) for x in s] for s in row.input_shapes]
    if row.standard is not None:
        g = row.geometry
        out["standard"] = _cost(row.standard)
        out["separable"] = _cost(row.separable)
        out["ratio"] = exact_str(row.ratio) if row.ratio is not None else None
        out["params_ratio"] = exact_str(row.params_ratio) if row.params_ratio is not None else None
        out["geometry"] = {"M": exact(g.m), "N": exact(g.n), "Dk": exact(g.kh), "Dkp": exact(g.kw),
                           "Do": exact(g.ho), "Dop": exact(g.wo), "bias": g.bias}
        if row.pair is not None:
            out["pair"] = list(row.pair)
    if len(row.parts) > 1:
        out["parts"] = [{"kind": p.label, "params": exact(p.params), "macs": exact(p.macs)} for p in row.parts]
    return out


def report_dict(report: Report) -> dict[str, Any]:
    t = report.totals
    return {
        "schema": SCHEMA,
        "name": report.name,
        "source": report.source,
        "input": [exact(x) for x in report.input],
        "vars": {k: exact(v) for k, v in report.vars.items()},
        "symbolic": list(report.symbols),
        "layers": [_layer(row) for row in report.layers],
        "totals": {
            "params": exact(t.params),
            "macs": exact(t.macs),
            "counters": {k: exact(v) for k, v in t.counters.items()},
            "standard": _cost(t.standard),
            "separable": _cost(t.separable),
        },
        "by_kind": [
            {"kind": k.kind, "params": exact(k.params), "macs": exact(k.macs),
             "params_share": exact_str(k.params_share), "macs_share": exact_str(k.macs_share)}
            for k in report.by_kind
        ],
        "warnings": list(report.warnings),
    }


def render(report: Report) -> str:
    """Indented JSON with one layer per line: readable, diffable, and fast for 20,000 layers
    (json's C encoder handles each compact line; the indenting encoder is pure Python)."""
    parts = []
    for key, value in report_dict(report).items():
        if key == "layers":
            rows = ",\n".join("    " + json.dumps(row, separators=(", ", ": ")) for row in value)
            text = f"[\n{rows}\n  ]" if value else "[]"
        elif isinstance(value, list) and not any(isinstance(v, (list, dict)) for v in value):
            text = json.dumps(value, separators=(", ", ": "))
        else:
            text = json.dumps(value, indent=2).replace("\n", "\n  ")
        parts.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"
