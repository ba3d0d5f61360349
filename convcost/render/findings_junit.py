"""JUnit XML (`--junit-xml PATH`): one testcase per check performed, passing ones included, so
that any CI system shows what was checked. A failed check has a <failure>; an undecided or
skipped one a <skipped>; warnings go to the testcase's <system-out>. An input error (exit 2) is
written as a single testcase with an <error>."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from ..checks.findings import CheckReport, Severity, Status
from ..errors import ConvcostError, printable
from . import DEFAULT_OPTIONS, RenderOptions
from .findings_text import finding_text

# Characters XML 1.0 cannot carry (a file name or message could contain them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    """Text XML can carry (a multi-line body keeps its line breaks; its lines are printable already)."""
    return _NOT_XML.sub("\ufffd", text)


def _attribute(text: str) -> str:
    """An attribute's value: one printable line (a file name with a newline or ESC is escaped, `\\n`)."""
    return printable(text)


def _count(root: ET.Element, suite: ET.Element, tests: int, failures: int, errors: int, skipped: int) -> None:
    for element in (root, suite):
        _count_one(element, tests, failures, errors, skipped)


def _count_one(element: ET.Element, tests: int, failures: int, errors: int, skipped: int) -> None:
    element.attrib.update(tests=str(tests), failures=str(failures), errors=str(errors), skipped=str(skipped))


def _text(root: ET.Element) -> str:
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def render(report: CheckReport, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    root = ET.Element("testsuites", name="convcost check")
    _count(root, *_report_suite(root, report))
    return _text(root)


def _report_suite(root: ET.Element, report: CheckReport) -> tuple[ET.Element, int, int, int, int]:
    suite = ET.SubElement(root, "testsuite", name=_attribute(f"convcost.{report.name}"),
                          file=_attribute(report.path))
    for o in report.outcomes:
        case = ET.SubElement(suite, "testcase", classname=_attribute(f"convcost.{report.name}"),
                             name=_attribute(o.name), file=_attribute(o.loc.path), line=str(o.loc.line),
                             time="0")
        body = "\n".join(finding_text(f) for f in o.findings)
        if o.status is Status.FAILED:
            errors = [f for f in o.findings if f.severity is Severity.ERROR]
            message = errors[0].message + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "")
            ET.SubElement(case, "failure", message=_attribute(message), type=o.check).text = _clean(body)
        elif o.status in (Status.UNDECIDED, Status.SKIPPED):
            ET.SubElement(case, "skipped", message=_attribute(o.message)).text = _clean(body) or None
        elif body:
            ET.SubElement(case, "system-out").text = _clean(body)
    s = report.summary()
    return suite, s["checks"], s["failed"], 0, s["skipped"] + s["undecided_checks"]


def render_error(source: str, err: ConvcostError) -> str:
    """The JUnit file of a run that stopped on an input error (exit 2)."""
    root = ET.Element("testsuites", name="convcost check")
    _count(root, *_error_suite(root, source, err))
    return _text(root)


def _error_suite(root: ET.Element, source: str, err: ConvcostError) -> tuple[ET.Element, int, int, int, int]:
    path = err.location.path if err.location else source
    suite = ET.SubElement(root, "testsuite", name=_attribute(f"convcost.{source}"), file=_attribute(path))
    case = ET.SubElement(suite, "testcase", classname=_attribute(f"convcost.{source}"), name="load",
                         file=_attribute(path), line=str(err.location.line if err.location else 0), time="0")
    ET.SubElement(case, "error", message=_attribute(err.message), type="input").text = _clean(err.format())
    return suite, 1, 0, 1, 0


def render_all(results: Sequence[tuple[str, CheckReport | ConvcostError]]) -> str:
    """One JUnit file for several networks (`convcost check a.yaml b.yaml`): a testsuite each, the
    totals on <testsuites>."""
    root = ET.Element("testsuites", name="convcost check")
    totals = [0, 0, 0, 0]
    for source, result in results:
        suite, *counts = (_error_suite(root, source, result) if isinstance(result, ConvcostError) else
                          _report_suite(root, result))
        _count_one(suite, *counts)
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
    _count_one(root, *totals)
    return _text(root)
