"""docs/roofline.md reports only numbers convcost computes: its tables are recomputed here."""

from pathlib import Path

import pytest

import convcost
from convcost.devices import builtin_names, load_device

DOC = (Path(__file__).parent.parent / "docs" / "roofline.md").read_text()
TEXT = " ".join(DOC.split())  # the prose with line breaks as spaces
SHORT = {"memory": "mem", "compute": "comp"}


def table(after: str) -> list[list[str]]:
    """The rows (without header and rule) of the first table after the line starting with `after`."""
    lines = DOC.split(after, 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows[2:]


@pytest.fixture(scope="module")
def reports():
    return {n: convcost.analyze("mobilenet_v1", device=n) for n in builtin_names()}


def test_per_layer_intensity_and_bounds(reports):
    header = DOC.split("| layer | intensity (FLOP/B) |", 1)[1].splitlines()[0]
    devices = [c.strip().strip("`") for c in header.strip("|").split("|")]
    assert devices == builtin_names()
    rows = table("(depthwise + pointwise for the separable layers).")
    base = reports[devices[0]]
    assert [r[0] for r in rows] == [layer.name for layer in base.layers]
    for i, (name, intensity, *bounds) in enumerate(rows):
        assert intensity == f"{float(base.layers[i].roofline.intensity):.2f}", name
        for device, cell in zip(devices, bounds, strict=True):
            t = reports[device].layers[i].roofline
            want = " + ".join(SHORT[p.bound] for p in t.parts) if t.parts else SHORT[t.bound]
            assert cell == want, (name, device)


def test_network_times_and_ratios(reports):
    rows = table("The network's time as written next to all standard")
    assert [r[0].strip("`") for r in rows] == builtin_names()
    for key, ridge, written, standard, time_ratio, macs_ratio in rows:
        key = key.strip("`")
        r, t = reports[key].roofline, reports[key].totals
        assert ridge == f"{float(load_device(key).ridge('fp32')):.2f}"
        assert written == f"{float(r.time_s) * 1e6:.1f} µs"
        assert standard == f"{float(r.standard_time) * 1e6:.1f} µs"
        assert time_ratio == f"{float(r.time_s / r.standard_time):.4f}"
        assert macs_ratio == f"{float(t.macs / t.standard.macs):.4f}"


def test_the_memory_example():
    r = convcost.analyze("mobilenet_v1")
    assert f"{r.memory.weights:,} bytes" in TEXT
    assert f"the peak, {r.memory.peak_activations:,} bytes, is reached at `{r.memory.peak_layer}`" in TEXT
    from convcost.symbolic.functions import slim_depth

    sym = convcost.analyze("mobilenet_v1", symbolic=["alpha"]).memory.peak_activations
    assert f"`{sym.replace(slim_depth, lambda v, _minimum: v)}`" in TEXT  # the paper's widths


def test_the_slower_layers_on_the_rtx_4090(reports):
    slower = [row.name for row in reports["rtx-4090"].layers
              if row.roofline.time_ratio is not None and row.roofline.time_ratio > 1]
    assert slower == ["conv1", "sep1", "sep2"]
    assert "on the RTX 4090, `conv1`, `sep1` and `sep2`" in TEXT


def test_the_device_table_matches_the_files():
    rows = table("naming the dtypes it has.")
    assert sorted(r[0].strip("`") for r in rows) == builtin_names()
    for key, _, fp32, *_ in rows:
        peak = load_device(key.strip("`")).peak("fp32")
        number, suffix = fp32.split()
        assert abs(float(peak) / (float(number) * {"T": 1e12, "G": 1e9}[suffix]) - 1) < 1e-3, key


def test_the_issues_example_in_the_prove_section():
    from convcost.proof import prove
    from convcost.proof.roofline import RooflineInput

    r = prove({"M": 512, "N": 512, "Dk": 3, "Dkp": 3, "Do": 14, "Dop": 14},
              roofline=RooflineInput("fp32", 4, ridge=100)).roofline
    assert f'"time_ratio": "{r.time_ratio}"' in TEXT and f'"time_ratio_fused": "{r.time_ratio_fused}"' in TEXT


def test_readme_numbers(reports):
    readme = " ".join((Path(__file__).parent.parent / "README.md").read_text().split())
    r, t = reports["rtx-4090"].roofline, reports["rtx-4090"].totals
    assert (f"needs {float(t.macs / t.standard.macs):.3f} of the standard one's mult-adds, but "
            f"{float(r.time_s / r.standard_time):.3f} of its time on an RTX 4090") in readme
