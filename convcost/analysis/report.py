"""The report: plain data produced by the engine and consumed by renderers and checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from ..errors import Location
from ..layers.records import ConvGeometry, Cost, Part
from ..symbolic.arith import Value, product

__all__ = ["Cost", "KindShare", "LayerReport", "Report", "Totals"]


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
    # The counting convention of `params`, `macs` and the alternatives (docs/conventions.md). Under
    # any but "paper", convcost.conventions.apply has re-counted them and `by_kind` groups all layers.
    convention: str = "paper"

    def layer(self, name: str) -> LayerReport:
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(name)
