"""What the table and Markdown show of the roofline besides its columns: the device line and the
totals' time cells. Formatting only (floats for reading; JSON and CSV are exact)."""

from __future__ import annotations

from fractions import Fraction

from ..analysis.alternatives import ratio
from ..analysis.roofline import NetworkTime
from ..symbolic.arith import is_number
from ..symbolic.display import decimal, seconds
from .view import View

TIME_TITLES = ("time", "time / all standard", "mult-adds / all standard")


def rate(v) -> str:
    """19500000000000 -> '19.5 T' (followed by the unit: FLOP/s, B/s)."""
    if not is_number(v):
        return f"{v} "
    for scale, suffix in ((10**15, "P"), (10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "k")):
        if v >= scale:
            return f"{float(Fraction(v) / scale):.4g} {suffix}"
    return f"{float(v):.4g} "


def device_line(n: NetworkTime) -> str:
    """'device: NVIDIA T4 (t4), fp32: peak 8.1 TFLOP/s, bandwidth 320 GB/s, ridge point 25.31 FLOP/B,
    unfused'."""
    d = n.device
    return (f"device: {d.name} ({d.key}), {n.dtype}: peak {rate(n.peak)}FLOP/s, "
            f"bandwidth {rate(n.bandwidth)}B/s, ridge point {decimal(ratio(n.peak, n.bandwidth), 2)} FLOP/B, "
            + ("fused (--fuse)" if n.fuse else "unfused"))


def time_cells(view: View, i: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The totals table's extra titles, and the cells of version `i` (none without a device)."""
    if not view.times:
        return (), ()
    standard_time, standard_macs = view.times[1], view.totals[1][1].macs
    time, macs = view.times[i], view.totals[i][1].macs
    return TIME_TITLES, (seconds(time), decimal(ratio(time, standard_time)),
                         decimal(ratio(macs, standard_macs)))
