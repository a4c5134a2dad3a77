"""Synthetic data for the benchmarks: two sizes, the same for a given seed, cached between runs.

- county: the bundled 2023 plan (load_plan) with the county's townships added (about 50 units),
  and a full year of figures: January to October forwarded, November at every workflow step,
  December still to fill. Every unit taking part in a row reports its own figures.
- stress: 10 plan years (2014–2023) of 500 indicators each in 100 task rows, 300 units, each row
  reported by 11 units every month (the lead unit and 10 others): about 600,000 monthly figures
  (each with its history row), and 200,000 beneficiaries.

Both sizes also hold a plan year 2013 whose two import units fill templates of 1,000 and 10,000
rows, and the benchmark's accounts (BENCH_USERS). Everything is written with bulk_create in
batches, one plan year at a time, so memory stays bounded and the stress size takes minutes.

The cache: a SQLite file .bench-cache/<size>-s<seed>-v<VERSION>.sqlite3, or on PostgreSQL a
database minsheng_bench_<size>_s<seed>_v<VERSION> on the server of DATABASE_URL. Both are
written under a temporary name and renamed once complete, so a half-made cache is never reused.
Raise VERSION when the generator changes.
"""

from __future__ import annotations

import io
import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

VERSION = 2
YEAR = 2023  # the plan year measured
MONTH = 11  # the reviewed month measured (review list, dashboard, exports)
FORM_MONTH = 12  # the month the liaison fills in the benchmark (no submission yet)
IMPORT_YEAR = 2013  # the plan year of the import units
IMPORT_MONTH = 6
IMPORT_SIZES = (1000, 10_000)  # rows of the template: task lines and indicator lines
IMPORT_INDICATORS_PER_ROW = 9
BATCH = 5000
PASSWORD = "Bench#Only-2023"  # noqa: S105 - accounts of a throwaway benchmark database


@dataclass(frozen=True)
class Size:
    name: str
    label: str
    townships: int  # county: townships added to the bundled plan
    years: int = 0  # stress: synthetic plan years ending with YEAR
    rows_per_year: int = 0
    indicators_per_row: int = 0
    units: int = 0
    units_per_row: int = 0
    beneficiaries: int = 0


SIZES = {
    "county": Size("county", "县域规模", townships=16, beneficiaries=5_000),
    "stress": Size(
        "stress",
        "压力规模",
        townships=30,
        years=10,
        rows_per_year=100,
        indicators_per_row=5,
        units=300,
        units_per_row=11,
        beneficiaries=200_000,
    ),
}

BENCH_USERS = {
    "office": "bench_office",
    "leader": "bench_leader",
    "liaison": "bench_liaison",
    **{f"import_{rows}": f"bench_import_{rows}" for rows in IMPORT_SIZES},
}

