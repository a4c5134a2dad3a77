"""Refused attempts are in the audit log, with result 拒绝 and without personal data (issue #19, point 7)."""

import pytest
from django.core import serializers
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from reporting.models import Submission
from tests.beneficiaries import add_person, id_number_for
from tests.roles import EMPLOYMENT, client_for, entry_data, entry_url, submission_in

pytestmark = pytest.mark.django_db

NUMBER = id_number_for(601)
PHONE = "13807396011"


def denials(**filters):
    return AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED, **filters)


def audit_text() -> str:
    return serializers.serialize("json", AuditEvent.objects.all())


def browser(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def approved(renshe_liaison, office_user, statistics_user, employment_row, march):
    return submission_in(
        Submission.Status.APPROVED,
        row=employment_row,
        month=march,
        liaison=renshe_liaison,
        office=office_user,
        statistics=statistics_user,
    )


def test_it_records_a_save_of_a_locked_row_as_denied(renshe_liaison, employment_row, march, approved):
    contribution = approved.contributions.get(unit=renshe_liaison.membership.unit)
    data = entry_data(employment_row, {EMPLOYMENT: "999"}, version=contribution.version)
    response = client_for(renshe_liaison).post(entry_url(march), data)
    assert response.status_code == 409
    event = denials(event="reporting.entry_locked").get()
    assert event.username == renshe_liaison.username
    assert event.detail["month"] == f"{march.plan_year.year}-{march.month:02d}"


def test_it_records_a_403_in_the_admin_as_denied(office_user):
    response = browser(office_user).get(reverse("admin:projects_unit_changelist"))
    assert response.status_code == 403
    event = denials(event="access.denied").get()
    assert event.username == office_user.username
    assert event.detail["status"] == 403
    assert event.detail["view"] == "admin:projects_unit_changelist"


def test_it_records_a_refused_reveal_without_the_persons_data(
    office_user, township_liaison, elderly_indicator
):
    person = add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=NUMBER,
        phone=PHONE,
        name="刘满妹",
    )
    response = browser(office_user).post(reverse("beneficiaries:entry_reveal", args=[person.pk]))
    assert response.status_code == 403
    event = denials(event="access.denied").get()
    assert event.detail["view"] == "beneficiaries:entry_reveal"
    assert event.detail["reason"] == "您没有查看完整身份证号的权限。"
    text = audit_text()
    assert NUMBER not in text and PHONE not in text and "刘满妹" not in text


def test_it_records_another_units_review_page_as_denied(minzheng_liaison, approved):
    response = browser(minzheng_liaison).get(reverse("reporting:review_detail", args=[approved.pk]))
    assert response.status_code == 404
    event = denials(event="access.denied").get()
    assert event.username == minzheng_liaison.username
    assert event.detail["status"] == 404
    assert event.detail["path"] == reverse("reporting:review_detail", args=[approved.pk])


def test_it_records_another_units_beneficiary_list_as_denied(renshe_liaison, elderly_row):
    response = browser(renshe_liaison).get(reverse("beneficiaries:row", args=[elderly_row.pk]))
    assert response.status_code == 404
    assert denials(event="access.denied", detail__status=404).count() == 1


def test_it_does_not_record_an_unknown_address_as_denied(minzheng_liaison):
    client = browser(minzheng_liaison)
    assert client.get("/no-such-page/").status_code == 404
    assert client.get(reverse("reporting:review_detail", args=[987654])).status_code == 404
    assert not denials().exists()
