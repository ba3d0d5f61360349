"""`convcost.check()`: every kind of finding, with its exact line and column, through the Python API.

The layer files are in tests/check_files/; the positions asserted here are those of the text there
(a layer is located at its kind, `- conv:` -> column 5; a budget or expectation at its value).
"""

import textwrap
from pathlib import Path

import pytest

import convcost
from convcost.checks.findings import Severity, Status
from convcost.errors import ConvcostError

FILES = Path(__file__).parent / "check_files"


def where(report):
    """(check, line, column, layer, severity) of every finding, in report order."""
    return [(f.check, f.line, f.column, f.layer, f.severity.value) for f in report.findings]


def write(tmp_path, text, name="net.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return str(path)


def test_every_shape_inconsistency_is_reported_in_one_run():
    report = convcost.check(str(FILES / "shapes.yaml"))
    assert where(report) == [
        ("shape.add", 7, 5, "sum", "error"),
        ("shape.concat", 10, 5, "cat", "error"),
        ("shape.groups", 11, 5, "grouped", "error"),
        ("shape.zero", 12, 5, "too_big", "error"),
        ("shape.rank", 14, 5, "after_fc", "error"),
        ("shape.mul", 15, 5, "gate", "error"),
    ]
    assert not report.ok
    assert report.outcome("shapes").status is Status.FAILED
    messages = {f.check: f.message for f in report.findings}
    assert messages["shape.add"] == ("layer 'sum' (add): add needs inputs of one shape, "
                                     "got [16, 32, 32] and [16, 16, 16]")
    assert messages["shape.zero"].startswith("layer 'too_big' (conv): output height reaches -7")
    assert all(f.path == str(FILES / "shapes.yaml") for f in report.findings)
    assert all(f.hint for f in report.findings)


def test_layers_after_a_failed_one_are_skipped_and_independent_ones_still_checked():
    report = convcost.check(str(FILES / "shapes.yaml"))
    after = report.outcome("expect[after_sum].output")  # relu reading the failed add
    assert after.status is Status.SKIPPED
    assert after.message == "not evaluated: it reads layer 'sum', whose shapes are inconsistent"
    assert (after.loc.line, after.loc.column) == (8, 46)
    fine = report.outcome("expect[fine].output")  # an independent branch
    assert fine.status is Status.PASSED and (fine.loc.line, fine.loc.column) == (16, 81)
    assert report.summary() == {"errors": 6, "warnings": 0, "undecided": 0, "checks": 3, "passed": 1,
                                "failed": 1, "undecided_checks": 0, "skipped": 1}


def test_stride_that_drops_input_is_a_warning_and_padding_only_is_not():
    report = convcost.check(str(FILES / "strides.yaml"))
    assert where(report) == [
        ("shape.stride", 6, 5, "drops", "warning"),
        ("shape.stride", 7, 5, "pool", "warning"),
    ]  # not `pads` (3x3/2 padding 1: only padding dropped), `same`, `ceil` (ceil_mode), nor `tall` (1x1,
    # stride [2, 1]) and `pw` (pointwise, stride 4): windows narrower than their stride subsample by design
    assert report.ok and report.outcome("shapes").status is Status.PASSED
    by_layer = {f.layer: f.message for f in report.findings}
    assert by_layer["drops"] == ("layer 'drops' (conv): stride 2 does not divide the input: "
                                 "height and width 8 give 3.5, floored to 3: "
                                 "the last input row and column are never read")


def test_strict_turns_warnings_into_errors():
    report = convcost.check(str(FILES / "strides.yaml"), strict=True)
    assert not report.ok
    assert {f.severity for f in report.findings} == {Severity.ERROR}
    assert report.outcome("shapes").status is Status.FAILED and report.strict


def test_budgets_and_expectations_from_the_file():
    report = convcost.check(str(FILES / "budgets.yaml"))
    status = {o.name: (o.status.value, o.loc.line, o.loc.column) for o in report.outcomes}
    assert status == {
        "shapes": ("passed", 1, 1),
        "budget.macs": ("failed", 5, 16),
        "budget.params": ("passed", 5, 28),  # "4.5k": 4,500 exactly
        "budget[stem].macs": ("passed", 7, 74),
        "expect[block].output": ("passed", 14, 24),
        "expect[block].params": ("passed", 14, 46),
        "expect[block].macs": ("failed", 14, 58),
        "budget[head].params": ("failed", 16, 48),  # "res*20" with res = 32: 640
        "expect[head].output": ("passed", 16, 76),
    }
    assert where(report) == [
        ("budget.macs", 5, 16, None, "error"),
        ("expect.macs", 14, 58, "block", "error"),
        ("budget.params", 16, 48, "head", "error"),
    ]
    network, block, head = report.findings
    assert network.message == "network mult-adds 1,483,392 exceed the budget of 1,000,000 by 483,392"
    assert (network.actual, network.limit) == (1_483_392, 1_000_000)
    assert network.hint == "largest: stem 884.74k (59.6%), block 598.02k (40.3%), head 640 (0.0%)"
    assert block.message == "layer 'block': expected macs 500,000, got 598,016"
    assert (block.actual, block.expected) == (598_016, 500_000)
    assert head.message == "layer 'head': parameters 650 exceed the budget of 640 by 10"
    assert head.name == "budget[head].params"


def test_expect_output_message_and_location(tmp_path):
    path = write(tmp_path, """
        input: [3, 28, 28]
        layers:
          - conv: {name: stem, out: 8, kernel: 3, stride: 2, padding: 1}
          - separable:
              name: sep13
              out: 16
              kernel: 3
              expect:
                output: [16, 7, 7]
        """)
    (f,) = convcost.check(path).findings
    assert (f.check, f.line, f.column, f.layer) == ("expect.output", 9, 17, "sep13")
    assert f.message == "layer 'sep13': expected output [16, 7, 7], got [16, 12, 12]"
    assert f.actual == (16, 12, 12) and f.expected == (16, 7, 7)


def test_command_line_budgets_are_checks_of_the_whole_network():
    report = convcost.check("mobilenet_v1", max_macs="568740351", max_params="4.3M")
    macs, params = report.outcome("--max-macs"), report.outcome("--max-params")
    assert macs.status is Status.FAILED and params.status is Status.PASSED
    (f,) = report.findings
    assert f.check == "budget.macs" and f.name == "--max-macs" and (f.line, f.column) == (1, 1)
    assert f.message == "network mult-adds 568,740,352 exceed the budget of 568,740,351 by 1"
    assert convcost.check("mobilenet_v1", max_macs=568_740_352, max_params=4_209_088).ok  # at the limit


def test_mobilenet_passes_its_budget_and_runs_without_sympy():
    import subprocess
    import sys

    code = ("import sys, convcost\n"
            "r = convcost.check('mobilenet_v1', max_macs='600M', max_params='5M', min_saving='0.1',\n"
            "                   strict=True)\n"
            "print(r.ok, len(r.findings), 'sympy' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "0", "False"]


def test_lint_separable(tmp_path):
    path = write(tmp_path, """
        input: [3, 32, 32]
        layers:
          - conv: {name: stem, out: 32, kernel: 3, padding: 1}
          - conv: {name: one, out: 64, kernel: 1}
          - depthwise: {name: dw, kernel: 3, padding: 1}
          - pointwise: {name: pw, out: 64}
          - conv: {name: wide, out: 8, kernel: 3, padding: 1}
        """)
    report = convcost.check(path, min_saving="0.2")
    assert where(report) == [("lint.separable", 3, 5, "stem", "error")]  # 41/288 < 1/5; wide: 17/72 >= 1/5
    (f,) = report.findings
    assert f.actual == convcost.analyze(path).layer("stem").ratio and str(f.limit) == "1/5"
    assert "41/288" in f.message and "below --min-saving 0.2" in f.message
    summary = report.outcome("lint.separable").message
    assert summary == "2 standard convolution(s) compared with --min-saving 0.2"
    assert convcost.check(path, min_saving="1/8").ok
    assert "lint.separable" not in [o.name for o in convcost.check(path).outcomes]


def test_layer_budget_hint_names_the_separable_alternative(tmp_path):
    path = write(tmp_path, """
        input: [32, 16, 16]
        layers:
          - conv: {name: c, out: 64, kernel: 3, padding: 1, budget: {macs: 1M, params: 18k}}
        """)
    report = convcost.check(path)
    macs, params = report.findings
    assert (macs.line, macs.column, params.line, params.column) == (3, 68, 3, 80)
    assert macs.message == "layer 'c': mult-adds 4,718,592 exceed the budget of 1,000,000 by 3,718,592"
    assert macs.hint == "as a depthwise-separable convolution it would need 598,016 mult-adds"
    assert params.message == "layer 'c': parameters 18,432 exceed the budget of 18,000 by 432"
    assert params.hint == "as a depthwise-separable convolution it would need 2,336 parameters"


@pytest.mark.parametrize("text, message, line, column", [
    ("budget: {macs: 600m}", "unknown suffix 'm' in '600m'", 4, 16),
    ("budget: {macs: 1.2345k}", "must be a whole count, got 2469/2", 4, 16),
    ("budget: {mac: 1M}", "unknown key 'mac' in `budget`", 4, 10),
    ("budget: {macs: [1]}", "`budget`: macs must be a count, got a list", 4, 16),
    ("budget: {macs: -5}", "must not be negative, got -5", 4, 16),
    ("budget: {macs: nope}", "unknown variable 'nope'", 4, 16),
])
def test_invalid_budget_values_are_input_errors(tmp_path, text, message, line, column):
    path = write(tmp_path, f"input: [3, 8, 8]\nlayers:\n  - conv: {{out: 4, kernel: 3}}\n{text}\n")
    with pytest.raises(ConvcostError) as info:
        convcost.check(path)
    assert message in info.value.message
    assert (info.value.location.line, info.value.location.column) == (line, column)
    assert info.value.exit_code == 2


@pytest.mark.parametrize("expect, message, column", [
    ("{outptu: [4, 6, 6]}", "unknown key 'outptu' in `expect` of layer 'c'", 49),
    ("{output: 4}", "output is [channels, height, width] or [features]", 57),
    ("{output: [4, 6]}", "output is [channels, height, width] or [features]", 57),
    ("[4, 6, 6]", "`expect` of layer 'c' must be a mapping", 48),
    ("{params: 1.5}", "must be a whole count", 57),
])
def test_invalid_expectations_are_input_errors(tmp_path, expect, message, column):
    layer = f"  - conv: {{name: c, out: 4, kernel: 3, expect: {expect}}}\n"
    path = write(tmp_path, f"input: [3, 8, 8]\nlayers:\n{layer}")
    with pytest.raises(ConvcostError) as info:
        convcost.check(path)
    assert message in info.value.message
    assert (info.value.location.line, info.value.location.column) == (3, column)


def test_parse_level_problems_stay_input_errors(tmp_path):
    cycle = write(tmp_path, """
        input: [3, 8, 8]
        layers:
          - relu: {name: a, from: b}
          - relu: {name: b, from: a}
        """, "cycle.yaml")
    with pytest.raises(ConvcostError, match="cycle"):
        convcost.check(cycle)
    unknown = write(tmp_path, "input: [3, 8, 8]\nlayers:\n  - relu: {from: nope}\n", "from.yaml")
    with pytest.raises(ConvcostError, match="unknown layer 'nope'"):
        convcost.check(unknown)
    settings = write(tmp_path, "input: [3, 8, 8]\nlayers:\n  - maxpool: {name: p}\n", "pool.yaml")
    with pytest.raises(ConvcostError, match="maxpool needs a `kernel`") as info:
        convcost.check(settings)  # the layer's own settings are invalid: not a shape finding
    assert (info.value.location.line, info.value.location.column) == (3, 5)


def test_spec_objects_are_accepted():
    spec = convcost.load("mobilenet_v1", set={"alpha": "0.5"})
    report = convcost.check(spec, max_macs="150M")
    assert report.ok and report.outcome("--max-macs").actual == 149_497_088
    with pytest.raises(ValueError):
        convcost.check(spec, set={"alpha": 1})


def test_repeated_layers_get_one_expectation_each(tmp_path):
    path = write(tmp_path, """
        input: [8, 8, 8]
        layers:
          - repeat:
              name: body
              times: 2
              layers:
                - conv: {name: c, out: 8, kernel: 3, padding: 1, expect: {output: [8, 8, 8]}}
        """)
    report = convcost.check(path)
    names = [o.name for o in report.outcomes]
    assert names == ["shapes", "expect[body.1.c].output", "expect[body.2.c].output"]
    assert report.ok
