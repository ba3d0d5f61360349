"""Counting conventions (`--convention`, `convcost compare`): every convention's total against the
number the real tool prints, the invariants that tie the conventions together, and the outputs.

MEASURED holds what the tools printed, measured by tests/test_peer_tools.py (which runs them when
they are installed; it asserts that these numbers are still what they print) with torch 2.14.1 and
torchvision 0.29.1 on CPU, on torchvision's own models (weights=None, eval mode) at 1x3x224x224 and on
tests/nets/probe.yaml built in PyTorch. They are the tools' numbers, not convcost's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import convcost
from convcost.cli import main
from convcost.conventions import CONVENTIONS, NAMES, apply, count
from convcost.errors import ConvcostError
from convcost.zoo import builtin_names

NETS = Path(__file__).parent / "nets"
ROOT = Path(__file__).parent.parent

TOOL_VERSIONS = {"ptflops": "0.7.5", "thop": "0.1.1.post2209072238", "fvcore": "0.1.5.post20221221",
                 "torchinfo": "1.8.0", "onnx-tool": "1.0.1"}

SOURCES = {"resnet18": "resnet18", "mobilenet_v2": "mobilenet_v2", "resnet50": str(NETS / "resnet50.yaml"),
           "vgg16": str(NETS / "vgg16.yaml"), "probe": str(NETS / "probe.yaml")}

# (network, convention) -> (total, params) as printed by:
#   paper, flops  conv2d/linear forward hooks (out elements x weights per output; flops twice that),
#                 sum(p.numel() for p in model.parameters())
#   ptflops       get_model_complexity_info(model, (3, 224, 224), as_strings=False) (backend pytorch)
#   ptflops-aten  the same with backend="aten"
#   thop          thop.profile(model, inputs=(x,)) (floats, all whole)
#   fvcore        FlopCountAnalysis(model, x).total(), parameter_count(model)[""]
#   torchinfo     summary(model, input_size=(1, 3, 224, 224)).total_mult_adds, .total_params
#   onnx-tool     model_profile's Total of torch.onnx.export(model, (x,), f, dynamo=False) (opset 20),
#                 every parameter and BN statistic distinct (as trained): the exporter shares equal tensors
#   keras         the parameters plus every BN's running_mean and running_var (Keras's non-trainable weights)
MEASURED = {
    ("resnet18", "paper"): (1814073344, 11689512),
    ("resnet18", "flops"): (3628146688, 11689512),
    ("resnet18", "ptflops"): (1825313768, 11689512),
    ("resnet18", "ptflops-aten"): (1814074344, 11689512),
    ("resnet18", "thop"): (1824033792, 11689512),
    ("resnet18", "fvcore"): (1819065856, 11689512),
    ("resnet18", "torchinfo"): (1814083944, 11689512),
    ("resnet18", "onnx-tool"): (1821452264, 11684712),
    ("resnet18", "keras"): (1814073344, 11699112),
    ("resnet50", "paper"): (4089184256, 25557032),
    ("resnet50", "flops"): (8178368512, 25557032),
    ("resnet50", "ptflops"): (4132436968, 25557032),
    ("resnet50", "ptflops-aten"): (4089185256, 25557032),
    ("resnet50", "thop"): (4133742592, 25557032),
    ("resnet50", "fvcore"): (4111512576, 25557032),
    ("resnet50", "torchinfo"): (4089238376, 25557032),
    ("resnet50", "onnx-tool"): (4117342184, 25530472),
    ("resnet50", "keras"): (4089184256, 25610152),
    ("vgg16", "paper"): (15470264320, 138357544),
    ("vgg16", "flops"): (30940528640, 138357544),
    ("vgg16", "ptflops"): (15523225576, 138357544),
    ("vgg16", "ptflops-aten"): (15483821032, 138357544),
    ("vgg16", "thop"): (15470314496, 138357544),
    ("vgg16", "fvcore"): (15470289408, 138357544),
    ("vgg16", "torchinfo"): (15483821032, 138357544),
    ("vgg16", "onnx-tool"): (15503523304, 138357544),
    ("vgg16", "keras"): (15470264320, 138357544),
    ("mobilenet_v2", "paper"): (300774272, 3504872),
    ("mobilenet_v2", "flops"): (601548544, 3504872),
    ("mobilenet_v2", "ptflops"): (320300008, 3504872),
    ("mobilenet_v2", "ptflops-aten"): (300775272, 3504872),
    ("mobilenet_v2", "thop"): (327486720, 3504872),
    ("mobilenet_v2", "fvcore"): (314193216, 3504872),
    ("mobilenet_v2", "torchinfo"): (300809384, 3504872),
    ("mobilenet_v2", "onnx-tool"): (319949192, 3487816),
    ("mobilenet_v2", "keras"): (300774272, 3538984),
    ("probe", "paper"): (597050, 9267),
    ("probe", "flops"): (1194100, 9267),
    ("probe", "ptflops"): (731555, 9267),
    ("probe", "ptflops-aten"): (606803, 9267),
    ("probe", "thop"): (645221, 9267),
    ("probe", "fvcore"): (641762, 9267),
    ("probe", "torchinfo"): (606987, 9267),
    ("probe", "onnx-tool"): (4414639, 9275),
    ("probe", "keras"): (597050, 9483),
}


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize(("net", "tool"), sorted(MEASURED))
def test_convention_total_is_what_the_tool_prints(net, tool):
    report = convcost.analyze(SOURCES[net], convention=tool)
    assert (report.totals.macs, report.totals.params) == MEASURED[net, tool]
    assert report.convention == tool


@pytest.mark.parametrize(("net", "tool"), [k for k in sorted(MEASURED) if k[0] != "probe"])
def test_cli_prints_the_tools_total(net, tool):
    text = run("analyze", SOURCES[net], "--convention", tool).stdout
    assert f"{MEASURED[net, tool][0]:,}" in text
    data = json.loads(run("analyze", SOURCES[net], "--convention", tool, "-f", "json").stdout)
    assert (data["totals"]["macs"], data["totals"]["params"]) == MEASURED[net, tool]
    assert data["convention"] == tool
    assert data["unit"] == ("FLOPs" if tool == "flops" else "MACs")


@pytest.mark.parametrize(("net", "tool"), [k for k in sorted(MEASURED) if k[0] in ("resnet50", "vgg16")])
def test_built_in_copies_of_the_measured_networks(net, tool):
    """Built-in resnet50 and vgg16 (when the zoo has them) must count as the networks measured."""
    if net not in builtin_names():
        pytest.skip(f"no built-in {net}")
    report = convcost.analyze(net, convention=tool)
    assert (report.totals.macs, report.totals.params) == MEASURED[net, tool]


def test_the_issues_numbers():
    """The numbers the issue quotes for torchvision's ResNet-50 (4.089 G torchinfo, 4.112 G fvcore,
    4.132 G ptflops, 4.134 G thop; conv + fc 4,089,184,256) and the layer files' sizes."""
    quoted = {"torchinfo": 4.089, "fvcore": 4.112, "ptflops": 4.132, "thop": 4.134}
    for tool, giga in quoted.items():
        assert round(MEASURED["resnet50", tool][0] / 1e9, 3) == giga
    r50, vgg = convcost.analyze(SOURCES["resnet50"]), convcost.analyze(SOURCES["vgg16"])
    assert (r50.totals.params, r50.totals.macs) == (25557032, 4089184256)
    assert (vgg.totals.params, vgg.totals.macs) == (138357544, 15470264320)


