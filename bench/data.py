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
from datetime import date
from decimal import Decimal

from bench.figures import FigureMaker
from bench.sizes import (
    BATCH,
    BENCH_USERS,
    IMPORT_INDICATORS_PER_ROW,
    IMPORT_SIZES,
    IMPORT_YEAR,
    PASSWORD,
    SIZES,
    YEAR,
    Size,
)
from projects import codes

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


class _Maker(FigureMaker):
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
        first = codes.next_unit_number(Unit.objects.values_list("code", flat=True))
        Unit.objects.bulk_create(
            Unit(
                name=f"基准乡镇{index:02d}镇人民政府",
                kind=Unit.Kind.TOWNSHIP,
                code=codes.unit_code(first + index - 1),
            )
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
            Unit(name=f"基准单位{index:03d}", kind=kind, code=codes.unit_code(index))
            for index, kind in enumerate(kinds, start=1)
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
                Project(
                    tier=tiers[index % 4],
                    number=index // 4 + 1,
                    title=f"民生项目{index + 1}",
                    code=codes.project_code(tiers[index % 4].code, index // 4 + 1),
                )
                for index in range(spec.rows_per_year // 4)
            )
            rows = TaskRow.objects.bulk_create(
                TaskRow(
                    project=projects[index // 4],
                    position=index % 4 + 1,
                    title=f"任务{index + 1}",
                    code=codes.task_row_code(projects[index // 4].code, index % 4 + 1),
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
                    indicators.append(
                        Indicator(
                            task_row=row,
                            position=position,
                            code=codes.indicator_code(row.code, position),
                            **self._indicator_fields(),
                        )
                    )
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
                Project(
                    tier=tier,
                    number=number + index + 1,
                    title=f"导入项目{number + index + 1}",
                    code=codes.project_code(tier.code, number + index + 1),
                )
                for index in range(-(-task_rows // 10))
            )
            number += len(projects)
            made = TaskRow.objects.bulk_create(
                TaskRow(
                    project=projects[index // 10],
                    position=index % 10 + 1,
                    title=f"任务{index}",
                    code=codes.task_row_code(projects[index // 10].code, index % 10 + 1),
                    lead_unit=unit,
                )
                for index in range(task_rows)
            )
            Indicator.objects.bulk_create(
                (
                    Indicator(
                        task_row=row,
                        position=position,
                        code=codes.indicator_code(row.code, position),
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


def fill_forwarded_months(*, plan_year, months, office, seed: int) -> dict:
    """Forwarded figures of `months` for every row of a plan year (the load test's earlier months)."""
    from django.db import transaction

    maker = _Maker(SIZES["county"], random.Random(seed))  # noqa: S311 - reproducible test data
    maker.office = office
    with transaction.atomic():
        maker._fill_year(plan_year, months=months)
    return maker.counts
