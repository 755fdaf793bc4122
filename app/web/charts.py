"""Small horizontal bar charts drawn as SVG by the server (no charting library, no script).

``bars`` turns labelled values into rectangles in a fixed coordinate space; the template
(``_charts.html``) draws them with a title and the exact figures beside them, so the chart
is decoration for the eye and the numbers are there for everyone.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 480  # viewBox units; the SVG scales to its container
LABEL_WIDTH = 150
BAR_AREA = WIDTH - LABEL_WIDTH - 60
ROW = 22


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str  # the figure printed after the bar
    y: float
    width: float
    tone: str  # ok | bad | neutral


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int
    width: int = WIDTH
    label_width: int = LABEL_WIDTH


def bars(items: list[tuple[str, float, str, str]], maximum: float | None = None) -> Chart:
    """``items`` are (label, value, figure shown, tone); values scale to the largest (or
    ``maximum``, e.g. 1.0 for rates)."""
    top = maximum if maximum is not None else max((v for _, v, _, _ in items), default=0.0)
    out = []
    for i, (label, value, shown, tone) in enumerate(items):
        width = 0.0 if top <= 0 else max(1.0, BAR_AREA * value / top) if value > 0 else 0.0
        short = label if len(label) <= 24 else label[:23] + "…"
        out.append(Bar(short, value, shown, 4 + i * ROW, round(width, 1), tone))
    return Chart(out, 8 + len(items) * ROW)
