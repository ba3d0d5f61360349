"""The ten built-ins of issue 10 against the reference implementations themselves (optional: skipped
where torch, torchvision or timm is not installed, as in CI; tests/test_zoo_pytorch.py holds the same
figures measured once, for CI).

Each model is torchvision's (timm's legacy_xception for `xception`), built without weights. Its
parameters are `sum(p.numel() for p in model.parameters())`; its mult-adds are counted by forward
hooks on a real forward pass: Conv2d out.numel() x in/groups x kh x kw, ConvTranspose2d in.numel() x
out/groups x kh x kw, Linear out.numel() x in_features. convcost must give the same totals at the
default resolution and at odd ones. Checked with torch 2.14.1, torchvision 0.29.1, timm 1.0.31.

Run it with:  pip install torch torchvision timm && python -m pytest tests/test_torch_zoo.py
"""

import pytest

import convcost

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")
nn = torch.nn

MODELS = ("efficientnet_b0", "mobilenet_v3_small", "mobilenet_v3_large", "shufflenet_v2_x1_0", "resnet50",
          "vgg16", "densenet121", "squeezenet1_0", "mnasnet1_0", "xception")


def reference(name):
    if name == "xception":
        timm = pytest.importorskip("timm")
        return timm.create_model("legacy_xception", pretrained=False)
    return getattr(torchvision.models, name)(weights=None)


def torch_counts(model, res):
    macs = []

    def hook(module, inputs, output):
        k = module.kernel_size if hasattr(module, "kernel_size") else None
        if isinstance(module, nn.Conv2d):
            macs.append(output.numel() * module.in_channels // module.groups * k[0] * k[1])
        elif isinstance(module, nn.ConvTranspose2d):
            macs.append(inputs[0].numel() * module.out_channels // module.groups * k[0] * k[1])
        elif isinstance(module, nn.Linear):
            macs.append(output.numel() * module.in_features)

    handles = [m.register_forward_hook(hook) for m in model.modules()
               if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear))]
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, res, res))
    for h in handles:
        h.remove()
    return sum(p.numel() for p in model.parameters()), sum(macs)


@pytest.mark.parametrize("name", MODELS)
def test_builtin_equals_the_reference_model(name):
    torch.manual_seed(0)
    model = reference(name)
    default = 299 if name == "xception" else 224
    for res in (default, 193, 97):
        params, macs = torch_counts(model, res)
        totals = convcost.analyze(name, set={"res": str(res)}).totals
        assert (totals.params, totals.macs) == (params, macs), (name, res)


@pytest.mark.parametrize("alpha,builder", [("0.5", "mnasnet0_5"), ("0.75", "mnasnet0_75")])
def test_mnasnet_width_equals_torchvision(alpha, builder):
    params, macs = torch_counts(getattr(torchvision.models, builder)(weights=None), 224)
    totals = convcost.analyze("mnasnet1_0", set={"alpha": alpha}).totals
    assert (totals.params, totals.macs) == (params, macs)


@pytest.mark.parametrize("width", ["0.75", "1.25"])
def test_mobilenet_v3_width_equals_torchvision(width):
    from torchvision.models.mobilenetv3 import MobileNetV3, _mobilenet_v3_conf

    settings, last = _mobilenet_v3_conf("mobilenet_v3_large", width_mult=float(width))
    params, macs = torch_counts(MobileNetV3(settings, last), 224)
    totals = convcost.analyze("mobilenet_v3_large", set={"width_mult": width}).totals
    assert (totals.params, totals.macs) == (params, macs)
