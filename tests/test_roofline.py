"""Memory, lifetimes and roofline times, checked against values computed by hand (issue 13)."""

import json
from fractions import Fraction

import pytest
from helpers import analyze_text, invoke_cli

import convcost
from convcost.analysis.memory import with_memory
from convcost.analysis.roofline import with_roofline
from convcost.devices import Device

# The issue's device: 10 TFLOP/s and 100 GB/s in fp32.
EXAMPLE = Device("example", "example", {"fp32": 10**13, "fp16": 2 * 10**13}, 10**11)
CONV = """\
    input: [512, 14, 14]
    layers:
      - conv: {name: std, out: 512, kernel: 3, padding: 1}
    """
SEPARABLE = """\
    input: [512, 14, 14]
    layers:
      - separable: {name: sep, out: 512, kernel: 3, padding: 1}
    """


def roofline(text, fuse=False, dtype="fp32", device=EXAMPLE):
    return with_roofline(with_memory(analyze_text(text), dtype), device, dtype, fuse)


def test_the_issues_example_by_hand():
    # standard: 9*512*512*196 mult-adds = 924,844,032 FLOP -> 92.48 us of arithmetic; bytes
    # 4*(9*512*512 + 2*512*196) = 10,240,000 -> 102.4 us: memory-bound
    r = roofline(CONV)
    t = r.layers[0].roofline
    assert t.flops == 2 * 9 * 512 * 512 * 196 == 924_844_032
    assert t.bytes == 4 * (9 * 512 * 512 + 512 * 196 + 512 * 196) == 10_240_000
    assert t.time_s == Fraction(10_240_000, 10**11) == Fraction(1024, 10**7)  # 102.4 us
    assert t.bound == "memory"
    # separable: depthwise 4*(9*512 + 2*512*196) B = 821,248 B -> 8.21248 us (arithmetic 0.18 us);
    # pointwise 4*(512*512 + 2*512*196) B = 1,851,392 B -> 18.51392 us (arithmetic 10.28 us)
    assert t.separable_time == Fraction(821_248 + 1_851_392, 10**11) == Fraction(267264, 10**10)  # 26.7264 us
    assert t.time_ratio == Fraction(261, 1000)
    assert r.roofline.standard_time == t.time_s and r.roofline.separable_time == t.separable_time
    assert r.layers[0].ratio == Fraction(521, 4608)  # the mult-add ratio, 0.113


def test_a_separable_layer_as_written_is_its_two_kernels():
    r = roofline(SEPARABLE)
    t = r.layers[0].roofline
    assert t.time_s == Fraction(267264, 10**10)
    assert [p.bytes for p in t.parts] == [821_248, 1_851_392]
    assert [p.bound for p in t.parts] == ["memory", "memory"]
    assert r.roofline.standard_time == Fraction(1024, 10**7)
    assert r.layers[0].memory.intermediate == 4 * 512 * 196


def test_fused_keeps_the_intermediate_on_chip():
    # one kernel: 4*(9*512 + 512*512 + 2*512*196) = 1,869,824 B -> 18.69824 us (arithmetic 10.46 us)
    t = roofline(SEPARABLE, fuse=True).layers[0].roofline
    assert t.time_s == Fraction(1_869_824, 10**11)
    assert t.parts == ()
    assert roofline(CONV, fuse=True).layers[0].roofline.time_ratio == Fraction(1_869_824, 10_240_000)


def test_fuse_folds_bn_and_activation_into_the_conv():
    text = """\
        input: [16, 8, 8]
        layers:
          - conv: {name: c, out: 16, kernel: 3, padding: 1}
          - bn: {name: b}
          - relu: {name: r}
          - add: {name: a, from: [r, input]}
        """
    plain, fused = roofline(text), roofline(text, fuse=True)
    c, b, r, a = fused.layers
    assert (b.roofline.fused_into, r.roofline.fused_into, a.roofline.fused_into) == ("c", "c", None)
    assert b.roofline.time_s == r.roofline.time_s == 0
    # the group reads the conv's weights and input once and writes the relu's output once
    assert c.roofline.bytes == 4 * (16 * 16 * 9 + 16 * 64 + 16 * 64)
    assert c.roofline.flops + b.roofline.flops + r.roofline.flops == 2 * 16 * 16 * 9 * 64 + 2 * 16 * 64
    assert fused.roofline.time_s < plain.roofline.time_s
    assert sum(row.roofline.time_s for row in plain.layers) == plain.roofline.time_s


def test_per_layer_time_is_the_roofline_of_its_bytes():
    r = convcost.analyze("resnet18", device=EXAMPLE)
    for row in r.layers:
        t, m = row.roofline, row.memory
        assert t.flops == 2 * row.macs + sum(row.counters.values())
        assert t.bytes == m.weights + m.inputs + m.outputs
        assert t.time_s == max(Fraction(t.flops, 10**13), Fraction(t.bytes, 10**11))
        assert t.bound == ("memory" if Fraction(t.bytes, 10**11) > Fraction(t.flops, 10**13) else "compute")
    assert r.roofline.time_s == sum(row.roofline.time_s for row in r.layers)


