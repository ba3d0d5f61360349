"""Issue 15 (items 8 and 11): text from the input is printed as text, on the lines it belongs to.

- Names are never rich markup: a network named "[/]" crashed the table, "[link=...]" made a terminal
  hyperlink. Every string that reaches rich is a Text (the table, the proof's text).
- A path or name with a newline, CR, ESC, U+0085, U+2028/2029 or a bidi control cannot start a line
  of its own: a file named "x\\n::error file=README.md,line=1::..." forged a GitHub annotation.
  Messages, locations and summaries print such characters escaped (`\\n`, `\\x1b`); GitHub
  workflow commands escape `%`, CR, LF, and in properties also `:` and `,`; JUnit attributes are one
  printable line.

Hostile files are made in temporary folders; each run must stay under the two seconds of
tests/test_hostile.py.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import invoke_cli as invoke
from test_hostile import SECONDS

from convcost.errors import ConvcostError, Location, printable

ROOT = Path(__file__).parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

# Each of these would end a line, rewrite the terminal, or reorder text in some viewer.
CONTROLS = ["\n", "\r", "\x1b[2J", "\x85", "\u2028", "\u2029", "\u202e", "\x07", "\t", "\x7f"]
FORGED = "x\n::error file=README.md,line=1::forged\r\n::warning::again\x1b[31m\u2028\x85\u202e"
# Never in text output (tab and newline are the renderers' own).
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module", autouse=True)
def warm_imports():
    """Time the work on each file, not the first import of sympy and rich."""
    for args in (["analyze", "mobilenet_v1"], ["check", "mobilenet_v1"], ["prove", "mobilenet_v1", "--layer",
                                                                          "sep1"]):
        invoke(*args)


def squeezed(text: str) -> str:
    return re.sub(r"\s", "", text)


def timed(*args: str):
    start = time.perf_counter()
    result = invoke(*args)
    assert time.perf_counter() - start < SECONDS
    return result


def assert_lines_are_ours(text: str, lines: int | None = None) -> None:
    """No raw control character; no line that a forged name started; `lines` lines if given."""
    assert not RAW.search(text), repr(text)
    for line in text.splitlines():
        assert not line.startswith("::"), line
        assert "README.md,line=1" not in line or "\\n::error" in line, line
    if lines is not None:
        assert len(text.splitlines()) == lines, text


# -- the building blocks -----------------------------------------------------------------------------


@pytest.mark.parametrize("char", CONTROLS + ["\udcff", "\ufeff", "\u200b", "\ufffe"])
def test_printable_escapes_every_control_character(char):
    text = printable(f"a{char}b")
    assert text.isprintable() and text.startswith("a") and text.endswith("b")
    assert text == f"a{repr(char)[1:-1]}b"


@pytest.mark.parametrize("text", ["net.yaml", "층1/ﬁrst conv-a.b", "emoji 🙂", "[/] %0A ::x,y", "a\\nb"])
def test_printable_text_is_unchanged(text):
    assert printable(text) == text


def test_locations_and_errors_print_one_line_each():
    err = ConvcostError("bad\nline\x1b", Location(FORGED, 3, 4), "hint\r::error::x\u2028")
    text = err.format()
    assert_lines_are_ours(text, 2)
    assert text.startswith("x\\n::error file=README.md,line=1::forged\\r\\n::warning::again\\x1b[31m")
    assert str(err) == text
    assert str(Location(FORGED)) == printable(FORGED)


def test_location_always_holds_a_str_path():
    for path in (Path("/tmp/net.yaml"), b"/tmp/net.yaml"):
        loc = Location(path, 1, 2)
        assert type(loc.path) is str and loc.path == "/tmp/net.yaml" and str(loc) == "/tmp/net.yaml:1:2"
    assert str(ConvcostError("is a directory", Location(Path("/tmp")))) == "/tmp: error: is a directory"


# -- item 11: hostile file names through every command and format ------------------------------------

INVALID = "input: [3, 8, 8]\nlayers:\n  - conv: {out: 8, kernal: 3}\n"
FINDINGS = ("input: [3, 8, 8]\nlayers:\n  - conv: {out: 8, kernel: 3, stride: 2, name: c}\n"
            "  - add: {from: [c, input]}\n")
VALID = ("vars: {w: 8}\ninput: [3, 8, 8]\nbudget: {macs: 10}\n"
         "layers:\n  - conv: {out: w, kernel: 3, padding: 1, name: c, expect: {output: [9, 8, 8]}}\n")
NAMES = {"forged": FORGED + ".yaml", "escape": "\x1b]8;;https:evil.example\x1b\\net\x1b]8;;\x1b\\.yaml",
         "separators": "a\u2028b\u2029c\x85d\r.yaml", "bidi": "net\u202eLMXY.yaml",
         "percent": "a%0A::b,c:d.yaml",
         "undecodable": os.fsdecode(b"net\xff\xfe.yaml")}


def hostile(tmp_path: Path, key: str, text: str) -> Path:
    path = tmp_path / NAMES[key]
    path.write_text(text)
    return path


@pytest.mark.parametrize("key", sorted(NAMES))
def test_an_invalid_file_with_a_hostile_name(tmp_path, key):
    path = hostile(tmp_path, key, INVALID)
    for args in (["analyze"], ["check"], ["check", "-f", "json"], ["check", "-f", "github"]):
        result = timed(*args, str(path))
        assert result.exit_code == 2
        assert_lines_are_ours(result.stderr, 2)  # error and hint
        assert result.stderr.startswith(f"{printable(str(path))}:3:20: error: unknown key 'kernal'")
        if "github" in args:
            assert_github(result.stdout, 1)
    result = timed("check", str(path), "--junit-xml", str(tmp_path / "out.xml"))
    assert_junit(tmp_path / "out.xml")


@pytest.mark.parametrize("key", sorted(NAMES))
def test_findings_in_a_file_with_a_hostile_name(tmp_path, key):
    path = hostile(tmp_path, key, FINDINGS)
    shown = printable(str(path))
    text = timed("check", str(path), "--junit-xml", str(tmp_path / "out.xml"))
    assert text.exit_code == 1
    assert_lines_are_ours(text.stdout, 8)  # 2 layers, 2 findings with hints, a blank line, the summary
    assert f"  {shown}:3:5: warning: layer 'c' (conv): stride 2" in text.stdout
    assert text.stdout.splitlines()[-1].startswith(f"convcost check {shown}: 1 check: 1 failed")
    assert_junit(tmp_path / "out.xml")
    github = timed("check", str(path), "-f", "github")
    assert_github(github.stdout, 2)
    assert_lines_are_ours(github.stderr, 1)  # the summary
    data = json.loads(timed("check", str(path), "-f", "json").stdout)  # JSON carries the exact path
    assert data["path"] == str(path) or data.get("source") == str(path)
    analyze = timed("analyze", str(path))
    assert analyze.exit_code == 2 and analyze.stderr.startswith(f"{shown}:4:5: error: layer 'add_1'")
    assert_lines_are_ours(analyze.stderr, 2)


@pytest.mark.parametrize("key", sorted(NAMES))
def test_reports_of_a_file_with_a_hostile_name(tmp_path, key):
    path = hostile(tmp_path, key, VALID.replace("budget: {macs: 10}\n", "").replace(", expect: {output: "
                                                                                   "[9, 8, 8]}", ""))
    for fmt in ("table", "markdown", "csv"):
        result = timed("analyze", str(path), "-f", fmt)
        assert result.exit_code == 0
        assert not RAW.search(result.stdout), (fmt, result.stdout[:300])
    # the network's name defaults to the file's: printed escaped
    assert printable(path.stem) in timed("analyze", str(path), "-f", "markdown").stdout.splitlines()[0]
    data = json.loads(timed("analyze", str(path), "-f", "json").stdout)
    assert data["name"] == path.stem
    ok = timed("check", str(path))
    assert ok.exit_code == 0 and ok.stdout == f"convcost check {printable(str(path))}: 1 check passed\n"


@pytest.mark.parametrize("key", sorted(NAMES))
def test_budget_and_expectation_failures_of_a_file_with_a_hostile_name(tmp_path, key):
    path = hostile(tmp_path, key, VALID)
    result = timed("check", str(path), "--junit-xml", str(tmp_path / "out.xml"))
    assert result.exit_code == 1
    assert_lines_are_ours(result.stdout)
    assert_junit(tmp_path / "out.xml")
    assert_github(timed("check", str(path), "-f", "github").stdout, 2)


@pytest.mark.parametrize("key", sorted(NAMES))
def test_prove_layer_of_a_file_with_a_hostile_name(tmp_path, key):
    path = hostile(tmp_path, key, VALID)
    shown = printable(str(path))
    text = timed("prove", str(path), "--layer", "c")
    assert text.exit_code == 0
    assert not RAW.search(text.stdout)
    assert squeezed(f"of {shown}.") in squeezed(text.stdout)  # rich folds a long path over lines
    markdown = timed("prove", str(path), "--layer", "c", "-f", "markdown").stdout
    assert not RAW.search(markdown)
    comment = markdown.splitlines()[2]
    assert comment.startswith("<!-- Generated by `convcost prove ") and comment.endswith("-->")
    assert comment.count("-->") == 1
    latex = timed("prove", str(path), "--layer", "c", "-f", "latex").stdout.splitlines()
    assert not RAW.search("\n".join(latex))
    assert latex[0].startswith("% Generated by") and latex[1].startswith("% Needs")  # the comment held
    assert json.loads(timed("prove", str(path), "--layer", "c", "-f", "json").stdout)["layer"]["source"] \
        == str(path)
    missing = timed("prove", str(path), "--layer", "nope")
    assert missing.exit_code == 2 and not RAW.search(missing.stderr)


def test_missing_file_with_a_hostile_name(tmp_path):
    result = timed("analyze", str(tmp_path / FORGED))
    assert result.exit_code == 2
    assert_lines_are_ours(result.stderr, 2)
    assert "no such file or built-in network" in result.stderr


def test_prove_without_layer_names_the_source_on_one_line(tmp_path):
    result = timed("prove", FORGED)
    assert result.exit_code == 2
    assert_lines_are_ours(result.stderr, 2)


GITHUB = re.compile(r"::(error|warning|notice)( file=[^:,\r\n]*(,line=\d+(,col=\d+)?)?)?::[^\r\n]*")


def assert_github(text: str, commands: int) -> None:
    """`commands` workflow commands, one a line; properties hold no raw `:` `,` CR or LF."""
    lines = text.splitlines()
    assert len(lines) == commands, text
    for line in lines:
        assert GITHUB.fullmatch(line), line
        assert not RAW.search(line), line
    assert "::error file=README.md" not in text


def assert_junit(path: Path) -> None:
    """Well-formed XML whose attributes are one printable line each."""
    root = ET.parse(path).getroot()
    for element in root.iter():
        for value in element.attrib.values():
            assert value.isprintable(), value
        assert not RAW.search(element.text or "")


# -- item 8: names are text, never rich markup -------------------------------------------------------

MARKUP = ["[/]", "[link=https://evil.example]click[/link]", "[bold red]loud", "[/bold]",
          ":smile: :cross_mark:", "[", "]x[", "\\[escaped]", "[on red]", "[#ff0000]x[/]"]


def named(tmp_path: Path, name: str) -> Path:
    path = tmp_path / "net.yaml"
    path.write_text(f"name: {json.dumps(name)}\ninput: [3, 8, 8]\nlayers:\n  - conv: {{out: 8, kernel: 1}}\n")
    return path


@pytest.mark.parametrize("name", MARKUP)
def test_network_names_are_text_in_the_table(tmp_path, name):
    result = timed("analyze", str(named(tmp_path, name)), "-f", "table")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith(f"{name}  (convention paper")


@pytest.mark.parametrize("name", MARKUP)
def test_network_names_are_text_in_markdown_and_json(tmp_path, name):
    path = named(tmp_path, name)
    assert timed("analyze", str(path), "-f", "markdown").stdout.startswith(f"# {name}\n")
    assert json.loads(timed("analyze", str(path), "-f", "json").stdout)["name"] == name


def test_a_hostile_folder_in_the_path_of_prove_layer(tmp_path):
    path = Path(f"{tmp_path}/[link=https://evil.example]click[/]/[bold]net[/].yaml")  # "/" makes folders
    path.parent.mkdir(parents=True)
    path.write_text(VALID)
    result = timed("prove", str(path), "--layer", "c")
    assert result.exit_code == 0 and squeezed(f"of {path}.") in squeezed(result.stdout)


def on_a_terminal(*args: str) -> str:
    """Run `convcost ARGS` with standard output on a pseudo-terminal (rich's terminal path)."""
    master, slave = pty.openpty()
    env = {**ENV, "TERM": "xterm-256color", "COLUMNS": "220", "LINES": "50"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "convcost", *args], stdout=slave, stderr=subprocess.PIPE,
                            env=env)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()
    return out.decode()