# -- invariants between conventions --------------------------------------------------------------

ALL = [*builtin_names(), *(str(p) for p in sorted(NETS.glob("*.yaml")))]


def test_paper_is_the_report_itself():
    report = convcost.analyze("resnet18")
    assert apply(report, "paper") is report
    assert convcost.analyze("resnet18", convention="paper") == report
    assert report.convention == "paper"


@pytest.mark.parametrize("source", ALL)
def test_flops_is_twice_paper_everywhere(source):
    paper = convcost.analyze(source)
    flops = apply(paper, "flops")
    assert flops.totals.macs == 2 * paper.totals.macs
    assert flops.totals.standard == paper.totals.standard._replace(macs=2 * paper.totals.standard.macs)
    assert flops.totals.separable == paper.totals.separable._replace(macs=2 * paper.totals.separable.macs)
    for a, b in zip(paper.layers, flops.layers, strict=True):
        assert (b.params, b.macs) == (a.params, 2 * a.macs)
        if a.standard is not None:
            assert (b.standard.macs, b.separable.macs, b.ratio) == (2 * a.standard.macs, 2 * a.separable.macs,
                                                                     a.ratio)
    assert flops.totals.counters == paper.totals.counters


@pytest.mark.parametrize("source", ALL)
def test_versions_of_the_totals_are_chosen_as_the_engine_chooses(source):
    # keras counts mult-adds as the paper does: its "all standard" and "separable where cheaper"
    # totals must be the engine's own, so apply() picks each layer's version as analysis.build does
    paper = convcost.analyze(source)
    keras = apply(paper, "keras")
    assert (keras.totals.standard.macs, keras.totals.separable.macs) == (paper.totals.standard.macs,
                                                                        paper.totals.separable.macs)
    stats = 2 * sum(r.output[0] for r in paper.layers if r.kind in ("bn", "batchnorm"))
    assert keras.totals.params == paper.totals.params + stats


