"""Unit performance scores (绩效考核): a small case worked out by hand, the weights, the Excel export."""

import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from audit.models import AuditEvent
from evaluation import services
from evaluation.models import ScoreWeights
from evaluation.selectors import unit_scores
from evaluation.services import EvaluationError, FigureText
from projects.models import Indicator, TaskRow, Unit
from reporting.calendar.deadlines import ensure_reporting_months
from reporting.models import ReviewEvent, Submission
from tests.roles import client_for, downloaded, make_member

pytestmark = pytest.mark.django_db

DISABLED = "县残联"  # leads two rows of provincial item 8: 118 children (人), 130 homes (户)


@pytest.fixture(name="canlian_liaison")
def canlian_liaison_fixture(plan_2023, django_user_model):
    return make_member(django_user_model, "canlian", Role.LIAISON, unit=DISABLED)


@pytest.fixture(name="rows")
def rows_fixture(plan_2023):
    rows = list(
        TaskRow.objects.filter(project__tier__plan_year=plan_2023, lead_unit__name=DISABLED).order_by(
            "position"
        )
    )
    assert [row.indicators.get().target_value for row in rows] == [118, 130]
    return rows


def _evaluate(liaison, statistics, row, value: str):
    services.upload_evidence(user=liaison, task_row=row, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
    indicator = row.indicators.get()
    services.save_self_evaluation(
        user=liaison,
        task_row=row,
        completed=True,
        account="已完成。",
        figures=[FigureText(indicator, raw_value=value)],
        submit=True,
    )
    services.certify(
        user=statistics, indicator=indicator, figure=FigureText(indicator, raw_value=value), qualified=True
    )


def _submissions(plan_year, rows, office, *, on_time: int, late: int, returns: int) -> None:
    """on_time + late submissions over the rows' 24 row-months (the rest missing), then `returns` returns."""
    months = ensure_reporting_months(plan_year=plan_year)
    slots = [(row, month) for month in months for row in rows]
    made = []
    for index, (row, month) in enumerate(slots[: on_time + late]):
        at = timezone.make_aware(datetime(2023, month.month, 21, 10))
        made.append(
            Submission.objects.create(
                reporting_month=month,
                task_row=row,
                status=Submission.Status.FORWARDED,
                submitted_at=at,
                first_submitted_at=at,
                on_time=index < on_time,
            )
        )
    for submission in made[:returns]:
        ReviewEvent.objects.create(
            submission=submission,
            action=ReviewEvent.Action.RETURN,
            actor=office,
            at=timezone.now(),
            reason="请核实。",
        )


@pytest.fixture(name="worked_case")
def worked_case_fixture(plan_2023, rows, canlian_liaison, statistics_user, office_user):
    """县残联, 2023, weights 40/30/10/20, every month due:

    - completion: 118 children certified at 120 (done), 130 homes certified at 100 (short): 1 of 2 = 50%
    - timeliness: 2 rows × 12 months = 24 due; 18 on time, 2 late, 4 missing: 18/24 = 75%
    - quality: 2 returns over 20 submissions: (1 − 2/20) = 90%
    - certification: both applied and certified qualified: 2 of 2 = 100%
    - score = (50×40 + 75×30 + 90×10 + 100×20) / 100 = 71.50
    """
    services.set_weights(
        user=office_user,
        plan_year=plan_2023,
        weights={
            "completion_weight": 40,
            "timeliness_weight": 30,
            "quality_weight": 10,
            "certification_weight": 20,
        },
    )
    _evaluate(canlian_liaison, statistics_user, rows[0], "120")
    _evaluate(canlian_liaison, statistics_user, rows[1], "100")
    _submissions(plan_2023, rows, office_user, on_time=18, late=2, returns=2)
    return Unit.objects.get(name=DISABLED)


def test_it_computes_the_score_worked_out_by_hand(plan_2023, worked_case):
    (score,) = unit_scores(plan_year=plan_2023, today=timezone.localdate(), unit=worked_case)

    assert (score.indicators, score.completed, score.certified) == (2, 1, 2)
    assert (score.due, score.on_time, score.late, score.missing) == (24, 18, 2, 4)
    assert (score.submitted, score.returns) == (20, 2)
    assert (score.completion_rate, score.timeliness_rate, score.quality_rate, score.certification_rate) == (
        50,
        75,
        90,
        100,
    )
    assert score.score == Decimal("71.50")


def test_it_gives_the_same_score_in_the_full_table(plan_2023, worked_case):
    table = unit_scores(plan_year=plan_2023, today=timezone.localdate())

    assert next(score for score in table if score.unit == worked_case).score == Decimal("71.50")
    assert {score.unit.name for score in table} == set(
        TaskRow.objects.filter(project__tier__plan_year=plan_2023).values_list("lead_unit__name", flat=True)
    )


def test_it_scores_zero_for_a_unit_that_did_nothing(plan_2023):
    (score,) = unit_scores(
        plan_year=plan_2023, today=timezone.localdate(), unit=Unit.objects.get(name="县妇联")
    )

    assert (score.due, score.missing, score.score) == (12, 12, Decimal("0.00"))


def test_it_uses_the_default_weights_until_the_office_sets_them(plan_2023, rows):
    (score,) = unit_scores(plan_year=plan_2023, today=timezone.localdate(), unit=rows[0].lead_unit)

    assert not ScoreWeights.objects.exists()
    assert (score.weights.completion_weight, score.weights.timeliness_weight) == (50, 20)
    assert (score.weights.quality_weight, score.weights.certification_weight) == (10, 20)


def test_it_refuses_weights_that_do_not_add_up_to_100(plan_2023, office_user):
    with pytest.raises(EvaluationError, match="四项权重之和必须为100"):
        services.set_weights(
            user=office_user,
            plan_year=plan_2023,
            weights={
                "completion_weight": 50,
                "timeliness_weight": 30,
                "quality_weight": 10,
                "certification_weight": 20,
            },
        )

    assert not ScoreWeights.objects.exists()


def test_it_refuses_weights_that_do_not_add_up_to_100_on_the_page(plan_2023, office_user):
    response = client_for(office_user).post(
        reverse("evaluation:set_weights", args=[2023]),
        {
            "completion_weight": "50",
            "timeliness_weight": "30",
            "quality_weight": "10",
            "certification_weight": "20",
        },
    )

    assert response.status_code == 400
    assert "四项权重之和必须为100，当前为110" in response.content.decode()


def test_it_writes_the_formula_out_in_chinese_on_the_page(plan_2023, worked_case, leader_user):
    page = client_for(leader_user).get(reverse("evaluation:scores", args=[2023])).content.decode()

    assert "得分 = 任务完成率 × 40% + 按时报送率 × 30% + 报送质量率 × 10% + 认定通过率 × 20%" in page
    assert "71.50" in page
    assert reverse("evaluation:unit_score", args=[2023, worked_case.pk]) in page


def test_it_links_the_score_down_to_its_facts(plan_2023, worked_case, leader_user):
    returned = ReviewEvent.objects.filter(action=ReviewEvent.Action.RETURN).first().submission

    page = (
        client_for(leader_user)
        .get(reverse("evaluation:unit_score", args=[2023, worked_case.pk]))
        .content.decode()
    )

    assert "未达到目标" in page and "已完成" in page
    assert reverse("reporting:review_detail", args=[returned.pk]) in page
    assert "请核实。" in page
    assert page.count("未报送") >= 4


def test_it_exports_the_score_table_to_excel(plan_2023, worked_case, office_user):
    response = client_for(office_user).get(reverse("evaluation:export_scores", args=[2023]))

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(downloaded(response)))
    assert workbook.sheetnames == ["得分", "指标认定明细"]
    sheet = workbook["得分"]
    rows = list(sheet.iter_rows(values_only=True))
    header_index = next(index for index, row in enumerate(rows) if row[0] == "名次")
    assert rows[header_index][1] == "单位" and rows[header_index][-1] == "得分"
    assert rows[1][0].startswith("得分 = 任务完成率 × 40%")
    line = next(row for row in rows[header_index + 1 :] if row[1] == DISABLED)
    assert line[-1] == 71.5
    assert line[5] == 0.5 and line[10] == 0.75
    units = TaskRow.objects.filter(project__tier__plan_year=plan_2023).values("lead_unit").distinct().count()
    assert len(rows) - header_index - 1 == units
    details = list(workbook["指标认定明细"].iter_rows(values_only=True))
    assert len(details) - 2 == Indicator.objects.filter(task_row__project__tier__plan_year=plan_2023).count()
    assert AuditEvent.objects.filter(event="evaluation.scores_exported").exists()


