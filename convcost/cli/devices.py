"""`convcost devices`: list the built-in devices of the roofline model."""

from __future__ import annotations

import click

from .page import hanging, page_width


@click.command()
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="`json` gives every number exactly (FLOP/s, bytes/s).")
def devices(fmt: str) -> None:
    """List the built-in devices for --device: peak FLOP/s per dtype, bandwidth and ridge point."""
    from ..devices import builtin_names, load_device
    from ..render.roofline_text import rate as _rate
    from ..symbolic.display import exact
    from . import emit

    loaded = [load_device(name) for name in builtin_names()]
    if fmt == "json":
        import json

        data = [{"key": d.key, "name": d.name, "description": d.description, "source": d.source,
                 "peak_flops": {k: exact(v) for k, v in d.peak_flops.items()},
                 "bandwidth": exact(d.bandwidth),
                 "ridge_point": {k: exact(d.ridge(k)) for k in d.peak_flops}} for d in loaded]
        emit(json.dumps(data, indent=2) + "\n")
        return
    width = max(len(d.key) for d in loaded)
    page = page_width()
    lines = []
    for d in loaded:
        peaks = ", ".join(f"{k} {_rate(v)}FLOP/s" for k, v in d.peak_flops.items())
        ridge = float(d.ridge(next(iter(d.peak_flops))))
        for first, text in ((d.key, f"{d.name}: {d.description}"),
                            ("", f"{peaks}; {_rate(d.bandwidth)}B/s; ridge {ridge:.3g} FLOP/B "
                                 f"({next(iter(d.peak_flops))})")):
            lines.append(hanging(first.ljust(width) + "  ", text, page))
    emit("\n".join(lines) + "\n")

