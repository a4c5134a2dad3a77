"""The benchmark's monthly figures, their review steps and the beneficiaries (see bench/data.py).

`FigureMaker` is the half of the generator that fills a plan year once its rows, units and
accounts exist; `bench.data._Maker` builds those and inherits this.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from bench.sizes import BATCH, GIVEN, PHRASES, SURNAMES, YEAR


class FigureMaker:
    rng: random.Random
    counts: dict

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
