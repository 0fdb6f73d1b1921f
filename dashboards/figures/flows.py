"""The donation flow: a Sankey from donors to organisations to districts or served units."""

from collections import defaultdict

from django.utils.translation import gettext as _

from dashboards.figures import plain as go
from dashboards.figures.common import BAD, SERIES, base_layout, english, no_data_note
from dashboards.selectors import Gift

# Beyond these, the smallest donors and units are summed into one "other" node each, so
# the diagram stays readable for 1,000 units.
TOP_DONORS, TOP_TARGETS = 12, 20


def _top(totals: dict[str, int], keep: int, other: str) -> dict[str, str]:
    """Name → the node it is drawn as: itself for the biggest `keep`, else `other`."""
    ranked = sorted(totals, key=lambda name: -totals[name])
    return {name: (name if index < keep else other) for index, name in enumerate(ranked)}


def donation_flow_figure(gifts: list[Gift], *, to_units: bool) -> go.Figure:
    """Donors → organisations → districts (or, for one district or unit, the served units);
    goods lost or damaged on the way end in a node of their own."""
    anonymous = _("Donor not recorded")
    in_english = english()

    def label(node) -> str:  # `UnitNode.label`, the language asked once for all gifts
        return node.name_en if in_english and node.name_en else node.name

    # Each gift's donor, organisation and target names, worked out once (a gift is a frozen
    # dataclass: as a dict key it would be hashed field by field at every look-up).
    named = [
        (
            gift,
            gift.donor_name or anonymous,
            gift.organisation_name_en
            if in_english and gift.organisation_name_en
            else gift.organisation_name,
            label(gift.unit if to_units else gift.district),
        )
        for gift in gifts
    ]
    donor_totals: dict[str, int] = defaultdict(int)
    target_totals: dict[str, int] = defaultdict(int)
    for gift, donor, _organisation, target in named:
        donor_totals[donor] += gift.arrived + gift.lost
        target_totals[target] += gift.arrived
    donor_node = _top(donor_totals, TOP_DONORS, _("Other donors"))
    target_node = _top(target_totals, TOP_TARGETS, _("Other units") if to_units else _("Other"))
    lost = _("Lost or damaged on the way")
    links: dict[tuple[str, str], int] = defaultdict(int)
    for gift, donor_name, organisation, target in named:
        donor = donor_node[donor_name]
        links[(f"d:{donor}", f"o:{organisation}")] += gift.arrived + gift.lost
        if gift.arrived:
            links[(f"o:{organisation}", f"t:{target_node[target]}")] += gift.arrived
        if gift.lost:
            links[(f"o:{organisation}", f"x:{lost}")] += gift.lost
    through: dict[str, int] = defaultdict(int)
    for (source, target), value in links.items():
        through[source] += value
        through[target] += value
    # Layer by layer (donors, organisations, targets, lost), the biggest first.
    nodes = sorted(through, key=lambda key: ("dotx".index(key[0]), -through[key], key))
    index = {key: position for position, key in enumerate(nodes)}
    layer_colour = {"d": SERIES[0], "o": SERIES[1], "t": SERIES[2], "x": BAD}
    layout = base_layout(
        title=_("Where the donations went (shipment lines, in the period)"),
        height=max(420, 24 * max(len(donor_node), len(target_node), 1) + 120),
    )
    if not links:
        # plotly.js cannot draw a Sankey without nodes: say so instead.
        figure = go.Figure(layout=layout)
        figure.update_xaxes(visible=False)
        figure.update_yaxes(visible=False)
        figure.add_annotation(no_data_note())
        return figure
    figure = go.Figure(
        go.Sankey(
            arrangement="snap",
            valueformat=",",
            node={
                "label": [key[2:] for key in nodes],
                "color": [layer_colour[key[0]] for key in nodes],
                "pad": 12,
                "thickness": 16,
                "hovertemplate": "%{label}: %{value:,}<extra></extra>",
            },
            link={
                "source": [index[source] for source, _target in links],
                "target": [index[target] for _source, target in links],
                "value": list(links.values()),
                "color": "rgba(120, 120, 120, 0.25)",
                "hovertemplate": "%{source.label} → %{target.label}: %{value:,}<extra></extra>",
            },
        )
    )
    figure.update_layout(**layout)
    return figure
