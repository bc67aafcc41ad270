"""Charts as SVG drawn on the server: no script, the same markup in the page and the PDF.

Each chart has a title, a one-sentence summary in words and its numbers in a table beside it.
Nothing is told by colour alone: every bar carries its value as text, and a hidden value is
written as such instead of drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from markupsafe import Markup, escape

from portal.reports.suppression import PRIMARY, SECONDARY
from portal.reports.tables import TOTAL

WIDTH, LABEL_WIDTH, ROW, TOP = 640, 250, 26, 8
BAR = "#005ea2"
INK = "#1b1b1b"


@dataclass(frozen=True)
class Point:
    label: str
    value: object  # a number, or PRIMARY / SECONDARY when hidden
    text: str  # the value as printed
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    summary: str
    value_label: str
    points: list[Point]
    svg: Markup
    group_label: str = "Group"


def for_report(report) -> list[Chart]:
    return [chart for chart in (_by_month(report), _acceptance(report), _rri(report)) if chart]


def _hidden(value) -> bool:
    return value in (PRIMARY, SECONDARY)


def _by_month(report) -> Chart | None:
    table = report.table("by_month_race")
    points = [Point(r.label, r.values[TOTAL], str(r.values[TOTAL]))
              for r in table.rows if r.group != TOTAL]
    total = table.value(TOTAL, TOTAL)
    shown = [p for p in points if not _hidden(p.value)]
    busiest = max(shown, key=lambda p: p.value, default=None)
    summary = (f"{total} referrals were submitted in the period"
               + (f"; the busiest month was {busiest.label}, with {busiest.value}."
                  if busiest and busiest.value else "."))
    chart = _chart("chart-month", "Referrals by month", summary, "Referrals", points,
                   _bars(points, scale=max([p.value for p in shown] or [0])))
    return replace(chart, group_label="Month")


def _acceptance(report) -> Chart | None:
    table = report.table("rates_race")
    rows = [r for r in table.rows if r.values["decided"] != 0]
    points = [Point(r.label, r.values["acceptance_rate"], _percent(r.values["acceptance_rate"]))
              for r in rows]
    shown = [p for p, r in zip(points, rows)
             if isinstance(p.value, float) and r.group != TOTAL]
    if len(shown) >= 2:
        low, high = min(shown, key=lambda p: p.value), max(shown, key=lambda p: p.value)
        summary = (f"Among groups with enough decided referrals to show, acceptance ranged "
                   f"from {low.text} ({low.label}) to {high.text} ({high.label}).")
    else:
        summary = "Too few referrals were decided in the period to compare acceptance by race."
    return _chart("chart-acceptance", "Acceptance rate by race", summary, "Acceptance rate",
                  points, _bars(points, scale=1.0))


def _rri(report) -> Chart | None:
    table = report.table("rri_accepted")
    points = [Point(r.label, r.values["rri"], _interval_text(r.values), r.values["ci_low"],
                    r.values["ci_high"]) for r in table.rows if r.group != TOTAL]
    flagged = [r.label for r in table.rows if r.values["differs"].startswith("Yes")]
    summary = (f"The 95% interval of the acceptance RRI excludes 1 for {len(flagged)} "
               f"group{'s' if len(flagged) != 1 else ''}"
               + (f": {'; '.join(flagged)}." if flagged else ": no group differs beyond chance."))
    return _chart("chart-rri", "Relative Rate Index of acceptance, with 95% intervals", summary,
                  "RRI (95% CI)", points, _intervals(points))


def _chart(ident, title, summary, value_label, points, body) -> Chart:
    height = TOP * 2 + ROW * max(len(points), 1)
    svg = Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'class="report-chart">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(summary)}</desc>{body}</svg>')
    return Chart(ident, title, summary, value_label, points, svg)


def _label(index: int, text: str) -> str:
    y = TOP + index * ROW + ROW * 0.65
    return (f'<text x="{LABEL_WIDTH - 8}" y="{y:.1f}" text-anchor="end" font-size="12" '
            f'font-family="Liberation Sans, Arial, sans-serif" fill="{INK}">'
            f'{escape(_short(text))}</text>')


def _value(x: float, index: int, text: str) -> str:
    y = TOP + index * ROW + ROW * 0.65
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="12" '
            f'font-family="Liberation Sans, Arial, sans-serif" fill="{INK}">{escape(text)}</text>')


def _bars(points: list[Point], *, scale: float) -> str:
    room = WIDTH - LABEL_WIDTH - 70
    parts = []
    for i, point in enumerate(points):
        parts.append(_label(i, point.label))
        if _hidden(point.value) or point.value is None or not scale:
            parts.append(_value(LABEL_WIDTH + 4, i, point.text))
            continue
        length = room * point.value / scale
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{TOP + i * ROW + 5}" width="{length:.1f}" '
                     f'height="{ROW - 10}" fill="{BAR}"/>')
        parts.append(_value(LABEL_WIDTH + length + 4, i, point.text))
    return "".join(parts)


def _intervals(points: list[Point]) -> str:
    """Each RRI as a dot on a line from its interval's low to high; a rule marks 1."""
    room = WIDTH - LABEL_WIDTH - 90
    values = [v for p in points for v in (p.value, p.low, p.high) if isinstance(v, float)]
    top = max([2.0, *values])

    def x(value: float) -> float:
        return LABEL_WIDTH + room * min(value, top) / top

    height = TOP + ROW * len(points)
    parts = [f'<line x1="{x(1):.1f}" y1="{TOP}" x2="{x(1):.1f}" y2="{height}" stroke="{INK}" '
             f'stroke-dasharray="4 3"/>']
    for i, point in enumerate(points):
        parts.append(_label(i, point.label))
        if not isinstance(point.value, float):
            parts.append(_value(LABEL_WIDTH + 4, i, point.text))
            continue
        y = TOP + i * ROW + ROW / 2
        if isinstance(point.low, float) and isinstance(point.high, float):
            parts.append(f'<line x1="{x(point.low):.1f}" y1="{y}" x2="{x(point.high):.1f}" '
                         f'y2="{y}" stroke="{BAR}" stroke-width="3"/>')
        parts.append(f'<circle cx="{x(point.value):.1f}" cy="{y}" r="5" fill="{INK}"/>')
        end = max(x(point.value), x(point.high) if isinstance(point.high, float) else 0)
        parts.append(_value(end + 6, i, point.text))
    return "".join(parts)


def _short(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _percent(value) -> str:
    return f"{value * 100:.1f}%" if isinstance(value, float) else str(value or "—")


def _interval_text(values: dict) -> str:
    """"0.67 (0.48 to 0.93), excludes 1": the marker in words, not only in the drawing."""
    text = _ratio(values["rri"])
    if isinstance(values["ci_low"], float):
        text += f" ({values['ci_low']:.2f} to {values['ci_high']:.2f})"
    if values["differs"].startswith("Yes"):
        text += ", excludes 1"
    return text


def _ratio(value) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value or "—")