@pytest.mark.parametrize("source", ALL)
@pytest.mark.parametrize("name", NAMES)
def test_rows_and_kinds_add_up_in_every_convention(source, name):
    report = apply(convcost.analyze(source), name)
    assert sum(r.macs for r in report.layers) == report.totals.macs
    assert sum(r.params for r in report.layers) == report.totals.params
    assert sum(k.macs for k in report.by_kind) == report.totals.macs
    assert sum(k.params for k in report.by_kind) == report.totals.params
    for r in report.layers:
        if len(r.parts) > 1:
            assert sum(p.macs for p in r.parts) == r.macs


@pytest.mark.parametrize("source", ALL)
@pytest.mark.parametrize("name", NAMES)
def test_the_terms_explain_the_whole_difference(source, name):
    counted = count(convcost.analyze(source), name)
    assert counted.paper_count + sum(v for _, v in counted.versus_paper) == counted.count
    assert counted.paper_params + sum(v for _, v in counted.params_versus_paper) == counted.params
    for layer in counted.layers:
        assert sum(v for _, v in layer.terms) == layer.count


def test_bias_counts_where_the_tool_counts_it():
    text = ("input: [3, 8, 8]\nlayers:\n  - conv: {out: 4, kernel: 3, padding: 1, bias: true}\n"
            "  - fc: {out: 2}\n")
    from convcost.layerfile.loader import load_text

    report = convcost.analyze(load_text(text, "bias.yaml"))
    conv, fc = 3 * 9 * 4 * 64, 4 * 64 * 2
    biases = 4 * 64 + 2
    assert report.totals.macs == conv + fc
    for name, with_bias in (("ptflops", True), ("ptflops-aten", True), ("torchinfo", True),
                            ("onnx-tool", True), ("thop", False), ("fvcore", False), ("paper", False)):
        assert apply(report, name).totals.macs == conv + fc + (biases if with_bias else 0), name


# -- the layer file's `torch` setting -------------------------------------------------------------


def _total(text: str, name: str):
    from convcost.layerfile.loader import load_text

    return apply(convcost.analyze(load_text(text, "t.yaml")), name).totals.macs


