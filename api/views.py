"""The endpoints of /api/v1/: thin views over api.selectors (reads) and api.writes (the POST)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response

from api import selectors, serializers, writes
from api.base import ApiView
from api.errors import ApiProblem
from api.permissions import CanReadPersonalData, IsApiClient, client_of
from beneficiaries.access import RowAccess
from beneficiaries.id_numbers import mask_id_number, mask_phone
from beneficiaries.models import Beneficiary
from beneficiaries.services import record_export
from core.periods import year_and_month
from reporting.counting import COUNTED
from reporting.models import Submission

ERRORS = {
    code: OpenApiResponse(serializers.ProblemSerializer, description=description)
    for code, description in (
        (400, "请求有误"),
        (401, "未认证：令牌缺失、无效、已吊销或已过期"),
        (403, "无权操作：地址段外，或超出客户端的范围"),
        (429, "请求过于频繁"),
    )
}
WRITE_ERRORS = {
    **ERRORS,
    409: OpenApiResponse(serializers.ProblemSerializer, description="该月数据已锁定或已上报"),
    413: OpenApiResponse(serializers.ProblemSerializer, description="一次提交的数据过多"),
    422: OpenApiResponse(serializers.ProblemSerializer, description="数据未通过校验，或幂等键已用于其他内容"),
}
YEAR = OpenApiParameter("year", str, description="年度，如 2023")
YEAR_REQUIRED = OpenApiParameter("year", str, required=True, description="年度，如 2023")
FORMAT = OpenApiParameter(
    "format", str, enum=["json", "csv"], description="答复格式（也可用 Accept: text/csv）"
)


def _query(request, name: str) -> str:
    return request.query_params.get(name, "").strip()


def _year(request, *, required: bool = False):
    raw = _query(request, "year")
    if not raw:
        if required:
            raise ApiProblem(_("请指定年度（year），如 2023。"), status_code=400, code="year_required")
        return None
    year, _month = year_and_month(year=raw)
    return selectors.plan_year(str(year))


def _listing(name, item, **extra):
    return {200: serializers.listing(name, item, **extra), **ERRORS}


class PlanYearList(ApiView):
    csv_columns = ["code", "year", "title"]

    @extend_schema(
        summary="方案年度",
        parameters=[FORMAT],
        responses=_listing("PlanYears", serializers.PlanYearSerializer),
    )
    def get(self, request):
        return Response({"results": selectors.years()})


class TierList(ApiView):
    csv_columns = ["code", "year", "kind", "name", "short_name", "position"]

    @extend_schema(
        summary="项目层级", parameters=[YEAR, FORMAT], responses=_listing("Tiers", serializers.TierSerializer)
    )
    def get(self, request):
        return Response({"results": selectors.tiers(_year(request))})


class ProjectList(ApiView):
    csv_columns = ["code", "year", "tier", "number", "title"]

    @extend_schema(
        summary="实事项目",
        parameters=[YEAR, FORMAT],
        responses=_listing("Projects", serializers.ProjectSerializer),
    )
    def get(self, request):
        return Response({"results": selectors.projects(_year(request))})


class TaskRowList(ApiView):
    csv_columns = ["code", "year", "project", "position", "title", "label", "lead_unit", "leader"]

    @extend_schema(
        summary="责任分解行",
        parameters=[YEAR, FORMAT],
        responses=_listing("TaskRows", serializers.TaskRowSerializer),
    )
    def get(self, request):
        return Response({"results": selectors.task_rows(_year(request))})


class IndicatorList(ApiView):
    csv_columns = [
        "code",
        "year",
        "task_row",
        "position",
        "name",
        "kind",
        "parent",
        "measure",
        "decimal_places",
        "operator",
        "target",
        "target_pending",
        "target_stage",
        "baseline",
        "target_text",
    ]

    @extend_schema(
        summary="指标及每月生效的目标",
        description=(
            "待下达的目标为 null，并标 target_pending: true；"
            "targets_by_month 给出1—12月各月生效的目标（含已批准的指标调整）。"
        ),
        parameters=[YEAR_REQUIRED, OpenApiParameter("task_row", str, description="分解行编码"), FORMAT],
        responses=_listing("Indicators", serializers.IndicatorSerializer),
    )
    def get(self, request):
        row = _query(request, "task_row")
        task_row = selectors.task_row_by_code(row) if row else None
        return Response({"results": selectors.indicators(_year(request, required=True), task_row=task_row)})


class UnitList(ApiView):
    csv_columns = ["code", "name", "kind", "credit_code", "division_code", "is_active"]

    @extend_schema(
        summary="单位", parameters=[FORMAT], responses=_listing("Units", serializers.UnitSerializer)
    )
    def get(self, request):
        return Response({"results": selectors.units()})


class DataValues(ApiView):
    csv_columns = [
        "period",
        "unit",
        "task_row",
        "indicator",
        "value",
        "stage",
        "explanation",
        "counted",
        "late_report",
        "updated_at",
        "status",
    ]

    def _statuses(self, request, client) -> tuple[str, ...]:
        raw = _query(request, "status")
        allowed = {status.value for status in Submission.Status} if client.working_view else set(COUNTED)
        if not raw:
            return tuple(sorted(allowed))
        wanted = {item.strip() for item in raw.split(",") if item.strip()}
        if not wanted <= allowed:
            if wanted <= {status.value for status in Submission.Status}:
                raise ApiProblem(
                    _("该客户端只能读取计入统计的数据（verified、forwarded），不能读取工作视图。"),
                    status_code=403,
                    code="working_view_not_allowed",
                )
            raise ApiProblem(
                _("status 只能是：%(names)s。") % {"names": "、".join(sorted(allowed))},
                status_code=400,
                code="invalid",
            )
        return tuple(sorted(wanted))

    @extend_schema(
        summary="读取指标数据",
        description=(
            "每个单位、指标、月份一个数据。默认只返回计入统计的数据（县统计局已核验或已上报）；"
            "获准读取工作视图的客户端可读取全部状态，每个数据带 status。"
            "分页：答复的 next_cursor 作为下一次请求的 cursor；"
            "增量：答复的 next_updated_since 作为下一次的 updated_since。"
        ),
        parameters=[serializers.DataValueQuerySerializer, FORMAT],
        responses={200: serializers.DataValuePageSerializer, **ERRORS},
    )
    def get(self, request):
        client = client_of(request)
        params = serializers.DataValueQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        year, month = year_and_month(year=_query(request, "year"), month=_query(request, "month"))
        unit, indicator, cursor = (
            _query(request, "unit"),
            _query(request, "indicator"),
            _query(request, "cursor"),
        )
        since = _query(request, "updated_since")
        query = selectors.ValueQuery(
            year=selectors.plan_year(str(year)) if year else None,
            month=month,
            unit=selectors.unit_by_code(unit) if unit else None,
            indicator=selectors.indicator_by_code(indicator) if indicator else None,
            statuses=self._statuses(request, client),
            updated_since=selectors.parse_since(since) if since else None,
            after=selectors.decode_cursor(cursor) if cursor else 0,
            page_size=params.validated_data["page_size"],
            working_view=client.working_view,
        )
        page = selectors.value_page(query)
        self._audit_detail = {"values": page["count"]}
        return Response(page)

    @extend_schema(
        summary="写入指标数据",
        description=(
            "与填报页、Excel导入同一校验、锁定规则和提示。dry_run 只校验不写入；默认全部成功或全部不写入。"
            "请求头 Idempotency-Key：同一键重复请求返回第一次的结果，不会重复写入；同一键内容不同返回422。"
            "已审核锁定或已上报的月份返回409。"
        ),
        parameters=[
            OpenApiParameter(
                "Idempotency-Key", str, OpenApiParameter.HEADER, description="幂等键，最多200个字符"
            )
        ],
        request=serializers.WriteSerializer,
        responses={200: serializers.WriteResultSerializer, **WRITE_ERRORS},
    )
    def post(self, request):
        client = client_of(request)
        if not client.can_write:
            raise ApiProblem(_("该客户端只能读取，不能写入数据。"), status_code=403, code="read_only")
        key = request.headers.get("Idempotency-Key", "").strip()
        if key:
            status, body, replayed = writes.post_idempotent(client=client, key=key, data=request.data)
        else:
            (status, body), replayed = writes.post_values(client=client, data=request.data), False
        self._audit_detail = {
            "values": body.get("values"),
            "dry_run": body.get("dry_run"),
            "replayed": replayed,
        }
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        content_type = "application/problem+json" if status >= 400 else None
        if status >= 400:
            request.accepted_renderer = self.renderer_classes[0]()
        return Response(body, status=status, headers=headers, content_type=content_type)


class Completeness(ApiView):
    csv_columns = [
        "period",
        "submit_deadline",
        "forward_deadline",
        "forwarded_at",
        "rows",
        "submitted",
        "on_time",
        "late",
        "returned",
        "missing",
        "counted",
        "completeness",
        "timeliness",
    ]

    @extend_schema(
        summary="每月报送完整性和及时性",
        description="按真实提交时间和工作日截止日计算（与及时率看板相同）。",
        parameters=[
            YEAR_REQUIRED,
            OpenApiParameter("month", str, description="月份：6、2023-06 或 202306"),
            FORMAT,
        ],
        responses=_listing("CompletenessMonths", serializers.CompletenessSerializer),
    )
    def get(self, request):
        year, month = year_and_month(year=_query(request, "year"), month=_query(request, "month"))
        if year is None:
            raise ApiProblem(_("请指定年度（year），如 2023。"), status_code=400, code="year_required")
        return Response({"results": selectors.completeness(selectors.plan_year(str(year)), month=month)})


class Beneficiaries(ApiView):
    """Personal data: only with its own scope, masked unless full numbers are asked for and allowed."""

    permission_classes = [IsApiClient, CanReadPersonalData]
    csv_columns = [
        "indicator",
        "name",
        "id_number",
        "gender",
        "phone",
        "township",
        "village",
        "benefit_type",
        "amount",
        "benefit_date",
        "entered_by_unit",
    ]

    @extend_schema(
        summary="受益对象明细（个人信息）",
        description=(
            "须客户端获准读取受益对象明细。身份证号和手机号默认脱敏；reveal=true 返回完整号码，"
            "须另行获准。每次读取都写入审计日志（记录哪些记录，不记录号码）。"
        ),
        parameters=[
            OpenApiParameter("task_row", str, required=True, description="分解行编码"),
            OpenApiParameter("reveal", bool, description="返回完整身份证号和手机号"),
            FORMAT,
        ],
        responses=_listing("BeneficiaryList", serializers.BeneficiarySerializer),
    )
    def get(self, request):
        client = client_of(request)
        code = _query(request, "task_row")
        if not code:
            raise ApiProblem(_("请指定分解行编码（task_row）。"), status_code=400, code="task_row_required")
        task_row = selectors.task_row_by_code(code)
        reveal = _query(request, "reveal").lower() in ("1", "true", "yes")
        if reveal and not client.reveal_id_numbers:
            raise ApiProblem(_("该客户端无权读取完整身份证号。"), status_code=403, code="reveal_not_allowed")
        entries = list(
            Beneficiary.objects.filter(indicator__task_row=task_row, is_removed=False)
            .select_related("indicator", "township", "entered_by_unit")
            .order_by("pk")
        )
        access = RowAccess(task_row=task_row, role="api", people=True, full_numbers=client.reveal_id_numbers)
        # The audit row first, as the pages write it (beneficiaries.services): who, never the numbers.
        record_export(
            user=client.user,
            row_access=access,
            ids=[entry.pk for entry in entries],
            full=reveal,
            request=request._request,
        )
        results = [
            {
                "indicator": entry.indicator.code,
                "name": entry.name,
                "id_number": entry.id_number
                if reveal
                else (entry.id_number_masked or mask_id_number(entry.id_number)),
                "gender": entry.gender,
                "phone": entry.phone if reveal else mask_phone(entry.phone),
                "township": entry.township.code if entry.township else None,
                "village": entry.village,
                "benefit_type": entry.benefit_type,
                "amount": None if entry.amount is None else f"{entry.amount:.2f}",
                "benefit_date": entry.benefit_date.isoformat(),
                "entered_by_unit": entry.entered_by_unit.code,
            }
            for entry in entries
        ]
        self._audit_detail = {"people": len(results), "reveal": reveal}
        return Response({"results": results})
