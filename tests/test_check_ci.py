"""`convcost check` in CI (issue 16): JUnit folders, several files and stdin, JSON for invalid input,
every built-in passing --strict, shape.stride's meaning and `allow`; -V, completion, prove's wording."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

import convcost
from convcost.cli import main
from convcost.zoo import builtin_names, builtin_path

FILES = Path(__file__).parent / "check_files"
SHAPES = str(FILES / "shapes.yaml")
BAD = "input: [3, 8, 8]\nlayers:\n  - Conv2d: {out: 4}\n  - conv: {out: 4, kernal: 3}\n"


def run(*args, input=None, env=None):
    return CliRunner().invoke(main, list(args), input=input, env=env)


@pytest.fixture
def bad(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    return str(path)


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_passes_strict(name):
    res = run("check", name, "--strict")
    assert res.exit_code == 0, res.stdout


def test_a_window_narrower_than_its_stride_is_not_reported(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text("input: [64, 56, 56]\nlayers:\n"
                    "  - conv: {name: down, out: 128, kernel: 1, stride: 2, from: input}\n"  # reads 0, 2, ...
                    "  - pointwise: {name: pw, out: 8, stride: 4, from: input}\n"
                    "  - avgpool: {name: tile, kernel: 2, from: input}\n"  # 56 is even: nothing dropped
                    "  - conv: {name: dil, out: 8, kernel: 2, dilation: 1, stride: 3, from: input}\n")
    assert convcost.check(str(path), strict=True).ok
    path.write_text("input: [3, 57, 57]\nlayers:\n  - avgpool: {name: tile, kernel: 2}\n"
                    "  - conv: {name: wide, out: 8, kernel: 3, stride: 2, from: input}\n"
                    "  - conv: {name: narrow, out: 8, kernel: 1, stride: 2, from: input}\n")
    found = {(f.layer, f.check) for f in convcost.check(str(path)).findings}
    assert found == {("tile", "shape.stride")}  # 57 = 2*28 + 1: a 2x2 tile drops row 57; 3x3/2 reads it


def test_allow_accepts_a_layers_stride_warning(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text("input: [3, 224, 224]\nlayers:\n  - conv: {name: stem, out: 96, kernel: 7, stride: 2}\n")
    (f,) = convcost.check(str(path)).findings  # (224 - 7)/2 + 1 = 109.5: the last row and column unread
    assert f.check == "shape.stride" and "allow: [shape.stride]" in f.hint
    path.write_text("input: [3, 224, 224]\nlayers:\n"
                    "  - conv: {name: stem, out: 96, kernel: 7, stride: 2, allow: [shape.stride]}\n")
    assert convcost.check(str(path), strict=True).findings == ()
    assert convcost.analyze(str(path)).totals.macs == 96 * 3 * 49 * 109 * 109  # allow changes no count
    path.write_text("input: [3, 8, 8]\nlayers:\n  - conv: {out: 4, kernel: 3, allow: [shape.add]}\n")
    res = run("check", str(path))
    assert res.exit_code == 2 and "`allow` takes the id of a warning, got 'shape.add'" in res.stderr
    assert "a layer may allow: shape.stride" in res.stderr


def test_junit_xml_creates_its_folder(tmp_path):
    out = tmp_path / "out" / "deeper" / "j.xml"
    res = run("check", SHAPES, "--junit-xml", str(out))
    assert res.exit_code == 1  # shapes.yaml has inconsistent layers
    assert ET.parse(out).getroot().tag == "testsuites"
    assert "shape.add" in res.stdout


def test_findings_are_printed_even_when_junit_cannot_be_written(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    res = run("check", SHAPES, "--junit-xml", str(blocker / "j.xml"))  # a folder that is a file
    assert res.exit_code == 2
    assert "shape.add" in res.stdout and "convcost check" in res.stdout  # the findings, then the error
    assert "error: cannot" in res.stderr and "hint: " in res.stderr


def test_several_files_exit_with_the_worst(bad):
    res = run("check", "mobilenet_v1", SHAPES)
    assert res.exit_code == 1
    assert "convcost check mobilenet_v1: 1 check passed" in res.stdout
    assert res.stdout.rstrip().endswith("convcost check: 2 files: 1 passed, 1 failed")
    res = run("check", "mobilenet_v1", bad, SHAPES)
    assert res.exit_code == 2  # an invalid file: its errors on stderr, the others still checked
    assert "unknown layer kind 'Conv2d'" in res.stderr and "shape.add" in res.stdout
    assert res.stdout.rstrip().endswith("convcost check: 3 files: 1 passed, 1 failed, 1 invalid")
    assert run("check", "mobilenet_v1", "resnet18", "--strict").exit_code == 0


def test_stdin_is_dash():
    text = Path(builtin_path("mobilenet_v1")).read_text()
    res = run("check", "-", "--max-macs", "600M", input=text)
    assert res.exit_code == 0 and "convcost check -: all 2 checks passed" in res.stdout
    res = run("check", "-", input=BAD)
    assert res.exit_code == 2 and res.stderr.startswith("<stdin>:3:5: error: unknown layer kind 'Conv2d'")
    res = run("analyze", "-", "-f", "json", input=text)
    assert json.loads(res.stdout)["totals"]["macs"] == 568740352
    res = run("check", "-", "-", input=text)
    assert res.exit_code == 2 and "`-` (standard input) is given twice" in res.stderr


def test_json_for_invalid_input(bad):
    res = run("check", bad, "-f", "json")
    assert res.exit_code == 2 and "unknown layer kind" in res.stderr
    data = json.loads(res.stdout)
    assert data["ok"] is False and data["name"] is None and data["source"] == bad
    assert data["error"] == {"exit_code": 2, "message": "unknown layer kind 'Conv2d'",
                             "hint": data["findings"][0]["hint"], "path": bad, "line": 3, "column": 5,
                             "errors": 2}
    assert [(f["check"], f["line"], f["message"]) for f in data["findings"]] == [
        ("load", 3, "unknown layer kind 'Conv2d'"),
        ("load", 4, "unknown key 'kernal' in layer 'conv_1' (conv)")]
    assert data["checks"][0]["status"] == "failed" and data["summary"]["errors"] == 2
    assert set(data) >= {"schema", "source", "path", "symbolic", "strict", "findings", "checks", "summary"}


def test_json_for_a_bad_option_and_a_missing_file():
    res = run("check", "mobilenet_v1", "--max-macs", "600m", "-f", "json")
    assert res.exit_code == 2 and "Usage:" in res.stderr
    data = json.loads(res.stdout)
    assert data["error"]["message"].startswith("Invalid value for '--max-macs'")
    assert data["findings"][0]["check"] == "usage" and data["source"] is None
    res = run("check", "no/such.yaml", "--format=json")
    data = json.loads(res.stdout)
    assert res.exit_code == 2 and data["error"]["message"] == "no such file or built-in network"


def test_json_for_several_files(bad):
    res = run("check", "mobilenet_v1", bad, "-f", "json")
    assert res.exit_code == 2
    data = json.loads(res.stdout)
    assert data["ok"] is False and [f["source"] for f in data["files"]] == ["mobilenet_v1", bad]
    assert "error" not in data["files"][0] and data["files"][1]["error"]["errors"] == 2
    assert data["summary"]["files"] == 2 and data["summary"]["invalid"] == 1
    assert data["summary"]["errors"] == 2 and data["summary"]["passed"] == 1
    one = json.loads(run("check", "mobilenet_v1", "-f", "json").stdout)
    assert "files" not in one and one["ok"] is True  # one file: the object it always was


def test_junit_for_several_files(tmp_path, bad):
    out = tmp_path / "j.xml"
    run("check", "mobilenet_v1", SHAPES, bad, "--junit-xml", str(out))
    root = ET.parse(out).getroot()
    suites = root.findall("testsuite")
    assert len(suites) == 3 and root.get("errors") == "1" and root.get("failures") == "1"
    assert suites[2].find("testcase/error").text.count("error: ") == 2


def test_github_annotates_every_error(bad):
    res = run("check", bad, "-f", "github")
    where = f"file={bad.replace(':', '%3A')}"
    assert res.stdout.splitlines() == [
        f"::error {where},line=3,col=5::unknown layer kind 'Conv2d'",
        f"::error {where},line=4,col=20::unknown key 'kernal' in layer 'conv_1' (conv)"]


def test_version_short_option():
    res = run("-V")
    assert res.exit_code == 0 and res.stdout.startswith("convcost, version ")
    assert res.stdout == run("--version").stdout


def test_shell_completion_of_builtins_devices_and_formats():
    def complete(line: str, word: int) -> list[str]:
        env = {**os.environ, "_CONVCOST_COMPLETE": "bash_complete", "COMP_WORDS": line,
               "COMP_CWORD": str(word)}
        out = subprocess.run([sys.executable, "-m", "convcost"], env=env, capture_output=True, text=True)
        return out.stdout.splitlines()

    assert "plain,mobilenet_v1" in complete("convcost analyze mob", 2)
    assert "plain,resnet18" in complete("convcost check resnet18 res", 3)
    formats = {"plain,table", "plain,json", "plain,csv", "plain,markdown"}
    assert formats <= set(complete("convcost analyze x -f ", 4))
    assert "plain,t4" in complete("convcost analyze x --device t", 4)


@pytest.mark.parametrize(("fmt", "text"), [("text", "65/64 ≈ 1.0156: 1.6% more mult-adds"),
                                           ("markdown", "$\\approx 1.0156$: 1.6% more mult-adds"),
                                           ("latex", "\\(\\approx 1.0156\\): 1.6\\% more mult-adds")])
def test_prove_says_more_when_separable_costs_more(fmt, text):
    res = run("prove", "--kernel", "1", "--out", "64", "-f", fmt)
    assert text in res.stdout and "fewer" not in res.stdout.split("ratio separable / standard")[-1][:80]


def test_prove_saving_is_standard_over_separable():
    data = json.loads(run("prove", "--kernel", "1", "--out", "64", "-f", "json").stdout)
    assert data["saving_exact"] == "64/65" and data["saving"] == 0.98 and data["ratio"] == "65/64"


def test_the_docs_install_from_the_repository():
    root = Path(__file__).parent.parent
    ci = (root / "docs" / "ci.md").read_text()
    assert "pip install convcost\n" not in ci and "pip install convcost " not in ci
    assert "git+https://" in ci and "pip wheel" in ci
    readme = (root / "README.md").read_text()
    clone, first = readme.index("git clone"), readme.index("pip install . && convcost analyze mobilenet_v1")
    assert clone < readme.index("python3 -m venv") < first and "&& cd convcost" in readme
