"""Devices as data: the built-ins, the device-file loader (exact numbers, located errors), the command."""

import json
from fractions import Fraction

import pytest
from helpers import invoke_cli

from convcost.cli.device_options import DTYPES
from convcost.devices import DTYPE_BYTES, builtin_names, load_device
from convcost.errors import ConvcostError


def test_at_least_six_builtins_each_with_a_source():
    names = builtin_names()
    assert len(names) >= 6
    for name in names:
        d = load_device(name)
        assert d.source and d.description and d.peak("fp32") > 0 and d.bandwidth > 0


def test_datasheet_numbers_are_exact():
    a100 = load_device("a100-sxm4-80gb")
    assert a100.peak("fp32") == 19_500_000_000_000 and a100.bandwidth == 2_039_000_000_000
    assert a100.ridge("fp32") == Fraction(19_500, 2_039)
    pi = load_device("raspberry-pi-5")  # 4 cores x 2.4 GHz x 2 pipes x 4 lanes x 2 FLOP; 4267 MT/s x 4 B
    assert pi.peak("fp32") == 4 * 2_400_000_000 * 2 * 4 * 2 and pi.bandwidth == 4267 * 10**6 * 4


def test_dtypes_agree():
    assert tuple(DTYPE_BYTES) == DTYPES


@pytest.mark.parametrize("text", ["1e13", "1.0e+13", "10T", "10_000_000_000_000", "10000000000000", "1e+13"])
def test_numbers_are_read_exactly(tmp_path, text):
    path = tmp_path / "d.yaml"
    path.write_text(f"name: d\npeak_flops: {{fp32: {text}}}\nbandwidth: 0.1T\n")
    d = load_device(str(path))
    assert d.peak("fp32") == 10**13 and d.bandwidth == 10**11


@pytest.mark.parametrize("body,message,where", [
    ("name: d\npeak_flops: {fp32: 1e13}\n", "needs `bandwidth:`", ":1:1:"),
    ("name: d\npeak_flops: {fp64: 1e13}\nbandwidth: 1\n", "unknown key 'fp64'", ":2:14:"),
    ("name: d\npeak_flops: {fp32: -1}\nbandwidth: 1\n", "must be positive", ":2:20:"),
    ("name: d\npeak_flops: {fp32: .inf}\nbandwidth: 1\n", "not a finite decimal", ":2:20:"),
    ("name: d\npeak_flops: {fp32: fast}\nbandwidth: 1\n", "must be a number", ":2:20:"),
    ("name: d\npeak_flops: {fp32: 1e13}\nbandwidth: 1\nspeed: 3\n", "unknown key 'speed'", ":4:1:"),
    ("name: d\npeak_flops: {fp32: !!python/object:os.system 1}\nbandwidth: 1\n", "not allowed", ":2:"),
])
def test_bad_device_files_are_located_errors(tmp_path, body, message, where):
    path = tmp_path / "d.yaml"
    path.write_text(body)
    with pytest.raises(ConvcostError) as err:
        load_device(str(path))
    assert message in err.value.message
    assert where in str(err.value.location) + ":"


def test_unknown_device_suggests():
    with pytest.raises(ConvcostError) as err:
        load_device("rtx4090")
    assert "rtx-4090" in err.value.hint


def test_devices_command():
    res = invoke_cli("devices")
    assert res.exit_code == 0 and all(name in res.stdout for name in builtin_names())
    data = json.loads(invoke_cli("devices", "-f", "json").stdout)
    assert {d["key"] for d in data} == set(builtin_names())
    t4 = next(d for d in data if d["key"] == "t4")
    assert t4["peak_flops"]["fp32"] == 8_100_000_000_000 and t4["ridge_point"]["fp32"] == "405/16"
