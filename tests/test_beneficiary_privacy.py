"""Personal data: masked on every page and export; full numbers only with the permission, each use audited."""

import io

import pytest
from django.core import serializers
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from beneficiaries.models import ImportBatch
from tests.beneficiaries import add_person, form_data, grant, id_number_for, workbook_bytes
from tests.roles import client_for, downloaded

pytestmark = pytest.mark.django_db

NUMBER = id_number_for(777)
PHONE = "13807391234"


@pytest.fixture
def person(township_liaison, elderly_indicator):
    return add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=NUMBER,
        phone=PHONE,
        name="刘满妹",
    )


@pytest.fixture
def full_office(office_user):
    grant(office_user, "view_full_id_number")
    return office_user


def audit_text() -> str:
    """Every audit row, serialised: what anyone reading the log could see."""
    return serializers.serialize("json", AuditEvent.objects.all())


def _sheet_text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return "\n".join(
        str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None
    )


@pytest.mark.parametrize("user_fixture", ["township_liaison", "minzheng_liaison", "office_user"])
@pytest.mark.parametrize("screen", ["row", "edit", "history"])
def test_it_masks_numbers_on_every_page(request, person, user_fixture, screen):
    user = request.getfixturevalue(user_fixture)
    url = {
        "row": reverse("beneficiaries:row", args=[person.indicator.task_row_id]),
        "edit": reverse("beneficiaries:entry_edit", args=[person.pk]),
        "history": reverse("beneficiaries:entry_history", args=[person.pk]),
    }[screen]
    response = client_for(user).get(url)
    if response.status_code == 403:  # the lead unit may not edit another unit's entry
        return
    content = response.content.decode()
    assert NUMBER not in content and PHONE not in content
    assert "刘满妹" in content and person.id_number_masked in content


def test_it_masks_numbers_in_the_default_export(full_office, person):
    response = client_for(full_office).get(
        reverse("beneficiaries:row_export", args=[person.indicator.task_row_id])
    )
    text = _sheet_text(downloaded(response))
    assert NUMBER not in text and PHONE not in text
    assert person.id_number_masked in text and "138****1234" in text


def test_it_masks_numbers_in_the_import_preview(township_liaison, elderly_row):
    number = id_number_for(778)
    upload = io.BytesIO(
        workbook_bytes(
            [
                [
                    "刘满妹",
                    number,
                    "",
                    "金石桥镇人民政府",
                    "金石桥村",
                    "适老化改造",
                    3000,
                    "2023-02-01",
                    "",
                    PHONE,
                ]
            ]
        )
    )
    upload.name = "名单.xlsx"
    client = client_for(township_liaison)
    response = client.post(reverse("beneficiaries:import_upload", args=[elderly_row.pk]), {"file": upload})
    content = client.get(response["Location"]).content.decode()
    assert number not in content and PHONE not in content and "刘满妹" in content
    assert ImportBatch.objects.get().row_count == 1


def test_it_reveals_the_full_number_to_a_permitted_user(full_office, person):
    response = client_for(full_office).post(reverse("beneficiaries:entry_reveal", args=[person.pk]))
    assert NUMBER in response.content.decode() and PHONE in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_it_audits_each_reveal_by_record_id(full_office, person):
    client = client_for(full_office)
    client.post(reverse("beneficiaries:entry_reveal", args=[person.pk]))
    client.post(reverse("beneficiaries:entry_reveal", args=[person.pk]))
    events = AuditEvent.objects.filter(event="beneficiary.reveal_full")
    assert [event.detail["beneficiary_ids"] for event in events] == [[person.pk], [person.pk]]
    assert {event.username for event in events} == {full_office.username}


def test_it_exports_full_numbers_to_a_permitted_user(full_office, person):
    url = reverse("beneficiaries:row_export", args=[person.indicator.task_row_id]) + "?full=1"
    text = _sheet_text(downloaded(client_for(full_office).get(url)))
    assert NUMBER in text and PHONE in text


