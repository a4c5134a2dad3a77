"""Writes to the plan: loading the bundled plan file and starting a new year."""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Refused
from core.numbers import NotANumber, read_decimal
from projects import codes, target_lock
from projects.models import (
    Indicator,
    Person,
    PlanYear,
    Project,
    ResponsiblePerson,
    TaskForce,
    TaskRow,
    TaskRowParty,
    Tier,
    Unit,
    UnitAlias,
    UnitGroup,
)

BUNDLED_PLANS_DIR = settings.BASE_DIR / "fixtures"
LOAD_REASON = "载入方案文件"


class PlanFileError(Refused):
    """The plan file cannot be loaded."""


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0

    def count(self, status: str, model) -> None:
        if status == "unchanged":
            self.unchanged += 1
            return
        bucket = self.created if status == "created" else self.updated
        name = str(model._meta.verbose_name)
        bucket[name] = bucket.get(name, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


class _Loader:
    """Upserts by natural key; with overwrite=False existing rows are left as the office set them."""

    def __init__(self, *, overwrite: bool, report: LoadReport):
        self.overwrite = overwrite
        self.report = report

    def upsert(self, model, lookup: dict, values: dict):
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            obj._change_reason = LOAD_REASON
            obj.full_clean()
            obj.save()
            self.report.count("created", model)
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed and self.overwrite:
            if model is Indicator:
                _refuse_locked_target_change(obj, changed)
            for name in changed:
                setattr(obj, name, values[name])
            obj._change_reason = LOAD_REASON
            obj.full_clean()
            obj.save()
            self.report.count("updated", model)
        else:
            self.report.count("unchanged", model)
        return obj


def _refuse_locked_target_change(indicator: Indicator, changed: list[str]) -> None:
    """A plan file changes a locked target no more than the admin does: only 指标调整 does."""
    locked = [name for name in changed if name in target_lock.TARGET_FIELDS]
    if locked and target_lock.targets_locked(indicator):
        message = target_lock.locked_change_message(indicator, locked)
        raise PlanFileError(_("方案文件未载入：%(reason)s") % {"reason": message})


def _decimal(value, where: str) -> Decimal | None:
    try:
        return read_decimal(value)
    except NotANumber as exc:
        raise PlanFileError(
            _("%(where)s：“%(value)s”不是有效数字。") % {"where": where, "value": value}
        ) from exc


def read_plan_file(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError as exc:
        raise PlanFileError(_("找不到方案文件：%(path)s") % {"path": path}) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PlanFileError(_("方案文件格式错误：%(error)s") % {"error": exc}) from exc


@transaction.atomic
def load_plan(*, data: dict, overwrite: bool = False) -> LoadReport:
    """Load a plan year from its structured description; all or nothing."""
    report = LoadReport()
    loader = _Loader(overwrite=overwrite, report=report)
    try:
        _load(data, loader)
    except KeyError as exc:
        raise PlanFileError(_("方案文件缺少字段：%(field)s") % {"field": exc.args[0]}) from exc
    return report


def _load(data: dict, loader: _Loader) -> None:
    plan_year = loader.upsert(
        PlanYear,
        {"year": data["year"]},
        {
            "title": data["title"],
            "adjustment_deadline": _parse_date(data["adjustment_deadline"]),
            "note": data.get("note", ""),
        },
    )
    units = {}
    for item in data["units"]:
        unit = loader.upsert(
            Unit,
            {"name": item["name"]},
            {"kind": item["kind"], "note": item.get("note", ""), **_given_codes(item)},
        )
        units[unit.name] = unit
        for alias in item.get("aliases", []):
            loader.upsert(UnitAlias, {"alias": alias}, {"unit": unit})
            units[alias] = unit
    groups = {}
    for item in data["groups"]:
        includes = set(item["includes"])
        groups[item["name"]] = loader.upsert(
            UnitGroup,
            {"name": item["name"]},
            {
                "responsible_title": item["responsible_title"],
                **{flag: kind in includes for kind, flag in UnitGroup.FLAG_BY_KIND.items()},
            },
        )

    def unit_named(name: str) -> Unit:
        if name not in units:
            raise PlanFileError(_("方案文件引用了未定义的单位：%(name)s") % {"name": name})
        return units[name]

    people = {}
    for item in data["people"]:
        unit = unit_named(item["unit"]) if item.get("unit") else None
        people[item["name"]] = loader.upsert(
            Person,
            {"name": item["name"], "unit": unit},
            {"title": item.get("title", ""), "printed_name": item.get("printed_name", "")},
        )

    def person_named(name: str | None) -> Person | None:
        if name is None:
            return None
        if name not in people:
            raise PlanFileError(_("方案文件引用了未定义的人员：%(name)s") % {"name": name})
        return people[name]

    for item in data["responsible_people"]:
        loader.upsert(
            ResponsiblePerson,
            {"plan_year": plan_year, "unit": unit_named(item["unit"])},
            {"person": person_named(item["person"])},
        )

    force = data.get("task_force")
    if force:
        task_force = loader.upsert(
            TaskForce,
            {"plan_year": plan_year},
            {
                "name": force["name"],
                "convener": person_named(force.get("convener")),
                "deputy_convener": person_named(force.get("deputy_convener")),
                "office_unit": unit_named(force["office_unit"]),
                "office_director": person_named(force.get("office_director")),
                "liaison": person_named(force.get("liaison")),
                "statistics_unit": unit_named(force["statistics_unit"]),
                "note": force.get("note", ""),
            },
        )
        if not task_force.member_units.exists():
            task_force.member_units.set([unit_named(name) for name in force["member_units"]])

    for position, tier_data in enumerate(data["tiers"], start=1):
        tier = loader.upsert(
            Tier,
            {"plan_year": plan_year, "kind": tier_data["kind"]},
            {
                "position": position,
                "short_name": tier_data["short_name"],
                "intro": tier_data.get("intro", ""),
            },
        )
        for project_data in tier_data["projects"]:
            _load_project(tier, project_data, loader, unit_named, person_named, groups)


def _load_project(tier, project_data, loader, unit_named, person_named, groups) -> None:
    project = loader.upsert(
        Project,
        {"tier": tier, "number": project_data["number"]},
        {
            "title": project_data["title"],
            "description": project_data.get("description", ""),
            "matrix_title": project_data.get("matrix_title", ""),
            "note": project_data.get("note", ""),
            **_given_codes(project_data),
        },
    )
    for row_position, row_data in enumerate(project_data["rows"], start=1):
        task_row = loader.upsert(
            TaskRow,
            {"project": project, "position": row_position},
            {
                "title": row_data.get("title", ""),
                "lead_unit": unit_named(row_data["lead"]),
                "leader": person_named(row_data.get("leader")),
                "people_listed": bool(row_data.get("people_listed", False)),
                "note": row_data.get("note", ""),
                **_given_codes(row_data),
            },
        )
        parties = [(TaskRowParty.Role.CO_LEAD, name) for name in row_data.get("co_leads", [])]
        parties += [(TaskRowParty.Role.RESPONSIBLE, name) for name in row_data["responsible"]]
        for party_position, (role, name) in enumerate(parties, start=1):
            target = {"group": groups[name]} if name in groups else {"unit": unit_named(name)}
            loader.upsert(
                TaskRowParty,
                {"task_row": task_row, **target},
                {"role": role, "position": party_position},
            )
        keyed = {}
        for position, item in enumerate(row_data["indicators"], start=1):
            where = f"{tier.short_name}{project.number}.{item['name']}"
            indicator = loader.upsert(
                Indicator,
                {"task_row": task_row, "position": position},
                {
                    "name": item["name"],
                    "plan_text": item.get("plan_text", ""),
                    "kind": item["kind"],
                    "parent": keyed[item["parent"]] if item.get("parent") else None,
                    "measure": item.get("measure", ""),
                    "decimal_places": item.get("decimal_places", 0),
                    "operator": item.get("operator", Indicator.Operator.AT_LEAST),
                    "target_value": _decimal(item.get("target"), where),
                    "baseline_value": _decimal(item.get("baseline"), where),
                    "target_stage": item.get("target_stage"),
                    "target_text": item.get("target_text", ""),
                    "note": item.get("note", ""),
                    **_given_codes(item),
                },
            )
            if item.get("key"):
                keyed[item["key"]] = indicator


def _given_codes(item: dict) -> dict:
    """The codes a plan file states (a unit's code, 统一社会信用代码, 行政区划代码; a project's, row's or
    indicator's code). Left out, a new record gets its code from the structure (projects.codes) and a
    stored one keeps its own, through reloads and renames alike."""
    return {name: item[name] for name in ("code", "credit_code", "division_code") if item.get(name)}


def _parse_date(value: str):
    from datetime import date

    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise PlanFileError(_("日期格式错误：%(value)s（应为YYYY-MM-DD）") % {"value": value}) from exc


@transaction.atomic
def copy_plan_year(*, source: PlanYear, year: int) -> PlanYear:
    """Start a new plan year from the structure of an existing one.

    Tiers, projects, task rows, parties, indicators and 责任人 are copied, each with its code carried
    to the new year ("2023-S01-R1" becomes "2024-S01-R1", projects.codes);
    numeric targets start pending (待下达), since each year's targets are
    assigned anew.
    """
    if PlanYear.objects.filter(year=year).exists():
        raise PlanFileError(_("%(year)s年度已存在，不能重复创建。") % {"year": year})
    target_year = PlanYear(
        year=year,
        title=source.title,
        code=codes.carried_code(source.code, from_year=source.year, to_year=year),
        adjustment_deadline=source.adjustment_deadline.replace(year=year),
        note=_("由%(year)s年度复制，目标值待下达。") % {"year": source.year},
    )
    target_year.full_clean()
    target_year.save()
    for responsible in source.responsible_people.all():
        ResponsiblePerson.objects.create(
            plan_year=target_year, unit_id=responsible.unit_id, person_id=responsible.person_id
        )

    def carried(code: str) -> str:
        return codes.carried_code(code, from_year=source.year, to_year=year)

    tiers = source.tiers.prefetch_related("projects__task_rows__parties", "projects__task_rows__indicators")
    for tier in tiers:
        new_tier = Tier.objects.create(
            plan_year=target_year,
            code=carried(tier.code),
            kind=tier.kind,
            position=tier.position,
            short_name=tier.short_name,
            intro="",
        )
        for project in tier.projects.all():
            new_project = Project.objects.create(
                code=carried(project.code),
                tier=new_tier,
                number=project.number,
                title=project.title,
                description=project.description,
                matrix_title=project.matrix_title,
            )
            for row in project.task_rows.all():
                _copy_task_row(row, new_project, carried)
    return target_year


def _copy_task_row(row: TaskRow, new_project: Project, carried) -> None:
    new_row = TaskRow.objects.create(
        code=carried(row.code),
        project=new_project,
        position=row.position,
        title=row.title,
        lead_unit_id=row.lead_unit_id,
        leader_id=row.leader_id,
    )
    for party in row.parties.all():
        TaskRowParty.objects.create(
            task_row=new_row,
            role=party.role,
            position=party.position,
            unit_id=party.unit_id,
            group_id=party.group_id,
        )
    copies = {}
    # Parents first, so that "of which" indicators can point at their copy.
    for indicator in sorted(row.indicators.all(), key=lambda item: item.parent_id is not None):
        copies[indicator.pk] = Indicator.objects.create(
            code=carried(indicator.code),
            task_row=new_row,
            position=indicator.position,
            name=indicator.name,
            plan_text="",
            kind=indicator.kind,
            parent=copies.get(indicator.parent_id),
            measure=indicator.measure,
            decimal_places=indicator.decimal_places,
            operator=indicator.operator,
            target_value=None,
            baseline_value=indicator.baseline_value,
            target_stage=indicator.target_stage,
            target_text="",
        )
