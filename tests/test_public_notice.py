"""The public notice (公示): open without login during its window, closed outside it, no personal data."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from evaluation import services
from evaluation.models import PublicNotice
from evaluation.services import FigureText
from projects.models import Person
from tests.roles import EMPLOYMENT, STARTUP_TRAINING, TRAINING, client_for

pytestmark = pytest.mark.django_db

ACCOUNT = "全年新增就业4700人，由联络员李四负责统计，电话13800000000。"
URL = reverse("evaluation:public_notice", args=[2023])


def publish(office, plan_year, *, starts_in=-1, ends_in=6):
    today = timezone.localdate()
    return services.publish_notice(
        user=office,
        plan_year=plan_year,
        title="2023年度隆回县重点民生实事项目完成情况公示",
        intro="公示期内如有异议，请向专班办公室反映。",
        starts_on=today + timezone.timedelta(days=starts_in),
        ends_on=today + timezone.timedelta(days=ends_in),
    )


@pytest.fixture(name="evaluated")
def evaluated_fixture(renshe_liaison, statistics_user, employment_row):
    """Item 3's self-evaluation submitted with evidence, and 城镇新增就业 certified."""
    services.upload_evidence(
        user=renshe_liaison, task_row=employment_row, upload=SimpleUploadedFile("台账.pdf", b"%PDF-1.4 x")
    )
    values = {EMPLOYMENT: "4700", TRAINING: "3100", STARTUP_TRAINING: "800"}
    services.save_self_evaluation(
        user=renshe_liaison,
        task_row=employment_row,
        completed=True,
        account=ACCOUNT,
        figures=[
            FigureText(employment_row.indicators.get(name=name), raw_value=v) for name, v in values.items()
        ],
        submit=True,
    )
    employment = employment_row.indicators.get(name=EMPLOYMENT)
    services.certify(
        user=statistics_user,
        indicator=employment,
        figure=FigureText(employment, raw_value="4700"),
        qualified=True,
    )
    return employment_row


def test_it_opens_the_notice_without_login_during_its_window(plan_2023, office_user, evaluated):
    publish(office_user, plan_2023)

    response = Client().get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert "公示期" in page
    assert "促进高质量充分就业" in page
    assert "4650人" in page  # the target
    assert "4700人，已完成" in page  # certified result
    assert "3100人次（自评完成）" in page  # the unit's own figure, not yet certified
    assert "待核验认定" in page


def test_it_shows_no_personal_data(plan_2023, office_user, evaluated):
    publish(office_user, plan_2023)

    page = Client().get(URL).content.decode()

    for name in Person.objects.values_list("name", flat=True):
        assert name not in page
    for username in get_user_model().objects.values_list("username", flat=True):
        assert username not in page
    assert ACCOUNT not in page and "13800000000" not in page
    assert "台账.pdf" not in page
    assert "/evaluation/evidence/" not in page


@pytest.mark.parametrize(("starts_in", "ends_in"), [(1, 7), (-10, -1)], ids=["before", "after"])
def test_it_says_the_notice_is_not_open_outside_its_window(
    plan_2023, office_user, evaluated, starts_in, ends_in
):
    publish(office_user, plan_2023, starts_in=starts_in, ends_in=ends_in)

    response = Client().get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert "本公示不在公示期内" in page
    assert "暂不开放" in page
    assert "促进高质量充分就业" not in page


def test_it_opens_on_the_first_and_the_last_day_of_the_window(plan_2023, office_user, evaluated):
    publish(office_user, plan_2023, starts_in=0, ends_in=0)

    assert "促进高质量充分就业" in Client().get(URL).content.decode()


def test_it_says_the_notice_is_not_open_before_it_is_published(plan_2023):
    page = Client().get(URL).content.decode()

    assert "尚未发布，暂不开放" in page
    assert "促进高质量充分就业" not in page


def test_it_records_the_office_publishing_the_notice(plan_2023, office_user):
    notice = publish(office_user, plan_2023)

    assert AuditEvent.objects.filter(event="evaluation.notice_published", object_id=str(notice.pk)).exists()


def test_it_refuses_a_window_that_ends_before_it_starts(plan_2023, office_user):
    response = client_for(office_user).post(
        reverse("evaluation:manage_notice", args=[2023]),
        {"title": "公示", "starts_on": "2024-01-10", "ends_on": "2024-01-05"},
    )

    assert response.status_code == 400
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not PublicNotice.objects.exists()


def test_it_lets_the_office_publish_through_the_page(plan_2023, office_user):
    response = client_for(office_user).post(
        reverse("evaluation:manage_notice", args=[2023]),
        {"title": "2023年度公示", "intro": "", "starts_on": "2024-01-10", "ends_on": "2024-01-16"},
    )

    assert response.status_code == 302
    notice = PublicNotice.objects.get()
    assert (notice.title, f"{notice.starts_on}", f"{notice.ends_on}") == (
        "2023年度公示",
        "2024-01-10",
        "2024-01-16",
    )
