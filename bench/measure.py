"""The measurements of one database at one size, inside one Django process (see bench/run.py).

Every page and export goes through Django's test Client with force_login, so the whole
middleware stack runs (sessions, CSRF, CSP, audit, axes...). For each:

- the first request is the profile run: it counts the queries (a counting execute_wrapper,
  which keeps nothing) and the peak of Python allocations (tracemalloc); its time is not used;
- then timed runs, at most `reps` of them and no more than `budget` seconds in all: the median
  and the 95th percentile (nearest rank) of their wall-clock times.

Writes (the form's POST, the import's confirmation) run inside a transaction rolled back after
each run, so every run writes the same thing into the same database and the data stays as generated.

The dashboards are cached until the data changes (reporting.dashboards.page_cache): each is measured twice,
cold (the data version renewed before every request, as any write renews it) and warm (opened
again with the data unchanged, the usual case outside the busy days).

Each figure has its floor, measured the same way in the same process, and timed again alternately
with the figure (one floor run after each timed run), so that the ratio compares runs made on the
machine in the same state; the table shows that paired floor. The floors:
- pages: a trivial view (bench/urls.py) through the same middleware, logged in;
- the overview dashboard: that trivial view plus the one aggregate query behind the dashboard
  (the year's reviewed figures summed by month and indicator);
- exports: openpyxl writing the same cells (values only) with nothing else, write-only mode for the
  monthly report, normal mode for the matrix, as the exporters do; the goal is judged against this
  floor. The matrix has a second, styled floor, shown beside it: the same cells with their fonts,
  borders and alignments, the same merges, row heights and page setup, through openpyxl's ordinary
  API (each style object built once), still without the database;
- imports: openpyxl reading the same file in read-only mode, every cell, nothing else.

The measurements live in bench/pages.py (the pages and their floors) and bench/workbooks.py (the
exports and imports and theirs), timed by bench/timing.py; `Bench` here runs them all.
"""

from __future__ import annotations

from dataclasses import asdict

from bench.sizes import MONTH, YEAR
from bench.timing import Timing, timed
from bench.workbooks import WorkbookBench


class Bench(WorkbookBench):
    """Everything measured on one database at one size: the pages, then the exports and imports."""

    # --- all of it ---

    def run(self, *, only: set[str] | None = None) -> list[dict]:
        from django.urls import reverse

        from projects.models import Indicator

        want = (lambda key: True) if not only else (lambda key: key in only)
        trivial = self.trivial()
        self._add("trivial", "空视图（页面下限）", trivial, expect=200, floor=None, floor_label="")
        frame = timed(
            self.get("office", reverse("bench_frame")),
            reps=self.page_reps,
            budget=self.page_budget,
            beside=trivial,
        )
        self._add(
            "frame", "空页面（站点框架，仅作对照）", frame, expect=200, floor=trivial, floor_label="空视图"
        )
        if want("form"):
            self.form(trivial)
        if want("review"):
            self.page(
                "review", "审核报送列表", "office", f"/review/?year={YEAR}&month={MONTH}", floor=trivial
            )
        if want("dashboard"):
            aggregate = self.aggregate()
            self._add(
                "aggregate",
                "聚合查询（驾驶舱下限之一）",
                aggregate,
                expect=aggregate.last,
                floor=None,
                floor_label="",
            )
            floor = Timing(
                runs=trivial.runs,
                median_ms=trivial.median_ms + aggregate.median_ms,
                p95_ms=trivial.p95_ms + aggregate.p95_ms,
                queries=trivial.queries + aggregate.queries,
                peak_mib=trivial.peak_mib + aggregate.peak_mib,
                action=lambda: (trivial.action(), aggregate.action()),
            )
            self.cached_page(
                "dashboard",
                "驾驶舱总览",
                "leader",
                f"/dashboard/?year={YEAR}",
                floor=floor,
                floor_label="空视图＋聚合查询",
            )
        if want("indicator"):
            indicator = (
                Indicator.objects.filter(task_row__project__tier__plan_year=self.plan_year, kind="quantity")
                .order_by(
                    "task_row__project__tier__position",
                    "task_row__project__number",
                    "task_row__position",
                    "position",
                )
                .first()
            )
            self.cached_page(
                "indicator",
                "单项指标页",
                "leader",
                f"/dashboard/indicators/{indicator.pk}/?year={YEAR}",
                floor=trivial,
                floor_label="空视图",
            )
        if want("exports"):
            floor, lines = self.monthly_floor()
            result = self.export(
                "monthly_export",
                "月度调度表导出",
                f"/exports/monthly-report.xlsx?year={YEAR}&month={MONTH}",
                floor,
            )
            result.note = f"{lines:,}行"
            floor, lines = self.matrix_floor()
            result = self.export(
                "matrix_export", "责任分解表导出", f"/exports/responsibility-matrix.xlsx?year={YEAR}", floor
            )
            result.note = f"{lines:,}行"
            result.styled_floor_median_ms = self.matrix_styled_floor().median_ms
        if want("imports"):
            self.imports()
            from bench.api_values import measure_api

            measure_api(self, previews=self.import_previews, confirms=self.import_confirms)
        return [
            asdict(result) | {"ratio": result.ratio, "styled_ratio": result.styled_ratio}
            for result in self.results
        ]