def test_it_scores_every_unit_in_a_fixed_number_of_queries(
    plan_2023, worked_case, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        table = unit_scores(plan_year=plan_2023, today=timezone.localdate())

    assert len(table) == 17


@pytest.mark.parametrize(
    "model", ["selfevaluation", "certification", "publicnotice", "scoreweights"], ids=lambda value: value
)
def test_it_shows_the_evaluation_records_read_only_in_the_admin(
    plan_2023, worked_case, django_user_model, model
):
    admin = django_user_model.objects.create_superuser("root", password="x")
    client = client_for(admin)
    add_url = reverse(f"admin:evaluation_{model}_add")

    listing = client.get(reverse(f"admin:evaluation_{model}_changelist"))

    assert listing.status_code == 200
    assert add_url not in listing.content.decode()  # no "add" button
    assert client.get(add_url).status_code == 403
    record = apps.get_model("evaluation", model).objects.order_by("pk").first()
    if record is not None:  # what the worked case created: shown, but neither changed nor deleted
        before = model_to_dict(record)
        change_url = reverse(f"admin:evaluation_{model}_change", args=[record.pk])
        assert client.get(change_url).status_code == 200
        assert client.post(change_url, {}).status_code == 403
        delete_url = reverse(f"admin:evaluation_{model}_delete", args=[record.pk])
        assert client.post(delete_url, {"post": "yes"}).status_code == 403
        record.refresh_from_db()
        assert model_to_dict(record) == before
