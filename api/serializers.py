"""The API's shapes, for the schema and for reading query parameters: codes, never database ids.

Answers are built as plain dicts by api.selectors (a year's values are read in one pass); these
serializers describe them, and tests/test_api_schema.py checks every answer against the schema.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from reporting.models import Submission

STATUS_CHOICES = [status.value for status in Submission.Status]


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.ListField(child=serializers.DictField(), required=False)


def listing(name: str, item: type[serializers.Serializer], **extra) -> type[serializers.Serializer]:
    fields = {"results": item(many=True), **extra}
    return type(name, (serializers.Serializer,), fields)


class PlanYearSerializer(serializers.Serializer):
    code = serializers.CharField()
    year = serializers.IntegerField()
    title = serializers.CharField()


class TierSerializer(serializers.Serializer):
    code = serializers.CharField()
    year = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    position = serializers.IntegerField()


class ProjectSerializer(serializers.Serializer):
    code = serializers.CharField()
    year = serializers.IntegerField()
    tier = serializers.CharField()
    number = serializers.IntegerField()
    title = serializers.CharField()


class TaskRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    year = serializers.IntegerField()
    project = serializers.CharField()
    position = serializers.IntegerField()
    title = serializers.CharField(allow_blank=True)
    label = serializers.CharField()
    lead_unit = serializers.CharField()
    co_lead_units = serializers.ListField(child=serializers.CharField())
    responsible_units = serializers.ListField(child=serializers.CharField())
    responsible_groups = serializers.ListField(child=serializers.CharField())
    leader = serializers.CharField(allow_null=True)


class MonthTargetSerializer(serializers.Serializer):
    month = serializers.IntegerField(min_value=1, max_value=12)
    target = serializers.CharField(allow_null=True, help_text=_("该月生效的目标值；待下达为 null。"))
    target_pending = serializers.BooleanField(help_text=_("目标待下达。"))


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    year = serializers.IntegerField()
    task_row = serializers.CharField()
    position = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    parent = serializers.CharField(allow_null=True)
    measure = serializers.CharField(allow_blank=True)
    decimal_places = serializers.IntegerField()
    operator = serializers.CharField()
    target = serializers.CharField(allow_null=True, help_text=_("方案目标值；待下达为 null。"))
    target_pending = serializers.BooleanField()
    target_stage = serializers.IntegerField(allow_null=True)
    baseline = serializers.CharField(allow_null=True)
    target_text = serializers.CharField()
    targets_by_month = MonthTargetSerializer(many=True)


class UnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    credit_code = serializers.CharField(allow_null=True, help_text=_("统一社会信用代码"))
    division_code = serializers.CharField(allow_null=True, help_text=_("行政区划代码（乡镇、街道）"))
    is_active = serializers.BooleanField()


class DataValueSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    period = serializers.CharField()
    unit = serializers.CharField()
    task_row = serializers.CharField()
    indicator = serializers.CharField()
    value = serializers.CharField(
        allow_null=True, help_text=_("累计数、当前标准或比率（字符串，保留指标的小数位）")
    )
    stage = serializers.IntegerField(
        allow_null=True, help_text=_("节点任务：0未启动 1已启动 2推进中 3已完成")
    )
    stage_label = serializers.CharField(allow_null=True)
    explanation = serializers.CharField(allow_blank=True)
    counted = serializers.BooleanField(help_text=_("计入统计（已核验或已报送）"))
    late_report = serializers.BooleanField(help_text=_("补报"))
    updated_at = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(STATUS_CHOICES, required=False, help_text=_("仅工作视图"))
    status_label = serializers.CharField(required=False)


class DataValuePageSerializer(serializers.Serializer):
    basis = serializers.CharField(help_text=_("统计口径"))
    as_of = serializers.DateTimeField()
    next_updated_since = serializers.DateTimeField(help_text=_("下次增量读取时作为 updated_since 传入"))
    next_cursor = serializers.CharField(allow_null=True, help_text=_("下一页的 cursor；最后一页为 null"))
    count = serializers.IntegerField()
    results = DataValueSerializer(many=True)


class DataValueQuerySerializer(serializers.Serializer):
    year = serializers.CharField(required=False, help_text=_("年度，如 2023"))
    month = serializers.CharField(required=False, help_text=_("月份：6、2023-06 或 202306"))
    unit = serializers.CharField(required=False, help_text=_("单位编码"))
    indicator = serializers.CharField(required=False, help_text=_("指标编码"))
    status = serializers.CharField(
        required=False, help_text=_("状态（逗号分隔）；非工作视图只能是 verified、forwarded")
    )
    updated_since = serializers.CharField(
        required=False, help_text=_("只返回此时间之后变化的数据（ISO 8601）")
    )
    cursor = serializers.CharField(required=False, help_text=_("上一页答复中的 next_cursor"))
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=50_000, default=1000)


class ValueInSerializer(serializers.Serializer):
    period = serializers.CharField(help_text=_("月份，如 2023-06 或 202306"))
    unit = serializers.CharField(help_text=_("单位编码"))
    indicator = serializers.CharField(help_text=_("指标编码"))
    value = serializers.CharField(required=False, allow_null=True, help_text=_("数值（字符串或数字）"))
    stage = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=3)
    explanation = serializers.CharField(required=False, allow_blank=True, max_length=300)


class WriteSerializer(serializers.Serializer):
    values = ValueInSerializer(many=True)
    dry_run = serializers.BooleanField(required=False, default=False, help_text=_("只校验，不写入"))
    all_or_nothing = serializers.BooleanField(
        required=False, default=True, help_text=_("默认：任一数据不通过，全部不写入")
    )


class GroupSerializer(serializers.Serializer):
    unit = serializers.CharField()
    period = serializers.CharField()
    state = serializers.ChoiceField(["saved", "unchanged", "invalid", "locked", "refused"])
    message = serializers.CharField(allow_blank=True)
    rows_changed = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.DictField())


class WriteResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    written = serializers.BooleanField()
    values = serializers.IntegerField()
    groups = GroupSerializer(many=True)


class UnitMonthSerializer(serializers.Serializer):
    unit = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    rows = serializers.IntegerField()
    submitted = serializers.IntegerField()
    late = serializers.IntegerField()
    returned = serializers.IntegerField()


class CompletenessSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    period = serializers.CharField()
    submit_deadline = serializers.DateField()
    forward_deadline = serializers.DateField()
    forwarded_at = serializers.DateTimeField(allow_null=True)
    rows = serializers.IntegerField()
    submitted = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    returned = serializers.IntegerField()
    missing = serializers.IntegerField()
    counted = serializers.IntegerField()
    completeness = serializers.FloatField(allow_null=True, help_text=_("已提交行数 / 应报行数"))
    timeliness = serializers.FloatField(allow_null=True, help_text=_("按时提交行数 / 应报行数"))
    units = UnitMonthSerializer(many=True)


class BeneficiarySerializer(serializers.Serializer):
    indicator = serializers.CharField()
    name = serializers.CharField()
    id_number = serializers.CharField(help_text=_("默认脱敏（前6位和后4位）"))
    gender = serializers.CharField()
    phone = serializers.CharField(allow_blank=True)
    township = serializers.CharField(allow_null=True)
    village = serializers.CharField()
    benefit_type = serializers.CharField()
    amount = serializers.CharField(allow_null=True)
    benefit_date = serializers.DateField()
    entered_by_unit = serializers.CharField()