def test_it_audits_a_full_export_with_the_record_ids(
    full_office, person, township_liaison, elderly_indicator
):
    other = add_person(
        indicator=elderly_indicator,
        unit=township_liaison.membership.unit,
        user=township_liaison,
        id_number=id_number_for(779),
    )
    client_for(full_office).get(
        reverse("beneficiaries:row_export", args=[person.indicator.task_row_id]) + "?full=1"
    )
    event = AuditEvent.objects.get(event="beneficiary.export_full")
    assert event.detail["beneficiary_ids"] == sorted([person.pk, other.pk])
    assert event.object_id == str(person.indicator.task_row_id)


def test_it_never_writes_a_number_or_phone_to_the_audit_log(
    full_office, township_liaison, person, elderly_row, elderly_indicator
):
    client = client_for(full_office)
    client.post(reverse("beneficiaries:entry_reveal", args=[person.pk]))
    client.get(reverse("beneficiaries:row_export", args=[elderly_row.pk]) + "?full=1")
    client.get(reverse("beneficiaries:row_export", args=[elderly_row.pk]))
    liaison = client_for(township_liaison)
    new_number = id_number_for(780)
    liaison.post(
        reverse("beneficiaries:entry_create", args=[elderly_row.pk]),
        form_data(indicator=elderly_indicator, id_number=new_number, phone=PHONE),
    )
    liaison.post(
        reverse("beneficiaries:entry_edit", args=[person.pk]),
        form_data(indicator=elderly_indicator, id_number=id_number_for(781), name=person.name),
    )
    text = audit_text()
    assert AuditEvent.objects.filter(event__startswith="beneficiary.").count() == 5
    for secret in (NUMBER, new_number, id_number_for(781), PHONE, person.id_number_masked):
        assert secret not in text


def test_it_refuses_a_full_export_when_the_audit_row_cannot_be_written(full_office, person, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr("beneficiaries.services.record", broken)
    with pytest.raises(RuntimeError):
        client_for(full_office).get(
            reverse("beneficiaries:row_export", args=[person.indicator.task_row_id]) + "?full=1"
        )


@pytest.mark.parametrize("screen", ["changelist", "change", "history"])
def test_it_masks_numbers_in_the_admin(superuser, person, screen):
    url = {
        "changelist": reverse("admin:beneficiaries_beneficiary_changelist"),
        "change": reverse("admin:beneficiaries_beneficiary_change", args=[person.pk]),
        "history": reverse("admin:beneficiaries_beneficiary_history", args=[person.pk]),
    }[screen]
    response = client_for(superuser).get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert NUMBER not in content and PHONE not in content


def test_it_finds_a_person_in_the_admin_by_the_hash_of_a_whole_number(superuser, person):
    response = client_for(superuser).get(reverse("admin:beneficiaries_beneficiary_changelist"), {"q": NUMBER})
    assert list(response.context["cl"].result_list) == [person]


def test_it_empties_import_batches_left_unconfirmed(township_liaison, elderly_row):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    client = client_for(township_liaison)
    upload = io.BytesIO(
        workbook_bytes(
            [
                [
                    "刘满妹",
                    id_number_for(778),
                    "",
                    "金石桥镇人民政府",
                    "金石桥村",
                    "适老化改造",
                    1,
                    "2023-02-01",
                ]
            ]
        )
    )
    upload.name = "名单.xlsx"
    client.post(reverse("beneficiaries:import_upload", args=[elderly_row.pk]), {"file": upload})
    ImportBatch.objects.update(created_at=timezone.now() - timedelta(hours=25))
    call_command("discard_stale_imports", stdout=io.StringIO())
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.rows) == (ImportBatch.Status.DISCARDED, [])


def test_it_rehashes_numbers_after_the_key_changes(person, settings):
    from django.core.management import call_command

    from beneficiaries.id_numbers import id_number_hash

    settings.SECRET_KEY = "a-new-secret-key-after-rotation-0123456789abcdef"
    call_command("rehash_id_numbers", stdout=io.StringIO())
    person.refresh_from_db()
    assert person.id_hash == id_number_hash(NUMBER)
