"""What users type is shown as text, requests have size caps, and exports never carry a live formula."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from audit.services import record
from demo.services import _office_group
from reporting.models import Submission
from tests.beneficiaries import add_person, id_number_for
from tests.roles import EMPLOYMENT, client_for, entry_data, entry_url, fill_employment, submission_in

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("xss")</script>'
IMAGE = '<img src=x onerror="alert(1)">'
FORMULAS = ['=HYPERLINK("http://evil","x")', "+1+2", "-3+4", "@SUM(A1:A2)", "\t=1", "\r=2"]


@pytest.fixture
def hostile(renshe_liaison, office_user, statistics_user, employment_row, march):
    """A lead unit with a script in its name, and a narrative with markup, submitted for March."""
    unit = employment_row.lead_unit
    unit.name = f"{SCRIPT}县人社局"
    unit.save()
    submission = submission_in(
        Submission.Status.SUBMITTED,
        row=employment_row,
        month=march,
        liaison=renshe_liaison,
        office=office_user,
        statistics=statistics_user,
    )
    submission.contributions.update(progress=f"{IMAGE}进展顺利")
    return submission


def assert_shown_as_text(content: str) -> None:
    assert SCRIPT not in content and IMAGE not in content
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in content or "&lt;img" in content


def test_the_review_page_shows_typed_markup_as_text(office_user, hostile):
    content = (
        client_for(office_user).get(reverse("reporting:review_detail", args=[hostile.pk])).content.decode()
    )
    assert_shown_as_text(content)
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;进展顺利" in content


@pytest.mark.parametrize(
    "url",
    [
        lambda s: reverse("reporting:dashboard") + "?year=2023",
        lambda s: reverse("reporting:dashboard_units") + "?year=2023",
        lambda s: reverse("reporting:dashboard_unit", args=[s.task_row.lead_unit_id]) + "?year=2023",
        lambda s: reverse("reporting:review_list") + "?year=2023&month=3",
    ],
    ids=["overview", "units", "unit", "review_list"],
)
def test_the_dashboards_show_typed_markup_as_text(leader_user, hostile, url):
    response = client_for(leader_user).get(url(hostile))
    assert response.status_code == 200
    content = response.content.decode()
    assert SCRIPT not in content and IMAGE not in content


def test_the_liaisons_own_page_shows_typed_markup_as_text(renshe_liaison, hostile, march):
    content = client_for(renshe_liaison).get(entry_url(march)).content.decode()
    assert SCRIPT not in content and IMAGE not in content


# --- request size caps ----------------------------------------------------------------------------


def test_it_refuses_a_form_larger_than_the_cap(renshe_liaison, employment_row, march, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = Client(raise_request_exception=False)
    client.force_login(renshe_liaison)
    data = entry_data(employment_row, {EMPLOYMENT: "100"}, version=0, progress="进" * 20_000)
    response = client.post(entry_url(march), data)
    assert response.status_code == 400
    assert not Submission.objects.exists()


def test_it_refuses_a_form_with_too_many_fields(renshe_liaison, march, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    client = Client(raise_request_exception=False)
    client.force_login(renshe_liaison)
    response = client.post(entry_url(march), {f"field{number}": "1" for number in range(200)})
    assert response.status_code == 400


def test_the_caps_are_set_in_settings(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 5 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2 * 1024 * 1024
    assert settings.IMPORT_MAX_UPLOAD_BYTES == 5 * 1024 * 1024
    assert settings.IMPORT_MAX_ROWS == 2000
    assert settings.IMPORT_MAX_UNCOMPRESSED_BYTES == 30 * 1024 * 1024


# --- exports: never a live formula ----------------------------------------------------------------


def cells(content: bytes):
    workbook = load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]


def assert_no_formula(content: bytes, texts: list[str]) -> None:
    every = cells(content)
    assert [cell.coordinate for cell in every if cell.data_type == "f"] == []
    values = {str(cell.value) for cell in every if cell.value is not None}
    for text in texts:
        assert any(text.strip() in value for value in values), text


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_audit_log_export_neutralises_formulas(auditor_user):
    for text in FORMULAS:
        record(event="login", username=text[:150], outcome="failure")
    response = client_for(auditor_user).get(reverse("audit:export"))
    assert_no_formula(body(response), FORMULAS)


def test_the_beneficiary_list_export_neutralises_formulas(
    township_liaison, office_user, elderly_row, elderly_indicator
):
    for number, text in enumerate(FORMULAS):
        add_person(
            indicator=elderly_indicator,
            unit=township_liaison.membership.unit,
            user=township_liaison,
            id_number=id_number_for(600 + number),
            name=text,
            village=text,
        )
    response = client_for(office_user).get(reverse("beneficiaries:row_export", args=[elderly_row.pk]))
    assert response.status_code == 200
    assert_no_formula(body(response), FORMULAS)


def test_the_score_export_neutralises_formulas(office_user, employment_row):
    unit = employment_row.lead_unit
    unit.name = FORMULAS[0]
    unit.save()
    response = client_for(office_user).get(reverse("evaluation:export_scores", args=[2023]))
    assert response.status_code == 200
    assert_no_formula(body(response), [FORMULAS[0]])


def test_the_monthly_report_neutralises_every_kind_of_formula(
    renshe_liaison, office_user, employment_row, march
):
    for text in FORMULAS:
        fill_employment(renshe_liaison, employment_row, march)
        contribution = employment_row.submissions.get().contributions.get()
        contribution.progress = text
        contribution.save()
        response = client_for(office_user).get(f"{reverse('reporting:monthly_report')}?year=2023&month=3")
        assert_no_formula(body(response), [text])


def test_the_admin_xlsx_export_neutralises_formulas(office_user, employment_row):
    office_user.groups.add(_office_group())
    unit = employment_row.lead_unit
    unit.note = FORMULAS[0]
    unit.save()
    response = client_for(office_user).post(
        reverse("admin:projects_unit_export"),
        {"format": "1", "resource": "0", "unitresource_name": "on", "unitresource_note": "on"},
    )
    assert response.status_code == 200
    every = cells(response.content)
    assert [cell.coordinate for cell in every if cell.data_type == "f"] == []
    assert "'" + FORMULAS[0] in {cell.value for cell in every}
