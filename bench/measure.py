"""The measurements of one database at one size, inside one Django process (see bench/run.py).

Every page and export goes through Django's test Client with force_login, so the whole
middleware stack runs (sessions, CSRF, CSP, audit, axes...). For each:

- the first request is the profile run: it counts the queries (a counting execute_wrapper,
  which keeps nothing) and the peak of Python allocations (tracemalloc); its time is not used;
- then timed runs, at most `reps` of them and no more than `budget` seconds in all: the median
  and the 95th percentile (nearest rank) of their wall-clock times.

Writes (the form's POST, the import's confirmation) run inside a transaction rolled back after
each run, so every run writes the same thing into the same database and the data stays as generated.

The dashboards are cached until the data changes (reporting.page_cache): each is measured twice,
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
"""

from __future__ import annotations

import io
import statistics
import time
import tracemalloc
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode

from bench.data import BENCH_USERS, FORM_MONTH, IMPORT_MONTH, IMPORT_SIZES, IMPORT_YEAR, MONTH, YEAR

FORM_ENCODED = "application/x-www-form-urlencoded"


@dataclass
class Result:
    key: str
    label: str
    runs: int = 0
    median_ms: float = 0.0
    p95_ms: float = 0.0
    queries: int | None = None
    peak_mib: float | None = 0.0
    status: int | None = None
    floor_label: str = ""
    floor_median_ms: float | None = None
    floor_queries: int | None = None
    floor_peak_mib: float | None = None
    # Exports only: openpyxl writing the same cells with their styles, merges and page setup.
    styled_floor_median_ms: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.median_ms / self.floor_median_ms if self.floor_median_ms else None

    @property
    def styled_ratio(self) -> float | None:
        return self.median_ms / self.styled_floor_median_ms if self.styled_floor_median_ms else None


