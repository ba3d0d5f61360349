"""Real exported CNNs (optional: skipped where the files are not): torchvision and timm models exported
by PyTorch's ONNX exporter, static and dynamic, graph-only (the external data deleted), BN kept,
and two segmentation models. Expected numbers come from PyTorch (conv+fc mult-adds per resolution)
and from the onnx package (parameters as the graph holds them), in INDEX.json and reference.json
(made by /work/research/scripts/step4_onnx.py).

Set CONVCOST_ONNX_MODELS to the folder holding the files and INDEX.json (default /work/research/onnx;
reference.json is looked for next to the folder).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import convcost
from convcost.errors import ConvcostError

FOLDER = Path(os.environ.get("CONVCOST_ONNX_MODELS", "/work/research/onnx"))
INDEX = FOLDER / "INDEX.json"
REFERENCE = FOLDER.parent / "reference.json"

pytestmark = pytest.mark.skipif(not INDEX.exists() or not REFERENCE.exists(),
                                reason=f"exported models not found in {FOLDER}")

FILES = json.loads(INDEX.read_text())["files"] if INDEX.exists() else {}
MODELS = json.loads(REFERENCE.read_text())["models"] if REFERENCE.exists() else {}
STATIC_ONLY = "vgg16_dynamic.onnx"  # the dynamo exporter specialised its classifier to a 7x7 map


def _options(name: str, entry: dict, resolution: int | None = None) -> dict:
    size = str(resolution or entry["resolution"])
    return {"set": {"height": size, "width": size}} if entry["kind"] == "dynamic" else {}


@pytest.mark.parametrize("name", sorted(FILES))
def test_exact_macs_and_graph_params(name):
    entry = FILES[name]
    report = convcost.analyze(str(FOLDER / name), **_options(name, entry))
    assert report.totals.macs == entry["reference_macs_conv_fc"]
    assert report.totals.params == entry["graph_params"]
    assert list(report.layers[-1].output) == entry["reference_output_shape"][1:]
    if entry["bn_remains"] and entry["kind"] == "bn_preserved":  # BN kept: the graph holds PyTorch's params
        assert report.totals.params == entry["reference_params"]


DYNAMIC = sorted(n for n, e in FILES.items() if e["kind"] == "dynamic" and n != STATIC_ONLY)


@pytest.mark.parametrize("name", DYNAMIC)
def test_dynamic_exports_at_every_resolution(name):
    entry = FILES[name]
    for resolution, expected in MODELS[entry["model"]]["resolutions"].items():
        report = convcost.analyze(str(FOLDER / name), **_options(name, entry, int(resolution)))
        assert report.totals.macs == expected["macs"], resolution
        assert list(report.layers[-1].output) == expected["output"][1:], resolution


def test_a_model_valid_at_one_size_only_says_so():
    path = str(FOLDER / STATIC_ONLY)
    assert convcost.analyze(path, set={"height": "224", "width": "224"}).totals.macs == \
        FILES[STATIC_ONLY]["reference_macs_conv_fc"]
    with pytest.raises(ConvcostError, match="expects 25088 input features; the input has 18432"):
        convcost.analyze(path, set={"height": "193", "width": "193"})


@pytest.mark.parametrize("name", ["resnet18_dynamic.onnx", "shufflenet_v2_x1_0_dynamic.onnx",
                                  "lraspp_mobilenet_v3_large_dynamic.onnx"])
def test_symbolic_totals_equal_pytorch_wherever_evaluated(name):
    entry = FILES[name]
    report = convcost.analyze(str(FOLDER / name), symbolic=["height", "width"])
    h, w = report.vars["height"], report.vars["width"]
    for resolution in ("224", "97"):
        expected = MODELS[entry["model"]]["resolutions"][resolution]["macs"]
        assert report.totals.macs.subs({h: int(resolution), w: int(resolution)}) == expected


@pytest.mark.parametrize("name", sorted(FILES))
def test_import_round_trip(tmp_path, name):
    from convcost.layerfile.writer import write
    from convcost.onnx.source import load

    entry = FILES[name]
    options = _options(name, entry)
    spec = load(str(FOLDER / name), defaults_only=True, **({"overrides": options["set"]} if options else {}))
    path = tmp_path / "net.yaml"
    path.write_text(write(spec))
    a, b = convcost.load(str(FOLDER / name), **options), convcost.load(str(path))
    assert [(x.name, x.kind, x.inputs, dict(x.attrs)) for x in a.layers] == \
           [(y.name, y.kind, y.inputs, dict(y.attrs)) for y in b.layers]
    ra, rb = convcost.analyze(a), convcost.analyze(b)
    assert (ra.totals, ra.by_kind, ra.warnings) == (rb.totals, rb.by_kind, rb.warnings)


GRAPH_ONLY = sorted(n for n in FILES if n.endswith("_graphonly.onnx"))


@pytest.mark.parametrize("name", GRAPH_ONLY)
def test_the_reader_decodes_what_onnx_decodes(name):
    """convcost's reader against onnx's own parser, field by field, on real exported graphs."""
    import onnx
    from onnx_normalize import o_model, r_model

    from convcost.onnx import read_model

    ours = read_model(FOLDER / name)
    try:
        assert r_model(ours) == o_model(onnx.load(FOLDER / name, load_external_data=False))
    finally:
        ours.source.close()
