"""The tables at 80, 100 and 120 columns (issue 16): no figure cut, nothing wider than the page, what
was left out named; --wide, --depth, --totals-only; the header and the totals' exact params.

Most tests render through the same layout code as the terminal (RenderOptions(width=...)); a few run
the real command in a pseudo-terminal of each width, as a user's terminal would."""

from __future__ import annotations

import os
import re
import sys
from fractions import Fraction

import pytest
from click.testing import CliRunner

import convcost
from convcost.cli import main
from convcost.render import RenderOptions, ReportFormat, render
from convcost.zoo import builtin_names

WIDTHS = (80, 100, 120)
NUMBER = re.compile(r"(?<![\w.,])\d[\d,]*(?:\.\d+)?[kMGT]?(?![\w.])")


def table(source, width, **kw):
    options = RenderOptions(width=width, **{k: v for k, v in kw.items() if k in ("wide", "depth")})
    analyze_kw = {k: v for k, v in kw.items() if k not in ("wide", "depth")}
    return render(convcost.analyze(source, **analyze_kw), ReportFormat.TABLE, options)


def widest(text: str) -> int:
    return max(len(line.rstrip()) for line in text.splitlines())


@pytest.mark.parametrize("name", builtin_names())
@pytest.mark.parametrize("width", WIDTHS)
def test_every_builtin_fits_without_a_cut_figure(name, width):
    text = table(name, width)
    assert "…" not in text
    assert widest(text) <= width
    totals = convcost.analyze(name).totals
    for exact in (totals.params, totals.macs, totals.standard.macs, totals.separable.params):
        assert f"{exact:,}" in text  # the exact totals, whole


@pytest.mark.parametrize("width", WIDTHS)
def test_with_a_device_and_in_other_conventions_too(width):
    for kw in ({"device": "t4"}, {"convention": "fvcore"}, {"device": "rtx-4090", "convention": "flops"}):
        text = table("mobilenet_v2", width, **kw)
        assert "…" not in text and widest(text) <= width, kw


def layer_rows(text: str) -> dict[str, list[str]]:
    """name -> the figures of its row, from a table with `#` and `name` as its first columns."""
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if len(cells) > 2 and cells[0].isdigit():
            rows[cells[1]] = cells[2:]
    return rows


def test_mobilenet_v1_at_80_columns_shows_the_papers_numbers_whole():
    text = table("mobilenet_v1", 80)
    rows = layer_rows(text)
    assert len(rows) == 16 and rows["conv1"][-2:] == ["864", "10.84M"]  # 3*3*3*32 params, 112^2*864 macs
    assert rows["fc"][-2:] == ["1.02M", "1.02M"]
    assert "4,209,088" in text and "568,740,352" in text  # the paper's Table 1 totals
    assert "4,867,293,184" in text and "29,281,120" in text  # ... and Table 4's standard version
    line = " ".join(text.split())
    assert "left out at 80 columns: input, as standard, as separable, sep/std (layers); params (network " \
           "totals); --wide shows every column" in line


def test_what_is_left_out_grows_as_the_page_narrows():
    left = {w: " ".join(table("mobilenet_v1", w).split()).split("left out at")[-1] for w in WIDTHS}
    assert left[120].startswith(" 120 columns: input (layers);")
    assert left[100].startswith(" 100 columns: input, as standard (layers);")
    assert "as separable, sep/std" in left[80]
    assert "left out" not in table("mobilenet_v1", 160)


def test_the_160_column_table_keeps_every_column():
    text = table("mobilenet_v1", 160)
    header = next(line for line in text.splitlines() if "sep/std" in line)
    assert [c.strip() for c in header.split("┃")[1:-1]] == [
        "#", "name", "layer", "input", "output", "params", "mult-adds", "as standard", "as separable",
        "sep/std"]


def test_wide_shows_every_column_however_wide():
    text = table("densenet121", 80, wide=True)
    assert "as standard" in text and "input" in text and "left out" not in text
    assert widest(text) > 120 and "…" not in text


def test_names_stack_over_their_kind_before_any_name_wraps():
    text = table("densenet121", 80)
    assert "name, layer" in text  # one column: the name, and under it what the layer is
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if "denseblock1.1.conv1" in line)
    assert "conv 1x1/1" in lines[at + 1]


def test_the_header_names_the_vars_and_the_convention():
    text = table("mobilenet_v1", 120, set={"alpha": "0.75", "res": "160"})
    head = " ".join(text.split("┏")[0].split())
    assert head.startswith("mobilenet_v1 (alpha=0.75, res=160) (convention paper, MACs:")
    symbolic = " ".join(table("mobilenet_v1", 120, symbolic="alpha").split("┏")[0].split())
    assert "(res=224) (symbolic: alpha)" in symbolic


