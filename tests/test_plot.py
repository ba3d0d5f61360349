"""`analyze --plot`: an SVG that parses, one marker per convolution unit and version, one bar a layer."""

import builtins
import xml.etree.ElementTree as ET

import pytest
from helpers import invoke_cli

import convcost

SVG = "{http://www.w3.org/2000/svg}"


def test_svg_holds_the_expected_points(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "roofline.svg"
    res = invoke_cli("analyze", "mobilenet_v1", "--device", "t4", "--plot", str(path), "-f", "json")
    assert res.exit_code == 0, res.stderr
    root = ET.parse(path).getroot()
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g") if g.get("id")}
    report = convcost.analyze("mobilenet_v1", device="t4")
    units = sum(1 for row in report.layers if row.geometry is not None)  # conv1 and 13 separable layers
    assert units == 14
    for series in ("standard", "separable"):
        assert len(list(groups[series].iter(f"{SVG}use"))) == units  # one marker per unit
    bars = [name for name in groups if name.startswith("bar:")]
    assert sorted(bars) == sorted(f"bar:{row.name}" for row in report.layers)


def test_png(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "r.png"
    res = invoke_cli("analyze", "mobilenet_v2", "--device", "jetson-nano", "--fuse", "--plot", str(path))
    assert res.exit_code == 0
    assert path.read_bytes().startswith(b"\x89PNG")


def test_missing_extra_names_the_install_command(tmp_path, monkeypatch):
    real = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    res = invoke_cli("analyze", "mobilenet_v1", "--device", "t4", "--plot", str(tmp_path / "r.svg"))
    assert res.exit_code == 2
    assert "pip install 'convcost[plot]'" in res.stderr


def test_plot_needs_an_svg_or_png_name():
    res = invoke_cli("analyze", "mobilenet_v1", "--device", "t4", "--plot", "r.pdf")
    assert res.exit_code == 2 and ".svg or .png" in res.stderr
