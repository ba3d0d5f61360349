"""The Report of a propagated network: rows, the three versions of the totals, the by-kind breakdown."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from ..errors import Collector, listing
from ..layerfile.model import Spec
from ..layers.records import COUNTERS, Cost
from ..layers.registry import get_rules
from ..symbolic import arith
from .alternatives import Alternatives, alternatives, pair_alternatives, ratio
from .engine import Propagated, check_size, propagate
from .layout import channels_last
from .memory import with_memory
from .pairs import find_pairs, unpaired_depthwise
from .report import KindShare, LayerReport, Report, Totals

_NO_COUNTS = dict.fromkeys(COUNTERS, 0)  # the counters of a layer that counts none
_NO_COST = Cost(0, 0)


def analyze_spec(spec: Spec, dtype: str = "fp32") -> Report:
    """Analyze a loaded Spec into a Report, with every layer's bytes at `dtype`'s element size."""
    return with_memory(build_report(spec, propagate_all(spec)), dtype)


def propagate_all(spec: Spec) -> Propagated:
    """Every layer propagated; layers whose shapes are inconsistent raise, all of them together (a
    ManyErrors when there are several: the layers that read a failed one are not run, so each error
    is independent). The first error is the one `propagate(spec)` alone would raise."""
    failures: list = []
    done = propagate(spec, failures)
    if failures:
        errors = Collector()
        with errors.collecting():
            for _, err in failures:
                errors.keep(err)
    return done


def layer_terms(spec: Spec, done: Propagated, ratios: bool = True,
                pairs: Mapping[str, tuple[str, str]] | None = None) -> Iterator[tuple]:
    """Each layer of `done` in file order, as (layer, input shapes, outcome, alternatives or None,
    separable pair or None, its term of the all-standard total, its term of the separable-where-
    cheaper total). The one place that decides what each version of the network counts."""
    if pairs is None:
        pairs = find_pairs(done)
    # The alternatives depend on values only; a network's repeated blocks need them once.
    seen: dict[tuple, Alternatives] = {}
    for layer in spec.layers:  # report in file order
        if layer.name not in done:
            continue
        _, ins, out = done[layer.name]
        written = Cost(out.params, out.macs)
        std_term = sep_term = written
        alt = pair = None
        if out.geometry is not None:
            pair = pairs.get(layer.name)
            if pair is not None:
                dw, pw = done[pair[0]][2], done[pair[1]][2]
                key = (dw.geometry, pw.geometry, dw.params, pw.params, dw.macs, pw.macs)
                alt = seen.get(key)
                if alt is None:
                    alt = seen[key] = pair_alternatives(dw, pw, ratios)
                std_term = alt.standard if layer.name == pair[1] else _NO_COST
            else:
                key = (out.geometry, out.params, out.macs)
                alt = seen.get(key)
                if alt is None:
                    alt = seen[key] = alternatives(out.geometry, written, ratios=ratios)
                if out.geometry.separable:
                    std_term = alt.standard
                elif alt.cheaper is True:
                    sep_term = alt.separable
        yield layer, ins, out, alt, pair, std_term, sep_term


def network_totals(spec: Spec, done: Propagated) -> tuple[Cost, Cost, Cost]:
    """The network's totals as written, all standard and separable where cheaper, without the rows
    (what a sweep keeps of each configuration): the same sums as build_report's Totals."""
    params, macs, std_terms, sep_terms = [], [], [], []
    for _, _, out, _, _, std_term, sep_term in layer_terms(spec, done, ratios=False):
        params.append(out.params)
        macs.append(out.macs)
        std_terms.append(std_term)
        sep_terms.append(sep_term)
    totals = (Cost(arith.total(params), arith.total(macs)),
              Cost(arith.total([c.params for c in std_terms]), arith.total([c.macs for c in std_terms])),
              Cost(arith.total([c.params for c in sep_terms]), arith.total([c.macs for c in sep_terms])))
    check_size(None, *totals[0], *totals[1], *totals[2], limits=spec.limits)
    return totals


