"""Issue 15 (items 9 and 10): the Python API, the pytest plugin and convcost.testing with hostile values.

- Exact results beyond Python's 4,300-digit guard on int -> text work through the API, the plugin
  and convcost.render.render as they do on the command line, and the guard is restored afterwards.
- Every argument is checked at the API boundary as the CLI checks its options: a wrong object is a
  ConvcostError naming the argument (never a raw TypeError or AttributeError), and nothing inexact
  (a float, NaN, an infinity, a sympy Float) gets into exact arithmetic.
"""

from __future__ import annotations

import json
import sys
import textwrap
import threading
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import sympy

# pytester's in-process runs drop the modules an inner run imported first (see tests/test_plugin.py).
import convcost
import convcost.checks.run  # noqa: F401
import convcost.layerfile.loader  # noqa: F401
from convcost.errors import ConvcostError
from convcost.limits import Limits, exact_int_text
from convcost.render import FindingsFormat, ProofFormat, ReportFormat, render
from convcost.testing import assert_output_shape, assert_within_budget

GUARD = sys.get_int_max_str_digits()
# 2**4000 channels and sizes: a 1x1 conv's mult-adds are 2**16000, 4,817 digits.
HUGE = "vars: {b: '(2**1000)**4'}\ninput: [b, b, b]\nlayers:\n  - conv: {out: b, kernel: 1, name: c}\n"
B = 2**4000
# Results that large need int_bits raised (every value convcost computes stays within it, 4096 bits by
# default, docs/security.md): with the default, the network is refused (test_plugin_... below).
RAISED = Limits(int_bits=16_100)


@pytest.fixture
def huge(tmp_path) -> Path:
    path = tmp_path / "huge.yaml"
    path.write_text(HUGE)
    return path


def digits(n: int) -> str:
    with exact_int_text():
        return str(n)


@pytest.fixture(autouse=True)
def guard_restored():
    assert sys.get_int_max_str_digits() == GUARD
    yield
    assert sys.get_int_max_str_digits() == GUARD  # every use of convcost restores Python's guard


# -- item 9: exact beyond 4,300 digits ---------------------------------------------------------------


def test_api_check_of_a_huge_network(huge):
    report = convcost.check(huge, max_macs=1000, limits=RAISED)
    assert not report.ok
    failed = report.outcome("--max-macs")
    assert failed.actual == B**4 and digits(B**4) in failed.findings[0].message.replace(",", "")


def test_api_analyze_and_render_of_a_huge_network(huge):
    report = convcost.analyze(huge, limits=RAISED)
    assert report.totals.macs == B**4 and report.layers[0].params == B**2
    for fmt in ReportFormat:
        assert render(report, fmt)
    text = render(report, ReportFormat.JSON)
    assert f'"macs": {digits(B**4)}' in text
    checked = convcost.check(huge, max_macs="1000", limits=RAISED)
    assert digits(B**4) in render(checked, FindingsFormat.JSON)


def test_api_prove_with_huge_numbers():
    proof = convcost.prove({"M": B, "N": B, "Dk": 3, "Dkp": 3, "Do": B, "Dop": 1})
    assert proof.verified and proof.standard_macs == 9 * B**3
    assert digits(9 * B**3) in render(proof, ProofFormat.JSON)


def test_testing_helpers_with_a_huge_network(huge):
    assert_output_shape(huge, "c", [B, B, B], limits=RAISED)
    with pytest.raises(AssertionError, match="exceed the budget of 1,000"):
        assert_within_budget(huge, macs=1000, limits=RAISED)
    with pytest.raises(AssertionError, match="exceed the budget of"):
        assert_within_budget(huge, params=B, limits=RAISED)
    refused(lambda: assert_within_budget(huge, macs=B**4), "macs", "16001 bits")


