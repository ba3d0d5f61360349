"""The built-in MobileNetV1 against the paper (Howard et al. 2017) and hand arithmetic.

Expected values: Table 1's layer list summed by hand (see the comments), the totals quoted in
issue 2 (Tables 4, 6 and 7 give them rounded: 569M/4.2M, 4866M/29.3M, 325M, 149M, 41M, 418M,
291M, 186M).
"""

from fractions import Fraction

import pytest

import convcost

# Table 1 body: (input channels, output channels, stride) of the 13 separable blocks.
BLOCKS = [(32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2), (256, 256, 1), (256, 512, 2),
          *[(512, 512, 1)] * 5, (512, 1024, 2), (1024, 1024, 1)]


def hand_count(alpha=Fraction(1), res=224):
    """MobileNetV1 cost summed from Table 1, independently of convcost's rules."""
    size = res // 2
    c0 = int(32 * alpha)
    macs = 3 * 3 * 3 * c0 * size * size
    params = 27 * c0
    for m, n, s in BLOCKS:
        m, n = int(m * alpha), int(n * alpha)
        size = size // s
        macs += 9 * m * size * size + m * n * size * size
        params += 9 * m + m * n
    macs += int(1024 * alpha) * 1000
    params += int(1024 * alpha) * 1000
    return macs, params


def test_baseline_totals():
    report = convcost.analyze("mobilenet_v1")
    assert report.totals.macs == 568_740_352 == hand_count()[0]
    assert report.totals.params == 4_209_088 == hand_count()[1]


@pytest.mark.parametrize("alpha,macs", [("0.75", 325_400_448), ("0.5", 149_497_088), ("0.25", 41_030_272)])
def test_width_multiplier_table_6(alpha, macs):
    report = convcost.analyze("mobilenet_v1", set={"alpha": alpha})
    assert report.totals.macs == macs == hand_count(alpha=Fraction(alpha))[0]


@pytest.mark.parametrize("res,macs", [(192, 418_121_728), (160, 290_675_200), (128, 186_400_768)])
def test_resolution_multiplier_table_7(res, macs):
    report = convcost.analyze("mobilenet_v1", set={"res": str(res)})
    assert report.totals.macs == macs == hand_count(res=res)[0]
    assert report.totals.params == 4_209_088  # resolution does not change parameters


def test_all_standard_version_table_4():
    t = convcost.analyze("mobilenet_v1").totals
    assert t.standard.macs == 4_867_293_184
    assert t.standard.params == 29_281_120
    # by hand: the first conv plus every block as a 3x3 standard conv plus the fc
    std_macs = 3 * 3 * 3 * 32 * 112 * 112 + 1024 * 1000
    size = 112
    for m, n, s in BLOCKS:
        size //= s
        std_macs += 9 * m * n * size * size
    assert t.standard.macs == std_macs


def test_separable_version_replaces_only_the_first_conv():
    t = convcost.analyze("mobilenet_v1").totals
    first_std = 3 * 3 * 3 * 32 * 112 * 112
    first_sep = (9 + 32) * 3 * 112 * 112
    assert t.separable.macs == 568_740_352 - first_std + first_sep


def test_by_kind_shares_table_2():
    report = convcost.analyze("mobilenet_v1")
    shares = {k.kind: k for k in report.by_kind}
    percent = {kind: round(float(k.macs_share) * 100, 2) for kind, k in shares.items()}
    # The paper prints 1.19 for the 3x3 conv, a transposition of 1.91 (its figures sum to 99.29).
    assert percent == {"pointwise": 94.86, "depthwise 3x3": 3.06, "conv 3x3": 1.91, "fc": 0.18}
    params = {kind: round(float(k.params_share) * 100, 2) for kind, k in shares.items()}
    assert params == {"pointwise": 74.59, "depthwise 3x3": 1.06, "conv 3x3": 0.02, "fc": 24.33}
    assert sum(k.macs_share for k in report.by_kind) == 1


def test_table_1_shapes():
    report = convcost.analyze("mobilenet_v1")
    outputs = [r.output for r in report.layers]
    assert outputs[0] == (32, 112, 112)
    assert outputs[2] == (128, 56, 56)
    assert outputs[6] == (512, 14, 14)
    assert outputs[13] == (1024, 7, 7)
    assert outputs[14] == (1024, 1, 1)
    assert outputs[15] == (1000,)


def test_ratio_of_a_512_block_is_one_over_n_plus_one_over_nine():
    layer = convcost.analyze("mobilenet_v1").layer("body.1.sep")
    assert layer.ratio == Fraction(1, 512) + Fraction(1, 9) == Fraction(521, 4608)
