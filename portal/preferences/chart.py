"""Server-side SVG bar chart of demand per session: pure, no Flask, no database.

Each session gets two horizontal bars (first choices, places among the first three) and a
vertical mark at its number of seats. The SVG is role="img" with <title> and <desc>; the page
puts the same numbers in a table beside it. Only presentation attributes (fill, stroke), no
style attributes, so the strict CSP holds.
"""

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
LABEL_WIDTH = 96
VALUE_WIDTH = 44
LEGEND_HEIGHT = 40
ROW_HEIGHT = 40
BAR_HEIGHT = 13
AXIS_HEIGHT = 28
FIRST_COLOUR = "#1d4e89"  # 8.9:1 against white
TOP_COLOUR = "#8fb4e3"  # lighter, outlined in FIRST_COLOUR for 3:1 non-text contrast
SEATS_COLOUR = "#a3001b"
TEXT_COLOUR = "#1a1a1a"


@dataclass(frozen=True)
class Bar:
    label: str
    first: int
    top: int
    capacity: int | None = None


def _nice_max(value: int) -> int:
    """A round axis maximum of at least `value` (1, 2, 5, 10, 20, 50, ...)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def scale_max(bars: list[Bar]) -> int:
    return _nice_max(max([1] + [max(b.first, b.top, b.capacity or 0) for b in bars]))


def bar_chart(
    bars: list[Bar],
    *,
    title: str,
    description: str,
    legend: tuple[str, str, str],
    chart_id: str = "demand-chart",
) -> Markup:
    """The chart as inline SVG markup."""
    top_of_axis = scale_max(bars)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = LEGEND_HEIGHT + ROW_HEIGHT * max(len(bars), 1) + AXIS_HEIGHT

    def x(value: int) -> float:
        return round(LABEL_WIDTH + plot * value / top_of_axis, 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="demand-chart__svg" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="sans-serif" '
        f'font-size="12">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    # Legend
    first_label, top_label, seats_label = legend
    parts += [
        f'<rect x="{LABEL_WIDTH}" y="8" width="14" height="14" fill="{FIRST_COLOUR}"/>',
        f'<text x="{LABEL_WIDTH + 20}" y="19" fill="{TEXT_COLOUR}">{escape(first_label)}</text>',
        f'<rect x="{LABEL_WIDTH + 140}" y="8" width="14" height="14" fill="{TOP_COLOUR}" '
        f'stroke="{FIRST_COLOUR}"/>',
        f'<text x="{LABEL_WIDTH + 160}" y="19" fill="{TEXT_COLOUR}">{escape(top_label)}</text>',
        f'<line x1="{LABEL_WIDTH + 330}" y1="6" x2="{LABEL_WIDTH + 330}" y2="24" '
        f'stroke="{SEATS_COLOUR}" stroke-width="3"/>',
        f'<text x="{LABEL_WIDTH + 338}" y="19" fill="{TEXT_COLOUR}">{escape(seats_label)}</text>',
    ]
    for index, bar in enumerate(bars):
        y = LEGEND_HEIGHT + index * ROW_HEIGHT
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT + 4}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{escape(bar.label)}</text>'
        )
        first_width = x(bar.first) - LABEL_WIDTH
        top_width = x(bar.top) - LABEL_WIDTH
        parts += [
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{first_width}" height="{BAR_HEIGHT}" '
            f'fill="{FIRST_COLOUR}"/>',
            f'<text x="{x(bar.first) + 4}" y="{y + BAR_HEIGHT - 2}" '
            f'fill="{TEXT_COLOUR}">{bar.first}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{y + BAR_HEIGHT + 2}" width="{top_width}" '
            f'height="{BAR_HEIGHT}" fill="{TOP_COLOUR}" stroke="{FIRST_COLOUR}"/>',
            f'<text x="{x(bar.top) + 4}" y="{y + 2 * BAR_HEIGHT}" '
            f'fill="{TEXT_COLOUR}">{bar.top}</text>',
        ]
        if bar.capacity is not None:
            parts.append(
                f'<line x1="{x(bar.capacity)}" y1="{y - 3}" x2="{x(bar.capacity)}" '
                f'y2="{y + 2 * BAR_HEIGHT + 5}" stroke="{SEATS_COLOUR}" stroke-width="3"/>'
            )
    # Axis with ticks at 0, half and the maximum
    axis_y = LEGEND_HEIGHT + ROW_HEIGHT * max(len(bars), 1)
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="{axis_y}" x2="{LABEL_WIDTH + plot}" y2="{axis_y}" '
        f'stroke="{TEXT_COLOUR}"/>'
    )
    for value in sorted({0, top_of_axis // 2, top_of_axis}):
        parts.append(
            f'<text x="{x(value)}" y="{axis_y + 18}" text-anchor="middle" '
            f'fill="{TEXT_COLOUR}">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