def test_pairs_in_the_standard_version():
    # MobileNetV2 writes depthwise, bn, relu6, pointwise: the standard version replaces the pair (and
    # what sits between its halves) by one standard conv reading the depthwise's input
    r = convcost.analyze("mobilenet_v2", device=EXAMPLE)
    rows = {row.name: row for row in r.layers}
    dw, pw = rows["b1.dw"], rows["b1.project"]
    assert dw.pair == pw.pair == ("b1.dw", "b1.project")
    g = pw.geometry
    std_bytes = 4 * (g.m * g.n * 9 + g.m * 112 * 112 + g.n * 112 * 112)
    std_flops = 2 * g.m * g.n * 9 * 112 * 112
    assert pw.roofline.standard_time == max(Fraction(std_flops, 10**13), Fraction(std_bytes, 10**11))
    assert pw.roofline.separable_time == dw.roofline.time_s + pw.roofline.time_s
    # the rest of the network is the same in both versions
    in_units = [row for row in r.layers if row.pair or _between(r, row)]
    units = [row for row in r.layers if row.pair and row.name == row.pair[1]]
    assert r.roofline.standard_time == r.roofline.time_s - sum(row.roofline.time_s for row in in_units) + sum(
        u.roofline.standard_time for u in units)


def _between(report, row):
    """Is `row` between the halves of a pair (its input chain leads back to a depthwise of a pair)?"""
    rows = {r.name: r for r in report.layers}
    cur = row
    while cur.kind in ("bn", "relu6"):
        cur = rows[cur.inputs[0]]
    return bool(cur.pair) and cur.name == cur.pair[0]


def test_dtype_sets_bytes_and_peak():
    r = roofline(CONV, dtype="fp16")
    t = r.layers[0].roofline
    assert r.layers[0].memory.weights == 2 * 9 * 512 * 512
    assert t.time_s == max(Fraction(924_844_032, 2 * 10**13), Fraction(5_120_000, 10**11))


def test_missing_dtype_is_a_located_error(tmp_path):
    path = tmp_path / "dev.yaml"
    path.write_text("name: x\npeak_flops: {fp32: 1e13}\nbandwidth: 1e11\n")
    res = invoke_cli("analyze", "mobilenet_v1", "--device", str(path), "--dtype", "int8")
    assert res.exit_code == 2
    assert f"{path}:2:13: error: device 'x' gives no peak rate for int8" in res.stderr


def test_symbolic_times_stay_exact():
    r = convcost.analyze("mobilenet_v1", symbolic=["alpha"], device="t4")
    (alpha,) = r.roofline.time_s.free_symbols
    numeric = convcost.analyze("mobilenet_v1", device="t4")
    value = r.roofline.time_s.subs(alpha, 1)
    assert value.is_Rational and Fraction(int(value.p), int(value.q)) == numeric.roofline.time_s


def test_json_contract():
    res = invoke_cli("analyze", "mobilenet_v1", "--device", "rtx-4090", "-f", "json")
    data = json.loads(res.stdout)
    layer = data["layers"][0]
    assert set(layer["memory"]) == {"weights", "inputs", "outputs"}
    assert layer["bound"] in ("compute", "memory")
    assert Fraction(layer["time_s"]) == max(Fraction(layer["flops"], 82_600_000_000_000),
                                            Fraction(sum(layer["memory"].values()), 1_008_000_000_000))
    totals = data["totals"]
    assert set(totals["memory"]) == {"weights", "peak_activations"}
    assert Fraction(totals["time_s"]) == sum(Fraction(x["time_s"]) for x in data["layers"])
    for version in ("standard", "separable"):
        assert Fraction(totals[version]["time_s"]) > 0
    assert data["dtype"] == "fp32" and data["device"]["key"] == "rtx-4090"


def test_fuse_and_plot_need_a_device():
    for option in (["--fuse"], ["--plot", "x.svg"]):
        res = invoke_cli("analyze", "mobilenet_v1", *option)
        assert res.exit_code == 2 and "needs --device" in res.stderr


def test_table_shows_time_bound_and_intensity():
    res = invoke_cli("analyze", "mobilenet_v1", "--device", "t4", "-f", "markdown")
    assert "| time sep/std | time | bound | FLOP/B |" in res.stdout
    assert "device: NVIDIA T4 (t4), fp32" in res.stdout
    assert "| as written |" in res.stdout and "µs" in res.stdout
    plain = invoke_cli("analyze", "mobilenet_v1", "-f", "markdown").stdout
    assert "time" not in plain


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown", "json"])
def test_every_format_with_a_device(fmt):
    res = invoke_cli("analyze", "mobilenet_v2", "--device", "jetson-nano", "--fuse", "-f", fmt)
    assert res.exit_code == 0 and res.stdout
