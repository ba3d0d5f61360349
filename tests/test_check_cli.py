"""`convcost check` through click's CliRunner: exit codes 0/1/2, stdout and stderr apart, and the
text, JSON, GitHub and JUnit formats (JUnit parsed back with the standard library)."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from convcost.cli import main
from convcost.render import FindingsFormat, RenderOptions, renderer

FILES = Path(__file__).parent / "check_files"
BUDGETS = str(FILES / "budgets.yaml")
SHAPES = str(FILES / "shapes.yaml")
STRIDES = str(FILES / "strides.yaml")


def run(*args):
    return CliRunner().invoke(main, ["check", *args], catch_exceptions=False)


# -- exit codes ----------------------------------------------------------------------------------


def test_exit_0_when_every_check_passes():
    res = run("mobilenet_v1", "--max-macs", "600M", "--max-params", "5M")
    assert res.exit_code == 0
    assert res.stdout == "convcost check mobilenet_v1: all 3 checks passed\n"
    assert res.stderr == ""


def test_exit_0_with_warnings_and_1_with_strict():
    res = run(STRIDES)
    assert res.exit_code == 0
    assert f"{STRIDES}:6:5: warning: layer 'drops' (conv): stride 2 does not divide" in res.stdout
    assert res.stdout.endswith(f"convcost check {STRIDES}: 1 check: 1 passed; 0 errors, 2 warnings\n")
    res = run(STRIDES, "--strict")
    assert res.exit_code == 1
    assert f"{STRIDES}:6:5: error: layer 'drops'" in res.stdout


def test_exit_1_when_a_check_fails_text_grouped_by_layer():
    res = run(BUDGETS)
    assert res.exit_code == 1
    assert res.stderr == ""
    assert res.stdout == (
        "network\n"
        f"  {BUDGETS}:5:16: error: network mult-adds 1,483,392 exceed the budget of 1,000,000 by 483,392 "
        "[budget.macs]\n"
        "    hint: largest: stem 884.74k (59.6%), block 598.02k (40.3%), head 640 (0.0%)\n"
        "layer 'block'\n"
        f"  {BUDGETS}:14:58: error: layer 'block': expected macs 500,000, got 598,016 [expect.macs]\n"
        "    hint: if the change is intended, update the `expect` of layer 'block'\n"
        "layer 'head'\n"
        f"  {BUDGETS}:16:48: error: layer 'head': parameters 650 exceed the budget of 640 by 10 "
        "[budget.params]\n"
        "\n"
        f"convcost check {BUDGETS}: 9 checks: 6 passed, 3 failed; 3 errors, 0 warnings\n"
    )


def test_exit_1_for_shape_inconsistencies_found_while_propagating():
    res = run(SHAPES)
    assert res.exit_code == 1
    for line_col, check in (("7:5", "shape.add"), ("10:5", "shape.concat"), ("11:5", "shape.groups"),
                            ("12:5", "shape.zero"), ("14:5", "shape.rank"), ("15:5", "shape.mul")):
        assert f"{SHAPES}:{line_col}: error: " in res.stdout and f"[{check}]" in res.stdout


def test_exit_1_for_command_line_budgets():
    res = run("mobilenet_v1", "--max-macs", "500M")
    assert res.exit_code == 1
    assert "error: network mult-adds 568,740,352 exceed the budget of 500,000,000 by 68,740,352" in res.stdout


@pytest.mark.parametrize("args, message", [
    (["mobilenet_v1", "--max-macs", "600m"], "unknown suffix 'm' in '600m'"),
    (["mobilenet_v1", "--max-params", "4.5x"], "unknown suffix 'x'"),
    (["mobilenet_v1", "--max-params", "1.2345k"], "must be a whole count"),
    (["mobilenet_v1", "--min-saving", "2"], "must be a ratio above 0 and at most 1"),
    (["mobilenet_v1", "--format", "xml"], "'xml' is not one of"),
    (["mobilenet_v1", "--set", "beta=2"], "unknown var 'beta'"),
    (["mobilenet_v7"], "no such file or built-in network"),
])
def test_exit_2_for_bad_options(args, message):
    res = run(*args)
    assert res.exit_code == 2
    assert res.stdout == ""
    assert message in res.stderr and "Traceback" not in res.stderr


@pytest.mark.parametrize("text, where, message", [
    ("input: [3, 8, 8]\nlayers:\n  - conv: {out: 4, kernel: [3}\n", ":3:", "invalid YAML"),
    ("input: [3, 8, 8]\nlayers:\n  - convv: {out: 4}\n", ":3:5:", "unknown layer kind 'convv'"),
    ("input: [3, 8, 8]\nlayers:\n  - relu: {name: a}\n  - relu: {name: a}\n", ":4:",
     "duplicate layer name 'a'"),
    ("input: [3, 8, 8]\nlayers:\n  - relu: {from: b}\n", ":3:", "unknown layer 'b' in `from`"),
    ("input: [3, 8, 8]\nlayers:\n  - relu: {name: a, from: b}\n  - relu: {name: b, from: a}\n", ":3:5:",
     "cycle"),
    ("input: [3, 8, 8]\nlayers:\n  - relu\nbudget: {macs: 1.5}\n", ":4:16:", "must be a whole count"),
])
def test_exit_2_for_invalid_input_with_location(tmp_path, text, where, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    res = run(str(path))
    assert res.exit_code == 2
    assert res.stdout == ""
    assert res.stderr.startswith(f"{path}{where}") and ": error: " in res.stderr
    assert message in res.stderr and "Traceback" not in res.stderr


# -- formats -------------------------------------------------------------------------------------


def test_json_payload_on_stdout_summary_on_stderr():
    res = run(BUDGETS, "--format", "json")
    assert res.exit_code == 1
    assert res.stderr == f"convcost check {BUDGETS}: 9 checks: 6 passed, 3 failed; 3 errors, 0 warnings\n"
    data = json.loads(res.stdout)
    assert data["schema"] == 1 and data["ok"] is False and data["source"] == BUDGETS
    assert data["summary"] == {"errors": 3, "warnings": 0, "undecided": 0, "checks": 9, "passed": 6,
                               "failed": 3, "undecided_checks": 0, "skipped": 0}
    first = data["findings"][0]
    assert first == {
        "check": "budget.macs", "severity": "error",
        "message": "network mult-adds 1,483,392 exceed the budget of 1,000,000 by 483,392",
        "hint": "largest: stem 884.74k (59.6%), block 598.02k (40.3%), head 640 (0.0%)",
        "path": BUDGETS, "line": 5, "column": 16, "layer": None,
        "actual": 1_483_392, "limit": 1_000_000, "expected": None, "name": "budget.macs",
    }
    expect = data["findings"][1]
    assert (expect["check"], expect["layer"], expect["actual"], expect["expected"]) == (
        "expect.macs", "block", 598_016, 500_000)
    checks = {c["name"]: c for c in data["checks"]}
    assert checks["expect[block].output"]["status"] == "passed"
    assert checks["expect[block].output"]["actual"] == [64, 16, 16]
    assert [c["status"] for c in data["checks"]].count("failed") == 3


def test_json_ok_run():
    res = run("mobilenet_v1", "--max-macs", "600M", "-f", "json")
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert data["ok"] is True and data["findings"] == []
    assert data["checks"][1]["actual"] == 568_740_352 and data["checks"][1]["limit"] == 600_000_000


def test_github_annotations():
    res = run(BUDGETS, "--format", "github")
    assert res.exit_code == 1
    assert res.stdout.splitlines() == [
        f"::error file={BUDGETS},line=5,col=16::network mult-adds 1,483,392 exceed the budget of 1,000,000 "
        "by 483,392",
        f"::error file={BUDGETS},line=14,col=58::layer 'block': expected macs 500,000, got 598,016",
        f"::error file={BUDGETS},line=16,col=48::layer 'head': parameters 650 exceed the budget of 640 by 10",
    ]
    assert res.stderr.startswith(f"convcost check {BUDGETS}: 9 checks")
    res = run(STRIDES, "--format", "github")
    assert res.exit_code == 0
    assert res.stdout.startswith(f"::warning file={STRIDES},line=6,col=5::layer 'drops' (conv): stride 2")


def test_github_escapes_and_annotates_input_errors(tmp_path):
    path = tmp_path / "a,b.yaml"
    path.write_text("input: [3, 8, 8]\nlayers:\n  - convv: {out: 4}\n")
    res = run(str(path), "-f", "github")
    assert res.exit_code == 2
    escaped = str(path).replace(",", "%2C").replace(":", "%3A")
    assert res.stdout == f"::error file={escaped},line=3,col=5::unknown layer kind 'convv'\n"
    assert f"{path}:3:5: error: unknown layer kind 'convv'" in res.stderr


def test_junit_xml_one_testcase_per_check(tmp_path):
    out = tmp_path / "junit.xml"
    res = run(SHAPES, "--junit-xml", str(out), "--max-macs", "1G")
    assert res.exit_code == 1
    root = ET.parse(out).getroot()
    assert root.tag == "testsuites"
    (suite,) = root
    assert suite.get("name") == "convcost.shapes"
    counts = [suite.get(key) for key in ("tests", "failures", "errors", "skipped")]
    assert counts == ["4", "1", "0", "2"]
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert list(cases) == ["shapes", "--max-macs", "expect[after_sum].output", "expect[fine].output"]
    failure = cases["shapes"].find("failure")
    assert failure.get("type") == "shapes"
    assert failure.get("message").startswith("layer 'sum' (add): add needs inputs of one shape")
    assert failure.get("message").endswith("(and 5 more)")
    assert f"{SHAPES}:15:5: error: layer 'gate' (mul)" in failure.text
    skipped = cases["--max-macs"].find("skipped")
    assert skipped.get("message") == "not evaluated: the network's shapes are inconsistent"
    assert list(cases["expect[fine].output"]) == []  # passed
    assert cases["expect[fine].output"].get("line") == "16"
    assert [p.name for p in tmp_path.iterdir()] == ["junit.xml"]  # written atomically, nothing left over


def test_junit_xml_warnings_and_success(tmp_path):
    out = tmp_path / "junit.xml"
    assert run(STRIDES, "--junit-xml", str(out)).exit_code == 0
    (case,) = ET.parse(out).getroot().iter("testcase")
    assert case.find("failure") is None
    assert case.find("system-out").text.count("warning:") == 2


def test_junit_xml_records_an_input_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("input: [3, 8, 8]\nlayers:\n  - convv: {out: 4}\n")
    out = tmp_path / "junit.xml"
    res = run(str(bad), "--junit-xml", str(out))
    assert res.exit_code == 2
    (case,) = ET.parse(out).getroot().iter("testcase")
    error = case.find("error")
    assert (case.get("name"), error.get("type")) == ("load", "input")
    assert error.get("message") == "unknown layer kind 'convv'"
    assert error.text.startswith(f"{bad}:3:5: error: unknown layer kind 'convv'")


def test_junit_xml_to_a_directory_is_an_input_error(tmp_path):
    res = run("mobilenet_v1", "--junit-xml", str(tmp_path))
    assert res.exit_code == 2 and "--junit-xml names a directory" in res.stderr


def test_every_findings_format_has_a_renderer():
    for fmt in FindingsFormat:
        assert callable(renderer(fmt))
    assert {f.value for f in FindingsFormat} == {"text", "json", "github"}


def test_text_is_colored_only_for_a_terminal():
    from convcost import check
    from convcost.render.findings_text import render

    report = check(BUDGETS)
    assert "\x1b[" not in render(report)
    assert "\x1b[1;31merror\x1b[0m: network mult-adds 1,483,392" in render(report, RenderOptions(color=True))


def test_every_check_id_and_exit_code_is_documented():
    from convcost import check

    doc = (Path(__file__).parent.parent / "docs" / "ci.md").read_text()
    reports = [check(str(FILES / f"{name}.yaml")) for name in ("shapes", "strides", "budgets")]
    seen = {f.check for report in reports for f in report.findings}
    seen |= {f.check for f in check("mobilenet_v1", min_saving="0.2", max_params="1").findings}
    assert {"shape.add", "shape.stride", "expect.macs", "budget.params", "lint.separable"} <= seen
    for check_id in seen:
        assert f"`{check_id}`" in doc, check_id
    for words in ("Exit 2, invalid input", "Exit 1, a check failed", "Exit 0"):
        assert words in doc
