"""pytest plugin (registered through the `pytest11` entry point): layer files as tests.

`pytest` collects every `*.convcost.yaml` file (and the files matching the ini option
`convcost_files`) as a collector whose items are its checks: `shapes` (consistency) and one per
budget or expectation (`budget.macs`, `budget[sep13].macs`, `expect[sep13].output`). A failure
reads like `convcost check` (`file:line:col: error: message`), without a Python traceback.

pytest imports this module in every run of every project where convcost is installed: it must
stay light (convcost's analysis is imported only when a layer file is collected) and never fail.
"""

from __future__ import annotations

import fnmatch
import warnings
from pathlib import Path

import pytest

SUFFIX = ".convcost.yaml"


def pytest_addoption(parser) -> None:
    parser.addini(
        "convcost_files",
        type="args",
        default=[],
        help="extra glob patterns of layer files to collect as convcost checks (besides *.convcost.yaml)",
    )
    parser.addini("convcost_strict", type="bool", default=False,
                  help="convcost checks: warnings and undecided symbolic results fail (as check --strict)")


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "convcost: a check read from a convcost layer file")


def pytest_collect_file(file_path: Path, parent):
    if _wanted(file_path, parent.config):
        return ConvcostFile.from_parent(parent, path=file_path)
    return None


def _relative(path: Path, config) -> str:
    try:
        return path.relative_to(config.rootpath).as_posix()
    except ValueError:
        return str(path)


def _wanted(path: Path, config) -> bool:
    if path.name.endswith(SUFFIX):
        return True
    patterns = config.getini("convcost_files")
    relative = _relative(path, config)
    return any(path.match(p) or fnmatch.fnmatch(relative, p) for p in patterns)


class ConvcostWarning(UserWarning):
    """A warning of `convcost check` (a stride that leaves input unread)."""


class CheckFailed(Exception):
    """A convcost check failed; its text is the CLI's."""


class ConvcostFile(pytest.File):
    """A layer file: loading it is collecting it (an invalid file is a collection error)."""

    def collect(self):
        from .checks.run import check
        from .layerfile.loader import load_text, read_text
        from .limits import DEFAULT_LIMITS, exact_int_text

        with exact_int_text():  # as the CLI: results beyond 4,300 digits are exact, not a crash
            spec = load_text(read_text(str(self.path), DEFAULT_LIMITS), _relative(self.path, self.config))
            report = check(spec, strict=self.config.getini("convcost_strict"))
        for outcome in report.outcomes:
            yield ConvcostItem.from_parent(self, name=outcome.name, outcome=outcome)

    def repr_failure(self, excinfo):
        from .errors import ConvcostError

        if isinstance(excinfo.value, ConvcostError):
            return excinfo.value.format()
        return super().repr_failure(excinfo)


class ConvcostItem(pytest.Item):
    """One check of a layer file."""

    def __init__(self, *, outcome, **kwargs):
        from .checks.findings import Status

        super().__init__(**kwargs)
        self.outcome = outcome
        self.add_marker("convcost")
        if outcome.status is Status.UNDECIDED:  # a skip mark reports the layer file's location
            reason = "undecided: " + "; ".join(f.message for f in outcome.findings)
            self.add_marker(pytest.mark.skip(reason=reason))
        elif outcome.status is Status.SKIPPED:
            self.add_marker(pytest.mark.skip(reason=outcome.message))

    def runtest(self) -> None:
        from .limits import exact_int_text

        with exact_int_text():
            self._run()

    def _run(self) -> None:
        from .checks.findings import Severity, Status
        from .render.findings_text import finding_text

        o = self.outcome
        for f in o.findings:
            if f.severity is Severity.WARNING:  # shown in pytest's warnings summary at the file's line
                warning = ConvcostWarning(finding_text(f))
                warnings.warn_explicit(warning, ConvcostWarning, str(self.path), f.line)
        if o.status is Status.FAILED:
            raise CheckFailed("\n".join(finding_text(f) for f in o.findings))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, (CheckFailed, ConvcostWarning)):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, max(self.outcome.loc.line - 1, 0), f"convcost check: {self.name}"
