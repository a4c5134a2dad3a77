"""Free text refuses control characters (a NUL byte was a 500 on PostgreSQL) (issue #19, point 11).

Runs on SQLite and on PostgreSQL (DATABASE_URL): the NUL byte is the one PostgreSQL cannot store.
"""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from beneficiaries.models import Beneficiary
from evaluation import services
from evaluation.services import EvaluationError
from reporting.models import Submission
from tests.beneficiaries import form_data, id_number_for
from tests.roles import (
    EMPLOYMENT,
    client_for,
    database_state,
    entry_data,
    entry_url,
    indicator,
    submission_in,
)

pytestmark = pytest.mark.django_db

MESSAGE = "含有不可见的控制字符"


def post_entry(user, row, month, **fields):
    explanation = fields.pop("explanation", "")
    data = entry_data(row, {EMPLOYMENT: "10"}, version=0, explanations={EMPLOYMENT: explanation}, **fields)
    return client_for(user).post(entry_url(month), data)


@pytest.mark.parametrize("field", ["progress", "problems", "explanation"])
def test_it_refuses_a_nul_byte_in_the_entry_pages_free_text(renshe_liaison, employment_row, march, field):
    before = database_state()
    response = post_entry(renshe_liaison, employment_row, march, **{field: "招聘会\x00三场"})
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert database_state() == before


def test_it_refuses_other_control_characters_in_the_entry_page(renshe_liaison, employment_row, march):
    before = database_state()
    response = post_entry(renshe_liaison, employment_row, march, progress="招聘会\x1b[31m三场")
    assert response.status_code == 400 and MESSAGE in response.content.decode()
    assert database_state() == before


def test_it_keeps_line_breaks_and_tabs_in_multi_line_text(renshe_liaison, employment_row, march):
    response = post_entry(renshe_liaison, employment_row, march, progress="一、招聘会\r\n二、\t培训")
    assert response.status_code == 302
    assert employment_row.submissions.get().contributions.get().progress == "一、招聘会\r\n二、\t培训"


def test_it_refuses_a_control_character_in_the_sheet_service_behind_the_import(
    renshe_liaison, employment_row, march
):
    from reporting.workflow import data_entry

    entry = data_entry.SheetEntry(
        task_row=employment_row,
        expected_version=0,
        inputs=[data_entry.FigureInput(indicator=indicator(employment_row, EMPLOYMENT), raw_value="10")],
        funds="",
        progress="",
        problems="问题\x00",
    )
    before = database_state()
    results = data_entry.save_month_sheet(
        user=renshe_liaison, unit=renshe_liaison.membership.unit, reporting_month=march, entries=[entry]
    )
    assert MESSAGE in results[employment_row.pk].errors[data_entry.PROBLEMS_KEY]
    assert database_state() == before


def test_it_refuses_a_control_character_in_a_no_data_reason(renshe_liaison, employment_row, march):
    from reporting.workflow import completeness, review
    from reporting.workflow.errors import WorkflowError
    from tests.roles import fill_employment

    fill_employment(renshe_liaison, employment_row, march)
    submission = employment_row.submissions.get()
    reasons = {part.unit.pk: "无\x00数据" for part in completeness.parts_of(submission) if part.needs_mark}
    assert reasons
    with pytest.raises(WorkflowError, match=MESSAGE):
        review.submit(user=renshe_liaison, submission_id=submission.pk, no_data=reasons)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.DRAFT


def test_it_refuses_a_control_character_in_a_return_reason(
    office_user, renshe_liaison, statistics_user, employment_row, march
):
    submission = submission_in(
        Submission.Status.SUBMITTED,
        row=employment_row,
        month=march,
        liaison=renshe_liaison,
        office=office_user,
        statistics=statistics_user,
    )
    url = reverse("reporting:review_action", args=[submission.pk, "return"])
    response = client_for(office_user).post(url, {"reason": "请补充\x00进展"})
    assert [MESSAGE in str(message) for message in get_messages(response.wsgi_request)] == [True]
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


def test_it_refuses_a_control_character_in_a_beneficiarys_name(
    township_liaison, elderly_row, elderly_indicator
):
    data = form_data(indicator=elderly_indicator, id_number=id_number_for(611), name="李桂\x00兰")
    response = client_for(township_liaison).post(
        reverse("beneficiaries:entry_create", args=[elderly_row.pk]), data
    )
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert not Beneficiary.objects.exists()


def test_it_refuses_a_control_character_in_an_imported_beneficiary(elderly_indicator, township_liaison):
    from beneficiaries.forms import BeneficiaryForm

    data = form_data(indicator=elderly_indicator, id_number=id_number_for(612), village="金石\x07桥村")
    form = BeneficiaryForm(data, indicators=[elderly_indicator], townships=[township_liaison.membership.unit])
    assert not form.is_valid()
    assert MESSAGE in form.errors["village"][0]


def test_it_refuses_a_control_character_in_the_self_evaluation(renshe_liaison, employment_row):
    with pytest.raises(EvaluationError, match=MESSAGE):
        services.save_self_evaluation(
            user=renshe_liaison, task_row=employment_row, completed=True, account="已完成\x00", figures=[]
        )