@pytest.mark.parametrize("name", ["[link=https://evil.example]click[/link]", "[/]", "[blink]x"])
def test_no_hyperlink_or_markup_on_a_terminal(tmp_path, name):
    out = on_a_terminal("analyze", str(named(tmp_path, name)))
    assert "\x1b]8;" not in out  # OSC 8, a terminal hyperlink
    assert name in out
    assert "\x1b[5m" not in out  # blink


def test_no_hyperlink_in_prove_on_a_terminal(tmp_path):
    folder = tmp_path / "[link=https:" / "evil.example]x"
    folder.mkdir(parents=True)
    path = folder / "net.yaml"
    path.write_text(VALID)
    out = on_a_terminal("prove", str(path), "--layer", "c")
    assert "\x1b]8;" not in out and "[link=https:" in out


@pytest.mark.parametrize("color", [False, True])
def test_no_string_reaches_rich_as_markup(monkeypatch, color):
    """rich reads markup (and emoji codes) only from plain strings, through Console.render_str: the
    table and the proof's text must hand it none."""
    import rich.console

    import convcost
    from convcost.proof import prove_layer
    from convcost.render import ProofFormat, RenderOptions, ReportFormat, render

    def markup(self, text, **kwargs):
        raise AssertionError(f"a str reached rich: {text!r}")

    report = convcost.analyze("mobilenet_v1", symbolic="alpha")
    proof = prove_layer(convcost.analyze("mobilenet_v1"), "sep6", source="[/]mobilenet_v1")
    monkeypatch.setattr(rich.console.Console, "render_str", markup)
    options = RenderOptions(color=color)
    assert render(report, ReportFormat.TABLE, options)
    assert "[/]mobilenet_v1" in render(proof, ProofFormat.TEXT, options)
    assert render(convcost.prove({"M": 3, "Dk": 3}), ProofFormat.TEXT, options)
