"""`convcost prove`: wiring only (parse the dimensions -> prove -> render -> write; exit 1 if a step fails).

sympy and rich are imported inside the command, so `convcost --help` stays fast.
"""

from __future__ import annotations

import re
import shutil
import sys

import click

from ..errors import EXIT_CHECK_FAILED, ConvcostError
from ..limits import DEFAULT_LIMITS
from ..render import ProofFormat
from .completion import complete_device, complete_source
from .device_options import DTYPES
from .options import allow_unsupported_option

# ASCII digits only, as the expression parser reads numbers (`\d` would take "３" or "٣").
_NUMBER = r"[ \t]*([0-9]+)[ \t]*"
_PAIR = re.compile(rf"{_NUMBER}(?:[x×X]{_NUMBER})?")


def _positive(option: str, text: str, example: str) -> int:
    from ..limits import DEFAULT_LIMITS

    hint = f"e.g. {option} {example}"
    if not re.fullmatch(_NUMBER, text):
        raise ConvcostError(f"{option} must be a positive integer, got {text!r}", hint=hint)
    if len(text.strip()) > 2000:  # far past any limit, and int() refuses 4300+ digits anyway
        raise ConvcostError(f"{option} is too large ({len(text.strip())} digits)", hint=hint)
    value = int(text)
    if value < 1:
        raise ConvcostError(f"{option} must be a positive integer, got {text!r}", hint=hint)
    if value.bit_length() > DEFAULT_LIMITS.int_bits:
        raise ConvcostError(f"{option} is too large ({value.bit_length()} bits)", hint=hint)
    return value


def _pair(option: str, text: str, example: str) -> tuple[int, int]:
    """``K`` (square) or ``KxK'``, each a positive integer."""
    match = _PAIR.fullmatch(text)
    if match is None:
        raise ConvcostError(
            f"{option} must be D or DxD' with positive integers, got {text!r}",
            hint=f"e.g. {option} {example.split()[0]} (square) or {option} {example.split()[1]}",
        )
    first = _positive(option, match.group(1), example.split()[0])
    second = _positive(option, match.group(2), example.split()[0]) if match.group(2) else first
    return first, second


def _dimensions(kernel: str | None, m: str | None, n: str | None, output_size: str | None) -> dict[str, int]:
    values: dict[str, int] = {}
    if kernel is not None:
        values["Dk"], values["Dkp"] = _pair("--kernel", kernel, "3 1x7")
    if m is not None:
        values["M"] = _positive("--in", m, "512")
    if n is not None:
        values["N"] = _positive("--out", n, "512")
    if output_size is not None:
        values["Do"], values["Dop"] = _pair("--output-size", output_size, "14 7x14")
    return values


@click.command()
@click.argument("source", metavar="[FILE_OR_BUILTIN]", required=False, shell_complete=complete_source)
@click.option(
    "--layer", metavar="NAME", help="Take M, N, Dk, Dk', Do, Do' from this layer of FILE_OR_BUILTIN."
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="NAME=VALUE",
    help="With FILE_OR_BUILTIN: override a var of the file, as in analyze. Repeatable.",
)
@allow_unsupported_option
@click.option("--kernel", metavar="K|KxK'", help="Kernel size Dk x Dk' (3 means 3x3).")
@click.option("--in", "m", metavar="M", help="Input channels M.")
@click.option("--out", "n", metavar="N", help="Output channels N.")
@click.option("--output-size", metavar="D|DxD'", help="Output size Do x Do' (7 means 7x7).")
@click.option("--bias", is_flag=True, help="Add the bias terms (one per output channel of each convolution).")
@click.option(
    "--multipliers", is_flag=True, help="Add MobileNet's width (alpha) and resolution (rho) multipliers."
)
@click.option(
    "--roofline", is_flag=True,
    help="Add the roofline derivation: standard versus separable time, and exactly when separable is faster.",
)
@click.option("--device", metavar="NAME_OR_FILE", shell_complete=complete_device,
              help="With --roofline: the device's peak and bandwidth.")
@click.option("--ridge", metavar="FLOP_PER_BYTE",
              help="With --roofline: a ridge point (peak / bandwidth) instead of a device.")