PHRASES = [
    "按计划有序推进",
    "资金已拨付到位",
    "正在组织验收",
    "项目已开工建设",
    "受天气影响进度略有滞后",
    "已召开专题调度会",
    "乡镇配合推进",
    "下一步将加快进度",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华"


def cache_name(size: str, seed: int) -> str:
    return f"{size}-s{seed}-v{VERSION}"


def pg_database_name(size: str, seed: int) -> str:
    return f"minsheng_bench_{size}_s{seed}_v{VERSION}"


# --- generation (inside a Django process bound to the new database) --------------------------------


def generate(*, size: str, seed: int) -> dict:
    """Fill an empty, migrated database; returns counts of what was made."""
    from django.core.management import call_command
    from django.db import connection

    spec = SIZES[size]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # A throwaway file until it is renamed into the cache: no need to wait for the disk.
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA journal_mode = MEMORY")
    call_command("migrate", verbosity=0)
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    started = time.perf_counter()
    maker = _Maker(spec, rng)
    counts = maker.run()
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


class _Maker:
    def __init__(self, spec: Size, rng: random.Random):
        self.spec, self.rng = spec, rng
        self.counts = dict.fromkeys(
            ["plan_years", "units", "indicators", "submissions", "contributions", "figures", "beneficiaries"],
            0,
        )

    def run(self) -> dict:
        from django.db import transaction

        with transaction.atomic():
            self.office = self._staff_users()
            if self.spec.name == "county":
                years = self._county_plan()
            else:
                years = self._stress_plan()
            self._import_year()
        for plan_year in years:
            with transaction.atomic():
                self._fill_year(plan_year)
        with transaction.atomic():
            self._beneficiaries(years)
            self._liaisons()
        from projects.models import Indicator, PlanYear, Unit

        self.counts.update(
            plan_years=PlanYear.objects.count(),
            units=Unit.objects.count(),
            indicators=Indicator.objects.count(),
        )
        return self.counts

    # --- accounts ---

    def _user(self, key: str, *, role: str, unit=None, person=None, is_staff=False):
        from django.contrib.auth import get_user_model

        from accounts.models import Membership

        user = get_user_model().objects.create_user(
            BENCH_USERS[key], password=PASSWORD, first_name=f"基准{key}", is_staff=is_staff
        )
        Membership.objects.create(user=user, role=role, unit=unit, person=person)
        return user

    def _staff_users(self):
        from accounts.models import Role

        return self._user("office", role=Role.OFFICE, is_staff=True)

    def _liaisons(self) -> None:
        """The leader of the most indicators, and the liaison of the unit with the largest form."""
        from django.db.models import Count

        from accounts.models import Role
        from projects.models import Person, TaskRow, Unit
        from projects.participation import rows_of_unit

        person = (
            Person.objects.filter(led_task_rows__project__tier__plan_year__year=YEAR)
            .annotate(rows=Count("led_task_rows"))
            .order_by("-rows", "pk")
            .first()
        )
        self._user("leader", role=Role.LEADER, person=person)
        candidates = Unit.objects.filter(
            pk__in=TaskRow.objects.filter(project__tier__plan_year__year=YEAR).values("lead_unit")
        )
        unit = max(
            candidates.order_by("pk"),
            key=lambda unit: rows_of_unit(unit).filter(project__tier__plan_year__year=YEAR).count(),
        )
        self._user("liaison", role=Role.LIAISON, unit=unit)

    # --- plans ---

    def _county_plan(self):
        from django.core.management import call_command

        from projects.models import PlanYear, Unit

        call_command("load_plan", stdout=io.StringIO())
        Unit.objects.bulk_create(
            Unit(name=f"基准乡镇{index:02d}镇人民政府", kind=Unit.Kind.TOWNSHIP)
            for index in range(1, self.spec.townships + 1)
        )
        return [PlanYear.objects.get(year=YEAR)]

    def _stress_plan(self):
        from projects.models import Indicator, Person, PlanYear, Project, TaskRow, TaskRowParty, Tier, Unit

        spec, rng = self.spec, self.rng
        kinds = (
            [Unit.Kind.TOWNSHIP] * spec.townships
            + [Unit.Kind.SUBDISTRICT] * 10
            + [Unit.Kind.ENTERPRISE] * 4
            + [Unit.Kind.COUNTY_DEPARTMENT] * (spec.units - spec.townships - 14)
        )
        units = Unit.objects.bulk_create(
            Unit(name=f"基准单位{index:03d}", kind=kind) for index, kind in enumerate(kinds, start=1)
        )
        leaders = Person.objects.bulk_create(Person(name=f"基准领导{index:02d}") for index in range(1, 41))
        years = []
        for year in range(YEAR - spec.years + 1, YEAR + 1):
            plan_year = PlanYear.objects.create(
                year=year, title=f"{year}年基准方案", adjustment_deadline=date(year, 9, 15)
            )
            tiers = [
                Tier.objects.create(
                    plan_year=plan_year, kind=kind, position=position, short_name=str(label)[:8]
                )
                for position, (kind, label) in enumerate(Tier.Kind.choices, start=1)
            ]
            projects = Project.objects.bulk_create(
                Project(tier=tiers[index % 4], number=index // 4 + 1, title=f"民生项目{index + 1}")
                for index in range(spec.rows_per_year // 4)
            )
            rows = TaskRow.objects.bulk_create(
                TaskRow(
                    project=projects[index // 4],
                    position=index % 4 + 1,
                    title=f"任务{index + 1}",
                    lead_unit=rng.choice(units),
                    leader=rng.choice(leaders) if rng.random() < 0.9 else None,
                )
                for index in range(spec.rows_per_year)
            )
            parties = []
            for row in rows:
                others = [
                    unit for unit in rng.sample(units, spec.units_per_row) if unit.pk != row.lead_unit_id
                ]
                for position, unit in enumerate(others[: spec.units_per_row - 1], start=1):
                    parties.append(
                        TaskRowParty(task_row=row, role="responsible", position=position, unit=unit)
                    )
            TaskRowParty.objects.bulk_create(parties, batch_size=BATCH)
            indicators = []
            for row in rows:
                for position in range(1, spec.indicators_per_row + 1):
                    indicators.append(Indicator(task_row=row, position=position, **self._indicator_fields()))
            Indicator.objects.bulk_create(indicators, batch_size=BATCH)
            years.append(plan_year)
        return years

    def _indicator_fields(self) -> dict:
        rng = self.rng
        kind = rng.choices(["quantity", "milestone", "standard", "ratio", "pending"], [92, 3, 2, 2, 1])[0]
        name = f"指标{rng.randint(1, 10**6)}"
        if kind == "quantity":
            return {
                "name": name,
                "kind": kind,
                "measure": "人",
                "target_value": Decimal(rng.randint(50, 20_000)),
            }
        if kind == "pending":
            return {"name": name, "kind": "quantity", "measure": "个"}
        if kind == "milestone":
            return {"name": name, "kind": kind, "target_stage": 3, "target_text": "年底前完成"}
        if kind == "standard":
            baseline = rng.randint(100, 500)
            return {
                "name": name,
                "kind": kind,
                "measure": "元/月",
                "baseline_value": Decimal(baseline),
                "target_value": Decimal(baseline + rng.randint(10, 300)),
            }
        return {"name": name, "kind": kind, "measure": "%", "decimal_places": 1, "target_value": Decimal(90)}

    def _import_year(self) -> None:
        """Two units whose templates for IMPORT_MONTH run to exactly 1,000 and 10,000 rows."""
        from accounts.models import Role
        from projects.models import Indicator, PlanYear, Project, TaskRow, Tier, Unit
        from reporting.calendar.deadlines import ensure_reporting_months

        plan_year = PlanYear.objects.create(
            year=IMPORT_YEAR, title="导入基准方案", adjustment_deadline=date(IMPORT_YEAR, 9, 15)
        )
        ensure_reporting_months(plan_year=plan_year)
        tier = Tier.objects.create(plan_year=plan_year, kind="county", position=1, short_name="县级")
        number = 0
        for rows in IMPORT_SIZES:
            unit = Unit.objects.create(name=f"导入基准单位{rows}", kind=Unit.Kind.COUNTY_DEPARTMENT)
            self._user(f"import_{rows}", role=Role.LIAISON, unit=unit)
            task_rows = rows // (IMPORT_INDICATORS_PER_ROW + 1)
            projects = Project.objects.bulk_create(
                Project(tier=tier, number=number + index + 1, title=f"导入项目{number + index + 1}")
                for index in range(-(-task_rows // 10))
            )
            number += len(projects)
            made = TaskRow.objects.bulk_create(
                TaskRow(
                    project=projects[index // 10],
                    position=index % 10 + 1,
                    title=f"任务{index}",
                    lead_unit=unit,
                )
                for index in range(task_rows)
            )
            Indicator.objects.bulk_create(
                (
                    Indicator(
                        task_row=row,
                        position=position,
                        name=f"导入指标{row.pk}-{position}",
                        kind="quantity",
                        measure="人",
                        target_value=Decimal(1000),
                    )
                    for row in made
                    for position in range(1, IMPORT_INDICATORS_PER_ROW + 1)
                ),
                batch_size=BATCH,
            )

    # --- a year of figures ---

    def _participants(self, plan_year) -> dict:
        """Task row → (row, the units reporting on it: the lead unit first)."""
        from projects.models import TaskRow, Unit

        by_kind: dict[str, list] = {}
        for unit in Unit.objects.filter(is_active=True).order_by("pk"):
            by_kind.setdefault(unit.kind, []).append(unit.pk)
        rows = (
            TaskRow.objects.filter(project__tier__plan_year=plan_year)
            .select_related("lead_unit")
            .prefetch_related("parties__group", "indicators")
            .order_by("pk")
        )
        result = {}
        for row in rows:
            units = [row.lead_unit_id]
            for party in row.parties.all():
                members = (
                    [party.unit_id]
                    if party.unit_id
                    else [u for k in party.group.member_kinds for u in by_kind.get(k, [])]
                )
                units += [unit for unit in members if unit not in units]
            result[row.pk] = (row, units)
        return result

    def _fill_year(self, plan_year, months=None) -> None:
        """Figures of `months`: by default all twelve of a past year, January to November of YEAR."""
        from django.utils import timezone

        from reporting.calendar.deadlines import ensure_reporting_months
        from reporting.models import Contribution, Figure, ReviewEvent, Submission

        rng = self.rng
        reporting_months = ensure_reporting_months(plan_year=plan_year)
        rows = self._participants(plan_year)
        pace = {
            indicator.pk: rng.uniform(0.55, 1.2)
            for row, _units in rows.values()
            for indicator in row.indicators.all()
        }
        if months is None:
            months = range(1, 12) if plan_year.year >= YEAR else range(1, 13)
        for month in months:
            final = month <= 10 or plan_year.year < YEAR
            deadline = timezone.make_aware(datetime(plan_year.year, month, 21, 10, 0))
            submissions, events = [], []
            for row, _units in rows.values():
                late = rng.random() < 0.12
                status = (
                    "forwarded"
                    if final
                    else rng.choices(
                        ["submitted", "approved", "verified", "returned", "draft"], [30, 30, 20, 10, 10]
                    )[0]
                )
                at = deadline + timedelta(days=rng.randint(1, 4) if late else -rng.randint(0, 3))
                submitted = status != "draft"
                submissions.append(
                    Submission(
                        reporting_month=reporting_months[month - 1],
                        task_row=row,
                        status=status,
                        submitted_at=at if submitted else None,
                        first_submitted_at=at if submitted else None,
                        on_time=(not late) if submitted else None,
                        return_reason="请补充进展情况" if status == "returned" else "",
                        version=1,
                    )
                )
            submissions = Submission.objects.bulk_create(submissions, batch_size=BATCH)
            contributions = []
            for submission in submissions:
                row, units = rows[submission.task_row_id]
                for unit_id in units:
                    contributions.append(
                        Contribution(
                            submission=submission,
                            unit_id=unit_id,
                            funds_invested=Decimal(rng.randint(0, 50_000)) / 100,
                            progress="，".join(rng.sample(PHRASES, 2)) + "。",
                            problems="资金缺口较大。" if rng.random() < 0.2 else "",
                            version=1,
                            updated_by=self.office,
                        )
                    )
                events += self._events(submission)
            contributions = Contribution.objects.bulk_create(contributions, batch_size=BATCH)
            ReviewEvent.objects.bulk_create(events, batch_size=BATCH)
            figures = []
            for contribution in contributions:
                row, units = rows[contribution.submission.task_row_id]
                share = 0.5 if contribution.unit_id == units[0] else 0.5 / max(len(units) - 1, 1)
                is_lead = contribution.unit_id == units[0]
                parents: dict[int, Decimal] = {}
                for indicator in row.indicators.all():
                    if not is_lead and not indicator.is_additive:
                        continue
                    value, stage = self._figure(indicator, month, pace[indicator.pk], share, parents)
                    figures.append(
                        Figure(contribution=contribution, indicator=indicator, value=value, stage=stage)
                    )
            figures = Figure.objects.bulk_create(figures, batch_size=BATCH)
            Figure.history.bulk_history_create(figures, batch_size=BATCH, default_date=deadline)
            self.counts["submissions"] += len(submissions)
            self.counts["contributions"] += len(contributions)
            self.counts["figures"] += len(figures)

    def _events(self, submission) -> list:
        from reporting.models import ReviewEvent

        steps = {
            "draft": [],
            "submitted": ["submit"],
            "returned": ["submit", "return"],
            "approved": ["submit", "approve"],
            "verified": ["submit", "approve", "verify"],
            "forwarded": ["submit", "approve", "verify", "forward"],
        }[submission.status]
        if steps and self.rng.random() < 0.05:
            steps = ["submit", "return", *steps]
        return [
            ReviewEvent(
                submission=submission,
                action=action,
                actor=self.office,
                at=submission.submitted_at + timedelta(hours=offset),
                reason="请补充进展情况" if action == "return" else "",
            )
            for offset, action in enumerate(steps)
        ]

    @staticmethod
    def _figure(indicator, month: int, pace: float, share: float, parents: dict) -> tuple:
        """A cumulative figure that grows month by month; the unit's share of it where additive."""
        places = Decimal(1).scaleb(-indicator.decimal_places)
        progress = Decimal(str(min(1.3, month / 12 * pace)))
        if indicator.kind == "milestone":
            return None, min(int(indicator.target_stage or 3), int(month * pace) // 3)
        target = indicator.target_value
        if indicator.kind == "standard":
            baseline = indicator.baseline_value or Decimal(0)
            goal = target if target is not None else baseline + 10
            return (baseline + (goal - baseline) * min(Decimal(1), progress)).quantize(places), None
        if indicator.kind == "ratio":
            base = target or indicator.baseline_value or Decimal(50)
            return min(Decimal(100), base * (Decimal("0.85") + progress / 10)).quantize(places), None
        total = (target or Decimal(100)) * progress * Decimal(str(share))
        if indicator.kind == "subset" and indicator.parent_id in parents:
            total = min(total, parents[indicator.parent_id])
        value = total.quantize(places)
        parents[indicator.pk] = value
        return value, None

    # --- beneficiaries ---

    def _beneficiaries(self, years) -> None:
        from beneficiaries.id_numbers import check_character
        from beneficiaries.models import Beneficiary
        from projects.models import Indicator, Unit

        rng, count = self.rng, self.spec.beneficiaries
        townships = list(
            Unit.objects.filter(kind__in=[Unit.Kind.TOWNSHIP, Unit.Kind.SUBDISTRICT]).values_list(
                "pk", flat=True
            )
        )
        indicators = list(
            Indicator.objects.filter(task_row__project__tier__plan_year__in=years, kind="quantity")
            .order_by("pk")
            .values_list("pk", "task_row__lead_unit_id", "task_row__project__tier__plan_year__year")
        )
        batch = []
        for index in range(count):
            indicator_id, unit_id, year = rng.choice(indicators)
            born = date(1940, 1, 1) + timedelta(days=rng.randint(0, 25_000))
            first = f"430524{born:%Y%m%d}{index % 1000:03d}"
            beneficiary = Beneficiary(
                indicator_id=indicator_id,
                name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2))),
                gender="male" if int(first[16]) % 2 else "female",
                phone=f"13{rng.randint(100_000_000, 999_999_999)}",
                township_id=rng.choice(townships),
                village=f"第{rng.randint(1, 30)}村",
                benefit_type="补贴",
                amount=Decimal(rng.randint(100, 5000)),
                benefit_date=date(year, rng.randint(1, 11), rng.randint(1, 28)),
                entered_by_unit_id=unit_id,
                created_by=self.office,
            )
            beneficiary.set_id_number(first + check_character(first))
            batch.append(beneficiary)
            if len(batch) == BATCH:
                Beneficiary.objects.bulk_create(batch)
                batch = []
        Beneficiary.objects.bulk_create(batch)
        self.counts["beneficiaries"] = count


def fill_forwarded_months(*, plan_year, months, office, seed: int) -> dict:
    """Forwarded figures of `months` for every row of a plan year (the load test's earlier months)."""
    from django.db import transaction

    maker = _Maker(SIZES["county"], random.Random(seed))  # noqa: S311 - reproducible test data
    maker.office = office
    with transaction.atomic():
        maker._fill_year(plan_year, months=months)
    return maker.counts