def test_concurrent_api_calls_keep_the_guard_lifted_until_the_last_ends(huge):
    errors: list[BaseException] = []

    def work():
        try:
            for _ in range(3):
                text = render(convcost.analyze(huge, limits=RAISED), ReportFormat.CSV)
                assert text.count(digits(B**4)) >= 1
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


@pytest.fixture
def pytester(pytester):
    pytester.makeini("[pytest]\nfilterwarnings =\n    default\n")
    return pytester


def test_plugin_refuses_a_huge_network_as_a_located_error(pytester):
    # the plugin runs with the default limits: values over int_bits are refused where they grow
    # (the layer), a collection error in convcost's words, never a traceback or Python's digit limit
    text = HUGE + "budget: {macs: 1000}\n"
    text = text.replace("name: c}", "name: c, expect: {output: [b, b, '(2**1000)**4']}}")
    pytester.makefile(".convcost.yaml", huge=textwrap.dedent(text))
    result = pytester.runpytest("-p", "no:hypothesispytest", "-p", "no:benchmark", "-rf")
    out = result.stdout.str()
    assert "Traceback" not in out and "ValueError" not in out
    result.assert_outcomes(errors=1)
    assert "huge.convcost.yaml:4:5: error: layer 'c' (conv): a size or cost grew to a number of 8001 " \
           "bits" in out


# -- item 10: arguments -----------------------------------------------------------------------------


def refused(call, *words: str) -> ConvcostError:
    """`call()` raises a ConvcostError (exit 2) whose text works and names `words`."""
    with pytest.raises(ConvcostError) as info:
        call()
    err = info.value
    text = str(err)
    assert err.exit_code == 2 and text == err.format()
    assert err.location is None or type(err.location.path) is str
    for word in words:
        assert word in text, text
    return err


class PathLikeBytes:
    def __fspath__(self):
        return b"mobilenet_v1"


class BadPathLike:
    def __fspath__(self):
        return 42


@pytest.mark.parametrize("source", [None, 42, 3.5, {}, [], ("mobilenet_v1",), b"mobilenet_v1", object(),
                                    BadPathLike()])
@pytest.mark.parametrize("function", ["load", "analyze", "check"])
def test_sources_that_are_not_paths(function, source):
    refused(lambda: getattr(convcost, function)(source), "source")


@pytest.mark.parametrize("source", ["", "mobile\0net", "/tmp\0/x.yaml"])
def test_empty_and_nul_sources(source):
    refused(lambda: convcost.check(source), "source")


def test_a_directory_as_a_path_object():
    err = refused(lambda: convcost.check(Path("/tmp")), "/tmp: error: is a directory")
    assert err.location.path == "/tmp"