def test_the_totals_have_an_exact_params_column():
    text = table("resnet50", 120)
    row = next(line for line in text.splitlines() if "as written" in line)
    assert "25,557,032" in row and "4,089,184,256" in row  # torchvision's ResNet-50: 25,557,032 params


def test_depth_1_of_densenet_is_one_row_per_block():
    text = table("densenet121", 120, depth=1)
    assert "42 layers" in text and "168 layers" in text  # DenseNet-121: 6 and 24 dense layers x 7
    layers = text.split("network totals")[0].splitlines()
    cells = [[c.strip() for c in line.split("│")[1:3]] for line in layers if line.startswith("│")]
    assert [name for _, name in cells] == [
        "conv0", "norm0", "relu0", "pool0", "denseblock1", "transition1", "denseblock2", "transition2",
        "denseblock3", "transition3", "denseblock4", "norm5", "relu", "avgpool", "flatten", "classifier"]
    assert [index for index, _ in cells][4:6] == ["4-45", "46-49"]  # a summed row's # is its range
    row = next(line for line in text.splitlines() if "│ denseblock1 " in line)
    assert "256x56x56" in row  # the output of the block's last concat: 64 + 6 x 32 channels


@pytest.mark.parametrize("name", builtin_names())
@pytest.mark.parametrize("depth", (1, 2))
def test_summed_rows_add_up_to_the_totals(name, depth):
    from convcost.render.view import build
    from convcost.render.view_depth import collapse

    report = convcost.analyze(name)
    view = collapse(build(report), report, depth)
    rows = [r.cells for r in view.rows if not r.part]
    t = report.totals
    assert sum(r["params"] for r in rows) == t.params
    assert sum(r["macs"] for r in rows) == t.macs
    grouped = [r for r in rows if r["kind"] == "group"]
    assert grouped or depth > 1, name  # every built-in has scoped names
    for r in grouped:  # a group's alternatives count what its layers count in the totals
        if r.get("standard_macs"):  # 0: the depthwise half of a pair whose pointwise is in the next row
            assert r["ratio"] == Fraction(r["separable_macs"], r["standard_macs"])


def test_depth_standard_and_separable_sums_are_the_totals():
    from convcost.conventions.recount import versions

    for name in ("mobilenet_v1", "resnet18", "efficientnet_b0"):
        report = convcost.analyze(name)
        terms = [versions(r) for r in report.layers]
        assert sum(s.macs for s, _ in terms) == report.totals.standard.macs
        assert sum(p.macs for _, p in terms) == report.totals.separable.macs
        assert sum(p.params for _, p in terms) == report.totals.separable.params


def test_mobilenet_depth_1_sums_the_five_repeated_blocks():
    text = table("mobilenet_v1", 120, depth=1)
    row = next(line for line in text.splitlines() if "│ body " in line)
    assert "7-11" in row and "5 layers" in row
    assert "1.33M" in row  # 5 x 266,752 params: 3*3*512 + 512*512 each
    assert "261.42M" in row  # 5 x 52,283,392 mult-adds: 14*14*(3*3*512 + 512*512) each


def test_totals_only():
    runner = CliRunner()
    for args in (["--totals-only"], ["--totals"], ["--depth", "0"]):
        res = runner.invoke(main, ["analyze", "resnet18", *args])
        assert res.exit_code == 0, res.output
        assert "layer" not in res.stdout.split("network totals")[0].split("(convention")[0]
        assert "11,689,512" in res.stdout and "1,814,073,344" in res.stdout  # torchvision's ResNet-18
        assert "by kind" not in res.stdout and "│ conv1" not in res.stdout


def test_depth_and_totals_only_are_for_the_table_and_markdown():
    runner = CliRunner()
    for fmt in ("json", "csv"):
        res = runner.invoke(main, ["analyze", "resnet18", "--depth", "1", "-f", fmt])
        assert res.exit_code == 2 and "--depth shapes the table and Markdown" in res.stderr
    res = runner.invoke(main, ["analyze", "resnet18", "--depth", "1", "-f", "markdown"])
    assert res.exit_code == 0 and "| layer1 | 14 layers |" in res.stdout.replace("| 4-17 ", "")
    res = runner.invoke(main, ["analyze", "resnet18", "--depth", "-1"])
    assert res.exit_code == 2


