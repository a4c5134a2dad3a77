"""Reading by code: plan metadata with targets per month, data values (counted only, or the working view),
filters, cursor, changes, CSV, completeness; personal data only under its own scope."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from beneficiaries.models import Beneficiary
from projects.models import Unit
from tests.api_clients import Caller, make_api_client
from tests.beneficiaries import add_person, id_number_for
from tests.roles import EMPLOYMENT, indicator, save_figures, submission_in

DATA = "/api/v1/data-values/"


@pytest.fixture(name="verified_march")
def verified_march_fixture(renshe_liaison, office_user, statistics_user, employment_row, march):
    """县人社局's March figures of item 3 (100, 50, 10), verified."""
    return submission_in(
        "verified",
        row=employment_row,
        month=march,
        liaison=renshe_liaison,
        office=office_user,
        statistics=statistics_user,
    )


def test_it_lists_the_plan_by_code_never_by_id(reader, plan_2023):
    for path in (
        "/api/v1/years/",
        "/api/v1/tiers/",
        "/api/v1/projects/",
        "/api/v1/task-rows/",
        "/api/v1/units/",
    ):
        results = reader.get(path).json()["results"]
        assert results and all("id" not in item and "pk" not in item for item in results), path
    rows = reader.get("/api/v1/task-rows/", {"year": "2023"}).json()["results"]
    employment = next(row for row in rows if row["code"] == "2023-S03-R1")
    assert employment["lead_unit"] == Unit.objects.get(name="县人社局").code


def test_a_pending_target_is_null_with_a_flag_in_every_month(reader, plan_2023):
    results = reader.get("/api/v1/indicators/", {"year": "2023"}).json()["results"]
    pending = next(item for item in results if item["name"] == "上线服务事项")
    assert (pending["target"], pending["target_pending"]) == (None, True)
    assert {(month["target"], month["target_pending"]) for month in pending["targets_by_month"]} == {
        (None, True)
    }
    employment = next(item for item in results if item["name"] == EMPLOYMENT)
    assert (employment["target"], employment["target_pending"]) == ("4650", False)
    assert employment["targets_by_month"][5] == {"month": 6, "target": "4650", "target_pending": False}


def test_indicators_need_a_year(reader, plan_2023):
    response = reader.get("/api/v1/indicators/")
    assert response.status_code == 400 and response.json()["code"] == "year_required"


def test_only_counted_figures_leave_without_the_working_view(reader, renshe_liaison, employment_row, march):
    save_figures(renshe_liaison, employment_row, march, {EMPLOYMENT: "100"})
    page = reader.get(DATA, {"year": "2023"}).json()
    assert page["results"] == []
    assert page["basis"].startswith("本接口只计已核验数据")


def test_a_counted_value_carries_its_codes_and_no_status(reader, verified_march, employment_row):
    [first, *_rest] = reader.get(
        DATA, {"year": "2023", "indicator": indicator(employment_row, EMPLOYMENT).code}
    ).json()["results"]
    assert first | {"updated_at": None} == {
        "year": 2023,
        "month": 3,
        "period": "2023-03",
        "unit": employment_row.lead_unit.code,
        "task_row": "2023-S03-R1",
        "indicator": "2023-S03-R1-I1",
        "value": "100",
        "stage": None,
        "stage_label": None,
        "explanation": "",
        "counted": True,
        "late_report": False,
        "updated_at": None,
    }


def test_the_working_view_shows_each_values_status(working_reader, renshe_liaison, employment_row, march):
    save_figures(renshe_liaison, employment_row, march, {EMPLOYMENT: "100"})
    [item] = working_reader.get(DATA, {"year": "2023"}).json()["results"]
    assert (item["status"], item["status_label"], item["counted"]) == ("draft", "草稿", False)


def test_a_client_without_the_working_view_cannot_ask_for_other_statuses(reader, plan_2023):
    response = reader.get(DATA, {"status": "submitted"})
    assert response.status_code == 403
    assert response.json()["code"] == "working_view_not_allowed"


@pytest.mark.parametrize(
    "params", [{"month": "2023-03"}, {"month": "202303"}, {"year": "2023", "month": "3"}]
)
def test_it_reads_a_month_written_every_way(reader, verified_march, params):
    results = reader.get(DATA, params).json()["results"]
    assert len(results) == 3 and {item["period"] for item in results} == {"2023-03"}


