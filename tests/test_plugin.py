"""The pytest plugin (entry point `pytest11`), run through pytest's own `pytester` fixture: layer files
collected as tests, one item per check, failures worded as by `convcost check`."""

import os
import subprocess
import sys
import textwrap

import pytest

# pytester's in-process runs drop the modules an inner run imported first. PyYAML's C extension
# cannot be imported twice (it keeps the first `yaml.events` classes), so import it all out here.
import convcost.checks.run  # noqa: F401, E402
import convcost.layerfile.loader  # noqa: F401, E402

NET = """\
name: net
vars: {res: 32}
input: [3, res, res]
budget: {macs: 600k, params: 10k}
layers:
  - conv: {name: stem, out: 16, kernel: 3, padding: 1, expect: {output: [16, 32, 32]}}
  - separable: {name: sep13, out: 32, kernel: 3, stride: 2, padding: 1, expect: {output: [32, 8, 8]}}
  - avgpool: {global: true}
  - fc: {name: head, out: 10, budget: {params: 300}}
"""


@pytest.fixture
def pytester(pytester):
    # The outer suite turns warnings into errors; the projects simulated here do not.
    pytester.makeini("[pytest]\nfilterwarnings =\n    default\n")
    return pytester


def run(pytester, *args):
    # Inner runs load every installed plugin; hypothesis' alone costs about 2 s each time.
    return pytester.runpytest("-p", "no:hypothesispytest", "-p", "no:benchmark", *args)


def make(pytester, text=NET, name="net"):
    return pytester.makefile(".convcost.yaml", **{name: textwrap.dedent(text)})


def test_items_are_named_after_the_checks(pytester):
    make(pytester)
    result = run(pytester, "--collect-only", "-q")
    assert result.ret == 0
    assert result.outlines[:6] == [
        "net.convcost.yaml::shapes",
        "net.convcost.yaml::budget.macs",
        "net.convcost.yaml::budget.params",
        "net.convcost.yaml::expect[stem].output",
        "net.convcost.yaml::expect[sep13].output",
        "net.convcost.yaml::budget[head].params",
    ]


def test_failures_read_like_the_cli_without_a_traceback(pytester):
    make(pytester)
    result = run(pytester, "-rf")
    result.assert_outcomes(passed=3, failed=3)
    result.stdout.fnmatch_lines([  # fnmatch: [[] is a literal [
        "*_ convcost check: budget.macs _*",
        "net.convcost.yaml:4:16: error: network mult-adds 610,624 exceed the budget of 600,000 by 10,624 "
        "[budget.macs]",
        "  hint: largest: stem 442.37k (72.4%), sep13 167.94k (27.5%), head 320 (0.1%)",
        "*_ convcost check: expect[[]sep13].output _*",
        "net.convcost.yaml:7:90: error: layer 'sep13': expected output [32, 8, 8], got [32, 16, 16] "
        "[expect.output]",
        "  hint: if the change is intended, update the `expect` of layer 'sep13'",
        "*_ convcost check: budget[[]head].params _*",
        "net.convcost.yaml:9:48: error: layer 'head': parameters 330 exceed the budget of 300 by 30 "
        "[budget.params]",
        "*short test summary info*",
        "FAILED net.convcost.yaml::budget.macs - *",
        "FAILED net.convcost.yaml::expect[[]sep13].output - *",
        "FAILED net.convcost.yaml::budget[[]head].params - *",
    ])
    text = result.stdout.str()
    assert "Traceback" not in text and "def runtest" not in text and "plugin.py" not in text


def test_all_pass(pytester):
    make(pytester, NET.replace("[32, 8, 8]", "[32, 16, 16]").replace("600k", "0.7M").replace("300}", "330}"))
    result = run(pytester, )
    result.assert_outcomes(passed=6)
    assert result.ret == 0


def test_an_invalid_file_is_a_collection_error_with_its_location(pytester):
    make(pytester, "input: [3, 8, 8]\nlayers:\n  - convv: {out: 4}\n")
    result = run(pytester, )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*ERROR collecting net.convcost.yaml*",
                                 "net.convcost.yaml:3:5: error: unknown layer kind 'convv'",
                                 "  hint: did you mean 'conv'?"])
    assert "Traceback" not in result.stdout.str()


def test_shape_problems_fail_the_shapes_item_and_skip_what_depends_on_them(pytester):
    make(pytester, """\
        input: [3, 16, 16]
        budget: {macs: 1G}
        layers:
          - conv: {name: a, out: 8, kernel: 3, padding: 1}
          - conv: {name: b, out: 8, kernel: 3, stride: 2, padding: 1}
          - add: {name: sum, from: [a, b]}
          - relu: {name: r, expect: {output: [8, 16, 16]}}
          - conv: {name: c, out: 4, kernel: 1, from: a, expect: {output: [4, 16, 16]}}
        """)
    result = run(pytester, "-rs")
    result.assert_outcomes(passed=1, failed=1, skipped=2)
    result.stdout.fnmatch_lines([
        "net.convcost.yaml:6:5: error: layer 'sum' (add): add needs inputs of one shape, got [8, 16, 16] "
        "and [8, 8, 8] [shape.add]",
        "*SKIPPED*not evaluated: the network's shapes are inconsistent",
        "*SKIPPED*not evaluated: it reads layer 'sum', whose shapes are inconsistent",
    ])


def test_warnings_are_pytest_warnings_and_fail_with_convcost_strict(pytester):
    make(pytester, "input: [3, 8, 8]\nlayers:\n  - conv: {name: c, out: 4, kernel: 3, stride: 2}\n")
    result = run(pytester, )
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(["*net.convcost.yaml:3: ConvcostWarning: net.convcost.yaml:3:5: warning: "
                                 "layer 'c' (conv): stride 2 does not divide the input*"])
    pytester.makeini("[pytest]\nconvcost_strict = true\n")
    result = run(pytester, )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["net.convcost.yaml:3:5: error: layer 'c' (conv): stride 2 does not divide*"])


def test_ini_option_adds_patterns(pytester):
    pytester.mkdir("nets")
    (pytester.path / "nets" / "backbone.yaml").write_text(NET)
    (pytester.path / "other.yaml").write_text("not: a layer file\n")
    assert run(pytester, "--collect-only", "-q").ret == pytest.ExitCode.NO_TESTS_COLLECTED
    pytester.makeini("[pytest]\nconvcost_files = nets/*.yaml\n")
    result = run(pytester, "--collect-only", "-q")
    assert result.ret == 0
    assert "nets/backbone.yaml::budget[head].params" in result.outlines
    assert not any(line.startswith("other.yaml") for line in result.outlines)


def test_items_carry_the_convcost_marker(pytester):
    make(pytester)
    pytester.makepyfile(test_plain="def test_x():\n    pass\n")
    result = run(pytester, "-m", "convcost", "--strict-markers", "--collect-only", "-q")
    assert result.ret == 0
    assert "test_plain.py::test_x" not in result.outlines
    assert "net.convcost.yaml::shapes" in result.outlines


def test_importing_the_plugin_stays_light():
    code = ("import sys, convcost.plugin\n"
            "heavy = ('sympy', 'yaml', 'rich', 'convcost.analysis.engine', 'convcost.layerfile.loader')\n"
            "print(sorted(m for m in heavy if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONWARNINGS": "error"})
    assert out.stdout.strip() == "[]"