def test_a_pipe_with_columns_set_uses_columns():
    runner = CliRunner()
    res = runner.invoke(main, ["analyze", "mobilenet_v1"], env={"COLUMNS": "80"})
    assert widest(res.stdout) <= 80 and "left out at 80 columns" in " ".join(res.stdout.split())
    res = runner.invoke(main, ["analyze", "mobilenet_v1"], env={"COLUMNS": ""})
    assert "left out" not in res.stdout  # 160 columns, as the goldens
    res = runner.invoke(main, ["analyze", "mobilenet_v1", "-o", "/dev/null"], env={"COLUMNS": "80"})
    assert res.exit_code == 0
    res = runner.invoke(main, ["compare", "resnet18", "--by-layer"], env={"COLUMNS": "80"})
    assert widest(res.stdout) <= 80 and "…" not in res.stdout


# -- in a real terminal --------------------------------------------------------------------------


def in_terminal(width: int, *args: str, env: dict | None = None) -> tuple[int, str]:
    """`convcost ARGS` in a pseudo-terminal `width` columns wide: (exit code, what it printed)."""
    pty = pytest.importorskip("pty")
    import fcntl
    import struct
    import termios

    size = struct.pack("HHHH", 50, width, 0, 0)
    pid, fd = pty.fork()
    if pid == 0:  # the child: a terminal of that size, no COLUMNS to say otherwise
        try:
            os.environ.pop("COLUMNS", None)
            os.environ.update(env or {})
            fcntl.ioctl(1, termios.TIOCSWINSZ, size)  # the terminal is fd 1 (sys.stdout is pytest's)
            os.execv(sys.executable, [sys.executable, "-m", "convcost", *args])
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, size)
    out = b""
    while True:
        try:
            chunk = os.read(fd, 1 << 16)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out.decode()).replace("\r\n", "\n")
    return os.waitstatus_to_exitcode(status), text


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("width", WIDTHS)
def test_in_a_terminal_of_each_width(width):
    for args in (["analyze", "mobilenet_v1"], ["analyze", "mobilenet_v1", "--device", "t4"],
                 ["compare", "resnet18"], ["sweep", "mobilenet_v1", "--grid", "alpha=1,0.5"], ["devices"]):
        code, text = in_terminal(width, *args)
        assert code == 0, (args, text)
        assert "…" not in text, args
        assert widest(text) <= width, (args, [line for line in text.splitlines() if len(line) > width])
    code, text = in_terminal(width, "analyze", "mobilenet_v1")
    assert "568,740,352" in text and "4,209,088" in text and "10.84M" in text


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_long_network_in_a_terminal_suggests_depth():
    _, text = in_terminal(100, "analyze", "densenet121")
    assert "427 layers: --depth 1 sums each top-level block into one row" in " ".join(text.split())
    _, text = in_terminal(100, "analyze", "densenet121", "--depth", "1")
    assert "--depth 1 sums" not in text and "denseblock3" in text and widest(text) <= 100


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_wide_in_a_terminal_prints_every_column():
    _, text = in_terminal(80, "analyze", "mobilenet_v1", "--wide")
    assert "as separable" in text and "input" in text and "…" not in text
    assert "231.21M" in text  # sep1 as standard: 112*112*32*64*9


def test_compare_at_80_columns_puts_the_explanations_under_the_table():
    from convcost.render import CompareFormat

    comparison = convcost.compare("resnet18")
    text = render(comparison, CompareFormat.TABLE, RenderOptions(width=80))
    assert widest(text) <= 80 and "…" not in text
    assert "what makes the difference:" in text
    assert "keras: params +9,600 batch norm moving mean and variance" in " ".join(text.split())
    by_layer = render(comparison, CompareFormat.TABLE, RenderOptions(width=80, by_layer=True))
    assert widest(by_layer) <= 80 and "…" not in by_layer
    assert "(1 of " in by_layer and "every layer, continued" in by_layer
    for name in ("paper", "fvcore", "onnx-tool", "keras"):  # every convention's column, in some part
        assert f" {name} ┃" in by_layer or f" {name} " in by_layer


def test_sweep_in_parts_on_a_narrow_page_whole_in_a_file():
    from convcost.analysis.sweep import Axis, parse_values, sweep
    from convcost.limits import DEFAULT_LIMITS
    from convcost.render import SweepFormat
    from convcost.sources import builder

    _, build = builder("mobilenet_v1")
    axis = Axis("alpha", parse_values("1,0.5", "--grid alpha", DEFAULT_LIMITS))
    result = sweep(build, [axis], {}, "mobilenet_v1", DEFAULT_LIMITS)
    narrow = render(result, SweepFormat.TABLE, RenderOptions(width=80))
    assert widest(narrow) <= 80
    assert narrow.count("alpha ") >= 2  # the swept var heads each part
    assert "559,445,248" in narrow  # separable mult-adds at alpha = 1, whole
    whole = render(result, SweepFormat.TABLE)
    assert widest(whole) > 80 and whole.count("alpha ") == 1
