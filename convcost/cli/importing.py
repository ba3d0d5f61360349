"""`convcost import`: an ONNX model written as an editable layer file (load -> write)."""

from __future__ import annotations

import click

from .options import network_options


@click.command("import")
@network_options
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the layer file to this path (atomically) instead of standard output.")
def import_(source: str, network: dict, output: str | None) -> None:
    """Write an ONNX model as an editable layer file whose analysis equals the model's.

    FILE_OR_BUILTIN is an ONNX model (a `.onnx` file; weights need not be present). Every dynamic
    dim of its input stays a var of the layer file: --set gives it a value there, otherwise it has
    none and the file is analyzed with --set or --symbolic, as the model is. See docs/onnx.md.

    \b
    Examples:
      convcost import resnet18.onnx -o resnet18.yaml
      convcost import mobilenet_v2_dynamic.onnx --set height=224 --set width=224 -o mbv2.yaml
      convcost import model.onnx --allow-unsupported -o model.yaml
    """
    from ..errors import ConvcostError, shown
    from ..layerfile.writer import write
    from ..onnx import is_onnx
    from ..onnx.source import load
    from .output import deliver, refuse_inputs

    if not is_onnx(source):
        raise ConvcostError(f"{shown(source)} is not an ONNX model",
                            hint="convcost import reads .onnx files; a layer file or built-in is already one")
    refuse_inputs(source, (output, "-o"))
    spec = load(source, network["set"], network["symbolic"], network["limits"],
                network.get("allow_unsupported", False), defaults_only=True)
    notes = {layer: f"{u.op_type}: unsupported, counted as zero"
             for u in spec.unsupported for layer in u.layers}
    lines = [f"Imported from {source} by `convcost import`: {len(spec.layers)} layers.",
             "Its analysis equals the model's (docs/onnx.md)."]
    if spec.unsupported:
        lines.append("Operators counted as zero (--allow-unsupported): "
                     + ", ".join(f"{u.op_type} x{u.count}" for u in spec.unsupported))
    text = write(spec, lines, notes)
    deliver(text, output)

