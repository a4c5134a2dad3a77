"""Year-end evaluation: self-evaluation with evidence, certification, and what counts as completed."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from evaluation import adjustments, services
from evaluation.models import MAX_EVIDENCE_BYTES, Certification, Evidence, SelfEvaluation
from evaluation.selectors import Outcome, indicator_outcomes
from evaluation.services import EvaluationError, FigureText
from projects.models import Indicator, TaskRow
from reporting.models import Submission
from reporting.workflow import review
from tests.roles import EMPLOYMENT, STARTUP_TRAINING, TRAINING, client_for, fill_employment, submit_row

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% evidence\n"
FINAL = {EMPLOYMENT: "4700", TRAINING: "3100", STARTUP_TRAINING: "800"}


def pdf(name="自评报告.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def figures(row: TaskRow, values: dict[str, str]) -> list[FigureText]:
    return [
        FigureText(indicator=row.indicators.get(name=name), raw_value=value) for name, value in values.items()
    ]


def apply_for_certification(user, row: TaskRow, values=None) -> SelfEvaluation:
    """The lead unit's self-evaluation, with one piece of evidence, submitted."""
    services.upload_evidence(user=user, task_row=row, upload=pdf())
    return services.save_self_evaluation(
        user=user,
        task_row=row,
        completed=True,
        account="全年任务均已完成，详见佐证材料。",
        figures=figures(row, values or FINAL),
        submit=True,
    )


def certify(user, indicator: Indicator, value: str, *, qualified=True, note=""):
    return services.certify(
        user=user,
        indicator=indicator,
        figure=FigureText(indicator, raw_value=value),
        qualified=qualified,
        note=note,
    )


def outcome_of(plan_year, indicator: Indicator):
    return next(item for item in indicator_outcomes(plan_year=plan_year) if item.indicator.pk == indicator.pk)


# --- self-evaluation and evidence ---------------------------------------------------------------


def test_it_submits_a_self_evaluation_with_its_evidence_as_an_application_for_certification(
    renshe_liaison, employment_row
):
    evaluation = apply_for_certification(renshe_liaison, employment_row)

    assert evaluation.status == SelfEvaluation.Status.SUBMITTED
    assert evaluation.completed is True
    assert evaluation.figures.get(indicator__name=EMPLOYMENT).value == 4700
    assert evaluation.evidence.get().original_name == "自评报告.pdf"
    assert AuditEvent.objects.filter(event="evaluation.self_evaluation_submitted").count() == 1


def test_it_refuses_to_submit_without_evidence(renshe_liaison, employment_row):
    with pytest.raises(EvaluationError, match="佐证材料"):
        services.save_self_evaluation(
            user=renshe_liaison,
            task_row=employment_row,
            completed=True,
            account="已完成。",
            figures=figures(employment_row, FINAL),
            submit=True,
        )

    assert not SelfEvaluation.objects.filter(status=SelfEvaluation.Status.SUBMITTED).exists()


def test_it_refuses_to_change_a_submitted_self_evaluation(renshe_liaison, employment_row):
    apply_for_certification(renshe_liaison, employment_row)

    with pytest.raises(EvaluationError, match="不能再修改"):
        services.save_self_evaluation(
            user=renshe_liaison, task_row=employment_row, completed=False, account="改", figures=[]
        )


def test_it_lets_the_liaison_edit_again_after_the_office_returns_it(
    renshe_liaison, office_user, employment_row
):
    apply_for_certification(renshe_liaison, employment_row)

    services.return_self_evaluation(user=office_user, task_row=employment_row, reason="佐证材料不清晰。")
    evaluation = services.save_self_evaluation(
        user=renshe_liaison, task_row=employment_row, completed=True, account="已补充。", figures=[]
    )

    assert evaluation.status == SelfEvaluation.Status.RETURNED
    assert evaluation.account == "已补充。"


def test_it_stores_evidence_under_a_random_name_by_year_and_row(renshe_liaison, employment_row):
    evidence = services.upload_evidence(
        user=renshe_liaison, task_row=employment_row, upload=pdf("../../etc/x.pdf")
    )

    assert evidence.file.name.startswith(f"evaluation/2023/{employment_row.pk}/")
    assert evidence.file.name.endswith(".pdf") and "etc" not in evidence.file.name
    assert evidence.original_name == "x.pdf"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("a.exe", b"MZ\x90\x00"), "只能上传以下格式"),
        (SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf"), "文件内容与扩展名.pdf不符"),
        (SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * MAX_EVIDENCE_BYTES), "文件不能超过10MB"),
        (SimpleUploadedFile("a.pdf", b""), "文件是空的"),
    ],
    ids=["type", "content", "size", "empty"],
)
def test_it_refuses_evidence_of_the_wrong_type_or_size(renshe_liaison, employment_row, upload, message):
    with pytest.raises(EvaluationError, match=message):
        services.upload_evidence(user=renshe_liaison, task_row=employment_row, upload=upload)

    assert not Evidence.objects.exists()


