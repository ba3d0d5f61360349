"""Devices as data: the element size of each dtype, the built-in devices (YAML files shipped beside this
module) and the loader of a device file. A device is a peak arithmetic rate per dtype and a memory
bandwidth, the two numbers of the roofline model (docs/roofline.md).

A device file:

    name: My accelerator
    peak_flops: {fp32: 1e13, fp16: 2e13}   # FLOP/s (operations per second for int8)
    bandwidth: 1e11                        # bytes/s
    description: ...                       # optional
    source: ...                            # optional: where the numbers come from

Numbers are read exactly from their text (1e13, 19.5e12, 19.5T, 100_000_000_000), never through a
binary float: a time computed from them is an exact fraction.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import NamedTuple

from ..errors import ConvcostError, Location, close_matches, shown
from ..limits import DEFAULT_LIMITS, Limits
from ..symbolic.arith import Value

# Bytes per element of each dtype: the one table of it (docs/roofline.md).
DTYPE_BYTES: Mapping[str, int] = {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1}
DEFAULT_DTYPE = "fp32"

DEVICE_KEYS = ("name", "description", "source", "peak_flops", "bandwidth")
DEVICES_DIR = os.path.dirname(os.path.abspath(__file__))
_SI = {"k": 3, "K": 3, "M": 6, "G": 9, "T": 12, "P": 15}
_SUFFIXED = re.compile(r"\s*([0-9_.eE+-]+?)\s*([kKMGTP]?)\s*")


class Device(NamedTuple):
    """A device of the roofline model: peak FLOP/s per dtype and bandwidth in bytes/s, exact numbers."""

    key: str  # the built-in's name, or the path of its file
    name: str
    peak_flops: Mapping[str, Value]  # dtype -> FLOP/s
    bandwidth: Value  # bytes/s
    description: str = ""
    source: str = ""
    loc: Location | None = None  # where `peak_flops` is written (for errors about a missing dtype)

    def peak(self, dtype: str) -> Value:
        """The peak rate for `dtype`; an error naming the dtypes the device has when it has none."""
        if dtype not in self.peak_flops:
            have = ", ".join(self.peak_flops) or "none"
            raise ConvcostError(f"device {self.name!r} gives no peak rate for {dtype}", self.loc,
                                f"it has: {have}; choose one with --dtype, or add `{dtype}:` under "
                                "peak_flops")
        return self.peak_flops[dtype]

    def ridge(self, dtype: str) -> Value:
        """The ridge point peak / bandwidth in FLOP per byte: below it a kernel is memory-bound."""
        from ..symbolic.arith import div

        return div(self.peak(dtype), self.bandwidth)


def builtin_names() -> list[str]:
    return sorted(f[:-5] for f in os.listdir(DEVICES_DIR) if f.endswith(".yaml"))


def builtin_path(name: str) -> str:
    return os.path.join(DEVICES_DIR, name + ".yaml")


def load_device(source: str, limits: Limits = DEFAULT_LIMITS) -> Device:
    """A device file's path, or a built-in device's name (`convcost devices` lists them), as a Device."""
    if os.path.exists(source):
        return _load_file(source, source, limits)
    key = source.strip().lower().replace("_", "-")
    if key in builtin_names():
        return _load_file(builtin_path(key), key, limits)
    close = close_matches(key, builtin_names(), n=3)
    hint = "`convcost devices` lists the built-in devices; a device file is YAML (docs/roofline.md)"
    if close:
        hint = f"did you mean {' or '.join(map(repr, close))}? " + hint
    raise ConvcostError("no such device file or built-in device", Location(source), hint)


def _load_file(path: str, key: str, limits: Limits) -> Device:
    from ..layerfile.reading import read_text
    from ..layerfile.yamlnodes import load_document

    text = read_text(path, limits)
    return parse_device(load_document(text, path, limits), key, limits)


def parse_device(root, key: str, limits: Limits = DEFAULT_LIMITS) -> Device:
    """A device from the YAML node tree of its file (convcost.layerfile.yamlnodes)."""
    from ..layerfile.fields import expect_type, one_line, unknown_key

    expect_type(root, "map", "a device file")
    for name, loc in (root.key_locs or {}).items():
        if name not in DEVICE_KEYS:
            raise unknown_key(name, DEVICE_KEYS, "a device file", loc)
    for required in ("name", "peak_flops", "bandwidth"):
        if required not in root.value:
            raise ConvcostError(f"a device file needs `{required}:`", root.loc,
                                "e.g. {name: my-gpu, peak_flops: {fp32: 1e13}, bandwidth: 1e11}")
    name = one_line(root.value["name"], "`name`")
    if not name:
        raise ConvcostError("`name` must not be empty", root.value["name"].loc,
                            "name the device, e.g. `name: NVIDIA T4`")
    peaks_node = expect_type(root.value["peak_flops"], "map", "`peak_flops`")
    peaks: dict[str, Value] = {}
    for dtype, node in peaks_node.value.items():
        if dtype not in DTYPE_BYTES:
            raise unknown_key(dtype, tuple(DTYPE_BYTES), "`peak_flops`", peaks_node.key_locs[dtype])
        peaks[dtype] = rate(node, f"peak_flops.{dtype}", limits)
    if not peaks:
        raise ConvcostError("`peak_flops` gives no dtype", peaks_node.loc,
                            f"give FLOP/s for one or more of: {', '.join(DTYPE_BYTES)}")
    return Device(key, name, peaks, rate(root.value["bandwidth"], "bandwidth", limits),
                  one_line(root.value.get("description"), "`description`"),
                  one_line(root.value.get("source"), "`source`"), peaks_node.loc)


def rate(node, what: str, limits: Limits = DEFAULT_LIMITS) -> Value:
    """A positive rate, exact, from a YAML scalar: 1e13, 1.0e+13, 19.5T, 100_000_000_000."""
    from ..symbolic.literals import decimal

    if node.type in ("map", "seq", "bool", "null"):
        raise ConvcostError(f"{what} must be a number, got {node.describe()}", node.loc, _RATE_HINT)
    match = _SUFFIXED.fullmatch(node.text)
    if match is None:
        raise ConvcostError(f"{what} must be a number, got {shown(node.text)}", node.loc, _RATE_HINT)
    number, suffix = match.groups()
    if suffix:  # an SI suffix scales the exact decimal: 19.5T is 19.5e12
        number = f"{number}e{_SI[suffix]}" if not re.search("[eE]", number) else ""
    try:
        value = decimal(number, limits)
    except ConvcostError as err:
        raise ConvcostError(f"{what}: {err.message}", node.loc, _RATE_HINT) from None
    if value <= 0:
        raise ConvcostError(f"{what} must be positive, got {shown(node.text)}", node.loc, _RATE_HINT)
    return value


_RATE_HINT = "write a positive number such as 1e13, 19.5e12 or 19.5T (SI suffixes k, M, G, T, P)"
