"""Text output of `convcost check` (the default): findings grouped by layer, compiler style
(`file:line:col: error: message [check]` and a `hint:` line), then a summary line."""

from __future__ import annotations

from ..checks.findings import CheckReport, Finding, Severity, by_layer
from .findings import summary_line

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.UNDECIDED: "36"}  # red, yellow, cyan


def finding_text(f: Finding, color: bool = False, indent: str = "") -> str:
    """One finding as the CLI prints it, with its hint on a second line."""
    severity = f.severity.value
    if color:
        severity = f"\x1b[1;{_COLORS[f.severity]}m{severity}\x1b[0m"
    text = f"{indent}{f.loc}: {severity}: {f.message} [{f.check}]"
    return text + (f"\n{indent}  hint: {f.hint}" if f.hint else "")


def render(report: CheckReport, color: bool = False) -> str:
    lines = []
    for layer, found in by_layer(report.findings).items():
        lines.append("network" if layer is None else f"layer {layer!r}")
        lines += [finding_text(f, color, "  ") for f in found]
    if lines:
        lines.append("")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"
