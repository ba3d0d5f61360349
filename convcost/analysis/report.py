"""The report: plain data produced by the engine and consumed by renderers and checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import Location
from ..layerfile.model import Unsupported
from ..layers.records import ConvGeometry, Cost, Part
from ..symbolic.arith import Value, product

if TYPE_CHECKING:
    from ..devices import Device
    from ..layers.records import Kernel

__all__ = ["Cost", "KindShare", "LayerMemory", "LayerReport", "LayerTime", "NetworkMemory", "NetworkTime",
           "PartTime", "Report", "Totals"]


# -- memory (computed by memory.py) and times on a device (roofline.py) -----------------------------


class LayerMemory(NamedTuple):
    """A layer's bytes at the report's element size."""

    weights: Value  # its parameters
    inputs: Value  # every tensor it reads
    outputs: Value  # what it writes
    intermediate: Value = 0  # a `separable` layer's depthwise output, written and read inside it


class NetworkMemory(NamedTuple):
    dtype: str
    element_bytes: int
    weights: Value  # every parameter
    peak_activations: Value  # the largest sum of live tensors (see the module's docstring)
    peak_layer: str | None  # the first layer where the peak is reached (None when symbols leave it open)


class PartTime(NamedTuple):
    """One kernel of a layer that runs as several (a `separable` layer's depthwise and pointwise)."""

    flops: Value
    bytes: Value
    time_s: Value
    bound: str | None
    intensity: Value | None  # flops / bytes


class LayerTime(NamedTuple):
    flops: Value  # the layer's own arithmetic: 2 × macs + its counters
    bytes: Value  # bytes moved by the kernel(s) charged to this layer (0 when fused into another)
    intensity: Value | None  # flops / bytes of that kernel (FLOP per byte)
    time_s: Value
    bound: str | None  # "compute" or "memory"; None when the symbols leave it open
    standard_time: Value | None = None  # conv layers: the standard alternative's time
    separable_time: Value | None = None  # ... and the separable alternative's
    time_ratio: Value | None = None  # separable_time / standard_time
    parts: tuple[PartTime, ...] = ()  # a `separable` layer's kernels (unfused)
    fused_into: str | None = None  # --fuse: the layer whose kernel runs this one
    standard_kernel: Kernel | None = None  # conv layers: the standard alternative's flops and bytes
    separable_kernel: Kernel | None = None  # ... the separable one's (both kernels together, unfused)


class NetworkTime(NamedTuple):
    device: Device
    dtype: str
    fuse: bool
    peak: Value  # FLOP/s at dtype
    bandwidth: Value  # bytes/s
    flops: Value  # every layer's flops
    time_s: Value  # as written
    standard_time: Value  # every separable unit replaced by its standard convolution
    separable_time: Value  # every standard convolution replaced where separable is cheaper



# -- the report ------------------------------------------------------------------------------------




class LayerReport(NamedTuple):
    index: int
    name: str
    kind: str
    family: str
    inputs: tuple[str, ...]
    input_shapes: tuple[tuple, ...]
    output: tuple
    params: Value
    macs: Value
    counters: Mapping[str, Value]  # every name in COUNTERS, zeros included
    parts: tuple[Part, ...]
    attrs: Mapping[str, Any]  # the layer's evaluated settings, for display
    loc: Location
    geometry: ConvGeometry | None = None
    standard: Cost | None = None  # this conv (or its separable pair) as one standard convolution
    separable: Cost | None = None  # ... as depthwise + pointwise
    ratio: Value | None = None  # separable.macs / standard.macs
    params_ratio: Value | None = None
    pair: tuple[str, str] | None = None  # (depthwise, pointwise) when recognised as a separable pair
    memory: LayerMemory | None = None  # bytes of weights, inputs and outputs (analysis/memory.py)
    roofline: LayerTime | None = None  # flops, time and bound on a device (analysis/roofline.py)

    @property
    def input(self) -> tuple:
        return self.input_shapes[0]

    @property
    def output_elements(self) -> Value:
        return product(*self.output)


class KindShare(NamedTuple):
    kind: str
    params: Value
    macs: Value
    params_share: Value  # exact fraction of the network's params
    macs_share: Value


class Totals(NamedTuple):
    params: Value
    macs: Value
    counters: Mapping[str, Value]
    standard: Cost  # every separable unit replaced by its standard convolution
    separable: Cost  # every standard conv replaced where separable is cheaper
    undecided: tuple[str, ...] = ()  # symbolic layers where "cheaper" could not be decided


class Report(NamedTuple):
    name: str
    source: str
    input: tuple
    vars: Mapping[str, Value]
    symbols: tuple[str, ...]
    layers: tuple[LayerReport, ...]
    totals: Totals
    by_kind: tuple[KindShare, ...]
    warnings: tuple[str, ...] = ()
    memory: NetworkMemory | None = None  # weights and peak activations in bytes (analysis/memory.py)
    roofline: NetworkTime | None = None  # with a device: the network's time (analysis/roofline.py)
    # The counting convention of `params`, `macs` and the alternatives (docs/conventions.md). Under
    # any but "paper", convcost.conventions.apply has re-counted them and `by_kind` groups all layers.
    convention: str = "paper"
    unsupported: tuple[Unsupported, ...] = ()  # an ONNX model's operators counted as zero (docs/onnx.md)

    def layer(self, name: str) -> LayerReport:
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(name)