@pytest.mark.parametrize(("form", "ptflops", "thop", "fvcore", "onnx"), [
    ("module", 2 * 64, 64 + 4, 64, 64 + 4 * 4),  # nn.AdaptiveAvgPool2d: module hook + F call
    ("functional", 64, 0, 64, 64 + 4 * 4),  # F.adaptive_avg_pool2d: no module for thop
    ("mean", 0, 0, 0, 64),  # x.mean((2, 3)): ReduceMean
])
def test_global_pool_forms(form, ptflops, thop, fvcore, onnx):
    text = f"input: [4, 4, 4]\nlayers:\n  - avgpool: {{global: true, torch: {form}}}\n"
    assert _total(text, "paper") == 0
    totals = [_total(text, name) for name in ("ptflops", "thop", "fvcore", "onnx-tool")]
    assert totals == [ptflops, thop, fvcore, onnx]


@pytest.mark.parametrize(("form", "ptflops"), [("module", 2 * 64), ("functional", 64), ("torch", 0)])
def test_relu_forms_in_ptflops(form, ptflops):
    text = f"input: [4, 4, 4]\nlayers:\n  - relu: {{torch: {form}}}\n"
    assert _total(text, "ptflops") == ptflops
    assert _total(text, "onnx-tool") == 64  # one Relu node whichever way it is written


@pytest.mark.parametrize(("form", "ptflops"), [("operator", 0), ("torch", 64)])
def test_add_forms_in_ptflops(form, ptflops):
    text = f"input: [4, 4, 4]\nlayers:\n  - relu: {{name: a}}\n  - add: {{from: [a, input], torch: {form}}}\n"
    assert _total(text, "ptflops") - 2 * 64 == ptflops


@pytest.mark.parametrize(("text", "message"), [
    ("  - silu: {torch: torch}\n", "`torch` of layer 'silu_1' must be one of module, functional"),
    ("  - avgpool: {kernel: 2, torch: mean}\n", "global average pool"),
    ("  - relu: {torch: nn.ReLU}\n", "must be one of module, functional, torch"),
    ("  - add: {from: [input, input], torch: functional}\n", "must be one of operator, torch"),
])
def test_torch_setting_is_checked(text, message):
    from convcost.layerfile.loader import load_text

    with pytest.raises(ConvcostError, match=message.replace("(", r"\(")):
        convcost.analyze(load_text("input: [4, 4, 4]\nlayers:\n" + text, "t.yaml"))


def test_a_pool_that_computes_nothing_is_vggs_adaptive_pool():
    # nn.AdaptiveAvgPool2d((7, 7)) on VGG's 7x7 map, whether or not the file says `torch: adaptive`
    base = "input: [4, 7, 7]\nlayers:\n  - avgpool: {kernel: 1%s}\n"
    for extra in ("", ", torch: adaptive", ", stride: 1, padding: 0"):
        assert [_total(base % extra, n) for n in ("ptflops", "thop", "fvcore")] == [2 * 196, 2 * 196, 196]
    assert [_total(base % ", torch: module", n) for n in ("ptflops", "thop", "fvcore")] == [2 * 196, 196, 0]


def test_torchvision_way_is_the_default():
    from convcost.conventions.facts import layers

    calls = {layer.row.name: layer.call for layer in layers(convcost.analyze("resnet18"))}
    assert (calls["relu"], calls["maxpool"], calls["avgpool"], calls["layer1.1.add"], calls["fc"]) == (
        "nn.ReLU", "nn.MaxPool2d", "nn.AdaptiveAvgPool2d", "x + y", "nn.Linear")
    calls = {layer.row.name: layer.call for layer in layers(convcost.analyze("mobilenet_v2"))}
    assert calls["pool"] == "F.adaptive_avg_pool2d"  # torchvision's MobileNetV2 calls the function


# -- the outputs ----------------------------------------------------------------------------------


