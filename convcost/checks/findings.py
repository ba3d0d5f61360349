"""The plain data of `convcost check`: findings, the checks performed, and their outcome.

Every check produces zero or more findings about one place in the file; renderers (text, JSON,
GitHub annotations, JUnit, the pytest plugin) only format these objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from ..errors import ConvcostError, Location, each_error


class Severity(StrEnum):
    ERROR = "error"  # the check failed (exit 1)
    WARNING = "warning"  # worth a look; the check passes (an error with --strict)
    UNDECIDED = "undecided"  # symbolic: cannot be decided for every allowed value (an error with --strict)


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    UNDECIDED = "undecided"
    SKIPPED = "skipped"  # not evaluated: it needs a layer whose shapes failed


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place. `check` is the kind (``budget.macs``); `name` the check it came from
    (``budget[sep13].macs``); `actual`, `limit`, `expected` are exact values where they apply."""

    check: str
    severity: Severity
    message: str
    loc: Location
    hint: str | None = None
    layer: str | None = None
    name: str = ""
    actual: Any = None
    limit: Any = None
    expected: Any = None

    @property
    def path(self) -> str:
        return self.loc.path

    @property
    def line(self) -> int:
        return self.loc.line

    @property
    def column(self) -> int:
        return self.loc.column


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """One check performed (a JUnit testcase, a pytest item), passing or not."""

    name: str  # "shapes", "budget.macs", "--max-macs", "budget[sep13].macs", "expect[sep13].output"
    check: str  # the kind: "shapes", "budget.macs", "expect.output", "lint.separable"
    status: Status
    message: str  # one line: what was compared, or why it was skipped
    loc: Location
    layer: str | None = None
    actual: Any = None
    limit: Any = None
    expected: Any = None
    findings: tuple[Finding, ...] = ()


def conclude(name: str, check: str, message: str, loc: Location, findings: Sequence[Finding] = (),
             **values: Any) -> CheckOutcome:
    """An CheckOutcome whose status follows from its findings: any error fails it, else any undecided."""
    findings = tuple(sorted((replace(f, name=name) for f in findings),
                            key=lambda f: (f.loc.line, f.loc.column)))
    severities = {f.severity for f in findings}
    status = (Status.FAILED if Severity.ERROR in severities else
              Status.UNDECIDED if Severity.UNDECIDED in severities else Status.PASSED)
    return CheckOutcome(name, check, status, message, loc, findings=findings, **values)


def skipped(name: str, check: str, reason: str, loc: Location, layer: str | None = None) -> CheckOutcome:
    return CheckOutcome(name, check, Status.SKIPPED, reason, loc, layer)


def as_strict(outcome: CheckOutcome) -> CheckOutcome:
    """--strict: warnings and undecided findings become errors, and fail their check."""
    if not any(f.severity is not Severity.ERROR for f in outcome.findings):
        return outcome
    findings = tuple(replace(f, severity=Severity.ERROR) for f in outcome.findings)
    return replace(outcome, status=Status.FAILED, findings=findings)


@dataclass(frozen=True, slots=True)
class CheckReport:
    """Everything `convcost check` found in one network."""

    source: str  # the FILE_OR_BUILTIN given
    name: str  # the network's name
    path: str  # the file read
    symbols: tuple[str, ...]
    strict: bool
    outcomes: tuple[CheckOutcome, ...]
    convention: str = "paper"  # the counting convention of the budgets (docs/conventions.md)
    findings: tuple[Finding, ...] = field(init=False)

    def __post_init__(self) -> None:
        found = [f for o in self.outcomes for f in o.findings]
        found.sort(key=lambda f: (f.loc.line, f.loc.column))  # stable: checks keep their order per place
        object.__setattr__(self, "findings", tuple(found))

    @property
    def ok(self) -> bool:
        """True when no check failed (warnings and, without --strict, undecided checks allowed)."""
        return all(o.status is not Status.FAILED for o in self.outcomes)

    def count(self, severity: Severity) -> int:
        return sum(f.severity is severity for f in self.findings)

    def with_status(self, status: Status) -> list[CheckOutcome]:
        return [o for o in self.outcomes if o.status is status]

    def summary(self) -> dict[str, int]:
        return {
            "errors": self.count(Severity.ERROR),
            "warnings": self.count(Severity.WARNING),
            "undecided": self.count(Severity.UNDECIDED),
            "checks": len(self.outcomes),
            "passed": len(self.with_status(Status.PASSED)),
            "failed": len(self.with_status(Status.FAILED)),
            "undecided_checks": len(self.with_status(Status.UNDECIDED)),
            "skipped": len(self.with_status(Status.SKIPPED)),
        }

    def outcome(self, name: str) -> CheckOutcome:
        for o in self.outcomes:
            if o.name == name:
                return o
        raise KeyError(name)


def by_layer(findings: Iterable[Finding]) -> dict[str | None, list[Finding]]:
    """Findings grouped by layer (None: about the whole network), groups in order of first appearance."""
    groups: dict[str | None, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.layer, []).append(f)
    return groups


LOAD = "load"  # the check id of an input that could not be read as a network (exit 2)


USAGE = "usage"  # ... and of a command line that could not be read (a bad option, exit 2)


def invalid(source: str, err: ConvcostError, strict: bool = False, symbols: Sequence[str] = (),
            convention: str = "paper", check: str = LOAD) -> CheckReport:
    """The report of an input that could not be loaded (exit 2): one failed check `load` (`usage`
    for the command line) whose findings are its errors, each at its place, so that every format
    can still say what is wrong (JSON on standard output, JUnit; docs/ci.md)."""
    errors = each_error(err)
    path = next((e.location.path for e in errors if e.location), source)
    findings = [Finding(check, Severity.ERROR, e.message, e.location or Location(source), e.hint, None, check)
                for e in errors]
    first = errors[0]
    message = first.message + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "")
    outcome = conclude(check, check, message, first.location or Location(source), findings)
    return CheckReport(source, "", path, tuple(symbols), strict, (outcome,), convention)


def is_invalid(report: CheckReport) -> bool:
    """Whether `report` stands for an input that could not be loaded (`invalid`)."""
    return len(report.outcomes) == 1 and report.outcomes[0].check in (LOAD, USAGE)
