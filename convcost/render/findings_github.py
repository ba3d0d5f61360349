"""GitHub Actions workflow commands: `::error file=F,line=L,col=C::message`, one line per finding, so
that each finding annotates its line in the pull request. Warnings become `::warning`, undecided
results `::notice`."""

from __future__ import annotations

from ..checks.findings import CheckReport, Severity
from ..errors import ConvcostError, Location, each_error, printable
from . import DEFAULT_OPTIONS, RenderOptions

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.UNDECIDED: "notice"}


def _data(text: str) -> str:
    """Escape a message as GitHub's runner expects (it turns %0A back into a line break)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """Escape a property value (`file=...`): as data, plus the `:` and `,` that end a property."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, loc: Location | None, message: str) -> str:
    """One workflow command on one line: nothing from the input can end it or start another. The
    message and the file are printable first (no terminal escapes in the log), then escaped as
    GitHub's runner reads them."""
    message = printable(message)
    if loc is None:
        return f"::{level}::{_data(message)}"
    where = [f"file={_property(printable(loc.path))}"]
    if loc.line:
        where.append(f"line={loc.line}")
        if loc.column:
            where.append(f"col={loc.column}")
    return f"::{level} {','.join(where)}::{_data(message)}"


def render(report: CheckReport, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    return "".join(command(LEVELS[f.severity], f.loc, f.message) + "\n" for f in report.findings)


def render_error(err: ConvcostError) -> str:
    """An input error (exit 2) as an annotation too, so a broken layer file is marked in the PR (each
    error of a file that has several)."""
    return "".join(command("error", e.location, e.message) + "\n" for e in each_error(err))
