"""torchvision models exported to ONNX and counted by PyTorch itself (optional: skipped without torch).

A Python with torch and torchvision exports each model (the legacy exporter, opset 17) twice: as
for inference, which folds BatchNormalization into the convolutions, and with the BN layers kept
(TrainingMode.PRESERVE), each also with dynamic height and width; and it counts the model with
forward hooks, code that shares nothing with convcost: a Conv2d's mult-adds are its output elements
times (in_channels / groups)·kH·kW, a Linear's are in x out features, the parameters are the
`numel` of every parameter. convcost must agree exactly: mult-adds everywhere, and parameters where
the graph keeps the BN layers (folding turns each BN's 2C parameters into C conv biases).

That Python is this one if it has torch, else CONVCOST_TORCH_PYTHON (e.g. a venv kept apart because
torch is large): `CONVCOST_TORCH_PYTHON=/path/to/venv/bin/python pytest tests/test_onnx_torch.py`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest

import convcost

HAS_TORCH = importlib.util.find_spec("torch") and importlib.util.find_spec("torchvision")
PYTHON = os.environ.get("CONVCOST_TORCH_PYTHON") or (sys.executable if HAS_TORCH else None)
pytestmark = pytest.mark.skipif(PYTHON is None,
                                reason="needs torch and torchvision (or CONVCOST_TORCH_PYTHON)")

MODELS = ("squeezenet1_1", "shufflenet_v2_x0_5", "mnasnet0_75", "regnet_x_400mf", "googlenet")
RESOLUTIONS = (224, 160, 131)

EXPORT = r"""
import json, sys, warnings
import torch, torchvision
from torch.onnx import TrainingMode
torch.manual_seed(0)
name, folder = sys.argv[1], sys.argv[2]
kw = {"aux_logits": False, "init_weights": True} if name == "googlenet" else {}
model = torchvision.models.get_model(name, weights=None, **kw).eval()
counts = {"params": sum(p.numel() for p in model.parameters()), "macs": {}}
def hook(module, inputs, output):
    global macs
    if isinstance(module, torch.nn.Conv2d):
        k = module.kernel_size[0] * module.kernel_size[1] * module.in_channels // module.groups
        macs += output.numel() // output.shape[0] * k
    elif isinstance(module, torch.nn.Linear):
        macs += module.in_features * module.out_features
for m in model.modules():
    if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
        m.register_forward_hook(hook)
for res in map(int, sys.argv[3:]):
    macs = 0
    with torch.no_grad():
        model(torch.randn(1, 3, res, res))
    counts["macs"][res] = macs
x = torch.randn(1, 3, 224, 224)
dynamic = {"input": {0: "batch", 2: "height", 3: "width"}, "output": {0: "batch"}}
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for suffix, extra in (("", {}), ("_bn", {"training": TrainingMode.PRESERVE})):
        torch.onnx.export(model, (x,), f"{folder}/{name}{suffix}.onnx", opset_version=17, dynamo=False,
                          input_names=["input"], output_names=["output"], dynamic_axes=dynamic, **extra)
print(json.dumps(counts))
"""


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("torch_onnx")
    out = {}
    for name in MODELS:
        run = subprocess.run([PYTHON, "-c", EXPORT, name, str(folder), *map(str, RESOLUTIONS)],
                             capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
        assert run.returncode == 0, run.stderr[-2000:]
        out[name] = json.loads(run.stdout.strip().splitlines()[-1])
    return folder, out


@pytest.mark.parametrize("name", MODELS)
def test_macs_and_params_equal_pytorchs(exported, name):
    folder, counts = exported
    for resolution in RESOLUTIONS:
        size = {"height": str(resolution), "width": str(resolution)}
        folded = convcost.analyze(str(folder / f"{name}.onnx"), set=size)
        kept = convcost.analyze(str(folder / f"{name}_bn.onnx"), set=size)
        assert folded.totals.macs == kept.totals.macs == counts[name]["macs"][str(resolution)], resolution
        assert kept.totals.params == counts[name]["params"]
