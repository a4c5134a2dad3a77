"""Issue #19, point 4: the admin shows people by the lists' own access policy, and audits each view."""

import pytest
from django.core import serializers
from django.urls import reverse

from audit.models import AuditEvent
from tests.beneficiaries import add_person, grant, id_number_for
from tests.roles import client_for

pytestmark = pytest.mark.django_db

NUMBER = id_number_for(901)
CHANGELIST = "admin:beneficiaries_beneficiary_changelist"


@pytest.fixture
def person(township_liaison, elderly_indicator):
    return add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=NUMBER,
    )


def _staff_with_view(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    grant(user, "view_beneficiary")
    return user


def _listed(user) -> list:
    response = client_for(user).get(reverse(CHANGELIST))
    return list(response.context["cl"].result_list) if response.status_code == 200 else []


def test_it_hides_from_a_staff_liaison_in_the_admin_the_people_its_page_hides(renshe_liaison, person):
    user = _staff_with_view(renshe_liaison)
    assert (
        client_for(user).get(reverse("beneficiaries:row", args=[person.indicator.task_row_id])).status_code
        == 404
    )
    assert _listed(user) == []


def test_it_refuses_a_staff_liaison_the_admin_change_view_of_a_person_outside_its_scope(
    renshe_liaison, person
):
    response = client_for(_staff_with_view(renshe_liaison)).get(
        reverse("admin:beneficiaries_beneficiary_change", args=[person.pk])
    )
    assert response.status_code != 200


def test_it_shows_a_staff_liaison_in_the_admin_the_people_its_unit_entered(township_liaison, person):
    assert _listed(_staff_with_view(township_liaison)) == [person]


def test_it_shows_the_lead_units_staff_liaison_the_whole_list_in_the_admin(minzheng_liaison, person):
    assert _listed(_staff_with_view(minzheng_liaison)) == [person]


def test_it_hides_people_from_a_staff_leader_in_the_admin(leader_user, person):
    assert _listed(_staff_with_view(leader_user)) == []


def test_it_hides_people_from_staff_statistics_without_the_people_permission(statistics_user, person):
    assert _listed(_staff_with_view(statistics_user)) == []


def test_it_audits_the_admin_changelist_of_people(office_user, person):
    client_for(_staff_with_view(office_user)).get(reverse(CHANGELIST))
    event = AuditEvent.objects.get(event="beneficiary.admin_list")
    assert (event.user, event.detail["beneficiary_ids"]) == (office_user, [person.pk])


def test_it_audits_the_admin_change_view_of_a_person(office_user, person):
    client_for(_staff_with_view(office_user)).get(
        reverse("admin:beneficiaries_beneficiary_change", args=[person.pk])
    )
    event = AuditEvent.objects.get(event="beneficiary.admin_view")
    assert (event.user, event.detail["beneficiary_ids"]) == (office_user, [person.pk])


def test_it_keeps_id_numbers_out_of_the_admin_views_audit_rows(office_user, person):
    client = client_for(_staff_with_view(office_user))
    client.get(reverse(CHANGELIST))
    client.get(reverse("admin:beneficiaries_beneficiary_change", args=[person.pk]))
    text = serializers.serialize("json", AuditEvent.objects.all())
    assert AuditEvent.objects.filter(event__startswith="beneficiary.admin_").count() == 2
    assert NUMBER not in text and person.id_number_masked not in text