def test_it_serves_evidence_as_a_download_with_its_original_name(renshe_liaison, employment_row):
    evidence = services.upload_evidence(user=renshe_liaison, task_row=employment_row, upload=pdf())

    response = client_for(renshe_liaison).get(reverse("evaluation:download_evidence", args=[evidence.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(
        event="evaluation.evidence_downloaded", object_id=str(evidence.pk)
    ).exists()


def test_it_prefills_the_self_evaluation_from_the_rows_latest_counted_month(
    renshe_liaison, office_user, statistics_user, employment_row, february, march
):
    fill_employment(renshe_liaison, employment_row, february, employment="1234")
    verified = Submission.objects.get(task_row=employment_row, reporting_month=february)
    submit_row(user=renshe_liaison, submission_id=verified.pk)
    review.approve(user=office_user, submission_id=verified.pk)
    review.verify(user=statistics_user, submission_id=verified.pk)
    fill_employment(renshe_liaison, employment_row, march, employment="1500")
    submit_row(user=renshe_liaison, submission_id=employment_row.submissions.get(reporting_month=march).pk)

    page = (
        client_for(renshe_liaison).get(reverse("evaluation:row", args=[employment_row.pk])).content.decode()
    )

    assert 'value="1234"' in page  # March is submitted, not verified: it does not count yet
    assert 'value="1500"' not in page


# --- what counts as completed -------------------------------------------------------------------


def test_it_counts_a_certified_indicator_that_reaches_its_target_as_completed(
    plan_2023, renshe_liaison, statistics_user, employment_row
):
    apply_for_certification(renshe_liaison, employment_row)
    employment = employment_row.indicators.get(name=EMPLOYMENT)

    certify(statistics_user, employment, "4700")

    assert outcome_of(plan_2023, employment).outcome == Outcome.COMPLETED


def test_it_counts_an_indicator_not_certified_as_not_completed(plan_2023, renshe_liaison, employment_row):
    apply_for_certification(
        renshe_liaison, employment_row
    )  # the unit says 4700 of 4650: done, by its own account
    employment = employment_row.indicators.get(name=EMPLOYMENT)

    item = outcome_of(plan_2023, employment)

    assert item.outcome == Outcome.NOT_CERTIFIED
    assert not item.completed


def test_it_counts_an_indicator_whose_unit_never_applied_as_not_completed(
    plan_2023, statistics_user, employment_row
):
    employment = employment_row.indicators.get(name=EMPLOYMENT)
    certify(
        statistics_user, employment, "5000"
    )  # certified and far beyond the target, but no self-evaluation

    item = outcome_of(plan_2023, employment)

    assert item.outcome == Outcome.NOT_APPLIED
    assert not item.completed


def test_it_counts_an_indicator_whose_unit_saved_but_never_submitted_as_not_completed(
    plan_2023, renshe_liaison, statistics_user, employment_row
):
    services.save_self_evaluation(
        user=renshe_liaison, task_row=employment_row, completed=True, account="草稿", figures=[]
    )
    employment = employment_row.indicators.get(name=EMPLOYMENT)
    certify(statistics_user, employment, "5000")

    assert outcome_of(plan_2023, employment).outcome == Outcome.NOT_APPLIED


def test_it_counts_an_indicator_certified_as_unqualified_as_not_completed(
    plan_2023, renshe_liaison, statistics_user, employment_row
):
    apply_for_certification(renshe_liaison, employment_row)
    employment = employment_row.indicators.get(name=EMPLOYMENT)

    certify(statistics_user, employment, "4700", qualified=False, note="佐证材料与统计台账不符。")

    assert outcome_of(plan_2023, employment).outcome == Outcome.UNQUALIFIED


def test_it_needs_a_reason_to_certify_an_indicator_as_unqualified(statistics_user, employment_row):
    with pytest.raises(EvaluationError, match="必须填写认定意见"):
        certify(statistics_user, employment_row.indicators.get(name=EMPLOYMENT), "4700", qualified=False)

    assert not Certification.objects.exists()


def test_it_counts_a_certified_figure_below_its_target_as_not_completed(
    plan_2023, renshe_liaison, statistics_user, employment_row
):
    apply_for_certification(renshe_liaison, employment_row)
    employment = employment_row.indicators.get(name=EMPLOYMENT)

    certify(statistics_user, employment, "4600")

    assert outcome_of(plan_2023, employment).outcome == Outcome.BELOW_TARGET


def test_it_judges_completion_against_the_adjusted_year_end_target(
    plan_2023, zhujian_liaison, statistics_user, office_user
):
    renewal = Indicator.objects.get(task_row__project__tier__plan_year=plan_2023, name="污水管网改造")
    sewer = Indicator.objects.get(task_row__project__tier__plan_year=plan_2023, name="新建污水管网")
    adjustment = adjustments.file_adjustment(
        user=zhujian_liaison,
        plan_year=plan_2023,
        reason="汛期无法施工。",
        force_majeure="特大暴雨。",
        effective_month=10,
        lines=[
            adjustments.ProposedLine(renewal, Decimal("2.1")),
            adjustments.ProposedLine(sewer, Decimal(15)),
        ],
        now=timezone.make_aware(datetime(2023, 9, 1, 10)),
    )
    adjustments.review_adjustment(user=office_user, adjustment_id=adjustment.pk, passed=True, opinion="")
    adjustments.record_decision(
        user=office_user,
        adjustment_id=adjustment.pk,
        approved=True,
        decided_on=date(2023, 9, 20),
        decision_by="县人民政府",
        document_number="隆政函〔2023〕45号",
    )
    apply_for_certification(zhujian_liaison, sewer.task_row, {"污水管网改造": "2.1", "新建污水管网": "14.5"})

    certify(statistics_user, sewer, "14.5")  # beyond the plan's 14, short of the adjusted 15
    certify(statistics_user, renewal, "2.1")  # short of the plan's 3.1, meets the adjusted 2.1

    assert outcome_of(plan_2023, sewer).outcome == Outcome.BELOW_TARGET
    assert outcome_of(plan_2023, renewal).outcome == Outcome.COMPLETED
