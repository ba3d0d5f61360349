"""`convcost solve`: the largest value meeting the budgets and the next one up, the Pareto frontier of
two vars, and the closed-form bound, against a plain-Python MobileNetV1 and against sympy."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from fractions import Fraction

import pytest
from click.testing import CliRunner
from helpers import plain_mobilenet_v1

import convcost
from convcost.cli import main

ALPHAS = [Fraction(k, 32) for k in range(1, 33)]


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def largest(values, fits):
    ok = [v for v in values if fits(v)]
    return max(ok) if ok else None


def test_the_largest_width_under_a_mult_add_budget():
    res = run("solve", "mobilenet_v1", "--max-macs", "300M", "--vary", "alpha=1/32:1:1/32", "-f", "json")
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    best = largest(ALPHAS, lambda a: plain_mobilenet_v1(a, 224)["macs"] <= 300_000_000)
    assert best == Fraction(23, 32)
    assert (data["var"], data["value"]) == ("alpha", "23/32")
    plain = plain_mobilenet_v1(best)
    assert (data["macs"], data["params"]) == (plain["macs"], plain["params"])
    nxt = plain_mobilenet_v1(Fraction(3, 4))
    assert data["next"] == {"value": "3/4", "macs": nxt["macs"], "params": nxt["params"], "exceeds": ["macs"],
                            "error": None}
    assert data["budget"] == {"macs": 300_000_000} and data["meeting"] == 23 and data["configurations"] == 32


def test_the_closed_form_bound_is_the_positive_root():
    import sympy

    solution = convcost.solve("mobilenet_v1", {"alpha": "1/32:1:1/32"}, max_macs="300M")
    form = solution.closed_form
    alpha = sympy.Symbol("alpha", positive=True)
    # mult-adds are a*alpha**2 + b*alpha: the 1x1 convs scale with alpha twice (in and out channels),
    # the depthwise convs, the first conv and the classifier once; coefficients from the plain model
    # m(1) = a + b and m(1/2) = a/4 + b/2, so a = 2*(m(1) - 2*m(1/2)) and b = m(1) - a
    a_plus_b = plain_mobilenet_v1(1)["macs"]
    a = 2 * (a_plus_b - 2 * plain_mobilenet_v1(Fraction(1, 2))["macs"])
    b = a_plus_b - a
    assert sympy.expand(form.costs["macs"] - (a * alpha**2 + b * alpha)) == 0
    assert form.binding == "macs"
    assert sympy.simplify(a * form.bound**2 + b * form.bound - 300_000_000) == 0 and form.bound > 0
    assert solution.best.row.values[0] <= form.bound < solution.next.row.values[0]  # 23/32 <= 0.7191 < 3/4
    text = run("solve", "mobilenet_v1", "--max-macs", "300M", "--vary", "alpha=1/32:1:1/32").stdout
    assert "alpha = 23/32 (0.71875)" in text and "≈ 0.719092" in text


def test_two_budgets_the_tighter_one_binds():
    solution = convcost.solve("mobilenet_v1", {"alpha": "1/32:1:1/32"}, max_macs="600M", max_params="2M",
                              set={"res": "160"})
    best = largest(ALPHAS, lambda a: plain_mobilenet_v1(a, 160)["macs"] <= 600_000_000
                   and plain_mobilenet_v1(a, 160)["params"] <= 2_000_000)
    assert solution.best.row.values == (best,)
    assert solution.next.exceeds == ("params",)
    assert solution.closed_form.binding == "params"
    assert solution.best.row.values[0] <= solution.closed_form.bound < solution.next.row.values[0]


def test_no_value_fits_exit_1_and_the_smallest_fails():
    res = run("solve", "mobilenet_v1", "--max-macs", "1M", "--vary", "alpha=1/4:1:1/4", "-f", "json")
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    assert data["value"] is None and data["macs"] is None
    assert data["next"]["value"] == "1/4" and data["next"]["exceeds"] == ["macs"]
    assert data["closed_form"]["bound"] is not None  # the bound is below the grid's smallest value
    assert Fraction(data["closed_form"]["decimal"]) < Fraction(1, 4)


def test_the_top_of_the_grid_fits():
    solution = convcost.solve("mobilenet_v1", {"alpha": "1/4:1:1/4"}, max_macs="1G", closed_form=False)
    assert solution.best.row.values == (1,) and solution.next is None and solution.closed_form is None


def test_an_invalid_value_fails_with_its_error(tmp_path):
    net = tmp_path / "net.yaml"
    net.write_text("vars: {alpha: 1.0}\ninput: [3, 32, 32]\nlayers:\n  - conv: {out: '8*alpha', kernel: 3}\n")
    # 27 weights per output channel: 54 params at alpha 1/4, 108 at 1/2; 1/3 gives 8/3 channels
    res = run("solve", str(net), "--max-params", "100", "--vary", "alpha=1/8,1/4,1/3,1/2", "-f", "json")
    data = json.loads(res.stdout)
    assert (data["value"], data["params"]) == ("1/4", 54)
    assert data["next"]["value"] == "1/3" and data["next"]["macs"] is None and data["next"]["exceeds"] == []
    assert data["next"]["error"]["message"] == "`out` of layer 'conv_1' must be an integer, got 8/3"
    # linear in alpha: 216 * alpha <= 100; the bound is about the budget, not about valid widths
    assert data["closed_form"]["bound"] == "25/54"


def test_no_closed_form_where_the_cost_has_floors():
    solution = convcost.solve("mobilenet_v1", {"res": "32:512:32"}, max_macs="300M")
    assert solution.best.row.values == (160,)
    assert solution.closed_form.bound is None
    assert solution.closed_form.reason == "mult-adds are not a polynomial in res"


def test_the_pareto_frontier_of_two_vars():
    res = run("solve", "mobilenet_v1", "--max-macs", "300M", "--max-params", "3M",
              "--vary", "alpha=1/8:1:1/8", "--vary", "res=96:224:32", "-f", "json")
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    alphas, resolutions = [Fraction(k, 8) for k in range(1, 9)], range(96, 225, 32)
    plain = {(a, r): plain_mobilenet_v1(a, r) for a, r in itertools.product(alphas, resolutions)}
    fits = {p for p, t in plain.items() if t["macs"] <= 300_000_000 and t["params"] <= 3_000_000}
    frontier = sorted(p for p in fits if not any(q != p and q[0] >= p[0] and q[1] >= p[1] for q in fits))
    assert [(Fraction(p["vars"]["alpha"]), p["vars"]["res"]) for p in data["frontier"]] == frontier
    assert frontier == [(Fraction(5, 8), 224), (Fraction(3, 4), 192)]
    assert data["vars"] == ["alpha", "res"] and data["meeting"] == len(fits)


def test_options():
    assert run("solve", "mobilenet_v1", "--vary", "alpha=1/4:1:1/4").exit_code == 2  # no budget
    res = run("solve", "mobilenet_v1", "--max-macs", "lots", "--vary", "alpha=1")
    assert res.exit_code == 2 and "--max-macs" in res.stderr
    assert run("solve", "mobilenet_v1", "--max-macs", "1G").exit_code == 2  # --vary is required


def test_without_the_closed_form_sympy_is_not_imported():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from convcost.cli import main\n"
        "res = CliRunner().invoke(main, ['solve', 'mobilenet_v1', '--max-macs', '300M', '--vary',\n"
        "                                'alpha=1/32:1:1/32', '--no-closed-form'])\n"
        "assert res.exit_code == 0, res.output\n"
        "print('sympy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert out.stdout.split() == ["False"]


def test_solve_plot_marks_the_answer_and_the_budget(tmp_path):
    pytest.importorskip("matplotlib")
    import xml.etree.ElementTree as ET

    svg = tmp_path / "solve.svg"
    res = run("solve", "mobilenet_v1", "--max-macs", "300M", "--vary", "alpha=1/8:1:1/8", "--no-closed-form",
              "--plot", str(svg))
    assert res.exit_code == 0
    groups = {g.get("id"): g for g in ET.parse(svg).getroot().iter("{http://www.w3.org/2000/svg}g")}
    use = "{http://www.w3.org/2000/svg}use"
    assert len(list(groups["configurations-1"].iter(use))) == 8  # one var: one line through every value
    assert len(list(groups["answer"].iter(use))) == 1
