"""The roofline options of `convcost analyze`: --dtype, --device, --fuse, --plot (parsing only)."""

from __future__ import annotations

import functools
from collections.abc import Callable

import click

from .completion import complete_device

# The keys of convcost.devices.DTYPE_BYTES, written out so that --help loads nothing (a test compares them).
DTYPES = ("fp32", "fp16", "bf16", "int8")


def device_options(fn: Callable) -> Callable:
    """--dtype, --device, --fuse and --plot, passed on as `roofline=dict(...)`."""

    @click.option("--dtype", type=click.Choice(DTYPES), default="fp32", show_default=True,
                  help="Element type: sets the bytes of weights and activations and the device's peak rate.")
    @click.option("--device", metavar="NAME_OR_FILE", default=None, shell_complete=complete_device,
                  help="Add roofline times on this device: a built-in (`convcost devices`) or a device "
                  "file (docs/roofline.md).")
    @click.option("--fuse", is_flag=True,
                  help="With --device: fold batch norm and activations into the conv before them and run a "
                  "separable pair as one kernel, its intermediate tensor on chip.")
    @click.option("--plot", metavar="FILE.svg|FILE.png", default=None,
                  help="With --device: also draw the roofline and the per-layer times (needs the `plot` "
                  "extra: pip install 'convcost[plot]').")
    @functools.wraps(fn)
    def wrapper(*args, dtype, device, fuse, plot, **kwargs):
        from ..errors import ConvcostError

        if device is None and (fuse or plot):
            option = "--fuse" if fuse else "--plot"
            raise ConvcostError(f"{option} needs --device", hint="e.g. --device a100-sxm4-80gb "
                                "(`convcost devices` lists the built-in devices)")
        if plot is not None and not plot.lower().endswith((".svg", ".png")):
            raise ConvcostError(f"--plot writes an .svg or .png file, not {plot!r}",
                                hint="e.g. --plot roofline.svg")
        kwargs["roofline"] = dict(dtype=dtype, device=device, fuse=fuse, plot=plot)
        return fn(*args, **kwargs)

    return wrapper
