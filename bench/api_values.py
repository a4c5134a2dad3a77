"""The web API beside the Excel import: a bulk POST of the 10,000-row template's values, and a year's GET.

- POST: every value of the largest import unit's month, in one request, against the import of the
  same values as a liaison makes it: the upload (parsed once, previewed) plus the confirmation
  (`import_preview_<rows>` + `import_confirm_<rows>`, measured just before); both rolled back.
- GET: every counted value of the measured year, and then of every year, through
  `/api/v1/data-values/`, page by page, against the floor of reading the same figures with one
  bare query and writing them as JSON.
"""

from __future__ import annotations

import json
from datetime import timedelta

from bench.sizes import IMPORT_MONTH, IMPORT_SIZES, IMPORT_YEAR, YEAR
from bench.timing import Timing, timed

PAGE_SIZE = 50_000


def _caller(bench, **scope):
    from django.test import Client
    from django.utils import timezone

    from api import services

    name = f"基准接口{len(bench.results)}-{timezone.now():%H%M%S%f}"
    _client, token = services.create_client(
        created_by=bench.users["office"],
        name=name,
        expires_at=timezone.now() + timedelta(days=1),
        allowed_networks="127.0.0.0/8",
        **scope,
    )
    return Client(REMOTE_ADDR="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")


def _import_floor(preview: Timing | None, confirm: Timing | None) -> Timing | None:
    if preview is None or confirm is None:
        return None
    return Timing(
        runs=min(preview.runs, confirm.runs),
        median_ms=preview.median_ms + confirm.median_ms,
        p95_ms=preview.p95_ms + confirm.p95_ms,
        queries=preview.queries + confirm.queries,
        peak_mib=None
        if None in (preview.peak_mib, confirm.peak_mib)
        else preview.peak_mib + confirm.peak_mib,
    )


def measure_api(bench, *, previews: dict[int, Timing], confirms: dict[int, Timing]) -> None:
    from projects.models import Indicator, Unit

    rows = max(IMPORT_SIZES)
    unit = Unit.objects.get(name=f"导入基准单位{rows}")
    http = _caller(bench, can_write=True, write_units=[unit])
    indicators = Indicator.objects.filter(
        task_row__project__tier__plan_year__year=IMPORT_YEAR, task_row__lead_unit=unit
    ).values_list("code", flat=True)
    period = f"{IMPORT_YEAR}-{IMPORT_MONTH:02d}"
    body = json.dumps(
        {
            "values": [
                {"period": period, "unit": unit.code, "indicator": code, "value": str(100 + index % 50)}
                for index, code in enumerate(indicators)
            ]
        }
    )
    floor = _import_floor(previews.get(rows), confirms.get(rows))

    def post():
        response = http.post("/api/v1/data-values/", body, content_type="application/json")
        return response.status_code

    reps, budget = (1, 0.0) if floor is None or floor.median_ms > 20_000 else (3, 60.0)
    timing = timed(post, reps=reps, budget=budget, writes=True, traced=False)
    bench._add(
        f"api_post_{rows}",
        f"接口批量写入（{len(indicators):,}个数据，同导入{rows:,}行模板）",
        timing,
        expect=200,
        floor=floor,
        floor_label="同一数据的Excel导入（上传＋确认）",
        note="一次请求，全部成功或全部不写",
    )
    _measure_read(bench, YEAR)
    _measure_read(bench, None)


def _measure_read(bench, year: int | None) -> None:
    """Every counted value of one year (or of every year, with `year` None), page by page."""
    from reporting.counting import COUNTED
    from reporting.models import Figure

    http = _caller(bench)
    counted = Figure.objects.filter(contribution__submission__status__in=COUNTED)
    if year is not None:
        counted = counted.filter(contribution__submission__reporting_month__plan_year__year=year)
    values = counted.count()
    base = f"/api/v1/data-values/?page_size={PAGE_SIZE}" + (f"&year={year}" if year is not None else "")

    def read_all():
        url = base
        while url:
            response = http.get(url)
            assert response.status_code == 200, response.status_code
            cursor = response.json().get("next_cursor")
            url = f"{base}&cursor={cursor}" if cursor else ""
        return 200

    def bare():
        fields = (
            "contribution__unit__code",
            "indicator__code",
            "contribution__submission__reporting_month__plan_year__year",
            "contribution__submission__reporting_month__month",
            "value",
            "stage",
        )
        return len(json.dumps([list(map(str, row)) for row in counted.values_list(*fields).iterator()]))

    reps, budget = (1, 0.0) if values > 100_000 else (3, 30.0)
    floor = timed(bare, reps=reps, budget=budget, traced=False)
    timing = timed(read_all, reps=reps, budget=budget, traced=False, beside=floor)
    bench._add(
        "api_get_year" if year is not None else "api_get_all_years",
        f"接口读取{'全年' if year is not None else '全部年度'}已核验数据（{values:,}个）",
        timing,
        expect=200,
        floor=floor,
        floor_label="一次查询写成JSON",
        note=f"每页{PAGE_SIZE:,}个",
    )