def test_path_objects_are_read(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text("input: [3, 8, 8]\nlayers:\n  - conv: {out: 4, kernel: 1}\n")
    assert convcost.analyze(path).totals.macs == 3 * 4 * 64
    assert convcost.analyze(path).source == str(path)
    assert convcost.check(path, max_macs=768).ok and not convcost.check(path, max_macs=767).ok
    assert convcost.load(PathLikeBytes()).name == convcost.load("mobilenet_v1").name


BAD_VALUES = [sympy.nan, float("nan"), float("inf"), -float("inf"), 0.5, 1.0, sympy.Float(0.5),
              sympy.Float(1), sympy.oo, -sympy.oo, sympy.zoo, True, False, None, [1], complex(1, 0),
              Decimal("0.5"), sympy.Symbol("alpha"), sympy.sqrt(2), sympy.I,
              sympy.Rational(1, 2) + sympy.Float(0.25), object()]


@pytest.mark.parametrize("value", BAD_VALUES, ids=repr)
def test_set_values_that_are_not_exact_numbers(value):
    err = refused(lambda: convcost.check("mobilenet_v1", set={"alpha": value}, max_macs="600M"), "'alpha'")
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        assert 'Fraction(1, 10)' in str(err) and '"0.1"' in str(err)  # the hint says what to pass


@pytest.mark.parametrize("value", BAD_VALUES, ids=repr)
@pytest.mark.parametrize("function", ["load", "analyze"])
def test_set_values_refused_by_load_and_analyze(function, value):
    refused(lambda: getattr(convcost, function)("mobilenet_v1", set={"res": value}), "'res'")


@pytest.mark.parametrize("value", [Fraction(3, 4), "0.75", "3/4", sympy.Rational(3, 4)], ids=repr)
def test_exact_set_values_are_accepted(value):
    # alpha = 3/4: MobileNet 0.75-224 has 325 million mult-adds (Howard et al., 2017, Table 6)
    report = convcost.analyze("mobilenet_v1", set={"alpha": value})
    assert report.vars["alpha"] == Fraction(3, 4)
    assert (report.totals.macs + 500_000) // 10**6 == 325


@pytest.mark.parametrize("value", [224, sympy.Integer(224), Fraction(224), "224", "2**7 + 96"], ids=repr)
def test_integer_set_values_are_accepted(value):
    assert convcost.analyze("mobilenet_v1", set={"res": value}).totals.macs == 568_740_352


def test_set_values_over_int_bits():
    refused(lambda: convcost.load("mobilenet_v1", set={"res": 2**5000}), "'res'", "5001 bits", "4096")
    refused(lambda: convcost.load("mobilenet_v1", set={"alpha": Fraction(1, 2**5000)}), "'alpha'", "bits")


@pytest.mark.parametrize("given", [[("alpha", 1)], "alpha=1", 42, {1: 2}, {("alpha",): 1}])
def test_set_must_be_a_mapping_of_names(given):
    refused(lambda: convcost.load("mobilenet_v1", set=given), "set")


@pytest.mark.parametrize("given", ["alpha", ["alpha"], ("alpha",), {"alpha"}, "alpha, res"])
def test_symbolic_names(given):
    spec = convcost.load("mobilenet_v1", symbolic=given)
    names = {"alpha"} | ({"res"} if "res" in given else set())
    assert {v.name for v in spec.vars.values() if v.symbolic} == names


@pytest.mark.parametrize("given", [42, [42], b"alpha", {"alpha": 1}, ["alpha", None]])
def test_symbolic_must_be_names(given):
    refused(lambda: convcost.load("mobilenet_v1", symbolic=given), "symbolic")


@pytest.mark.parametrize("given", [{"layers": 5}, 5, "layers=5", Limits(layers=0), Limits(layers=2.5),
                                   Limits(int_bits=True), Limits(layers=-1), Limits(file_bytes=2**63 - 1),
                                   Limits(int_bits=10**30)])
def test_limits_must_be_a_limits_of_positive_ints(given):
    refused(lambda: convcost.check("mobilenet_v1", limits=given), "limit")


def test_limits_are_applied():
    refused(lambda: convcost.analyze("mobilenet_v1", limits=Limits(layers=5)), "more than 5 layers")


BAD_BUDGETS = [6e8, float("nan"), sympy.nan, sympy.oo, sympy.Float(6e8), True, [600_000_000], Decimal(600),
               2**5000, sympy.Integer(2)**5000 * sympy.Symbol("x"), sympy.I * 600]


@pytest.mark.parametrize("value", BAD_BUDGETS, ids=repr)
@pytest.mark.parametrize("option", ["max_macs", "max_params"])
def test_budgets_that_are_not_exact_counts(option, value):
    refused(lambda: convcost.check("mobilenet_v1", **{option: value}), option)


@pytest.mark.parametrize("value", [600_000_000, "600M", sympy.Integer(600_000_000), Fraction(600_000_000)],
                         ids=repr)
def test_exact_budgets(value):
    report = convcost.check("mobilenet_v1", max_macs=value, max_params=4_209_088)
    assert report.ok and report.outcome("--max-macs").limit == 600_000_000


@pytest.mark.parametrize("value", [0.2, float("nan"), sympy.Float(0.2), sympy.nan, True, [1]], ids=repr)
def test_min_saving_that_is_not_exact(value):
    refused(lambda: convcost.check("mobilenet_v1", min_saving=value), "min_saving")


@pytest.mark.parametrize("value", ["0.2", Fraction(1, 5), sympy.Rational(1, 5), "1/5"], ids=repr)
def test_exact_min_saving(value):
    outcome = convcost.check("mobilenet_v1", min_saving=value).outcome("lint.separable")
    assert outcome.check == "lint.separable"


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_strict_is_a_bool(value):
    refused(lambda: convcost.check("mobilenet_v1", strict=value), "strict")


def test_a_spec_with_set_is_refused_and_still_a_value_error():
    spec = convcost.load("mobilenet_v1")
    for call in (lambda: convcost.check(spec, set={"alpha": 1}),
                 lambda: convcost.analyze(spec, symbolic="alpha")):
        err = refused(call, "set/symbolic apply when loading")
        assert isinstance(err, ValueError)
    refused(lambda: convcost.load(spec), "source")


@pytest.mark.parametrize("value", [sympy.nan, float("nan"), 3.0, sympy.Float(3), True, "3", 2**5000, sympy.oo,
                                   [3]], ids=repr)
def test_prove_values_that_are_not_exact(value):
    refused(lambda: convcost.prove({"M": value}), "'M'")


@pytest.mark.parametrize("call", [lambda: convcost.prove([3]), lambda: convcost.prove({1: 3}),
                                  lambda: convcost.prove(bias="yes"), lambda: convcost.prove(multipliers=1)])
def test_prove_arguments(call):
    refused(call)


def test_prove_exact_values():
    proof = convcost.prove({"M": sympy.Integer(32), "N": 64, "Dk": 3})
    assert proof.verified and proof.values["M"] == 32


@pytest.mark.parametrize("call,word", [
    (lambda: assert_within_budget(None, macs=1), "network"),
    (lambda: assert_within_budget(42, macs=1), "network"),
    (lambda: assert_within_budget("mobilenet_v1", macs=6e8), "macs"),
    (lambda: assert_within_budget("mobilenet_v1", params=sympy.nan), "params"),
    (lambda: assert_within_budget("mobilenet_v1", macs="600M", set={"alpha": 0.5}), "'alpha'"),
    (lambda: assert_output_shape("mobilenet_v1", 42, [1024, 7, 7]), "layer"),
    (lambda: assert_output_shape("mobilenet_v1", "sep13", "1024,7,7"), "shape"),
    (lambda: assert_output_shape("mobilenet_v1", "sep13", [1024.0, 7, 7]), "shape[0]"),
    (lambda: assert_output_shape("mobilenet_v1", "sep13", [1024, sympy.nan, 7]), "shape[1]"),
    (lambda: assert_output_shape(Path("/tmp"), "sep13", [1024, 7, 7]), "is a directory"),
])
def test_testing_helpers_refuse_what_the_api_refuses(call, word):
    refused(call, word)


def test_testing_helpers_take_exact_values():
    assert_output_shape("mobilenet_v1", "sep13", [1024, sympy.Integer(7), Fraction(7)])
    path = Path(convcost.load("mobilenet_v1").path)
    assert_within_budget(path, macs=sympy.Integer(600_000_000), params="5M")


def test_nan_budget_from_the_issue_is_never_ok():
    # the red team's case: alpha = NaN made "mult-adds nan within the budget", ok=True
    refused(lambda: convcost.check("mobilenet_v1", set={"alpha": sympy.nan}, max_macs="600M"),
            "'alpha'", "NaN")


def test_json_of_api_results_round_trips():
    report = convcost.check("mobilenet_v1", max_macs=Fraction(600_000_000))
    data = json.loads(render(report, FindingsFormat.JSON))
    assert data["ok"] is True
