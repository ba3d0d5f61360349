"""JSON output (schema 1, documented in docs/json.md). Exact: ints are JSON integers, fractions and
symbolic values are strings that sympy can parse back."""

from __future__ import annotations

import json
from typing import Any

from ..analysis.report import Cost, LayerReport, Report
from ..symbolic.display import exact, exact_str
from . import DEFAULT_OPTIONS, RenderOptions, roofline_json

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
        out["parts"] = [{"kind": p.label, "params": exact(p.params), "macs": exact(p.macs)}
                        for p in row.parts]
    roofline_json.add_layer(out, row)
    return out


def _unit(convention: str) -> str:
    """"MACs" or "FLOPs": the unit of every `macs` value of the document."""
    from ..conventions import CONVENTIONS

    return CONVENTIONS[convention].unit


def report_dict(report: Report) -> dict[str, Any]:
    return _document(report, [_layer(row) for row in report.layers])


def _document(report: Report, layers: list) -> dict[str, Any]:
    t = report.totals
    doc = {
        "schema": SCHEMA,
        "name": report.name,
        "source": report.source,
        "input": [exact(x) for x in report.input],
        "vars": {k: exact(v) for k, v in report.vars.items()},
        "symbolic": list(report.symbols),
        "convention": report.convention,
        "unit": _unit(report.convention),
        "layers": layers,
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
    if report.unsupported:  # only an ONNX model with --allow-unsupported has them (docs/json.md)
        doc["unsupported"] = [{"op_type": u.op_type, "count": u.count, "nodes": list(u.nodes)}
                              for u in report.unsupported]
    roofline_json.add_document(doc, report)
    return doc


_LINE = json.JSONEncoder(separators=(", ", ": "), check_circular=False).encode  # json.dumps(..., separators)

# The members of a layer that are its own. The others (shapes, costs, counters, geometry, ratios,
# parts) recur wherever a network repeats a block.
_OWN = ("index", "name", "kind", "from", "line", "column", "pair")


class _Lines:
    """Each layer's JSON line, equal to `_LINE(_layer(row))` but cheaper for repeated blocks.

    A JSON object's text is its members' texts joined with ", ", so a line can be spliced from
    the text of the shared members, encoded once per distinct set of values, and the text of the
    layer's own members. At 20,000 layers, encoding is most of the time of `-f json`.
    (tests/test_golden.py checks the lines against _layer.)
    """

    def __init__(self) -> None:
        # the values behind the shared members -> their texts, with the own members' keys as slots;
        # () for values seen once (a network that repeats nothing gets no templates)
        self.templates: dict[tuple, list[str] | tuple[()]] = {}

    def __call__(self, row: LayerReport) -> str:
        # The ratios by identity: hashing a Fraction runs Python code, and one object always has
        # one text (the rows keep every ratio alive while we render, so no id is reused).
        key = (row.input_shapes, row.output, row.params, row.macs, tuple(row.counters.items()), row.standard,
               row.separable, id(row.ratio), id(row.params_ratio), row.geometry, row.pair is None, row.parts,
               row.memory, row.roofline)
        template = self.templates.get(key)
        if template is None:
            self.templates[key] = ()
            return _LINE(_layer(row))
        if not template:
            template = self.templates[key] = _template(_layer(row))
        own = {
            "index": f'"index": {row.index}',
            "name": '"name": ' + _LINE(row.name),
            "kind": '"kind": ' + _LINE(row.kind),
            "from": '"from": ' + _names(row.inputs),
            "line": f'"line": {row.loc.line}',
            "column": f'"column": {row.loc.column}',
        }
        if row.pair is not None:
            own["pair"] = '"pair": ' + _names(row.pair)
        return "{" + ", ".join([own.get(text, text) for text in template]) + "}"


def _names(names: tuple[str, ...]) -> str:
    return "[" + ", ".join(map(_LINE, names)) + "]"


def _template(members: dict[str, Any]) -> list[str]:
    """The texts of a layer's members, runs of shared members joined, own members as their key."""
    out: list[str] = []
    shared: dict[str, Any] = {}
    for key, value in members.items():
        if key in _OWN:
            if shared:
                out.append(_LINE(shared)[1:-1])
                shared = {}
            out.append(key)
        else:
            shared[key] = value
    if shared:
        out.append(_LINE(shared)[1:-1])
    return out


def render(report: Report, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    """Indented JSON with one layer per line: readable, diffable, and fast for 20,000 layers
    (json's C encoder handles each compact line; the indenting encoder is pure Python).

    The text is joined once: at 20,000 layers each copy of it takes 20 MB."""
    lines = list(map(_Lines(), report.layers))
    parts = []
    for key, value in _document(report, lines).items():
        if key == "layers":
            text = "[\n    " + ",\n    ".join(value) + "\n  ]" if value else "[]"
        elif isinstance(value, list) and not any(isinstance(v, (list, dict)) for v in value):
            text = json.dumps(value, separators=(", ", ": "))
        else:
            text = json.dumps(value, indent=2).replace("\n", "\n  ")
        parts.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"
