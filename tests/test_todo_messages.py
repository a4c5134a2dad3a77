"""Messages that say what happened: each review step's words, the lock refusal saying when and by
what a row was locked, the "未填" line after a refused save, the reason field beside its own button;
and the admin: task rows chosen with their year and tier, readable lists, history reasons."""

import json
import re
from datetime import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from evaluation import services
from evaluation.models import SelfEvaluation
from evaluation.services import FigureText
from projects.models import TaskRow
from reporting.models import Contribution, Submission
from reporting.workflow.forwarding import forwarding_plan
from tests.roles import (
    EMPLOYMENT,
    STARTUP_TRAINING,
    TRAINING,
    client_for,
    entry_data,
    entry_url,
    submission_in,
)

pytestmark = pytest.mark.django_db

Status = Submission.Status
REASON = "请补充创业培训的进展情况。"


@pytest.fixture
def make(office_user, statistics_user, renshe_liaison, employment_row, march):
    def build(status):
        return submission_in(
            status,
            row=employment_row,
            month=march,
            liaison=renshe_liaison,
            office=office_user,
            statistics=statistics_user,
        )

    return build


def act(user, submission, action, reason=None):
    data = {} if reason is None else {"reason": reason}
    response = client_for(user).post(reverse("reporting:review_action", args=[submission.pk, action]), data)
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- the review steps ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "who", "action", "reason", "expected"),
    [
        (Status.SUBMITTED, "office", "return", REASON, f"已退回县人社局（原因：{REASON}）。"),
        (Status.APPROVED, "statistics", "return", REASON, f"已退回县人社局（原因：{REASON}）。"),
        (Status.SUBMITTED, "office", "approve", None, "已审核通过，等待县统计局核验。"),
        (Status.APPROVED, "statistics", "verify", None, "已核验通过，等待专班办公室整月上报。"),
        (
            Status.VERIFIED,
            "office",
            "reopen",
            "数字有误",
            "已重新打开，县人社局可更正后重新提交（原因：数字有误）。",
        ),
    ],
)
def test_each_review_step_says_what_happened(
    make, office_user, statistics_user, status, who, action, reason, expected
):
    submission = make(status)
    user = {"office": office_user, "statistics": statistics_user}[who]

    assert act(user, submission, action, reason) == [expected]


def test_opening_a_late_report_says_for_whom_and_why(make, office_user):
    closed = make(Status.DRAFT)
    closed.status = Status.CLOSED  # closed unreported when its month was forwarded
    closed.save()

    assert act(office_user, closed, "late_open", "单位漏报") == [
        "已开放补报，县人社局可填报后提交（原因：单位漏报）。"
    ]


def test_forwarding_says_how_many_rows_went_up_and_how_many_were_closed(make, office_user, march):
    make(Status.VERIFIED)
    plan = forwarding_plan(reporting_month=march)
    response = client_for(office_user).post(
        reverse("reporting:forward_month", args=[march.pk]),
        {"fingerprint": plan.fingerprint, "close_not_ready": "on", "reason": "按时未报单位按未报送处理"},
    )

    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        f"已上报1条已核验的报送，本月已截止，数据已锁定。另有{len(plan.not_ready)}行按未报送处理，如需补报由专班办公室开放。"
    ]


def test_returning_a_self_evaluation_names_the_unit_and_the_reason(
    office_user, renshe_liaison, employment_row
):
    services.save_self_evaluation(
        user=renshe_liaison,
        task_row=employment_row,
        completed=True,
        account="已完成。",
        figures=[FigureText(item, raw_value="1") for item in employment_row.indicators.all()],
    )
    # Submitted for certification (the evidence upload it needs is beside the point here).
    SelfEvaluation.objects.filter(task_row=employment_row).update(
        status=SelfEvaluation.Status.SUBMITTED, submitted_by=renshe_liaison, submitted_at=timezone.now()
    )
    response = client_for(office_user).post(
        reverse("evaluation:return_self_evaluation", args=[employment_row.pk]), {"reason": "请补充佐证材料"}
    )

    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "已退回县人社局的自评，可修改后重新提交（原因：请补充佐证材料）。"
    ]


# --- the return form -----------------------------------------------------------------------------


def test_the_return_reason_is_labelled_and_sits_with_the_return_button(make, office_user):
    submission = make(Status.SUBMITTED)

    page = (
        client_for(office_user).get(reverse("reporting:review_detail", args=[submission.pk])).content.decode()
    )

    actions = page.split('<section class="card actions">')[1].split("</section>")[0]
    forms = re.findall(r"<form method=\"post\" action=\"[^\"]+/(\w+)/\".*?</form>", actions, re.S)
    assert forms == ["approve", "return"]
    approve, returning = re.findall(r"<form method=\"post\".*?</form>", actions, re.S)
    assert "退回原因" not in approve and "<textarea" not in approve
    assert '<label for="return-reason">退回原因：</label>' in returning
    assert '<textarea name="reason"' in returning and ">退回</button>" in returning
    assert "原因:" not in page


