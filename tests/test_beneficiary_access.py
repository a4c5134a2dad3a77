"""Who may open which beneficiary page: the rules of beneficiaries/access.py, through the URLs."""

import pytest
from django.conf import settings
from django.urls import reverse

from beneficiaries.models import Beneficiary
from tests.beneficiaries import add_person, form_data, grant, id_number_for
from tests.roles import client_for

pytestmark = pytest.mark.django_db

LOGIN = reverse(settings.LOGIN_URL)
NUMBER = id_number_for(321)


@pytest.fixture
def person(township_liaison, elderly_indicator):
    """Entered by 金石桥镇 (a responsible party of the row); the row is led by 县民政局."""
    return add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=NUMBER,
        name="王秀英",
    )


def _url(screen, person):
    row = person.indicator.task_row_id
    return {
        "index": reverse("beneficiaries:index"),
        "row": reverse("beneficiaries:row", args=[row]),
        "create": reverse("beneficiaries:entry_create", args=[row]),
        "export": reverse("beneficiaries:row_export", args=[row]),
        "import": reverse("beneficiaries:import_upload", args=[row]),
        "edit": reverse("beneficiaries:entry_edit", args=[person.pk]),
        "history": reverse("beneficiaries:entry_history", args=[person.pk]),
    }[screen]


# page → role → status. township entered the person; minzheng leads the row; renshe has no part in it.
MATRIX = {
    "index": {
        "township": 200,
        "minzheng": 200,
        "renshe": 200,
        "office": 200,
        "statistics": 200,
        "leader": 200,
        "sysadmin": 403,
        "no_role": 403,
    },
    "row": {
        "township": 200,
        "minzheng": 200,
        "renshe": 404,
        "office": 200,
        "statistics": 200,
        "leader": 200,
        "sysadmin": 404,
        "no_role": 404,
    },
    "create": {
        "township": 200,
        "minzheng": 200,
        "renshe": 404,
        "office": 403,
        "statistics": 403,
        "leader": 403,
        "sysadmin": 404,
        "no_role": 404,
    },
    "export": {
        "township": 200,
        "minzheng": 200,
        "renshe": 404,
        "office": 200,
        "statistics": 403,
        "leader": 403,
        "sysadmin": 404,
        "no_role": 404,
    },
    "import": {
        "township": 200,
        "minzheng": 200,
        "renshe": 404,
        "office": 403,
        "statistics": 403,
        "leader": 403,
        "sysadmin": 404,
        "no_role": 404,
    },
    "edit": {
        "township": 200,
        "minzheng": 403,
        "renshe": 404,
        "office": 200,
        "statistics": 404,
        "leader": 404,
        "sysadmin": 404,
        "no_role": 404,
    },
    "history": {
        "township": 200,
        "minzheng": 200,
        "renshe": 404,
        "office": 200,
        "statistics": 404,
        "leader": 404,
        "sysadmin": 404,
        "no_role": 404,
    },
}
CASES = [(page, role, status) for page, statuses in MATRIX.items() for role, status in statuses.items()]


@pytest.mark.parametrize(("screen", "role", "status"), CASES)
def test_it_answers_each_role_on_each_page(user_in_role, person, screen, role, status):
    response = client_for(user_in_role(role)).get(_url(screen, person))
    assert response.status_code == status


@pytest.mark.parametrize("screen", list(MATRIX))
def test_it_sends_anonymous_users_to_the_login_page(person, screen):
    response = client_for(None).get(_url(screen, person))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.parametrize("role", ["leader", "statistics"])
def test_it_shows_counts_but_no_people_to_leaders_and_statistics(user_in_role, person, role):
    response = client_for(user_in_role(role)).get(_url("row", person))
    content = response.content.decode()
    assert "王秀英" not in content
    assert person.id_number_masked not in content
    assert response.context["counts"][0].people == 1


def test_it_shows_people_to_the_statistics_bureau_once_granted(statistics_user, person):
    grant(statistics_user, "view_beneficiary_people")
    response = client_for(statistics_user).get(_url("row", person))
    assert "王秀英" in response.content.decode()


def test_it_shows_a_participating_unit_only_the_people_it_entered(
    township_liaison, minzheng_liaison, person, elderly_indicator
):
    add_person(
        indicator=elderly_indicator,
        unit=minzheng_liaison.membership.unit,
        user=minzheng_liaison,
        id_number=id_number_for(322),
        name="赵德明",
    )
    own = client_for(township_liaison).get(_url("row", person)).content.decode()
    whole = client_for(minzheng_liaison).get(_url("row", person)).content.decode()
    assert "王秀英" in own and "赵德明" not in own
    assert "王秀英" in whole and "赵德明" in whole


def test_it_hides_a_person_entered_by_another_unit_behind_a_404(
    township_liaison, minzheng_liaison, elderly_indicator
):
    other = add_person(
        indicator=elderly_indicator,
        unit=minzheng_liaison.membership.unit,
        user=minzheng_liaison,
        id_number=id_number_for(322),
    )
    response = client_for(township_liaison).get(_url("history", other))
    assert response.status_code == 404


def test_it_refuses_the_lead_unit_removing_another_units_entry(minzheng_liaison, person):
    response = client_for(minzheng_liaison).post(
        reverse("beneficiaries:entry_remove", args=[person.pk]), {"reason": "重复"}
    )
    assert response.status_code == 403
    person.refresh_from_db()
    assert not person.is_removed


def test_it_refuses_an_unrelated_unit_entering_people(renshe_liaison, elderly_indicator, elderly_row):
    response = client_for(renshe_liaison).post(
        reverse("beneficiaries:entry_create", args=[elderly_row.pk]),
        form_data(indicator=elderly_indicator, id_number=id_number_for(5)),
    )
    assert response.status_code == 404
    assert not Beneficiary.objects.exists()


def test_it_refuses_a_full_export_without_the_permission(office_user, person):
    response = client_for(office_user).get(_url("export", person) + "?full=1")
    assert response.status_code == 403


def test_it_refuses_a_reveal_without_the_permission(township_liaison, person):
    response = client_for(township_liaison).post(reverse("beneficiaries:entry_reveal", args=[person.pk]))
    assert response.status_code == 403
    assert NUMBER not in response.content.decode()


def test_it_does_not_let_a_superuser_without_a_role_reveal(superuser, person):
    response = client_for(superuser).post(reverse("beneficiaries:entry_reveal", args=[person.pk]))
    assert response.status_code == 404


def test_it_lets_only_superusers_delete_in_the_admin(office_user, superuser, person, rf):
    from django.contrib.admin.sites import site

    model_admin = site._registry[Beneficiary]
    request = rf.get("/")
    request.user = office_user
    assert not model_admin.has_delete_permission(request, person)
    assert not model_admin.has_change_permission(request, person)
    request.user = superuser
    assert model_admin.has_delete_permission(request, person)