@pytest.mark.parametrize(
    "params", [{"month": "2023-13"}, {"month": "abc"}, {"year": "2023", "month": "2024-03"}, {"year": "23"}]
)
def test_a_month_that_is_none_is_a_400_problem(reader, plan_2023, params):
    response = reader.get(DATA, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_other_months_are_filtered_out(reader, verified_march):
    assert reader.get(DATA, {"month": "2023-04"}).json()["results"] == []


def test_a_unit_filter_takes_a_code(reader, verified_march, employment_row):
    assert len(reader.get(DATA, {"unit": employment_row.lead_unit.code}).json()["results"]) == 3
    assert reader.get(DATA, {"unit": "U-999"}).status_code == 400


def test_the_cursor_reads_every_value_once(reader, verified_march):
    seen, params = [], {"year": "2023", "page_size": "1"}
    for _page in range(5):
        page = reader.get(DATA, params).json()
        seen += [item["indicator"] for item in page["results"]]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert sorted(seen) == ["2023-S03-R1-I1", "2023-S03-R1-I2", "2023-S03-R1-I3"]


def test_a_cursor_that_is_none_is_refused(reader, plan_2023):
    assert reader.get(DATA, {"cursor": "!!"}).status_code == 400


def test_updated_since_gives_the_changes(reader, verified_march):
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    earlier = (timezone.now() - timedelta(days=1)).isoformat()
    assert reader.get(DATA, {"updated_since": later}).json()["results"] == []
    page = reader.get(DATA, {"updated_since": earlier}).json()
    assert len(page["results"]) == 3
    assert page["next_updated_since"] < page["as_of"]


def test_a_verification_counts_as_a_change(
    reader, renshe_liaison, office_user, statistics_user, employment_row, march
):
    from reporting.workflow import review

    submission = submission_in(
        "approved",
        row=employment_row,
        month=march,
        liaison=renshe_liaison,
        office=office_user,
        statistics=statistics_user,
    )
    since = timezone.now().isoformat()
    review.verify(user=statistics_user, submission_id=submission.pk)
    assert len(reader.get(DATA, {"updated_since": since}).json()["results"]) == 3


def test_it_answers_csv(reader, verified_march):
    response = reader.get(DATA, {"year": "2023", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["period", "unit", "task_row", "indicator"]
    assert sorted(row[4] for row in rows[1:]) == ["10", "100", "50"]
    by_accept = reader.get(DATA, {"year": "2023"}, headers={"Accept": "text/csv"})
    assert by_accept.content == response.content


def test_a_refusal_is_json_even_when_csv_was_asked(reader, plan_2023):
    response = reader.get(DATA, {"month": "13", "format": "csv"})
    assert response.status_code == 400 and response.json()["code"] == "bad_request"


def test_completeness_counts_submitted_late_and_counted_rows(reader, verified_march):
    [month] = reader.get("/api/v1/completeness/", {"year": "2023", "month": "2023-03"}).json()["results"]
    assert (month["period"], month["submitted"], month["counted"]) == ("2023-03", 1, 1)
    assert month["rows"] > 1 and month["missing"] == month["rows"] - 1
    assert month["submit_deadline"] == "2023-03-21"


def test_completeness_needs_a_year(reader, plan_2023):
    assert reader.get("/api/v1/completeness/").status_code == 400


# --- personal data -------------------------------------------------------------------------------------


@pytest.fixture(name="person")
def person_fixture(elderly_indicator, office_user) -> Beneficiary:
    return add_person(
        indicator=elderly_indicator,
        unit=elderly_indicator.task_row.lead_unit,
        user=office_user,
        id_number=id_number_for(7),
    )


def test_personal_data_needs_its_own_scope(reader, person):
    response = reader.get("/api/v1/beneficiaries/", {"task_row": person.indicator.task_row.code})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(event__startswith="beneficiary.").exists()


def test_personal_data_is_masked_by_default_and_each_read_audited(security_user, person):
    _client, token = make_api_client(security_user, name="民政系统", personal_data=True)
    response = Caller(token).get("/api/v1/beneficiaries/", {"task_row": person.indicator.task_row.code})
    [item] = response.json()["results"]
    assert item["id_number"] == person.id_number[:6] + "********" + person.id_number[-4:]
    assert item["phone"] == "138****1234"
    event = AuditEvent.objects.get(event="beneficiary.export_masked")
    assert event.detail["beneficiary_ids"] == [person.pk]
    assert person.id_number not in str(event.detail)


def test_full_numbers_need_their_own_grant_and_are_audited(security_user, person):
    _masked, token = make_api_client(security_user, name="甲", personal_data=True)
    params = {"task_row": person.indicator.task_row.code, "reveal": "true"}
    assert Caller(token).get("/api/v1/beneficiaries/", params).status_code == 403
    _full, full_token = make_api_client(security_user, name="乙", personal_data=True, reveal_id_numbers=True)
    [item] = Caller(full_token).get("/api/v1/beneficiaries/", params).json()["results"]
    assert item["id_number"] == person.id_number
    assert AuditEvent.objects.filter(event="beneficiary.export_full").count() == 1


def test_data_values_carry_no_personal_data(reader, verified_march):
    text = reader.get(DATA, {"year": "2023"}).content.decode()
    assert "id_number" not in text and "phone" not in text
