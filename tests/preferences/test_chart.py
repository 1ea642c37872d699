"""The server-side SVG bar chart: pure, accessible, escaped, to scale."""

import re

from portal.preferences.chart import Bar, bar_chart, scale_max

LEGEND = ("Erstwünsche", "Unter den ersten drei", "Plätze")


def chart(bars):
    return str(bar_chart(bars, title="Nachfrage", description="Balken je Session", legend=LEGEND))


def test_scale_max_rounds_up_to_1_2_5_steps():
    assert [scale_max([Bar("x", n, n)]) for n in (0, 1, 3, 7, 12, 60, 81)] == [
        1,
        1,
        5,
        10,
        20,
        100,
        100,
    ]
    assert scale_max([Bar("x", 3, 4, capacity=40)]) == 50


def test_bar_chart_is_an_image_with_title_and_description():
    svg = chart([Bar("WS 1", 3, 5, 40)])
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="demand-chart__svg"')
    assert 'role="img"' in svg
    assert 'aria-labelledby="demand-chart-title demand-chart-desc"' in svg
    assert '<title id="demand-chart-title">Nachfrage</title>' in svg
    assert '<desc id="demand-chart-desc">Balken je Session</desc>' in svg
    assert "style=" not in svg


def test_bar_chart_escapes_labels():
    svg = chart([Bar('<script>"x"</script>', 1, 1)])
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_bar_chart_bars_are_to_scale_and_seats_marked():
    svg = chart([Bar("WS 1", 10, 20, capacity=40), Bar("WS 2", 0, 5, capacity=None)])
    widths = [float(w) for w in re.findall(r'<rect x="96" y="\d+(?:\.\d+)?" width="([\d.]+)"', svg)]
    # the legend's swatch, then on a plot width of 500 for a maximum of 50: 10 -> 100, ...
    assert widths == [14.0, 100.0, 200.0, 0.0, 50.0]
    seats = re.findall(r'<line x1="([\d.]+)" y1="\d+" x2="[\d.]+" y2="\d+" stroke="#a3001b"', svg)
    assert seats == ["426", "496.0"]  # the legend's mark, then 40 of 50 seats for WS 1 only


def test_bar_chart_without_bars_still_renders_an_axis():
    svg = chart([])
    assert svg.endswith("</svg>")
    assert '<text x="96.0"' in svg  # the tick 0
