"""Geometry of the overview chart: one stacked bar of control statuses per lifecycle phase.

Only numbers and labels are computed here; the HTML template draws them as inline SVG and the
page's CSS colours them by status, so colours live in one place (``report.css``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mlsec_policy.models import STATUS_ORDER, LayerInfo
from mlsec_policy.report.summary import PhaseSummary

WIDTH = 760
LABEL_WIDTH = 280
BAR_WIDTH = 400
ROW = 26
BAR_HEIGHT = 16
LAYER_ROW = 24
TOP = 8
LEGEND_ROW = 22
CHAR_WIDTH = 7
"""A conservative average glyph width at the chart's 12px font, for laying out the legend."""


@dataclass(frozen=True, slots=True)
class Segment:
    """One status's share of a phase's bar."""

    x: float
    width: float
    status: str
    count: int


@dataclass(frozen=True, slots=True)
class Bar:
    """A phase's row: its label and its segments."""

    phase_id: str
    label: str
    y: int
    total: int
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class Caption:
    """A text placed at a point: layer headings and legend entries."""

    x: int
    y: int
    text: str
    status: str = ""


@dataclass(frozen=True, slots=True)
class Chart:
    """Everything the template needs to draw the chart."""

    width: int
    height: int
    bars: tuple[Bar, ...]
    layers: tuple[Caption, ...]
    legend: tuple[Caption, ...]
    scale_max: int
    description: str
    """A sentence describing the chart, for screen readers."""


def phase_chart(phases: Sequence[PhaseSummary], layers: Sequence[LayerInfo]) -> Chart:
    """Lay out one bar per phase, grouped under its layer, scaled to the largest phase."""
    scale_max = max((sum(p.counts.values()) for p in phases), default=0) or 1
    titles = {layer.id: layer.title for layer in layers}
    y = TOP
    bars: list[Bar] = []
    headings: list[Caption] = []
    layer = None
    for phase in phases:
        if phase.layer != layer:
            layer = phase.layer
            headings.append(Caption(0, y + 16, titles.get(layer, layer)))
            y += LAYER_ROW
        bars.append(_bar(phase, y, scale_max))
        y += ROW
    legend, y = _legend(y + 10)
    described = "; ".join(
        f"{p.title}: " + (", ".join(f"{n} {s}" for s, n in p.counts.items() if n) or "no controls")
        for p in phases
    )
    return Chart(
        WIDTH,
        y,
        tuple(bars),
        tuple(headings),
        legend,
        scale_max,
        "Controls by status. " + described,
    )


def _bar(phase: PhaseSummary, y: int, scale_max: int) -> Bar:
    x = float(LABEL_WIDTH)
    segments = []
    for status in STATUS_ORDER:
        count = phase.counts.get(status.value, 0)
        if not count:
            continue
        width = round(BAR_WIDTH * count / scale_max, 2)
        segments.append(Segment(round(x, 2), width, status.value, count))
        x += width
    return Bar(phase.id, phase.title, y, sum(phase.counts.values()), tuple(segments))


def _legend(top: int) -> tuple[tuple[Caption, ...], int]:
    entries: list[Caption] = []
    x, y = 0, top
    for status in STATUS_ORDER:
        width = 22 + CHAR_WIDTH * len(status.value) + 18
        if x + width > WIDTH:
            x, y = 0, y + LEGEND_ROW
        entries.append(Caption(x, y, status.value.replace("-", " "), status.value))
        x += width
    return tuple(entries), y + LEGEND_ROW
