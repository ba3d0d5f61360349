"""A network input written channels-last ([224, 224, 3]) where convcost reads [channels, height, width].

Such a file loads (224 channels of 224x3 images), and every number after it is wrong, so `analyze`
warns and `check` reports `input.layout` (a warning; --strict fails it). The test is narrow on
purpose: the last dimension is 1, 3 or 4 (grey, RGB, RGBA) and the first two look spatial (more
than 4, or symbolic, like `res`), which no channels-first network input does.
"""

from __future__ import annotations

from ..symbolic import arith

CHECK = "input.layout"
_CHANNELS = (1, 3, 4)


def _spatial(v) -> bool:
    return not arith.is_number(v) or v > 4


def channels_last(shape: tuple) -> tuple[str, str] | None:
    """(message, hint) when `shape` looks like [height, width, channels], else None."""
    if len(shape) != 3:
        return None
    first, second, last = shape
    if not (arith.is_number(last) and last in _CHANNELS and _spatial(first) and _spatial(second)):
        return None
    written = "[" + ", ".join(map(str, shape)) + "]"
    return (f"input {written} looks channels-last (height, width, channels): convcost reads it as "
            f"[channels, height, width], {first} channels of {second}x{last}",
            f"write `input: [{last}, {first}, {second}]` for {last}-channel images")
