"""POST /api/v1/data-values/: reading the values by code, the client's scope, and idempotency.

The figures themselves are written by `reporting.workflow.figures.write_figures`, through the same
`write_month_sheet` as the entry form and the Excel import.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from api.errors import ApiProblem, problem
from api.models import ApiClient, IdempotentRequest
from core.periods import BadPeriod, parse_period
from projects.models import Indicator, Unit
from reporting.calendar.deadlines import ensure_reporting_months
from reporting.workflow.errors import LockedError
from reporting.workflow.figures import ValueInput, write_figures
from reporting.workflow.validation import EXPLANATION_LIMIT

FIELDS = {"period", "unit", "indicator", "value", "stage", "explanation"}
KEY_LIMIT = 200


def _text(item: dict, name: str) -> str:
    value = item.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(name)
    return str(value)


def read_body(data) -> tuple[list[dict], bool, bool]:
    """The values, dry_run and all_or_nothing of a request body; ApiProblem (400) when malformed."""
    if not isinstance(data, dict) or not isinstance(data.get("values"), list):
        raise ApiProblem(_("请求体应为 JSON 对象，其中 values 为数据列表。"), status_code=400, code="invalid")
    flags = {}
    for name, default in (("dry_run", False), ("all_or_nothing", True)):
        flags[name] = data.get(name, default)
        if not isinstance(flags[name], bool):
            raise ApiProblem(
                _("%(name)s 应为 true 或 false。") % {"name": name}, status_code=400, code="invalid"
            )
    values = data["values"]
    if not values:
        raise ApiProblem(_("values 不能为空。"), status_code=400, code="invalid")
    if len(values) > settings.API_MAX_VALUES:
        raise ApiProblem(
            _("一次最多提交%(limit)s个数据，本次为%(count)s个。")
            % {"limit": settings.API_MAX_VALUES, "count": len(values)},
            status_code=413,
            code="too_many_values",
        )
    errors, items = [], []
    for index, item in enumerate(values):
        if not isinstance(item, dict):
            errors.append({"index": index, "message": _("每个数据应为 JSON 对象。")})
            continue
        unknown = sorted(set(item) - FIELDS)
        missing = [name for name in ("period", "unit", "indicator") if not item.get(name)]
        if unknown or missing:
            names = "、".join(unknown) if unknown else "、".join(missing)
            message = _("不认识的字段：%(names)s") if unknown else _("缺少字段：%(names)s")
            errors.append({"index": index, "message": message % {"names": names}})
            continue
        try:
            parsed = {name: _text(item, name) for name in FIELDS}
        except ValueError as exc:
            errors.append(
                {"index": index, "message": _("字段 %(name)s 的类型不正确。") % {"name": exc.args[0]}}
            )
            continue
        if len(parsed["explanation"]) > EXPLANATION_LIMIT * 2 or len(parsed["value"]) > 40:
            errors.append({"index": index, "message": _("数据过长。")})
            continue
        items.append((index, parsed))
    if errors:
        raise ApiProblem(
            _("请求中有格式错误的数据，未写入任何数据。"), status_code=400, code="invalid", errors=errors
        )
    return items, flags["dry_run"], flags["all_or_nothing"]


def resolve(items: list[tuple[int, dict]], *, client: ApiClient) -> list[ValueInput]:
    """Codes to records, and the scope: a value for a unit the client may not write refuses the whole call."""
    unit_codes = {item["unit"] for _index, item in items}
    indicator_codes = {item["indicator"] for _index, item in items}
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=unit_codes)}
    indicators = {
        indicator.code: indicator
        for indicator in Indicator.objects.filter(code__in=indicator_codes).select_related(
            "task_row__project__tier__plan_year", "parent"
        )
    }
    allowed = set(client.write_units.values_list("pk", flat=True)) if client.can_write else set()
    months, errors, values, refused = {}, [], [], []
    for index, item in items:
        unit, indicator = units.get(item["unit"]), indicators.get(item["indicator"])
        try:
            year, month = parse_period(item["period"])
        except BadPeriod as exc:
            errors.append({"index": index, "message": str(exc)})
            continue
        if unit is None:
            errors.append(
                {"index": index, "message": _("没有编码为“%(code)s”的单位。") % {"code": item["unit"][:40]}}
            )
            continue
        if indicator is None:
            errors.append(
                {
                    "index": index,
                    "message": _("没有编码为“%(code)s”的指标。") % {"code": item["indicator"][:40]},
                }
            )
            continue
        plan_year = indicator.task_row.project.tier.plan_year
        if plan_year.year != year:
            errors.append(
                {
                    "index": index,
                    "message": _("指标“%(code)s”属于%(year)s年度，不能填报%(period)s。")
                    % {"code": indicator.code, "year": plan_year.year, "period": item["period"]},
                }
            )
            continue
        if unit.pk not in allowed:
            refused.append(unit.code)
            continue
        if plan_year.pk not in months:
            months[plan_year.pk] = ensure_reporting_months(plan_year=plan_year)
        values.append(
            ValueInput(
                index=index,
                unit=unit,
                reporting_month=months[plan_year.pk][month - 1],
                indicator=indicator,
                raw_value=item["value"] if indicator.is_numeric else "",
                raw_stage=item["stage"] if not indicator.is_numeric else "",
                explanation=item["explanation"],
            )
        )
    if refused:
        raise ApiProblem(
            _("该客户端无权写入以下单位的数据，未写入任何数据：%(units)s")
            % {"units": "、".join(sorted(set(refused)))},
            status_code=403,
            code="out_of_scope",
        )
    if errors:
        raise ApiProblem(
            _("请求中有无法识别的数据，未写入任何数据。"),
            status_code=422,
            code="unknown_codes",
            errors=errors,
        )
    return values


def _answer(outcome, values: list[ValueInput], *, dry_run: bool) -> tuple[int, dict]:
    by_index = {value.index: value for value in values}

    def where(index: int) -> dict:
        value = by_index.get(index)
        if value is None:
            return {"index": index}
        month = value.reporting_month
        return {
            "index": index,
            "unit": value.unit.code,
            "indicator": value.indicator.code,
            "period": f"{month.plan_year.year}-{month.month:02d}",
        }

    groups = [
        {
            "unit": group.unit.code,
            "period": f"{group.reporting_month.plan_year.year}-{group.reporting_month.month:02d}",
            "state": group.state,
            "message": group.message,
            "rows_changed": group.changed,
            "warnings": [{**where(item["index"]), "message": item["message"]} for item in group.warnings],
        }
        for group in outcome.groups
    ]
    if outcome.errors:
        errors = [{**where(item["index"]), "message": item["message"]} for item in outcome.errors]
        return 422, problem(
            422,
            "invalid_values",
            _("有数据未通过校验（与填报页、Excel导入相同的规则），未写入。"),
            errors=errors,
        ) | {"groups": groups}
    return 200, {
        "dry_run": dry_run,
        "written": outcome.written,
        "values": len(values),
        "groups": groups,
    }


def post_values(*, client: ApiClient, data) -> tuple[int, dict]:
    """The whole POST: (status, body). Raises ApiProblem for a refusal before any write."""
    items, dry_run, all_or_nothing = read_body(data)
    values = resolve(items, client=client)
    try:
        outcome = write_figures(
            actor=client.user, values=values, dry_run=dry_run, all_or_nothing=all_or_nothing
        )
    except LockedError as exc:
        raise ApiProblem(str(exc), status_code=409, code="locked") from None
    except PermissionDenied as exc:
        raise ApiProblem(str(exc), status_code=403, code="forbidden") from None
    return _answer(outcome, values, dry_run=dry_run)


# --- Idempotency-Key -------------------------------------------------------------------------------


def request_hash(data) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def replay(*, client: ApiClient, key: str, digest: str) -> tuple[int, dict] | None:
    """The first answer to this key, or None; ApiProblem (422) when the key came with another body."""
    stored = IdempotentRequest.objects.filter(client=client, key=key).first()
    if stored is None:
        return None
    if stored.request_hash != digest:
        raise ApiProblem(
            _("该 Idempotency-Key 已用于内容不同的请求，请为新的请求使用新的键。"),
            status_code=422,
            code="idempotency_mismatch",
        )
    return stored.status_code, stored.response


def post_idempotent(*, client: ApiClient, key: str, data) -> tuple[int, dict, bool]:
    """Like `post_values`, once per key: (status, body, replayed). Never writes twice for one key."""
    if len(key) > KEY_LIMIT or not key.isprintable():
        raise ApiProblem(
            _("Idempotency-Key 过长或含不可见字符（最多200个字符）。"), status_code=400, code="invalid"
        )
    digest = request_hash(data)
    first = replay(client=client, key=key, digest=digest)
    if first is not None:
        return (*first, True)
    try:
        with transaction.atomic():
            try:
                status, body = post_values(client=client, data=data)
            except ApiProblem as exc:
                status, body = (
                    exc.status_code,
                    problem(exc.status_code, exc.problem_code, str(exc.detail), errors=exc.errors),
                )
            # Inserted with the write, in its transaction: a second request with the key waits
            # for this one on the unique key, then fails here and replays the first answer.
            IdempotentRequest.objects.create(
                client=client, key=key, request_hash=digest, status_code=status, response=body
            )
            if status >= 400:
                transaction.set_rollback(True)  # keep nothing of a refused write…
    except IntegrityError:
        first = replay(client=client, key=key, digest=digest)
        if first is None:
            raise
        return (*first, True)
    if status >= 400:
        # …but its answer, so that the same key gets the same answer.
        with transaction.atomic():
            IdempotentRequest.objects.get_or_create(
                client=client,
                key=key,
                defaults={"request_hash": digest, "status_code": status, "response": body},
            )
    return status, body, False
