"""The report: plain data produced by the engine and consumed by renderers and checks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import Location
from ..layers.registry import ConvGeometry, Part
from ..symbolic.arith import Value


@dataclass(frozen=True, slots=True)
class Cost:
    params: Value
    macs: Value


@dataclass(frozen=True, slots=True)
class LayerReport:
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
    attrs: Mapping[str, Any]  # the evaluated layer parameters, for display
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
        from ..symbolic.arith import product

        return product(*self.output)


@dataclass(frozen=True, slots=True)
class KindShare:
    kind: str
    params: Value
    macs: Value
    params_share: Value  # exact fraction of the network's params
    macs_share: Value


@dataclass(frozen=True, slots=True)
class Totals:
    params: Value
    macs: Value
    counters: Mapping[str, Value]
    standard: Cost  # every separable unit replaced by its standard convolution
    separable: Cost  # every standard conv replaced where separable is cheaper
    undecided: tuple[str, ...] = ()  # symbolic layers where "cheaper" could not be decided


@dataclass(frozen=True, slots=True)
class Report:
    name: str
    source: str
    input: tuple
    vars: Mapping[str, Value]
    symbols: tuple[str, ...]
    layers: tuple[LayerReport, ...]
    totals: Totals
    by_kind: tuple[KindShare, ...]
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def layer(self, name: str) -> LayerReport:
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(name)
