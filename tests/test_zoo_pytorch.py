"""The ten built-ins of issue 10 against PyTorch's own counts (no torch needed here).

Each figure below was measured by a colleague with torch 2.14.1, torchvision 0.29.1 and timm 1.0.31
(/work/research/reference.json, made by research/scripts/step2_reference.py): parameters are
`sum(p.numel() for p in model.parameters())`; mult-adds are the multiply-accumulates of every
nn.Conv2d and nn.Linear call seen by forward hooks on a real forward pass (out.numel() x in/groups x
kh x kw; out.numel() x in_features), batch 1, at six input resolutions. They are independent of
convcost. tests/test_torch_crosscheck.py re-measures them where torch is installed.
"""

import pytest

import convcost

# name: (parameters, {resolution: conv + linear mult-adds})
PYTORCH = {
    "efficientnet_b0": (5_288_548, {
        224: 385_814_752, 193: 339_022_432, 160: 197_778_400,
        256: 503_337_472, 299: 729_878_720, 97: 101_615_680}),
    "mobilenet_v3_small": (2_542_856, {
        224: 56_510_400, 193: 49_734_600, 160: 29_846_976,
        256: 73_175_040, 299: 105_159_128, 97: 16_131_432}),
    "mobilenet_v3_large": (5_483_032, {
        224: 216_589_760, 193: 186_621_896, 160: 112_472_000,
        256: 281_663_360, 299: 402_389_712, 97: 56_992_424}),
    "shufflenet_v2_x1_0": (2_278_604, {
        224: 144_907_992, 193: 127_862_160, 160: 74_434_200,
        256: 188_954_112, 299: 274_365_876, 97: 38_634_120}),
    "resnet50": (25_557_032, {
        224: 4_089_184_256, 193: 3_468_932_288, 160: 2_087_321_600,
        256: 5_340_348_416, 299: 7_627_668_224, 97: 996_519_104}),
    "vgg16": (138_357_544, {
        224: 15_470_264_320, 193: 11_413_567_168, 160: 7_953_547_264,
        256: 20_168_212_480, 299: 26_926_919_872, 97: 2_949_850_816}),
    "densenet121": (7_978_856, {
        224: 2_834_161_664, 193: 2_119_689_408, 160: 1_446_502_400,
        256: 3_701_448_704, 299: 4_937_681_664, 97: 540_171_456}),
    "squeezenet1_0": (1_248_424, {
        224: 818_924_576, 193: 602_550_912, 160: 404_268_064,
        256: 1_080_590_368, 299: 1_489_455_648, 97: 138_906_240}),
    "mnasnet1_0": (4_383_312, {
        224: 314_415_872, 193: 279_554_888, 160: 161_043_200,
        256: 410_273_792, 299: 599_662_512, 97: 84_434_888}),
    "xception": (22_855_952, {
        224: 4_552_879_072, 193: 3_348_969_856, 160: 2_315_464_160,
        256: 5_952_783_776, 299: 8_357_403_496, 97: 832_061_632}),}
# torchvision's width variants, measured the same way
MNASNET0_5 = (2_218_512, {224: 104_455_968, 193: 91_721_880})


@pytest.mark.parametrize("name", PYTORCH)
@pytest.mark.parametrize("res", [224, 193, 160, 256, 299, 97])
def test_builtin_equals_pytorch(name, res):
    params, macs = PYTORCH[name]
    totals = convcost.analyze(name, set={"res": str(res)}).totals
    assert (totals.params, totals.macs) == (params, macs[res])


@pytest.mark.parametrize("name", PYTORCH)
def test_default_resolution(name):
    # xception is timm's legacy_xception, whose default input is 299; the others 224
    res = 299 if name == "xception" else 224
    assert convcost.analyze(name).input == (3, res, res)
    assert convcost.analyze(name).totals.macs == PYTORCH[name][1][res]


@pytest.mark.parametrize("res", [224, 193])
def test_mnasnet_width(res):
    totals = convcost.analyze("mnasnet1_0", set={"alpha": "0.5", "res": str(res)}).totals
    assert (totals.params, totals.macs) == (MNASNET0_5[0], MNASNET0_5[1][res])


@pytest.mark.parametrize("name,pairs", [
    ("mobilenet_v3_large", 15), ("mobilenet_v3_small", 11), ("efficientnet_b0", 16), ("mnasnet1_0", 17),
    ("shufflenet_v2_x1_0", 19), ("xception", 34),
])
def test_every_depthwise_is_paired(name, pairs):
    # every depthwise conv of these networks is followed by its 1x1 projection, in MobileNetV3 and
    # EfficientNet through a squeeze-and-excitation (counted by hand from torchvision's configs)
    report = convcost.analyze(name)
    depthwise = [r for r in report.layers if r.kind == "depthwise"]
    assert len(depthwise) == pairs
    assert all(r.pair is not None and r.pair[0] == r.name for r in depthwise)
    assert not report.warnings


def test_vgg_adaptive_pool_is_an_identity_only_at_224():
    assert convcost.analyze("vgg16").layer("avgpool").input == (512, 7, 7)
    pool = convcost.analyze("vgg16", set={"res": "193"}).layer("avgpool")
    assert (pool.input, pool.output) == ((512, 6, 6), (512, 7, 7))


def test_scoped_names_follow_the_instances():
    report = convcost.analyze("resnet50")
    assert report.layer("layer2.1.downsample.0").params == 256 * 512  # 1x1, 256 -> 512, stride 2
    assert report.layer("layer2.1.conv2").output == (128, 28, 28)
    names = {r.name for r in report.layers}
    assert "layer2.2.downsample.0" not in names  # identity shortcut from the second block on
    se = convcost.analyze("mobilenet_v3_large").layer("b4.se.fc1")
    assert se.params == 72 * 24 + 24  # make_divisible(72 // 4, 8) = 24 channels, with bias
