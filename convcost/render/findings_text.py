"""Text output of `convcost check` (the default): findings grouped by layer, compiler style
(`file:line:col: error: message [check]` and a `hint:` line), then a summary line."""

from __future__ import annotations

from collections.abc import Sequence

from ..checks.findings import CheckReport, Finding, Severity, Status, by_layer, is_invalid
from ..errors import printable
from . import DEFAULT_OPTIONS, RenderOptions

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.UNDECIDED: "36"}  # red, yellow, cyan


def finding_text(f: Finding, color: bool = False, indent: str = "") -> str:
    """One finding as the CLI prints it, with its hint on a second line (each line printable: a path
    or name from the input cannot start a line of its own)."""
    severity = f.severity.value
    if color:
        severity = f"\x1b[1;{_COLORS[f.severity]}m{severity}\x1b[0m"
    text = f"{indent}{f.loc}: {severity}: {printable(f.message)} [{f.check}]"
    return text + (f"\n{indent}  hint: {printable(f.hint)}" if f.hint else "")


def render(report: CheckReport, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    lines = []
    for layer, found in by_layer(report.findings).items():
        lines.append("network" if layer is None else f"layer {layer!r}")
        lines += [finding_text(f, options.color, "  ") for f in found]
    if lines:
        lines.append("")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def summary_line(report: CheckReport) -> str:
    """'convcost check net.yaml: 9 checks: 2 passed, 4 failed, 3 skipped; 6 errors, 1 warning'."""
    s = report.summary()
    convention = f" (convention {report.convention})" if report.convention != "paper" else ""
    head = f"convcost check {printable(report.source)}{convention}: "
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


def total_line(reports: Sequence[CheckReport]) -> str:
    """'convcost check: 3 files: 1 passed, 1 failed, 1 invalid' (several files)."""
    bad = sum(is_invalid(r) for r in reports)
    failed = sum(not r.ok for r in reports) - bad
    counts = [f"{n} {word}" for n, word in ((len(reports) - failed - bad, "passed"), (failed, "failed"),
                                            (bad, "invalid")) if n]
    return f"convcost check: {len(reports)} files: {', '.join(counts)}"
