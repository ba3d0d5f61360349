"""Write the benchmark networks as convcost layer files.

The deep network is a stack of depthwise-separable blocks, each written out as two entries (a 3x3 depthwise
then a 1x1 pointwise) rather than with ``repeat``, so the loader and the propagation really see every layer:

    python benchmarks/deepnet.py --blocks 10000 -o deep-20000.yaml     # 20,000 layer entries

Channels and spatial size stay fixed (64 channels at 16x16 by default) so every layer's numbers stay small and
exact; the cost is then ``blocks * (H*W*C*9 + H*W*C*C)`` mult-adds, which ``expected_deep_macs`` returns for
checking the tools' answers.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_CHANNELS = 64
DEFAULT_SIZE = 16


def deep_separable_yaml(blocks: int, channels: int = DEFAULT_CHANNELS, size: int = DEFAULT_SIZE) -> str:
    """The layer file of ``blocks`` depthwise+pointwise pairs, ``channels`` wide, ``size`` x ``size``."""
    if blocks < 1 or channels < 1 or size < 1:
        raise ValueError("blocks, channels and size must be positive")
    head = [
        f"name: deep-separable-{2 * blocks}",
        f"input: [{channels}, {size}, {size}]",
        "layers:",
    ]
    # Stride 1 and padding 1 keep the spatial size; the defaults of stride are not relied on.
    pair = f"  - depthwise: {{kernel: 3, stride: 1, padding: 1}}\n  - pointwise: {{out: {channels}}}"
    return "\n".join(head) + "\n" + "\n".join([pair] * blocks) + "\n"


def tiny_yaml(channels: int = DEFAULT_CHANNELS, size: int = DEFAULT_SIZE) -> str:
    """A one-block file: what ``convcost analyze`` costs when there is (almost) nothing to analyze."""
    return deep_separable_yaml(1, channels, size).replace("deep-separable-2", "tiny-separable")


def expected_deep_macs(blocks: int, channels: int = DEFAULT_CHANNELS, size: int = DEFAULT_SIZE) -> int:
    """Mult-adds of the deep stack, no bias: per block a 3x3 depthwise and a 1x1 pointwise convolution."""
    return blocks * (size * size * channels * 9 + size * size * channels * channels)


def expected_deep_params(blocks: int, channels: int = DEFAULT_CHANNELS) -> int:
    """Weights of the deep stack, no bias."""
    return blocks * (channels * 9 + channels * channels)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blocks", type=int, required=True, help="depthwise+pointwise pairs (layers = 2x)")
    parser.add_argument("--channels", type=int, default=DEFAULT_CHANNELS)
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE, help="height and width of every layer")
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    args = parser.parse_args(argv)
    text = deep_separable_yaml(args.blocks, args.channels, args.size)
    if args.output:
        args.output.write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
