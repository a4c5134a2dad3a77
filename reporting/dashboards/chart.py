"""The geometry of the one-indicator page's month-by-month chart, drawn as SVG by the template."""

import math

from django.utils.translation import gettext as _

from projects.models import Indicator
from reporting.calendar.deadlines import MONTHS
from reporting.dashboards.indicator import MonthPoint
from reporting.progress import COLOUR

# --- chart geometry ----------------------------------------------------------------------------

WIDTH, HEIGHT = 360, 210
LEFT, RIGHT, TOP, BOTTOM = 46, 10, 14, 26


def _nice_ceiling(value: float) -> tuple[float, float]:
    """A round upper bound and the step of four grid lines below it."""
    if value <= 0:
        return 4.0, 1.0
    exponent = math.floor(math.log10(value / 4))
    for multiple in (1, 2, 2.5, 5, 10):
        step = multiple * 10**exponent
        if step * 4 >= value:
            return step * 4, step
    return value, value / 4  # pragma: no cover - the loop always returns


def _compact(value: float) -> str:
    if abs(value) >= 10000:
        return f"{value / 10000:.4g}" + _("万")
    return f"{value:.4g}"


def _xy(x: float, y: float) -> str:
    return f"{x:.1f},{y:.1f}"


def line_chart(indicator: Indicator, points: list[MonthPoint]) -> dict:
    """Geometry of the month-by-month chart: cumulative figure, target line, time-progress pace."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    milestone = indicator.kind == Indicator.Kind.MILESTONE
    values = [float(point.value) for point in points if point.value is not None]
    targets = [(point, indicator.target_stage if milestone else point.target) for point in points]
    baseline = None if milestone else indicator.baseline_value
    if milestone:
        top, step = float(Indicator.Stage.COMPLETED), 1.0
    else:
        highest = [*values, *(float(target) for _point, target in targets if target), float(baseline or 0)]
        top, step = _nice_ceiling(max(highest) * 1.08)

    def x(month: int) -> float:
        return LEFT + (month - 1) * plot_w / 11

    def y(value) -> float:
        return TOP + plot_h * (1 - float(value) / top)

    ticks = []
    for index in range(int(round(top / step)) + 1):
        value = index * step
        label = Indicator.Stage(int(value)).label if milestone else _compact(value)
        ticks.append({"y": f"{y(value):.1f}", "label": label})
    # The target in force month by month: a step where an approved adjustment changed it.
    target_path = []
    for point, target in targets:
        if target is None:
            continue
        if target_path and target_path[-1][1] != target:
            target_path.append((x(point.month) - plot_w / 22, target_path[-1][1]))
            target_path.append((x(point.month) - plot_w / 22, target))
        target_path.append((x(point.month), target))
    pace = None
    if indicator.is_additive:
        pace = " ".join(
            _xy(x(point.month), y(target * point.elapsed / 100)) for point, target in targets if target
        )
    dots, path = [], []
    for point in points:
        if point.value is None:
            continue
        colour = COLOUR[point.judgement.status] if point.judgement else "grey"
        path.append(_xy(x(point.month), y(point.value)))
        dots.append(
            {
                "x": f"{x(point.month):.1f}",
                "y": f"{y(point.value):.1f}",
                "colour": colour,
                "hollow": not point.forwarded,
                "title": _("%(month)s月：%(figure)s") % {"month": point.month, "figure": point.text}
                + ("" if point.forwarded else _("（已核验，尚未报送）")),
            }
        )
    last_target = target_path[-1][1] if target_path else None
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "label_y": HEIGHT - 8,
        "ticks": ticks,
        "months": [{"x": f"{x(month):.1f}", "label": f"{month}"} for month in MONTHS],
        "target": {
            "points": " ".join(_xy(px, y(value)) for px, value in target_path),
            "y": f"{y(last_target):.1f}",
            "label": _("目标"),
        }
        if target_path
        else None,
        "baseline": {"y": f"{y(baseline):.1f}", "label": _("基数")} if baseline else None,
        "pace": pace or None,
        "path": " ".join(path),
        "dots": dots,
    }
