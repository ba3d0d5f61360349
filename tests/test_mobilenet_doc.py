"""docs/mobilenet.md reports only numbers convcost computes: every table row is recomputed here."""

import re
from pathlib import Path

import convcost

DOC = (Path(__file__).parent.parent / "docs" / "mobilenet.md").read_text()


def section(title: str) -> list[list[str]]:
    body = DOC.split(f"## {title}", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip("|").split("|") for line in body.splitlines() if line.startswith("| ")]
    return [[c.strip() for c in row] for row in rows[1:]]  # without the header row


def num(text: str) -> int:
    return int(text.replace(",", ""))


def test_table_2():
    report = convcost.analyze("mobilenet_v1")
    kinds = {"conv 1×1 (`pointwise`)": "pointwise", "depthwise 3×3": "depthwise 3x3", "conv 3×3": "conv 3x3",
             "fully connected": "fc"}
    shares = {k.kind: k for k in report.by_kind}
    rows = section("Table 2")
    assert len(rows) == 4
    for label, macs, macs_pct, params, params_pct in rows:
        k = shares[kinds[label]]
        assert (num(macs), num(params)) == (k.macs, k.params)
        assert macs_pct.split()[0] == f"{float(k.macs_share) * 100:.2f}"
        assert params_pct.split()[0] == f"{float(k.params_share) * 100:.2f}"


def test_table_4():
    t = convcost.analyze("mobilenet_v1").totals
    (_, m1, p1, _), (_, m2, p2, _) = section("Table 4")
    assert (num(m1), num(p1)) == (t.macs, t.params)
    assert (num(m2), num(p2)) == (t.standard.macs, t.standard.params)


def test_tables_6_and_7():
    for title, var in (("Table 6", "alpha"), ("Table 7", "res")):
        for value, macs, params, _ in section(title):
            t = convcost.analyze("mobilenet_v1", set={var: value}).totals
            assert (num(macs), num(params)) == (t.macs, t.params), (title, value)


def test_closed_forms():
    from convcost.symbolic.functions import slim_depth

    def continuous(x):  # the paper's widths: slim_depth(d*alpha, 8) is d*alpha
        return x.replace(slim_depth, lambda v, _minimum: v)

    sym = convcost.analyze("mobilenet_v1", symbolic=["alpha", "res"]).totals
    assert f"`{continuous(sym.params)}`" in DOC
    alpha_only = convcost.analyze("mobilenet_v1", symbolic=["alpha"]).totals
    assert f"`{continuous(alpha_only.macs)}`" in DOC
    assert re.search(r"floor\(res/4 - 1/4\) \+ 1", str(sym.macs))
