"""JSON output of `convcost check` (schema 1, documented in docs/ci.md). Values are exact: counts are
JSON integers, fractions and symbolic values strings (as in `convcost analyze -f json`)."""

from __future__ import annotations

import json
from typing import Any

from ..checks.findings import CheckOutcome, CheckReport, Finding
from ..symbolic.display import exact
from . import DEFAULT_OPTIONS, RenderOptions

SCHEMA = 1


def _value(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, tuple):
        return [exact(x) for x in v]
    return exact(v)


def _place(item: Finding | CheckOutcome) -> dict[str, Any]:
    return {"path": item.loc.path, "line": item.loc.line, "column": item.loc.column, "layer": item.layer,
            "actual": _value(item.actual), "limit": _value(item.limit), "expected": _value(item.expected)}


def finding_dict(f: Finding) -> dict[str, Any]:
    return {"check": f.check, "severity": f.severity.value, "message": f.message, "hint": f.hint,
            **_place(f), "name": f.name}


def outcome_dict(o: CheckOutcome) -> dict[str, Any]:
    return {"name": o.name, "check": o.check, "status": o.status.value, "message": o.message, **_place(o)}


def report_dict(report: CheckReport) -> dict[str, Any]:
    out: dict[str, Any] = {
        "schema": SCHEMA,
        "source": report.source,
        "name": report.name,
        "path": report.path,
        "symbolic": list(report.symbols),
        "strict": report.strict,
    }
    if report.convention != "paper":  # budgets counted in another convention (docs/conventions.md)
        out["convention"] = report.convention
    out.update({
        "ok": report.ok,
        "findings": [finding_dict(f) for f in report.findings],
        "checks": [outcome_dict(o) for o in report.outcomes],
        "summary": report.summary(),
    })
    return out


def render(report: CheckReport, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    return json.dumps(report_dict(report), indent=2) + "\n"
