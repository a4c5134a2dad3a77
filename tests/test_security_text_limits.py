"""Issue #19, point 15: free text over its limit is refused with the limit named, never cut and saved."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from beneficiaries.models import Beneficiary
from evaluation import adjustments, services
from evaluation.adjustments import AdjustmentError
from evaluation.services import EvaluationError
from reporting.forms import ReasonForm
from reporting.imports.template import PROGRESS
from reporting.models import Contribution, Submission
from reporting.workflow import completeness, review
from reporting.workflow.errors import WorkflowError
from tests.beneficiaries import form_data, id_number_for, workbook_bytes
from tests.roles import client_for, database_state, downloaded, fill_employment
from tests.test_adjustments import at, file, sewer_swap
from tests.test_evaluation import apply_for_certification, certify

pytestmark = pytest.mark.django_db


def test_it_refuses_an_overlong_progress_text_in_the_monthly_import(
    renshe_liaison, employment_row, march, settings, tmp_path
):
    settings.IMPORT_PENDING_DIR = str(tmp_path / "pending")
    client = client_for(renshe_liaison)
    query = {"year": march.plan_year.year, "month": march.month}
    workbook = load_workbook(io.BytesIO(downloaded(client.get(reverse("reporting:import_template"), query))))
    sheet = workbook.active
    line = next(row for row in range(1, sheet.max_row + 1) if sheet.cell(row, 1).value == employment_row.pk)
    sheet.cell(line, PROGRESS.index).value = "进" * 3000
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = database_state()
    location = client.post(
        reverse("reporting:import_upload"), {"file": SimpleUploadedFile("填报.xlsx", buffer.getvalue())}
    )["Location"]
    issues = [str(issue) for issue in client.get(location).context["plan"].issues]
    assert client.post(location).status_code == 400
    assert any("不能超过2000字" in issue for issue in issues), issues
    assert database_state() == before


def test_it_refuses_an_overlong_village_on_the_beneficiary_form(
    township_liaison, elderly_row, elderly_indicator
):
    response = client_for(township_liaison).post(
        reverse("beneficiaries:entry_create", args=[elderly_row.pk]),
        form_data(indicator=elderly_indicator, id_number=id_number_for(42), village="村" * 51),
    )
    assert response.status_code == 400
    assert "50" in response.content.decode()
    assert not Beneficiary.objects.exists()


def test_it_refuses_an_overlong_benefit_type_in_the_beneficiary_import(township_liaison, elderly_row):
    row = [
        "张三妹",
        id_number_for(43),
        "",
        "金石桥镇人民政府",
        "金石桥村",
        "类" * 51,
        3000,
        "2023-02-15",
        "",
        "",
    ]
    upload = SimpleUploadedFile("受益对象.xlsx", workbook_bytes([row]))
    response = client_for(township_liaison).post(
        reverse("beneficiaries:import_upload", args=[elderly_row.pk]), {"file": upload}
    )
    assert response.status_code == 400
    assert "第2行“受益类型”" in response.content.decode() and "50" in response.content.decode()


def test_it_refuses_an_overlong_self_evaluation_account(renshe_liaison, employment_row):
    with pytest.raises(EvaluationError, match="不能超过2000字"):
        services.save_self_evaluation(
            user=renshe_liaison, task_row=employment_row, completed=True, account="评" * 2001, figures=[]
        )


def test_it_refuses_an_overlong_reason_for_returning_a_self_evaluation(
    renshe_liaison, office_user, employment_row
):
    apply_for_certification(renshe_liaison, employment_row)
    with pytest.raises(EvaluationError, match="不能超过2000字"):
        services.return_self_evaluation(user=office_user, task_row=employment_row, reason="退" * 2001)


def test_it_refuses_an_overlong_certification_note(statistics_user, employment_row):
    with pytest.raises(EvaluationError, match="不能超过2000字"):
        certify(statistics_user, employment_row.indicators.first(), "4700", note="认" * 2001)


def test_it_refuses_an_overlong_notice_introduction(office_user, plan_2023):
    today = timezone.localdate()
    with pytest.raises(EvaluationError, match="不能超过2000字"):
        services.publish_notice(
            user=office_user,
            plan_year=plan_2023,
            title="公示",
            intro="公" * 2001,
            starts_on=today,
            ends_on=today + timezone.timedelta(days=6),
        )


def test_it_refuses_an_overlong_adjustment_reason(plan_2023, zhujian_liaison):
    with pytest.raises(AdjustmentError, match="不能超过2000字"):
        adjustments.file_adjustment(
            user=zhujian_liaison,
            plan_year=plan_2023,
            reason="因" * 2001,
            force_majeure="2023年6月特大暴雨。",
            effective_month=10,
            lines=sewer_swap(plan_2023),
            now=at(date(2023, 9, 1)),
        )


def test_it_refuses_an_overlong_review_opinion_on_an_adjustment(plan_2023, zhujian_liaison, office_user):
    adjustment = file(zhujian_liaison, plan_2023, sewer_swap(plan_2023), now=at(date(2023, 9, 1)))
    with pytest.raises(AdjustmentError, match="不能超过2000字"):
        adjustments.review_adjustment(
            user=office_user, adjustment_id=adjustment.pk, passed=True, opinion="意" * 2001
        )


@pytest.mark.parametrize(
    ("field", "text", "limit"),
    [
        ("note", "批" * 2001, "2000"),
        ("document_number", "号" * 101, "100"),
        ("decision_by", "机" * 101, "100"),
    ],
)
def test_it_refuses_an_overlong_part_of_an_adjustment_decision(
    plan_2023, zhujian_liaison, office_user, field, text, limit
):
    adjustment = file(zhujian_liaison, plan_2023, sewer_swap(plan_2023), now=at(date(2023, 9, 1)))
    adjustments.review_adjustment(
        user=office_user, adjustment_id=adjustment.pk, passed=True, opinion="同意。"
    )
    decision = {"decision_by": "县人民政府", "document_number": "隆政函〔2023〕45号", "note": "", field: text}
    with pytest.raises(AdjustmentError, match=f"不能超过{limit}字"):
        adjustments.record_decision(
            user=office_user,
            adjustment_id=adjustment.pk,
            approved=True,
            decided_on=date(2023, 9, 25),
            **decision,
        )


def test_it_refuses_an_overlong_reason_for_returning_a_submission():
    form = ReasonForm({"reason": "退" * 1001})
    assert not form.is_valid()
    assert "1000" in form.errors["reason"][0]


def test_it_refuses_an_overlong_no_data_reason(renshe_liaison, township_liaison, employment_row, march):
    fill_employment(renshe_liaison, employment_row, march)
    submission = Submission.objects.get(task_row=employment_row, reporting_month=march)
    reasons = {part.unit.pk: "无" * 301 for part in completeness.parts_of(submission) if part.needs_mark}
    assert reasons
    with pytest.raises(WorkflowError, match="不能超过300字"):
        review.submit(user=renshe_liaison, submission_id=submission.pk, no_data=reasons)
    assert not Contribution.objects.filter(submission=submission).exclude(no_data_reason="").exists()