def test_the_forward_page_labels_end_in_a_chinese_colon(make, office_user, march):
    make(Status.VERIFIED)

    page = client_for(office_user).get(reverse("reporting:forward_month", args=[march.pk])).content.decode()

    assert "原因：</label>" in page and "原因:</label>" not in page


# --- the entry page ------------------------------------------------------------------------------


def test_the_lock_refusal_says_when_and_by_what_the_row_was_locked(
    make, renshe_liaison, employment_row, march
):
    submission = make(Status.SUBMITTED)
    moment = timezone.make_aware(datetime(2023, 3, 21, 10, 0))  # weeks before the refused save
    submission.events.filter(action="submit").update(at=moment)
    version = Contribution.objects.get(submission=submission, unit=employment_row.lead_unit).version

    response = client_for(renshe_liaison).post(
        entry_url(march), entry_data(employment_row, {EMPLOYMENT: "120"}, version=version)
    )

    text = response.content.decode()
    assert response.status_code == 409
    assert (
        f"“{employment_row}”已于2023年3月21日 10:00由renshe提交（当前状态：已提交），"
        "不能再修改，本次未保存任何内容。"
    ) in text
    assert "在您打开页面后" not in text


def test_the_lock_refusal_names_the_reviewer_of_an_approved_row(make, renshe_liaison, employment_row, march):
    submission = make(Status.APPROVED)
    version = Contribution.objects.get(submission=submission, unit=employment_row.lead_unit).version

    response = client_for(renshe_liaison).post(
        entry_url(march), entry_data(employment_row, {EMPLOYMENT: "120"}, version=version)
    )

    assert "由zhuanban审核通过（当前状态：已审核）" in response.content.decode()


def test_the_missing_line_follows_what_was_typed_after_a_refused_save(renshe_liaison, employment_row, march):
    # The of-which figure is larger than its parent: refused, nothing saved, the fields keep the values.
    data = entry_data(
        employment_row, {EMPLOYMENT: "1200", TRAINING: "800", STARTUP_TRAINING: "900"}, version=0
    )

    response = client_for(renshe_liaison).post(entry_url(march), data)

    card = re.search(rf'id="row-{employment_row.pk}".*?</section>', response.content.decode(), re.S).group(0)
    assert response.status_code == 400
    assert "未填：" not in card


def test_the_missing_line_still_names_what_was_left_empty(renshe_liaison, employment_row, march):
    data = entry_data(
        employment_row, {EMPLOYMENT: "1200", TRAINING: "800", STARTUP_TRAINING: "900"}, version=0
    )
    data[[key for key in data if key.endswith("-value")][0]] = ""  # 城镇新增就业 left empty

    response = client_for(renshe_liaison).post(entry_url(march), data)

    card = re.search(rf'id="row-{employment_row.pk}".*?</section>', response.content.decode(), re.S).group(0)
    assert f"未填：{EMPLOYMENT}<" in card


# --- the admin -----------------------------------------------------------------------------------


def test_a_task_row_is_offered_with_its_year_and_tier(superuser, employment_row):
    indicator = employment_row.indicators.first()

    page = (
        client_for(superuser)
        .get(reverse("admin:projects_indicator_change", args=[indicator.pk]))
        .content.decode()
    )

    assert (
        f'<option value="{employment_row.pk}" selected>2023年 · 省定民生实事 · 3.促进高质量充分就业</option>'
        in page
    )


def test_the_task_row_autocomplete_answers_with_year_and_tier(superuser, plan_2023):
    response = client_for(superuser).get(
        reverse("admin:autocomplete"),
        {"app_label": "projects", "model_name": "indicator", "field_name": "task_row", "term": "湘易办"},
    )

    texts = [item["text"] for item in json.loads(response.content)["results"]]
    row = TaskRow.objects.get(project__tier__plan_year=plan_2023, project__title__contains="湘易办")
    assert texts == [f"2023年 · 省定民生实事 · {row.label(tier='none')}"]
    assert texts[0].startswith("2023年 · 省定民生实事 · 2.完成“湘易办”")


def test_the_admin_lists_load_their_own_column_styles(superuser):
    page = client_for(superuser).get(reverse("admin:projects_indicator_changelist")).content.decode()

    assert "/static/css/admin_lists.css" in page


def test_the_history_shows_the_reason_of_a_no_data_mark(make, superuser):
    submission = make(Status.SUBMITTED)  # the lead closed the township's part as 本月无数据
    marked = Contribution.objects.filter(submission=submission).exclude(no_data_reason="").get()

    page = (
        client_for(superuser)
        .get(reverse("admin:reporting_contribution_history", args=[marked.pk]))
        .content.decode()
    )

    assert "牵头单位标记本月无数据：测试：该单位本月无此项工作" in page
    assert "None" not in page
    assert "不能恢复到以前的版本" in page
