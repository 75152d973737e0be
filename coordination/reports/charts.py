"""Line charts of the indicators, drawn on the server as inline SVG: the same markup in the page
and in the PDF, no JavaScript. Months run along the x-axis; a suppressed month is a gap in the
line, never a point; the national target is a dashed line where one applies.

Accessible (WCAG 2.1 AA): ``role="img"`` with a ``<title>`` and a ``<desc>`` that says what the
chart shows in words; the page puts the same numbers in a table next to it. Colours come as
SVG attributes, not inline styles, which the Content-Security-Policy forbids.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from coordination.reports.indicators import SUPPRESS_BELOW, IndicatorReport, IndicatorResult, Unit

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 52, 28, 14, 34
LINE = "#1e5aa0"  # dark blue: contrast above 3:1 against white (WCAG 1.4.11)
TARGET = "#b04200"
GRID = "#c8c8c8"
TEXT = "#333333"
MAX_LABELS = 12


def tick_label(value: float, unit: Unit) -> str:
    if unit == Unit.SHARE:
        return f"{round(value * 100)} %"
    if unit == Unit.DAYS:
        return f"{value:.0f}"
    return f"{value:.1f}".replace(".", ",")


def month_label(day: dt.date) -> str:
    return date_format(day, "M y")


def line_chart(result: IndicatorResult, months: tuple[dt.date, ...], chart_id: str) -> SafeString:
    """The chart of the organisation's total for one indicator."""
    indicator = result.indicator
    cells = result.total.cells
    values = [None if c.suppressed else c.value for c in cells]
    lo, hi = indicator.scale
    if hi is None:
        hi = max([v for v in values if v is not None] + [1.0]) * 1.1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(months) - 1, 1)

    def x(i: int) -> float:
        return LEFT + (i * step if len(months) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (min(max(v, lo), hi) - lo) / (hi - lo))

    parts: list[str] = []
    for n in range(5):
        tick = lo + (hi - lo) * n / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{TEXT}">{escape(tick_label(tick, indicator.unit))}</text>'
        )
    every = max(1, -(-len(months) // MAX_LABELS))
    for i, month in enumerate(months):
        if i % every == 0:
            parts.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - 12}" text-anchor="middle" font-size="11" '
                f'fill="{TEXT}">{escape(month_label(month))}</text>'
            )
    if indicator.target is not None:
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(indicator.target):.1f}" '
            f'y2="{y(indicator.target):.1f}" stroke="{TARGET}" stroke-width="2" '
            f'stroke-dasharray="6 4"/>'
            f'<text x="{WIDTH - RIGHT}" y="{y(indicator.target) - 4:.1f}" text-anchor="end" '
            f'font-size="11" fill="{TARGET}">{escape(_("Mål"))} '
            f"{escape(tick_label(indicator.target, indicator.unit))}</text>"
        )
    path, pen_down = [], False
    for i, v in enumerate(values):
        if v is None:
            pen_down = False
            continue
        path.append(f"{'L' if pen_down else 'M'}{x(i):.1f} {y(v):.1f}")
        pen_down = True
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{LINE}"/>')
    if path:
        parts.append(f'<path d="{" ".join(path)}" fill="none" stroke="{LINE}" stroke-width="2"/>')

    title = f"{indicator.name}, {result.total.organisation}"
    desc = _describe(result, months, values)
    return mark_safe(  # noqa: S308 — every inserted text is escaped above and below
        f'<svg class="lkt-chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
        f"{''.join(parts)}</svg>"
    )


def _describe(
    result: IndicatorResult, months: tuple[dt.date, ...], values: list[float | None]
) -> str:
    indicator = result.indicator
    shown = [(m, v) for m, v in zip(months, values, strict=True) if v is not None]
    words = [
        _("Linjediagram per måned fra %(first)s til %(last)s.")
        % {"first": date_format(months[0], "F Y"), "last": date_format(months[-1], "F Y")}
    ]
    if shown:
        month, value = shown[-1]
        words.append(
            _("Siste viste verdi: %(value)s i %(month)s.")
            % {"value": tick_label(value, indicator.unit), "month": date_format(month, "F Y")}
        )
    hidden = len(values) - len(shown)
    if hidden:
        words.append(
            _("%(count)s måneder er skjult fordi tallet bygger på færre enn %(min)s.")
            % {"count": hidden, "min": SUPPRESS_BELOW}
        )
    if indicator.target is not None:
        words.append(
            _("Stiplet linje: nasjonalt mål på %(target)s.")
            % {"target": tick_label(indicator.target, indicator.unit)}
        )
    words.append(_("Tallene står i tabellen."))
    return " ".join(words)


@dataclass(frozen=True)
class ChartBlock:
    """One indicator as the page and the PDF show it: the chart and the same numbers as rows
    of (month, [(value, count) per organisation])."""

    result: IndicatorResult
    svg: SafeString
    organisations: tuple[str, ...]
    rows: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    # The last month per organisation (the PDF's compact table): (organisation, value, count).
    latest: tuple[tuple[str, str, str], ...]


def chart_blocks(report: IndicatorReport, prefix: str = "chart") -> list[ChartBlock]:
    blocks = []
    for result in report.results:
        unit = result.indicator.unit
        rows = tuple(
            (
                date_format(month, "F Y"),
                tuple((s.cells[i].show(unit), s.cells[i].count_shown) for s in result.series),
            )
            for i, month in enumerate(report.months)
        )
        blocks.append(
            ChartBlock(
                result=result,
                svg=line_chart(result, report.months, f"{prefix}-{result.indicator.key}"),
                organisations=tuple(s.organisation for s in result.series),
                rows=rows,
                latest=tuple(
                    (s.organisation, s.cells[-1].show(unit), s.cells[-1].count_shown)
                    for s in result.series
                ),
            )
        )
    return blocks
