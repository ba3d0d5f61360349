"""Renderers of `convcost check` results: one module per format behind `render(report) -> str`.

They format a CheckReport (convcost.checks.findings); they never compute. JUnit XML is written
with `--junit-xml` besides the chosen format (convcost.render.findings_junit).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from enum import StrEnum

from ..checks.findings import CheckReport, Status


class FindingsFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    GITHUB = "github"


_MODULES = {FindingsFormat.TEXT: "findings_text", FindingsFormat.JSON: "findings_json",
            FindingsFormat.GITHUB: "findings_github"}


def renderer(fmt: FindingsFormat) -> Callable[[CheckReport], str]:
    """The render function of a format (its module is imported on demand)."""
    return importlib.import_module(f"{__package__}.{_MODULES[fmt]}").render


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def summary_line(report: CheckReport) -> str:
    """'convcost check net.yaml: 9 checks: 2 passed, 4 failed, 3 skipped; 6 errors, 1 warning'."""
    s = report.summary()
    head = f"convcost check {report.source}: "
    if report.ok and not report.findings:
        return head + (f"all {s['checks']} checks passed" if s["checks"] > 1 else "1 check passed")
    counts = [f"{s[status.value]} {status.value}" for status in (Status.PASSED, Status.FAILED, Status.SKIPPED)
              if s[status.value]]
    if s["undecided_checks"]:
        counts.insert(2, f"{s['undecided_checks']} undecided")
    found = [_plural(s["errors"], "error"), _plural(s["warnings"], "warning")]
    if s["undecided"]:
        found.append(f"{s['undecided']} undecided")
    return head + f"{_plural(s['checks'], 'check')}: {', '.join(counts)}; {', '.join(found)}"
