"""Cross-check against PyTorch (optional: skipped where torch is not installed, as in CI).

Each layer file is built as a real torch graph, layer by layer, by code that shares nothing with
convcost's rules: torch computes the output shapes (a forward pass) and counts parameters
(`numel` of every parameter); mult-adds come from the real output shapes of Conv2d and Linear
(out elements x weights per output). convcost must agree on every layer.

Run it with:  pip install torch==2.13.0 && python -m pytest tests/test_torch_crosscheck.py
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import convcost
from convcost.zoo import builtin_names

torch = pytest.importorskip("torch")
nn = torch.nn

ACT = {"relu": nn.ReLU, "relu6": nn.ReLU6, "sigmoid": nn.Sigmoid, "hswish": nn.Hardswish,
       "hsigmoid": nn.Hardsigmoid, "swish": nn.SiLU, "silu": nn.SiLU, "tanh": nn.Tanh, "gelu": nn.GELU,
       "elu": nn.ELU, "leakyrelu": nn.LeakyReLU, "mish": nn.Mish}


def _pad(p):
    return p if isinstance(p, str) else tuple(int(x) for x in p)


def module_for(layer, in_shape):
    """A torch module for one convcost LayerSpec (None for merge layers, handled in forward)."""
    k, p = layer.kind, layer.attrs
    c = int(in_shape[0])
    if k in ("conv", "depthwise", "pointwise", "separable"):
        if k == "pointwise":
            return nn.Conv2d(c, int(p["out"]), 1, stride=p["stride"], groups=int(p["groups"]), bias=p["bias"])
        dw_out = c * int(p.get("multiplier", 1))
        common = dict(kernel_size=p["kernel"], stride=p["stride"], padding=_pad(p["padding"]),
                      dilation=p["dilation"], bias=p["bias"])
        if k == "conv":
            return nn.Conv2d(c, int(p["out"]), groups=int(p["groups"]), **common)
        if k == "depthwise":
            return nn.Conv2d(c, dw_out, groups=c, **common)
        return nn.Sequential(nn.Conv2d(c, c, groups=c, **common),
                             nn.Conv2d(c, int(p["out"]), 1, bias=p["bias"]))
    if k == "fc":
        n = 1
        for d in in_shape:
            n *= int(d)
        return nn.Sequential(nn.Flatten(0), nn.Linear(n, int(p["out"]), bias=p["bias"]))
    if k in ("avgpool", "maxpool"):
        if p["global"]:
            return nn.AdaptiveAvgPool2d(1) if k == "avgpool" else nn.AdaptiveMaxPool2d(1)
        stride = p["stride"] or p["kernel"]
        if k == "avgpool":
            return nn.AvgPool2d(p["kernel"], stride, _pad(p["padding"]), ceil_mode=p["ceil_mode"])
        return nn.MaxPool2d(p["kernel"], stride, _pad(p["padding"]), dilation=p["dilation"],
                            ceil_mode=p["ceil_mode"])
    if k in ("bn", "batchnorm"):
        norm = nn.BatchNorm2d if len(in_shape) == 3 else nn.BatchNorm1d
        return norm(c, affine=p["affine"])
    if k in ACT:
        return ACT[k]()
    if k == "softmax":
        return nn.Softmax(0)
    if k in ("dropout", "identity"):
        return nn.Identity()
    if k == "flatten":
        return nn.Flatten(0)
    if k == "upsample":
        if p["size"] is not None:
            return nn.Upsample(size=tuple(int(x) for x in p["size"]))
        return nn.Upsample(scale_factor=tuple(float(x) for x in p["scale"]))
    return None


def torch_costs(spec):
    """Run the network in torch: name -> (output shape, params, macs)."""
    out = {"input": torch.zeros(*[int(d) for d in spec.input])}
    costs = {}
    for layer in spec.layers:  # the zoo and generated files only point backwards
        xs = [out[r] for r in layer.inputs]
        mod = module_for(layer, tuple(xs[0].shape))
        macs = 0
        if mod is None:
            if layer.kind == "add":
                y = sum(xs[1:], xs[0])
            elif layer.kind == "mul":
                y = xs[0]
                for x in xs[1:]:
                    y = y * x
            else:
                y = torch.cat(xs, 0)
        else:
            mod.eval()
            x = xs[0]
            hooks = []

            def count(m, inp, res):
                nonlocal macs
                if isinstance(m, nn.Conv2d):
                    macs += res.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
                elif isinstance(m, nn.Linear):
                    macs += m.in_features * m.out_features

            for m in mod.modules():
                hooks.append(m.register_forward_hook(count))
            with torch.no_grad():
                y = mod(x.unsqueeze(0)).squeeze(0) if x.dim() == 3 else mod(x)
            for h in hooks:
                h.remove()
        out[layer.name] = y
        params = sum(p.numel() for p in mod.parameters()) if mod is not None else 0
        costs[layer.name] = (tuple(y.shape), params, macs)
    return costs


def assert_agrees(spec):
    report = convcost.analyze(spec)
    expected = torch_costs(spec)
    for row in report.layers:
        shape, params, macs = expected[row.name]
        assert (row.output, row.params, row.macs) == (shape, params, macs), row.name


@pytest.mark.parametrize("name", builtin_names())
def test_builtin_networks_agree_with_torch(name):
    assert_agrees(convcost.load(name))


@pytest.mark.parametrize("alpha", ["0.75", "0.5", "1.4"])
def test_mobilenet_v2_width_agrees_with_torch(alpha):
    assert_agrees(convcost.load("mobilenet_v2", set={"alpha": alpha, "res": "160"}))


@st.composite
def conv_networks(draw):
    """Random conv / pooling layers with every geometric option."""
    c = draw(st.integers(1, 6)) * draw(st.sampled_from([1, 2, 4]))
    h, w = draw(st.integers(5, 40)), draw(st.integers(5, 40))
    k = [draw(st.integers(1, 5)), draw(st.integers(1, 5))]
    s = [draw(st.integers(1, 3)), draw(st.integers(1, 3))]
    d = [draw(st.integers(1, 2)), draw(st.integers(1, 2))]
    pad = draw(st.sampled_from(["0", "1", "[1, 2]", "same"] if s == [1, 1] else ["0", "1", "[1, 2]"]))
    g = draw(st.sampled_from([1, c]))
    out = g * draw(st.integers(1, 3))
    kind = draw(st.sampled_from(["conv", "separable", "depthwise", "maxpool", "avgpool"]))
    bias = draw(st.booleans())
    geo = f"kernel: [{k[0]}, {k[1]}], stride: [{s[0]}, {s[1]}], padding: {pad}"
    layer = {
        "conv": f"conv: {{out: {out}, {geo}, dilation: [{d[0]}, {d[1]}], groups: {g}, "
                f"bias: {str(bias).lower()}}}",
        "separable": f"separable: {{out: {out}, {geo}, dilation: [{d[0]}, {d[1]}], "
                     f"bias: {str(bias).lower()}}}",
        "depthwise": f"depthwise: {{{geo}, dilation: [{d[0]}, {d[1]}], multiplier: 2}}",
        "maxpool": f"maxpool: {{kernel: [{k[0]}, {k[1]}], stride: [{s[0]}, {s[1]}], "
                   f"dilation: [{d[0]}, {d[1]}], "
                   f"ceil_mode: {str(draw(st.booleans())).lower()}}}",
        "avgpool": f"avgpool: {{kernel: [{k[0]}, {k[1]}], stride: [{s[0]}, {s[1]}]}}",
    }[kind]
    return f"input: [{c}, {h}, {w}]\nlayers:\n  - {layer}\n  - bn\n  - relu\n  - fc: {{out: 3}}\n"


@pytest.mark.filterwarnings("ignore::UserWarning")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conv_networks())
def test_random_layers_agree_with_torch(text):
    from convcost.errors import ConvcostError
    from convcost.layerfile.loader import load_text

    spec = load_text(text, "random.yaml")
    try:
        expected = torch_costs(spec)
    except RuntimeError:  # torch refuses (output size below 1, or padding over half the kernel)
        with pytest.raises(ConvcostError):
            convcost.analyze(spec)
        return
    report = convcost.analyze(spec)
    for row in report.layers:
        assert (row.output, row.params, row.macs) == expected[row.name], (row.name, text)