def build_report(spec: Spec, done: Propagated) -> Report:
    """The Report of the propagated layers in `done`. Layers missing from it (left out by
    `propagate(spec, failures)`) have no row, so the totals then cover only the rows present."""
    pairs = find_pairs(done)
    position = {layer.name: layer.index for layer in spec.layers}
    rules = get_rules()
    rows: list[LayerReport] = []
    std_terms: list[Cost] = []
    sep_terms: list[Cost] = []
    undecided: list[str] = []
    for layer, ins, out, alt, pair, std_term, sep_term in layer_terms(spec, done, pairs=pairs):
        counters = {c: out.counters.get(c, 0) for c in COUNTERS} if out.counters else dict(_NO_COUNTS)
        if alt is not None and pair is None and not out.geometry.separable and alt.cheaper is None:
            undecided.append(layer.name)
        std_terms.append(std_term)
        sep_terms.append(sep_term)
        geometry, standard, separable, ratio_, params_ratio = alt[:5] if alt is not None else (None,) * 5
        rows.append(LayerReport(
            layer.index, layer.name, layer.kind, rules[layer.kind].family, layer.inputs, ins, out.output,
            out.params, out.macs, counters, out.parts, dict(layer.attrs), layer.loc, geometry, standard,
            separable, ratio_, params_ratio, pair,
        ))
    totals = Totals(
        arith.total([r.params for r in rows]),
        arith.total([r.macs for r in rows]),
        {c: arith.total([r.counters[c] for r in rows]) for c in COUNTERS},
        Cost(arith.total([c.params for c in std_terms]), arith.total([c.macs for c in std_terms])),
        Cost(arith.total([c.params for c in sep_terms]), arith.total([c.macs for c in sep_terms])),
        tuple(undecided),
    )
    check_size(None, totals.params, totals.macs, *totals.counters.values(), *totals.standard,
               *totals.separable, limits=spec.limits)
    at = {v.value: v.default for v in spec.vars.values() if v.symbolic}
    layout = channels_last(spec.input)
    return Report(
        spec.name, spec.path, spec.input, {n: v.value for n, v in spec.vars.items()}, spec.symbols,
        tuple(rows), totals, by_kind(rows, totals, at),
        ((f"{layout[0]}; {layout[1]}",) if layout else ()) +
        tuple(f"layer {n!r}: whether separable is cheaper depends on the symbols; kept as written"
              for n in undecided) + tuple(
            f"layer {n!r}: depthwise convolution not followed by a pointwise one (through bn, activations, "
            "dropout or a squeeze-and-excitation), so it is not a separable pair; the standard total keeps "
            "it as written" for n in sorted(unpaired_depthwise(done, pairs), key=position.__getitem__))
        + unsupported_warnings(spec),
        unsupported=spec.unsupported,
    )


def unsupported_warnings(spec: Spec) -> tuple[str, ...]:
    """The operators of an imported model counted as zero (--allow-unsupported), one line each."""
    return tuple(f"operator {u.op_type[:60]} counted as zero (--allow-unsupported): {u.count} node"
                 f"{'s' if u.count > 1 else ''} ({listing([n[:60] for n in u.nodes], 10)})"
                 for u in spec.unsupported)


def by_kind(rows: Sequence[LayerReport], totals: Totals, at: Mapping | None = None) -> tuple[KindShare, ...]:
    """Params and mult-adds grouped by operation kind (the MobileNet paper's Table 2)."""
    groups: dict[str, list] = {}
    for row in rows:
        for part in row.parts:
            groups.setdefault(part.label, []).append(part)
    out = []
    for label, parts in groups.items():
        params = arith.total(p.params for p in parts)
        macs = arith.total(p.macs for p in parts)
        out.append(KindShare(label, params, macs, ratio(params, totals.params) or 0,
                             ratio(macs, totals.macs) or 0))

    def key(k: KindShare):  # largest first; symbolic values are ordered by the vars' file values
        macs, params = (v if arith.is_number(v) else v.subs(at or {}) for v in (k.macs, k.params))
        return (-macs, -params, k.kind) if arith.is_number(arith.normalize(macs)) else (0, 0, k.kind)

    return tuple(sorted(out, key=key))
