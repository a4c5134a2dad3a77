"""Messages say what is wrong (issue #19, point 21)."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluation import services
from reporting.models import Submission
from tests.roles import EMPLOYMENT, client_for, database_state, entry_data, entry_url, submission_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% evidence\n"


@pytest.fixture
def submitted(renshe_liaison, office_user, statistics_user, employment_row, march):
    return submission_in(
        Submission.Status.SUBMITTED,
        row=employment_row,
        month=march,
        liaison=renshe_liaison,
        office=office_user,
        statistics=statistics_user,
    )


def test_it_says_the_limit_of_a_return_reason_over_1000_characters(office_user, submitted):
    url = reverse("reporting:review_action", args=[submitted.pk, "return"])
    response = client_for(office_user).post(url, {"reason": "长" * 1001})
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert texts == ["原因不能超过1000字。"]
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED


@pytest.mark.parametrize("funds", ["NaN", "-NaN", "sNaN", "Infinity", "-inf"])
def test_it_says_funds_that_are_not_a_number_are_not_an_amount(renshe_liaison, employment_row, march, funds):
    before = database_state()
    data = entry_data(employment_row, {EMPLOYMENT: "10"}, version=0, funds=funds)
    response = client_for(renshe_liaison).post(entry_url(march), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert f"“{funds}”不是有效的金额" in content and "不能为负数" not in content
    assert database_state() == before


def test_it_keeps_the_extension_of_a_long_evidence_file_name(renshe_liaison, employment_row):
    name = "很长的佐证材料名称" * 30 + ".pdf"
    upload = SimpleUploadedFile(name, PDF, content_type="application/pdf")
    evidence = services.upload_evidence(user=renshe_liaison, task_row=employment_row, upload=upload)
    assert len(evidence.original_name) <= 200
    assert evidence.original_name.endswith(".pdf") and evidence.original_name.startswith("很长的佐证材料名称")
    response = client_for(renshe_liaison).get(reverse("evaluation:download_evidence", args=[evidence.pk]))
    assert response["Content-Type"] == "application/pdf"