def test_compare_explains_the_difference_in_words():
    text = run("compare", "resnet18").stdout
    assert "+4,967,424 batch norm ×2, +4,616,192 ReLU counted twice" in text
    for name in NAMES:
        assert name in text
    assert "ptflops 0.7.5" in text


def test_compare_json():
    data = json.loads(run("compare", "resnet18", "-f", "json").stdout)
    rows = {c["name"]: c for c in data["conventions"]}
    assert list(rows) == list(NAMES)
    assert rows["paper"]["macs"] == 1814073344 and rows["paper"]["difference"] == {"macs": 0, "params": 0}
    fv = rows["fvcore"]
    assert (fv["macs"], fv["unit"], fv["difference"]["macs"]) == (1819065856, "MACs", 1819065856 - 1814073344)
    assert {t["term"]: t["macs"] for t in fv["terms"]} == {"batch norm ×2": 4967424,
                                                           "adaptive average pool (input elements)": 25088}
    assert rows["keras"]["params_terms"] == [{"term": "batch norm moving mean and variance", "params": 9600}]
    assert rows["flops"]["unit"] == "FLOPs"
    assert "layers" not in data


def test_compare_by_layer():
    data = json.loads(run("compare", "resnet18", "--by-layer", "-f", "json").stdout)
    rows = {c["name"]: c for c in data["conventions"]}
    for name in NAMES:
        assert sum(layer["conventions"][name]["macs"] for layer in data["layers"]) == rows[name]["macs"]
        assert sum(layer["conventions"][name]["params"] for layer in data["layers"]) == rows[name]["params"]
    relu = next(layer for layer in data["layers"] if layer["name"] == "relu")
    assert relu["torch"] == "nn.ReLU"
    assert relu["conventions"]["ptflops"]["terms"] == [{"term": "ReLU counted twice", "macs": 2 * 802816}]
    md = run("compare", "resnet18", "--by-layer", "-f", "markdown").stdout
    assert "## By layer" in md and "| 2 | relu | relu | `nn.ReLU` |" in md
    table = run("compare", "resnet18", "--by-layer").stdout
    assert "as PyTorch" in table and "nn.ReLU" in table


def test_compare_only_some():
    data = json.loads(run("compare", "resnet18", "--convention", "thop", "--convention", "paper",
                          "-f", "json").stdout)
    assert [c["name"] for c in data["conventions"]] == ["thop", "paper"]
    assert run("compare", "resnet18", "--convention", "flop").exit_code == 2


def test_headers_name_the_convention_and_its_unit():
    paper = run("analyze", "resnet18").stdout
    assert "convention paper, MACs" in paper and "FLOPs" not in paper
    fvcore = run("analyze", "resnet18", "--convention", "fvcore").stdout
    assert "convention fvcore, MACs: fvcore 0.1.5.post20221221" in fvcore
    assert "MACs (fvcore)" in fvcore and "FLOPs" not in fvcore
    assert "not in mult-adds" not in fvcore  # fvcore counts batch norm
    flops = run("analyze", "resnet18", "--convention", "flops", "-f", "markdown").stdout
    assert "Convention: flops, FLOPs" in flops and "| FLOPs |" in flops
    keras = run("analyze", "resnet18", "--convention", "keras").stdout
    assert "params (keras)" in keras


def test_csv_in_a_convention():
    rows = run("analyze", "resnet18", "--convention", "thop", "-f", "csv").stdout.splitlines()
    header = rows[0].split(",")
    total = dict(zip(header, rows[-1].split(","), strict=True))
    assert int(total["macs"]) == MEASURED["resnet18", "thop"][0]


def test_unknown_convention():
    res = CliRunner().invoke(main, ["analyze", "resnet18", "--convention", "fvcor"])
    assert res.exit_code == 2 and "fvcore" in res.stderr
    with pytest.raises(ConvcostError, match="unknown convention 'fvcor'") as err:
        convcost.analyze("resnet18", convention="fvcor")
    assert "did you mean 'fvcore'?" in err.value.hint


