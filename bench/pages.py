"""The page measurements: the floors of the pages, the review list, the dashboards, the liaison's form.

`PageBench` holds the logged-in clients and the measured plan year, and records every result; the
export and import measurements (bench/workbooks.py) build on it.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from bench.sizes import BENCH_USERS, FORM_MONTH, YEAR
from bench.timing import Result, Timing, timed

FORM_ENCODED = "application/x-www-form-urlencoded"


# --- the requests -------------------------------------------------------------------------------


def _consume(response) -> int:
    """Read the whole body, as a browser would, without keeping it."""
    if getattr(response, "streaming", False):
        size = sum(len(chunk) for chunk in response.streaming_content)
    else:
        size = len(response.content)
    # No response.close(): the test Client already did, without closing the database connection.
    return response.status_code if size >= 0 else 0


class PageBench:
    def __init__(self, *, size: str, quick: bool = False):
        from django.contrib.auth import get_user_model
        from django.test import Client

        from core import data_version
        from projects.models import PlanYear

        self.size = size
        self.page_reps, self.page_budget = (9, 8.0) if quick else (15, 15.0)
        self.export_reps, self.export_budget = (5, 10.0) if quick else (7, 20.0)
        users = get_user_model().objects.in_bulk(list(BENCH_USERS.values()), field_name="username")
        self.clients = {}
        for key, username in BENCH_USERS.items():
            client = Client()
            client.force_login(users[username])
            self.clients[key] = client
        self.users = {key: users[username] for key, username in BENCH_USERS.items()}
        self.plan_year = PlanYear.objects.get(year=YEAR)
        self.results: list[Result] = []
        data_version.renew()  # nothing cached by an earlier run, on other data, is served

    def get(self, who: str, url: str, *, cold: bool = False) -> Callable[[], int]:
        from core import data_version

        client = self.clients[who]
        if cold:

            def after_a_write():
                data_version.renew()  # as every write does: no cached page is found
                return _consume(client.get(url))

            return after_a_write
        return lambda: _consume(client.get(url))

    def page(self, key: str, label: str, who: str, url: str, *, expect=200, floor: Timing, **extra) -> Result:
        timing = timed(self.get(who, url), reps=self.page_reps, budget=self.page_budget, beside=floor)
        return self._add(key, label, timing, expect=expect, floor=floor, floor_label="空视图", **extra)

    def cached_page(
        self, key: str, label: str, who: str, url: str, *, floor: Timing, floor_label: str
    ) -> None:
        """A cached dashboard twice: computed after a write (cold), and from the cache (warm)."""
        cold = timed(
            self.get(who, url, cold=True), reps=self.page_reps, budget=self.page_budget, beside=floor
        )
        result = self._add(
            f"{key}_cold",
            f"{label}（刚有写入，重新计算）",
            cold,
            expect=200,
            floor=floor,
            floor_label=floor_label,
        )
        result.note = "每次请求前更新数据版本"
        self.get(who, url)()  # cached again, so that even the profile run below is a cache hit
        warm = timed(self.get(who, url), reps=self.page_reps, budget=self.page_budget, beside=floor)
        result = self._add(key, f"{label}（缓存）", warm, expect=200, floor=floor, floor_label=floor_label)
        result.note = "数据未变时再次打开"

    def _add(self, key, label, timing: Timing, *, expect, floor: Timing | None, floor_label: str, **extra):
        result = Result(
            key=key,
            label=label,
            runs=timing.runs,
            median_ms=timing.median_ms,
            p95_ms=timing.p95_ms,
            queries=timing.queries,
            peak_mib=timing.peak_mib,
            status=timing.last,
            floor_label=floor_label,
            floor_median_ms=(timing.beside or floor).median_ms if floor else None,
            floor_queries=floor.queries if floor else None,
            floor_peak_mib=floor.peak_mib if floor else None,
            **extra,
        )
        if timing.last != expect:
            result.note = f"状态码 {timing.last}，应为 {expect}"
        self.results.append(result)
        return result

    # --- floors ---

    def trivial(self) -> Timing:
        from django.urls import reverse

        return timed(
            self.get("office", reverse("bench_trivial")), reps=self.page_reps, budget=self.page_budget
        )

    def aggregate(self) -> Timing:
        """The one query behind the dashboard: the year's reviewed figures, summed by month and indicator."""
        from django.db.models import Sum

        from reporting.counting import COUNTED
        from reporting.models import Figure
        from reporting.progress import MONTH as MONTH_FIELD

        def query():
            return len(
                Figure.objects.filter(
                    contribution__submission__reporting_month__plan_year=self.plan_year,
                    contribution__submission__status__in=COUNTED,
                )
                .values(MONTH_FIELD, "indicator_id")
                .annotate(total=Sum("value"))
                .order_by()
            )

        return timed(query, reps=self.page_reps, budget=self.page_budget)

    # --- the liaison's form ---

    def form_post_data(self) -> dict:
        from projects.models import Indicator
        from reporting.calendar.deadlines import ensure_reporting_months
        from reporting.forms import field_name
        from reporting.selectors import entry_sheet

        month = ensure_reporting_months(plan_year=self.plan_year)[FORM_MONTH - 1]
        unit = self.users["liaison"].membership.unit
        data = {}
        for row in entry_sheet(unit=unit, reporting_month=month):
            if not row.is_open:
                continue
            row_id = row.task_row.pk
            data[field_name(row_id, "version")] = str(row.version)
            data[field_name(row_id, "funds")] = "123.45"
            data[field_name(row_id, "progress")] = "基准测试：按计划推进。"
            for indicator in row.indicators:
                previous = row.previous.get(indicator.pk)
                explanation = field_name(row_id, "explanation", indicator.pk)
                if indicator.kind == Indicator.Kind.MILESTONE:
                    data[field_name(row_id, "stage", indicator.pk)] = "2"
                    continue
                if indicator.kind == Indicator.Kind.SUBSET:
                    value, data[explanation] = 0, "基准测试：其中数暂报0"
                elif indicator.kind == Indicator.Kind.RATIO:
                    value = 95
                else:
                    value = (previous or indicator.baseline_value or 0) + 10
                data[field_name(row_id, "value", indicator.pk)] = indicator.format_number(value)
        return data

    def form(self, floor: Timing) -> None:
        url = f"/report/?year={YEAR}&month={FORM_MONTH}"
        self.page("form_get", "本月填报（打开）", "liaison", url, floor=floor)
        data = self.form_post_data()
        body = urlencode(data)  # as a browser sends a form without files, not the test client's multipart
        client = self.clients["liaison"]
        timing = timed(
            lambda: _consume(client.post(url, body, content_type=FORM_ENCODED)),
            reps=self.page_reps,
            budget=self.page_budget,
            writes=True,
            beside=floor,
        )
        rows = len([name for name in data if name.endswith("-version")])
        self._add(
            "form_post",
            "本月填报（保存）",
            timing,
            expect=302,
            floor=floor,
            floor_label="空视图",
            note=f"{rows}项任务，{len(data)}个字段",
        )
