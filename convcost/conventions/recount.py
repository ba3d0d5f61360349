"""A Report re-counted in a convention: what `--convention` shows and what budgets are checked against.

Every number that the paper's Report gives in mult-adds is given in the convention instead: each
layer's `params` and `macs` (then in the convention's unit), the standard and separable alternatives
of the convolutions (counted as the convention would count those convolutions), the three versions
of the totals, and a by-kind breakdown over all layers (the convention counts more than the weight
layers). The counters stay what they are: counts of work, in no convention.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..analysis.alternatives import ratio
from ..analysis.report import Cost, KindShare, LayerReport, Report, Totals
from ..layers.formulas import separable_advantage
from ..symbolic import arith
from ..symbolic.arith import Value
from .counting import LayerCount, count_layers, evaluate, get
from .facts import Layer, layers
from .table import DEFAULT, Convention


def apply(report: Report, name: str = DEFAULT) -> Report:
    """`report` counted in convention `name` (the paper's report itself for "paper")."""
    if name == report.convention:
        return report
    if report.convention != DEFAULT:
        raise ValueError(f"the report is already counted in the {report.convention} convention")
    convention = get(name)
    seen = layers(report)
    counts = count_layers(convention, seen)
    by_name = dict(zip((row.name for row in report.layers), zip(seen, counts, strict=True), strict=True))
    rows: list[LayerReport] = []
    std_terms: list[Cost] = []
    sep_terms: list[Cost] = []
    for layer, c in zip(seen, counts, strict=True):
        row = layer.row
        written = Cost(c.params, c.count)
        std_term = sep_term = written
        new = row._replace(params=c.params, macs=c.count, parts=_parts(convention, layer, c))
        if row.standard is not None:
            standard, separable = _alternatives(convention, layer, c, by_name)
            new = new._replace(standard=standard, separable=separable,
                               ratio=ratio(separable.macs, standard.macs),
                               params_ratio=ratio(separable.params, standard.params))
            std_term, sep_term = _versions(row, written, standard, separable)
        rows.append(new)
        std_terms.append(std_term)
        sep_terms.append(sep_term)
    params, macs = arith.total(r.params for r in rows), arith.total(r.macs for r in rows)
    t = report.totals
    totals = Totals(params, macs, t.counters,
                    Cost(arith.total(c.params for c in std_terms), arith.total(c.macs for c in std_terms)),
                    Cost(arith.total(c.params for c in sep_terms), arith.total(c.macs for c in sep_terms)),
                    t.undecided)
    return report._replace(layers=tuple(rows), totals=totals, by_kind=_by_kind(rows, params, macs),
                           convention=name)


def _conv_cost(convention: Convention, layer: Layer, macs: Value, bias_adds: Value, params: Value) -> Cost:
    """A convolution of this layer's geometry with other mult-adds, bias adds and parameters, as the
    convention counts it."""
    count = evaluate(convention.count, layer, {"macs": macs, "bias_adds": bias_adds})
    weights = evaluate(convention.params, layer, {"params": params})
    return Cost(arith.total(v for _, v in weights), arith.total(v for _, v in count))


def _alternatives(convention: Convention, layer: Layer, c: LayerCount,
                  by_name: Mapping[str, tuple[Layer, LayerCount]]) -> tuple[Cost, Cost]:
    """The layer's standard and separable alternatives counted in the convention. A bias adds one
    per output element and output channel: N of them for the standard convolution, M + N for the
    depthwise and pointwise parts."""
    row = layer.row
    g = row.geometry
    area = arith.mul(g.ho, g.wo)
    standard = _conv_cost(convention, layer, row.standard.macs,
                          arith.mul(g.n, area) if g.bias else 0, row.standard.params)
    if row.pair is not None:  # the pair as written: both halves, each as the convention counts it
        halves = [by_name[name][1] for name in row.pair]
        separable = Cost(arith.total(h.params for h in halves), arith.total(h.count for h in halves))
    elif g.separable:
        separable = Cost(c.params, c.count)
    else:
        separable = _conv_cost(convention, layer, row.separable.macs,
                               arith.mul(arith.add(g.m, g.n), area) if g.bias else 0, row.separable.params)
    return standard, separable


def _versions(row: LayerReport, written: Cost, standard: Cost, separable: Cost) -> tuple[Cost, Cost]:
    """What the layer adds to the "all standard" and "separable where cheaper" totals: the choice
    analysis.build makes, made again from the row (the same formula decides "cheaper")."""
    g = row.geometry
    if row.pair is not None:
        return (standard if row.name == row.pair[1] else Cost(0, 0)), written
    if g.separable:
        return standard, written
    cheaper = g.groups == 1 and arith.less_than(1, separable_advantage(g.n, g.kh, g.kw)) is True
    return written, (separable if cheaper else written)


def versions(row: LayerReport) -> tuple[Cost, Cost]:
    """What a row of a Report (in any convention) adds to its "all standard" and "separable where
    cheaper" totals; summed over every row, they are the Report's totals.standard and .separable."""
    written = Cost(row.params, row.macs)
    if row.standard is None:
        return written, written
    return _versions(row, written, row.standard, row.separable)


def _parts(convention: Convention, layer: Layer, c: LayerCount) -> tuple:
    """The parts of a `separable` layer (depthwise, pointwise) counted in the convention; a layer of one
    part is that part."""
    row = layer.row
    if len(row.parts) < 2:
        return tuple(p._replace(params=c.params, macs=c.count) for p in row.parts)
    g = row.geometry
    area = arith.mul(g.ho, g.wo)
    out = []
    for part, channels in zip(row.parts, (g.m, g.n), strict=True):
        cost = _conv_cost(convention, layer, part.macs, arith.mul(channels, area) if g.bias else 0,
                          part.params)
        out.append(part._replace(params=cost.params, macs=cost.macs))
    return tuple(out)


def _by_kind(rows: Sequence[LayerReport], params: Value, macs: Value) -> tuple[KindShare, ...]:
    """Parameters and count grouped by what each layer is (its parts' labels, else its kind)."""
    groups: dict[str, list[Cost]] = {}
    for row in rows:
        parts = ([(p.label, Cost(p.params, p.macs)) for p in row.parts]
                 or [(row.kind, Cost(row.params, row.macs))])
        for label, cost in parts:
            groups.setdefault(label, []).append(cost)
    out = []
    for label, costs in groups.items():
        p, m = arith.total(c.params for c in costs), arith.total(c.macs for c in costs)
        if arith.is_zero(p) is True and arith.is_zero(m) is True:
            continue
        out.append(KindShare(label, p, m, ratio(p, params) or 0, ratio(m, macs) or 0))
    def key(k: KindShare):  # largest first; symbolic values keep the order of their labels
        if arith.is_number(arith.normalize(k.macs)) and arith.is_number(arith.normalize(k.params)):
            return (0, -k.macs, -k.params, k.kind)
        return (1, 0, 0, k.kind)

    return tuple(sorted(out, key=key))
