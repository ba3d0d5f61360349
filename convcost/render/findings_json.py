"""JSON output of `convcost check` (schema 1, documented in docs/ci.md). Values are exact: counts are
JSON integers, fractions and symbolic values strings (as in `convcost analyze -f json`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..checks.findings import CheckOutcome, CheckReport, Finding, is_invalid
from ..errors import EXIT_INVALID_INPUT
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


def invalid_dict(report: CheckReport) -> dict[str, Any]:
    """The object of an input that could not be loaded (findings.invalid; exit 2): the keys of a
    report, with `name` null, plus `error` (the first error, and the exit code)."""
    out = report_dict(report)
    first = report.findings[0]
    error = {"exit_code": EXIT_INVALID_INPUT, "message": first.message, "hint": first.hint,
             "path": first.loc.path or None, "line": first.loc.line, "column": first.loc.column,
             "errors": len(report.findings)}
    out["name"] = None
    for key in ("source", "path"):  # a command line that could not be read names no file
        out[key] = out[key] or None
    for item in (*out["findings"], *out["checks"]):
        item["path"] = item["path"] or None
    items = list(out.items())
    at = [k for k, _ in items].index("ok") + 1
    return dict([*items[:at], ("error", error), *items[at:]])


def one_dict(report: CheckReport) -> dict[str, Any]:
    return invalid_dict(report) if is_invalid(report) else report_dict(report)


def render(report: CheckReport, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    return json.dumps(one_dict(report), indent=2) + "\n"


def render_all(reports: Sequence[CheckReport]) -> str:
    """Several networks (`convcost check a.yaml b.yaml -f json`): `files` holds each one's object,
    `summary` the sums, plus `files` and `invalid` counts."""
    summary: dict[str, int] = {}
    for r in reports:
        for key, n in r.summary().items():
            summary[key] = summary.get(key, 0) + n
    summary.update(files=len(reports), invalid=sum(is_invalid(r) for r in reports))
    out = {"schema": SCHEMA, "ok": all(r.ok for r in reports), "files": [one_dict(r) for r in reports],
           "summary": summary}
    return json.dumps(out, indent=2) + "\n"