class _Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def _profiled():
    """Counts queries and traces the peak of Python allocations; yields a dict filled on exit."""
    from django.db import connection

    counter, found = _Counter(), {}
    tracemalloc.start()
    try:
        with connection.execute_wrapper(counter):
            yield found
    finally:
        found["peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        found["queries"] = counter.count


@contextmanager
def _rolled_back():
    from django.db import transaction

    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


@dataclass
class Timing:
    runs: int
    median_ms: float
    p95_ms: float
    queries: int
    peak_mib: float | None
    last: object = None
    # How to run the measured thing once more: a floor is run again beside what it is a floor of.
    action: Callable[[], object] | None = field(default=None, repr=False)
    # The floor's own times, taken alternately with these (see `timed`).
    beside: Timing | None = None


def timed(
    action: Callable[[], object],
    *,
    reps: int,
    budget: float,
    writes: bool = False,
    traced: bool = True,
    beside: Timing | None = None,
) -> Timing:
    """One profile run, then timed runs within `reps` and `budget` seconds (at least one).

    Without `traced` (for runs of a minute, which tracemalloc would make several times longer)
    there is no profile run: the queries are counted in the first timed run, the memory is not measured.

    With `beside` (a floor), the floor runs once after each timed run, and its times are kept in the
    result's `beside`: a ratio of two medians taken alternately holds when the machine's speed drifts
    during the run, as it does on shared virtual machines, where a floor timed once at the start does not.
    """

    def once():
        if writes:
            with _rolled_back():
                return action()
        return action()

    if traced:
        with _profiled() as profile:
            last = once()
        queries, peak = profile["queries"], profile["peak_mib"]
    times, spent, floor_times = [], 0.0, []
    while len(times) < reps and (not times or spent < budget):
        counter = _Counter()
        if not traced and not times:
            from django.db import connection

            started = time.perf_counter()
            with connection.execute_wrapper(counter):
                last = once()
            elapsed = time.perf_counter() - started
            queries, peak = counter.count, None
        else:
            started = time.perf_counter()
            last = once()
            elapsed = time.perf_counter() - started
        times.append(elapsed * 1000)
        spent += elapsed
        if beside is not None:
            started = time.perf_counter()
            beside.action()
            floor_times.append((time.perf_counter() - started) * 1000)
    return Timing(
        runs=len(times),
        median_ms=statistics.median(times),
        p95_ms=_percentile(times, 0.95),
        queries=queries,
        peak_mib=peak,
        last=last,
        action=action,
        beside=None
        if beside is None
        else Timing(
            runs=len(floor_times),
            median_ms=statistics.median(floor_times),
            p95_ms=_percentile(floor_times, 0.95),
            queries=beside.queries,
            peak_mib=beside.peak_mib,
        ),
    )


# --- the requests -------------------------------------------------------------------------------


def _consume(response) -> int:
    """Read the whole body, as a browser would, without keeping it."""
    if getattr(response, "streaming", False):
        size = sum(len(chunk) for chunk in response.streaming_content)
    else:
        size = len(response.content)
    # No response.close(): the test Client already did, without closing the database connection.
    return response.status_code if size >= 0 else 0


class Bench:
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

        from reporting.dashboards import REVIEWED
        from reporting.models import Figure
        from reporting.progress import MONTH as MONTH_FIELD

        def query():
            return len(
                Figure.objects.filter(
                    contribution__submission__reporting_month__plan_year=self.plan_year,
                    contribution__submission__status__in=REVIEWED,
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

    # --- exports ---

    def export(self, key: str, label: str, url: str, floor: Timing) -> Result:
        timing = timed(
            self.get("office", url), reps=self.export_reps, budget=self.export_budget, beside=floor
        )
        return self._add(key, label, timing, expect=200, floor=floor, floor_label="openpyxl 裸写")

    def monthly_floor(self) -> tuple[Timing, int]:
        from openpyxl import Workbook

        from bench.bench_monthly_export import _plain
        from reporting.exports.exporters import MonthlyReportExporter
        from reporting.exports.monthly import MonthlyFilter

        exporter = MonthlyReportExporter(filters=MonthlyFilter(plan_year=self.plan_year, month=MONTH))
        sheets = []
        for spec in exporter.sheets():
            rows = [[_plain(value) for value in row] for row in spec.rows]
            sheets.append((spec.title, list(spec.heading), [str(c.header) for c in spec.columns], rows))

        def write():
            workbook = Workbook(write_only=True)
            for title, heading, header, rows in sheets:
                sheet = workbook.create_sheet(title)
                for line in heading:
                    sheet.append([line])
                sheet.append(header)
                for row in rows:
                    sheet.append(row)
            workbook.save(io.BytesIO())

        return timed(write, reps=self.export_reps, budget=self.export_budget), sum(len(s[3]) for s in sheets)

    def matrix_floor(self) -> tuple[Timing, int]:
        from openpyxl import Workbook

        from projects.matrix import FIRST_DATA_ROW, ResponsibilityMatrixExporter

        lines = ResponsibilityMatrixExporter(plan_year=self.plan_year).lines()
        values = [
            (
                line.tier_position,
                line.tier_name,
                line.project_text,
                line.item,
                line.units,
                line.responsible,
                line.leader,
            )
            for line in lines
        ]

        def write():
            workbook = Workbook()
            sheet = workbook.active
            for offset, row in enumerate(values):
                for column, value in enumerate(row, start=1):
                    sheet.cell(row=FIRST_DATA_ROW + offset, column=column, value=value or None)
            workbook.save(io.BytesIO())

        return timed(write, reps=self.export_reps, budget=self.export_budget), len(values)

    def matrix_styled_floor(self) -> Timing:
        """The matrix as the export writes it, through openpyxl's ordinary API, with nothing else.

        The same cells with the same values, fonts, borders and alignments (each style object built
        once and assigned to every cell that has it), the same merges (`merge_cells`), row heights,
        column widths and page setup; read from an export made beforehand, so no database.
        """
        from openpyxl import Workbook, load_workbook
        from openpyxl.cell.cell import MergedCell

        from projects.matrix import ResponsibilityMatrixExporter

        content = ResponsibilityMatrixExporter(plan_year=self.plan_year).render().content
        built = load_workbook(io.BytesIO(content), rich_text=True).active
        book = built.parent
        cells = [
            (
                cell.row,
                cell.column,
                cell.value,
                book._fonts[cell._style.fontId],
                book._borders[cell._style.borderId],
                book._alignments[cell._style.alignmentId],
                cell.quotePrefix,
            )
            for row in built.iter_rows()
            for cell in row
            if not isinstance(cell, MergedCell) and cell.has_style
        ]
        merges = [str(cell_range) for cell_range in built.merged_cells.ranges]
        heights = {row: size.height for row, size in built.row_dimensions.items() if size.height}
        widths = {letter: dimension.width for letter, dimension in built.column_dimensions.items()}
        title, footer, freeze = built.title, built.oddFooter.center.text, built.freeze_panes
        print_titles, print_area = built.print_title_rows, built.print_area

        def write():
            workbook = Workbook()
            sheet = workbook.active
            sheet.title = title
            for row, column, value, font, border, alignment, quoted in cells:
                cell = sheet.cell(row=row, column=column, value=value)
                cell.font = font
                cell.border = border
                cell.alignment = alignment
                if quoted:
                    cell.quotePrefix = True
            for merge in merges:
                sheet.merge_cells(merge)
            for row, height in heights.items():
                sheet.row_dimensions[row].height = height
            for letter, width in widths.items():
                sheet.column_dimensions[letter].width = width
            sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
            sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
            sheet.page_setup.fitToWidth = 1
            sheet.page_setup.fitToHeight = 0
            sheet.sheet_properties.pageSetUpPr.fitToPage = True
            sheet.print_title_rows = print_titles
            sheet.print_area = print_area
            sheet.print_options.horizontalCentered = True
            sheet.page_margins.left = sheet.page_margins.right = 0.5
            sheet.page_margins.top = sheet.page_margins.bottom = 0.6
            sheet.oddFooter.center.text = footer
            sheet.freeze_panes = freeze
            workbook.save(io.BytesIO())

        return timed(write, reps=self.export_reps, budget=self.export_budget)

    # --- the import ---

    def filled_template(self, who: str) -> bytes:
        from openpyxl import load_workbook

        from reporting.imports import FIRST_DATA_ROW, FUNDS, INDICATOR_ID, PROGRESS, ROW_ID, VALUE

        response = self.clients[who].get(f"/imports/template.xlsx?year={IMPORT_YEAR}&month={IMPORT_MONTH}")
        assert response.status_code == 200, response.status_code
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        sheet = workbook.worksheets[0]
        for row in range(FIRST_DATA_ROW, sheet.max_row + 1):
            if sheet.cell(row, ROW_ID.index).value is None:
                continue
            if sheet.cell(row, INDICATOR_ID.index).value is None:
                sheet.cell(row, FUNDS.index).value = 12.5
                sheet.cell(row, PROGRESS.index).value = "基准测试：按计划推进。"
            else:
                sheet.cell(row, VALUE.index).value = 100 + row % 50
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def imports(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile
        from openpyxl import load_workbook

        for rows in IMPORT_SIZES:
            who = f"import_{rows}"
            content = self.filled_template(who)
            client = self.clients[who]
            upload_url = f"/imports/?year={IMPORT_YEAR}&month={IMPORT_MONTH}"
            pending: list[str] = []

            def upload(client=client, content=content, upload_url=upload_url, pending=pending):
                response = client.post(upload_url, {"file": SimpleUploadedFile("模板.xlsx", content)})
                if response.status_code == 302:
                    pending.append(response["Location"])
                return _consume(response)

            def confirm(client=client, pending=pending):
                return _consume(client.post(pending.pop()))

            def read(content=content):
                workbook = load_workbook(io.BytesIO(content), read_only=True)
                count = sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True))
                workbook.close()
                return count

            reps, budget, traced = (3, 30.0, True) if rows <= 1000 else (1, 0.0, False)
            floor = timed(read, reps=reps, budget=budget, traced=traced)
            note = f"文件 {len(content) / 1024:.0f} KiB" + ("" if traced else "；内存未测（追踪太慢）")
            preview = timed(upload, reps=reps, budget=budget, traced=traced)
            self._add(
                f"import_preview_{rows}",
                f"模板导入预览（{rows:,}行）",
                preview,
                expect=302,
                floor=floor,
                floor_label="openpyxl 只读",
                note=note,
            )
            # Each confirmation takes an upload of its own (a confirmed upload is gone): those of the
            # previews above while they last (a session keeps five), then fresh ones, not timed here.
            runs = []

            def confirmed(runs=runs, pending=pending):
                if not pending:
                    upload()
                started = time.perf_counter()
                status = confirm()
                runs.append(time.perf_counter() - started)
                return status

            timing = timed(confirmed, reps=reps, budget=budget, writes=True, traced=traced)
            measured = runs[1:] if traced else runs  # without the profile run
            timing.median_ms = statistics.median(measured) * 1000
            timing.p95_ms = _percentile(measured, 0.95) * 1000
            self._add(
                f"import_confirm_{rows}",
                f"模板导入确认（{rows:,}行）",
                timing,
                expect=302,
                floor=floor,
                floor_label="openpyxl 只读",
                note=note,
            )

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
        return [
            asdict(result) | {"ratio": result.ratio, "styled_ratio": result.styled_ratio}
            for result in self.results
        ]