@click.option("--dtype", type=click.Choice(DTYPES), default=None,
              help="With --roofline: the element type (fp32 with --device or --ridge).")
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice([f.value for f in ProofFormat]),
    default=ProofFormat.TEXT.value,
    show_default=True,
    help="Output format.",
)
def prove(
    source: str | None,
    layer: str | None,
    sets: tuple[str, ...],
    allow_unsupported: bool,
    kernel: str | None,
    m: str | None,
    n: str | None,
    output_size: str | None,
    bias: bool,
    multipliers: bool,
    roofline: bool,
    device: str | None,
    ridge: str | None,
    dtype: str | None,
    fmt: str,
) -> None:
    """The derivation of standard versus depthwise-separable cost, every step checked by sympy.

    With no numbers, the general derivation; with some or all of --kernel, --in, --out and
    --output-size, the same steps with the numbers put in and exact results. With
    FILE_OR_BUILTIN --layer NAME, the dimensions of that layer, checked against `convcost analyze`.

    \b
    Examples:
      convcost prove
      convcost prove --kernel 3 --out 512
      convcost prove --kernel 3 --in 512 --out 512 --output-size 14 --format json
      convcost prove mobilenet_v1 --layer sep6
      convcost prove --bias --multipliers --format latex > derivation.tex
      convcost prove --roofline --kernel 3 --in 512 --out 512 --output-size 14 --ridge 100
      convcost prove --roofline --kernel 3 --in 512 --out 512 --output-size 14 --device t4 --dtype fp16

    \b
    Exit codes: 0 every step verified, 1 a step did not verify, 2 invalid input.
    """
    values = _dimensions(kernel, m, n, output_size)
    given = _roofline_input(roofline, device, ridge, dtype)
    if source is None:
        if layer is not None:
            raise ConvcostError(
                "--layer needs a layer file or built-in network",
                hint="e.g. convcost prove mobilenet_v1 --layer sep6",
            )
        if sets:
            raise ConvcostError("--set needs a layer file or built-in network",
                                hint="e.g. convcost prove mobilenet_v1 --layer sep6 --set alpha=0.5")
        if allow_unsupported:
            raise ConvcostError("--allow-unsupported needs an ONNX model",
                                hint="e.g. convcost prove model.onnx --layer /conv --allow-unsupported")
    else:
        if layer is None:
            raise ConvcostError(
                f"which layer of {source!r}? give --layer NAME",
                hint=f"`convcost analyze {source}` lists the layers",
            )
        if values:
            given = ", ".join(
                o
                for o, v in (("--kernel", kernel), ("--in", m), ("--out", n), ("--output-size", output_size))
                if v is not None
            )
            raise ConvcostError(f"--layer takes the dimensions from the layer; drop {given}",
                                hint="give either a layer or the dimensions, not both")

    from ..proof import prove as run
    from ..proof import prove_layer
    from ..render import RenderOptions, render

    if source is None:
        proof = run(values, bias=bias, multipliers=multipliers, roofline=given)
    else:
        from ..api import analyze
        from .options import parse_sets

        report = analyze(source, set=parse_sets(sets), allow_unsupported=allow_unsupported)
        proof = prove_layer(report, layer, source=source, bias=bias, multipliers=multipliers, roofline=given)

    tty = sys.stdout.isatty()  # (click 8.3 deprecates get_text_stream)
    width = shutil.get_terminal_size((100, 24)).columns if tty else 100
    options = RenderOptions(color=tty, width=width, command=command_line(proof, fmt))
    from . import emit

    emit(render(proof, ProofFormat(fmt), options))
    if not proof.verified:
        numbers = ", ".join(f"{s.number} ({s.step.key})" for s in proof.failed)
        click.echo(f"error: {len(proof.failed)} step(s) did not verify: {numbers}", err=True)
        raise click.exceptions.Exit(EXIT_CHECK_FAILED)


def _roofline_input(roofline: bool, device: str | None, ridge: str | None, dtype: str | None):
    """--roofline's numbers: the dtype's size and a device's peak and bandwidth, or a ridge point."""
    if not roofline:
        for option, value in (("--device", device), ("--ridge", ridge), ("--dtype", dtype)):
            if value is not None:
                raise ConvcostError(f"{option} belongs to the roofline derivation", hint="add --roofline")
        return None
    if device is not None and ridge is not None:
        raise ConvcostError("give --device or --ridge, not both",
                            hint="a device's ridge point is its peak / its bandwidth")
    from ..devices import DTYPE_BYTES, load_device
    from ..proof.roofline import RooflineInput

    if device is None and ridge is None:
        return RooflineInput(dtype, DTYPE_BYTES[dtype] if dtype else None)
    dtype = dtype or "fp32"
    if device is not None:
        d = load_device(device)
        return RooflineInput(dtype, DTYPE_BYTES[dtype], d.peak(dtype), d.bandwidth, device=d.key)
    from ..symbolic.literals import decimal

    hint = "the ridge point is peak FLOP/s over bandwidth in bytes/s, e.g. --ridge 100 or --ridge 9.56"
    try:
        value = decimal(ridge, DEFAULT_LIMITS)
    except ConvcostError as err:
        raise ConvcostError(f"--ridge: {err.message}", hint=hint) from None
    if value <= 0:
        raise ConvcostError(f"--ridge must be positive, got {ridge!r}", hint=hint)
    return RooflineInput(dtype, DTYPE_BYTES[dtype], ridge=value)


def command_line(proof, fmt: str) -> str:
    """The ``convcost prove`` command that prints this proof (cited by the Markdown and LaTeX output)."""
    import shlex

    import sympy as sp

    from ..errors import printable

    words = ["convcost prove"]
    if proof.layer is not None:  # the source quoted as a shell would need it, on one line
        words.append(f"{shlex.quote(printable(proof.layer.source))} --layer {proof.layer.name}")
    else:
        v = {name: sp.sstr(value) for name, value in proof.values.items()}
        for option, first, second in (("--kernel", "Dk", "Dkp"), ("--output-size", "Do", "Dop")):
            if first in v and second in v:
                words.append(f"{option} {v[first]}" + (f"x{v[second]}" if v[second] != v[first] else ""))
        words += [f"{option} {v[name]}" for option, name in (("--in", "M"), ("--out", "N")) if name in v]
    words += [flag for flag, on in (("--bias", proof.bias), ("--multipliers", proof.multipliers)) if on]
    if proof.roofline is not None:
        g = proof.roofline.given
        words.append("--roofline")
        words += [f"{option} {value}" for option, value in (("--device", g.device), ("--ridge", g.ridge),
                                                             ("--dtype", g.dtype)) if value is not None]
    words.append(f"--format {fmt}")
    return " ".join(words)
