"""ONNX models through every command: analyze, check, prove --layer, import; the unknown-operator
error, --allow-unsupported, dynamic dims, and the import round trip (same layers, same analysis)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import invoke_cli as invoke
from onnx import TensorProto, helper
from onnx_build import floats, ints, node, save, scalar, weight

import convcost
from convcost.layerfile.loader import load as load_layer_file
from convcost.onnx.source import load as load_onnx


def _small_net(tmp_path, dynamic=False, name="net"):
    """conv 3x3/2 -> bn -> relu6 -> depthwise 3x3 -> relu -> pointwise -> SE -> add -> upsample x2
    -> global pool -> flatten -> fc: every part of a MobileNet-style model, hand-countable."""
    nodes = [node("Conv", ["x", "w1", "b1"], "c1", name="/stem/Conv", strides=[2, 2], pads=[1, 1, 1, 1]),
             node("BatchNormalization", ["c1", "s", "b", "m", "v"], "bn", name="/stem/bn"),
             node("Clip", ["bn", "zero_f", "six_f"], "a1", name="/stem/act"),
             node("Conv", ["a1", "dw"], "c2", name="/block/dw", group=8, pads=[1, 1, 1, 1]),
             node("Relu", ["c2"], "a2", name="/block/relu"),
             node("Conv", ["a2", "pw"], "c3", name="/block/pw"),
             node("GlobalAveragePool", ["c3"], "p", name="/block/se/pool"),
             node("Conv", ["p", "se_w"], "se", name="/block/se/fc"),
             node("HardSigmoid", ["se"], "g", name="/block/se/gate", alpha=1 / 6),
             node("Mul", ["c3", "g"], "c4", name="/block/se/scale"),
             node("Add", ["c4", "a1"], "r", name="/block/add"),
             node("Resize", ["r", "", "scales"], "u", name="/up"),
             node("GlobalAveragePool", ["u"], "gp", name="/pool"),
             node("Flatten", ["gp"], "f", name="/flatten"),
             node("Gemm", ["f", "fc_w", "fc_b"], "y", name="/fc", transB=1)]
    inits = [weight("w1", 8, 3, 3, 3), weight("b1", 8), *(weight(n, 8) for n in "sbmv"),
             scalar("zero_f", 0, np.float32), scalar("six_f", 6, np.float32), weight("dw", 8, 1, 3, 3),
             weight("pw", 8, 8, 1, 1), weight("se_w", 8, 8, 1, 1), floats("scales", [1, 1, 2, 2]),
             weight("fc_w", 10, 8), weight("fc_b", 10)]
    dims = ["batch", 3, "height", "width"] if dynamic else [1, 3, 32, 32]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, dims)
    return save(tmp_path, nodes, inits, inputs=[x], name=name)


def test_analyze_check_prove_on_an_onnx_model(tmp_path):
    path = _small_net(tmp_path)
    doc = json.loads(invoke("analyze", path, "-f", "json").stdout)
    # stem: 8*3*9 + 8 = 224 params, 216*16*16 mult-adds; bn 16; dw 72 / 72*256; pw 64 / 64*256;
    # SE fc 64 / 64; fc 80 + 10 / 80
    assert doc["totals"]["params"] == 224 + 16 + 72 + 64 + 64 + 90
    assert doc["totals"]["macs"] == 216 * 256 + 72 * 256 + 64 * 256 + 64 + 80
    layers = {layer["name"]: layer for layer in doc["layers"]}
    assert layers["/block/dw"]["pair"] == ["/block/dw", "/block/pw"]
    assert layers["/block/se/gate"]["kind"] == "hsigmoid" and layers["/stem/act"]["kind"] == "relu6"
    assert layers["/up"]["output"] == [8, 32, 32] and layers["/block/dw"]["line"] == 4  # the node's number
    assert "unsupported" not in doc
    table = invoke("analyze", path).stdout
    assert "/block/dw" in table and "as separable" in table
    assert invoke("check", path, "--max-macs", "100k").exit_code == 0
    assert invoke("check", path, "--max-macs", "10k").exit_code == 1
    proof = invoke("prove", path, "--layer", "/block/dw", "-f", "json")
    assert proof.exit_code == 0 and json.loads(proof.stdout)["verified"] is True


def test_dynamic_model_needs_set_or_symbolic(tmp_path):
    path = _small_net(tmp_path, dynamic=True)
    res = invoke("analyze", path)
    assert res.exit_code == 2
    assert "height, width have no value" in res.stderr and "--set height=" in res.stderr
    assert "--symbolic height,width" in res.stderr
    size = ("--set", "height=32", "--set", "width=32")
    fixed = json.loads(invoke("analyze", path, *size, "-f", "json").stdout)
    static = json.loads(invoke("analyze", _small_net(tmp_path, name="static"), "-f", "json").stdout)
    assert fixed["totals"] == static["totals"] and fixed["input"] == [3, 32, 32]
    sym = json.loads(invoke("analyze", path, "--symbolic", "height,width", "-f", "json").stdout)
    assert sym["symbolic"] == ["height", "width"] and "height" in str(sym["totals"]["macs"])
    assert invoke("check", path, *size, "--max-macs", "100k").exit_code == 0
    proof = invoke("prove", path, "--set", "height=64", "--set", "width=64", "--layer", "/block/dw")
    assert proof.exit_code == 0


def _unknown(tmp_path):
    nodes = [node("Conv", ["x", "w"], "c", name="conv"), node("Erf", ["c"], "e1", name="erf_a"),
             node("Foo", ["e1"], "f", name="foo", domain="com.example"),
             node("Erf", ["f"], "e2", name="erf_b"),
             node("Relu", ["e2"], "y", name="relu")]
    m = helper.make_model(helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [weight("w", 4, 3, 1, 1)]),
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.example", 1)])
    path = tmp_path / "unknown.onnx"
    import onnx

    onnx.save(m, path)
    return str(path)


def test_unknown_operators_are_all_listed_in_one_error(tmp_path):
    path = _unknown(tmp_path)
    res = invoke("analyze", path)
    assert res.exit_code == 2
    first = res.stderr.splitlines()[0]
    assert first == (f"{path}:2: error: 2 operators convcost does not know: Erf (2 nodes: erf_a, erf_b), "
                     "com.example.Foo (1 node: foo)")
    assert "--allow-unsupported" in res.stderr


def test_allow_unsupported_counts_them_as_zero_and_lists_them(tmp_path):
    path = _unknown(tmp_path)
    doc = json.loads(invoke("analyze", path, "--allow-unsupported", "-f", "json").stdout)
    assert doc["unsupported"] == [{"op_type": "Erf", "count": 2, "nodes": ["erf_a", "erf_b"]},
                                  {"op_type": "com.example.Foo", "count": 1, "nodes": ["foo"]}]
    assert doc["totals"]["macs"] == 4 * 3 * 64 and [layer["kind"] for layer in doc["layers"]] == [
        "conv", "identity", "identity", "identity", "relu"]
    assert any("Erf counted as zero" in w for w in doc["warnings"])
    text = invoke("analyze", path, "--allow-unsupported").stdout
    assert "warning: operator Erf counted as zero (--allow-unsupported): 2 nodes (erf_a, erf_b)" in text
    assert invoke("check", path, "--allow-unsupported").exit_code == 0
    assert invoke("check", path).exit_code == 2


def test_layer_file_output_has_no_unsupported_member():
    doc = json.loads(invoke("analyze", "mobilenet_v1", "-f", "json").stdout)
    assert "unsupported" not in doc


def _same_layers(a, b):
    assert [(x.name, x.kind, x.inputs, dict(x.attrs)) for x in a.layers] == \
           [(y.name, y.kind, y.inputs, dict(y.attrs)) for y in b.layers]


def test_import_writes_a_layer_file_with_the_same_analysis(tmp_path):
    path = _small_net(tmp_path)
    out = tmp_path / "net.yaml"
    assert invoke("import", path, "-o", str(out)).exit_code == 0
    _same_layers(load_onnx(path), load_layer_file(str(out)))
    a = json.loads(invoke("analyze", path, "-f", "json").stdout)
    b = json.loads(invoke("analyze", str(out), "-f", "json").stdout)
    for key in ("input", "totals", "by_kind", "warnings"):
        assert a[key] == b[key], key
    assert [(x["name"], x["output"], x["params"], x["macs"]) for x in a["layers"]] == \
           [(x["name"], x["output"], x["params"], x["macs"]) for x in b["layers"]]


def test_import_of_a_dynamic_model_keeps_the_dims_as_vars(tmp_path):
    path = _small_net(tmp_path, dynamic=True)
    text = invoke("import", path).stdout
    assert "height: {value: null, integer: true}" in text and 'input: [3, "height", "width"]' in text
    out = tmp_path / "dyn.yaml"
    out.write_text(text)
    for options in ({"set": {"height": "32", "width": "48"}}, {"symbolic": ["height", "width"]}):
        _same_layers(convcost.load(path, **options), convcost.load(str(out), **options))
        a, b = convcost.analyze(path, **options), convcost.analyze(str(out), **options)
        assert a.totals == b.totals and a.by_kind == b.by_kind
    with_default = invoke("import", path, "--set", "height=40", "--set", "width=40").stdout
    assert "height: {value: 40, integer: true}" in with_default


def test_import_with_unsupported_operators_notes_them(tmp_path):
    text = invoke("import", _unknown(tmp_path), "--allow-unsupported").stdout
    assert '- identity: {name: "erf_a"}  # Erf: unsupported, counted as zero' in text
    assert "# Operators counted as zero (--allow-unsupported): Erf x2, com.example.Foo x1" in text


def test_import_refuses_what_is_not_an_onnx_model():
    res = invoke("import", "mobilenet_v1")
    assert res.exit_code == 2 and "is not an ONNX model" in res.stderr


def test_an_onnx_file_is_recognised_by_its_first_byte_too(tmp_path):
    path = _small_net(tmp_path)
    renamed = tmp_path / "model.pb"
    os.rename(path, renamed)
    doc = json.loads(invoke("analyze", str(renamed), "-f", "json").stdout)
    assert doc["layers"][0]["name"] == "/stem/Conv"


def test_numeric_onnx_run_imports_neither_sympy_nor_yaml_nor_rich(tmp_path):
    path = _small_net(tmp_path)
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from convcost.cli import main\n"
        f"res = CliRunner().invoke(main, ['analyze', {path!r}])\n"
        "assert res.exit_code == 0, res.output\n"
        "print([m for m in ('sympy', 'yaml', 'rich', 'onnx', 'numpy') if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("opset", [11, 13, 17])
def test_dynamic_shape_arithmetic_round_trips_through_import(tmp_path, opset):
    """An upsample whose size is computed from Shape: the layer file holds it as an expression."""
    nodes = [node("Conv", ["x", "w"], "c", strides=[2, 2], pads=[1, 1, 1, 1]),
             node("Shape", ["c"], "s"), node("Slice", ["s", "two", "four"], "hw"),
             node("Mul", ["hw", "three"], "big"), node("Shape", ["x"], "xs"),
             node("Slice", ["xs", "zero", "two"], "nc"),
             node("Concat", ["nc", "big"], "sizes", axis=0),
             node("Resize", ["x", "", "", "sizes"], "y")]
    if opset == 11:
        nodes[2] = node("Slice", ["s"], "hw", starts=[2], ends=[4])
        nodes[5] = node("Slice", ["xs"], "nc", starts=[0], ends=[2])
    inits = [weight("w", 3, 3, 3, 3), ints("two", [2]), ints("four", [4]), ints("three", [3]),
             ints("zero", [0])]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 3, "h", "w"])
    path = save(tmp_path, nodes, inits, inputs=[x], opset=opset)
    sym = convcost.analyze(path, symbolic=["h", "w"])
    h = sym.vars["h"]
    assert sym.layers[-1].output[1].subs(h, 97) == 3 * 49  # 3 x (floor((97 + 2 - 3)/2) + 1)
    out = tmp_path / "up.yaml"
    assert invoke("import", path, "-o", str(out)).exit_code == 0
    _same_layers(convcost.load(path, symbolic=["h", "w"]), convcost.load(str(out), symbolic=["h", "w"]))


def test_sweep_and_solve_an_onnx_models_dynamic_dims_as_analyze_counts_them(tmp_path):
    """The grid's rows (one run of the converter over grid values, split where needed) are each
    exactly what `analyze --set` gives: the shape arithmetic of Shape, Slice, Mul and Resize too."""
    nodes = [node("Conv", ["x", "w"], "c", strides=[2, 2], pads=[1, 1, 1, 1]),
             node("Shape", ["c"], "s"), node("Slice", ["s", "two", "four"], "hw"),
             node("Mul", ["hw", "three"], "big"), node("Shape", ["x"], "xs"),
             node("Slice", ["xs", "zero", "two"], "nc"),
             node("Concat", ["nc", "big"], "sizes", axis=0),
             node("Resize", ["x", "", "", "sizes"], "r"),
             node("Conv", ["r", "w"], "y", pads=[1, 1, 1, 1])]
    inits = [weight("w", 3, 3, 3, 3), ints("two", [2]), ints("four", [4]), ints("three", [3]),
             ints("zero", [0])]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 3, "h", "w"])
    path = save(tmp_path, nodes, inits, inputs=[x])
    grid = {"h": [9, 16, 33], "w": [8, 17]}
    rows = convcost.sweep(path, grid).rows
    assert len(rows) == 6
    for row in rows:
        h, w = row.values
        report = convcost.analyze(path, set={"h": h, "w": w})
        assert (row.params, row.macs) == (report.totals.params, report.totals.macs)
        # by hand: conv1 81·ceil(h/2)·ceil(w/2); the resize makes 3·ceil(h/2) × 3·ceil(w/2); conv2 81 per
        assert row.macs == 81 * ((h + 1) // 2) * ((w + 1) // 2) * 10
    csv = invoke("sweep", path, "--grid", "h=9,16", "--grid", "w=8", "-f", "csv")
    assert csv.exit_code == 0 and csv.stdout.splitlines()[1].startswith("9,8,162,")
    best = convcost.solve(path, {"h": "8:64:8"}, max_macs=81 * 10 * 16 * 4, set={"w": 8}, closed_form=False)
    assert best.best.row.values == (32,)  # h = 32: 16 × 4 positions; h = 40 needs 20 × 4


def test_sweep_takes_allow_unsupported_for_an_onnx_model(tmp_path):
    nodes = [node("Conv", ["x", "w"], "c"), node("Custom", ["c"], "y", name="odd")]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 3, "h", 8])
    path = save(tmp_path, nodes, [weight("w", 4, 3, 1, 1)], inputs=[x])
    refused = invoke("sweep", path, "--grid", "h=4,8")
    assert refused.exit_code == 2 and "Custom" in refused.stderr
    allowed = invoke("sweep", path, "--grid", "h=4,8", "--allow-unsupported", "-f", "csv")
    assert allowed.exit_code == 0, allowed.stderr
    assert [line.split(",")[:4] for line in allowed.stdout.splitlines()[1:]] == [
        ["4", "12", str(12 * 32), "12"], ["8", "12", str(12 * 64), "12"]]


def test_depth_sums_an_onnx_models_slash_scopes(tmp_path):
    """PyTorch's exporter names nodes /block/se/fc: --depth 1 sums /block's layers into one row."""
    path = _small_net(tmp_path)
    report = convcost.analyze(path)
    block = [r for r in report.layers if r.name.startswith("/block/")]
    table = invoke("analyze", path, "--depth", "1", "--wide").stdout
    row = next(line for line in table.splitlines() if "/block " in line or "/block│" in line.replace(" ", ""))
    first, last = block[0].index, block[-1].index
    assert f"{first}-{last}" in row and f"{len(block)} layers" in row
    assert "/block/dw" not in table and "/stem/Conv" not in table and "3 layers" in table  # /stem
    assert "│ /fc " in table  # alone in its scope: its own row
    from convcost.render.view_depth import scope

    assert scope("/features/denseblock1/denselayer1/conv1/Conv", 2) == "/features/denseblock1"
    assert scope("denseblock1.3.conv1", 2) == "denseblock1.3"


def test_an_onnx_model_on_standard_input_is_a_clear_error(tmp_path):
    from pathlib import Path

    from click.testing import CliRunner

    from convcost.cli import main

    data = Path(_small_net(tmp_path)).read_bytes()
    res = CliRunner().invoke(main, ["analyze", "-"], input=data)
    assert res.exit_code == 2
    assert "<stdin>: error: standard input holds an ONNX model" in res.stderr
    assert "hint: save it and give its path" in res.stderr


def test_import_never_replaces_the_model_and_a_failed_write_is_exit_2(tmp_path):
    path = _small_net(tmp_path)
    before = Path(path).read_bytes()
    res = invoke("import", path, "-o", path)
    assert res.exit_code == 2 and "-o names the input file" in res.stderr
    assert Path(path).read_bytes() == before
    with open("/dev/full", "w") as device:
        full = subprocess.run([sys.executable, "-m", "convcost", "import", path], stdout=device,
                              stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert full.returncode == 2 and "cannot write to standard output" in full.stderr


def test_import_comments_stay_one_line_whatever_an_operator_type_holds(tmp_path):
    """An op_type is any string in a file: one with a line break must not become YAML of its own."""
    odd = node("Custom", ["c"], "y", name="odd")
    odd.op_type = "Evil\n  - fc: {out: 1000000}"
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])
    path = save(tmp_path, [node("Conv", ["x", "w"], "c"), odd], [weight("w", 4, 3, 1, 1)], inputs=[x])
    out = tmp_path / "net.yaml"
    assert invoke("import", path, "--allow-unsupported", "-o", str(out)).exit_code == 0
    text = out.read_text()
    assert "# Evil\\n  - fc: {out: 1000000}: unsupported" in text
    assert not any(line.startswith("  - fc") for line in text.splitlines())
    model = convcost.analyze(path, allow_unsupported=True)
    assert convcost.analyze(str(out)).totals.macs == model.totals.macs