def test_check_budgets_in_a_convention():
    paper, fvcore = MEASURED["resnet18", "paper"][0], MEASURED["resnet18", "fvcore"][0]
    budget = str((paper + fvcore) // 2)
    assert run("check", "resnet18", "--max-macs", budget).exit_code == 0
    res = run("check", "resnet18", "--max-macs", budget, "--convention", "fvcore")
    assert res.exit_code == 1
    assert f"network MACs (fvcore) {fvcore:,} exceed the budget" in res.stdout
    assert "(convention fvcore)" in res.stdout
    data = json.loads(run("check", "resnet18", "--max-macs", budget, "--convention", "fvcore",
                          "-f", "json").stdout)
    assert data["convention"] == "fvcore" and not data["ok"]
    assert "convention" not in json.loads(run("check", "resnet18", "-f", "json").stdout)
    report = convcost.check("resnet18", max_params="11699112", convention="keras")
    assert report.ok and report.convention == "keras"
    assert not convcost.check("resnet18", max_params="11699111", convention="keras").ok


def test_expectations_stay_in_the_papers_count(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text("input: [3, 8, 8]\nlayers:\n"
                    "  - conv: {out: 4, kernel: 3, padding: 1, bias: true, expect: {macs: 6912}}\n"
                    "  - relu\n")
    for name in NAMES:
        assert convcost.check(str(path), convention=name).ok, name


def test_symbolic_conventions():
    report = convcost.analyze("resnet18", symbolic=["res"], convention="thop")
    (res,) = report.totals.macs.free_symbols
    assert report.totals.macs.subs(res, 224) == MEASURED["resnet18", "thop"][0]
    compared = convcost.compare("resnet18", symbolic=["res"])
    assert len(compared.counted) == len(NAMES)


def test_numeric_conventions_do_not_import_sympy_or_rich():
    code = ("import sys, convcost\n"
            "convcost.compare('resnet18')\n"
            "convcost.analyze('mobilenet_v2', convention='onnx-tool')\n"
            "from convcost.render import render, CompareFormat\n"
            "render(convcost.compare('resnet18'), CompareFormat.JSON)\n"
            "print('sympy' in sys.modules, 'rich' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_docs_name_every_convention_and_version():
    doc = (ROOT / "docs" / "conventions.md").read_text()
    for name in NAMES:
        assert f"`{name}`" in doc, name
    for tool, version in TOOL_VERSIONS.items():
        assert f"{tool} {version}" in doc, tool
        assert any(version in c.reproduces for c in CONVENTIONS.values()), tool
    assert "report 2×MAC FLOPs" not in doc


def test_testing_assertion_in_a_convention():
    from convcost.testing import assert_within_budget

    fvcore = MEASURED["resnet18", "fvcore"][0]
    assert_within_budget("resnet18", macs=str(fvcore), convention="fvcore")
    with pytest.raises(AssertionError, match=r"MACs \(fvcore\)"):
        assert_within_budget("resnet18", macs=str(fvcore - 1), convention="fvcore")


COMPARE_GOLDEN = {"table": "txt", "json": "json", "markdown": "md"}


@pytest.mark.parametrize("fmt", COMPARE_GOLDEN)
def test_compare_golden(fmt):
    """`convcost compare resnet18 --by-layer` byte for byte (regenerate with UPDATE_GOLDEN=1 and read
    the diff: the numbers are MEASURED's)."""
    import os

    path = Path(__file__).parent / "golden" / f"compare_resnet18.{COMPARE_GOLDEN[fmt]}"
    text = run("compare", "resnet18", "--by-layer", "-f", fmt).stdout
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text()
    for name in NAMES:
        assert f"{MEASURED['resnet18', name][0]:,}" in text or str(MEASURED["resnet18", name][0]) in text
