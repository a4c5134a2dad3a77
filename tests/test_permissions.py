"""Who may open which page and take which action: the rules of reporting/access.py, through the URLs."""

import pytest
from django.conf import settings
from django.urls import reverse

from reporting.models import Contribution, Figure, ReviewEvent, Submission
from reporting.workflow import forwarding
from tests.roles import (
    EMPLOYMENT,
    ROLE_FIXTURES,
    client_for,
    database_state,
    entry_data,
    entry_url,
    fill_employment,
    indicator,
    provincial_row,
    submission_in,
)

pytestmark = pytest.mark.django_db

LIAISONS = ("renshe", "minzheng", "township")
LOGIN = reverse(settings.LOGIN_URL)


@pytest.fixture
def everyone(office_user, statistics_user, renshe_liaison):
    return {"office": office_user, "statistics": statistics_user, "renshe": renshe_liaison}


@pytest.fixture
def make_submission(everyone, employment_row, march):
    """A submission of item 3 (县人社局) for March 2023, driven to the status asked for."""

    def make(status):
        return submission_in(
            status,
            row=employment_row,
            month=march,
            liaison=everyone["renshe"],
            office=everyone["office"],
            statistics=everyone["statistics"],
        )

    return make


# --- pages ----------------------------------------------------------------------------------------

# page → role → expected status. Anonymous users are always sent to the login page.
PAGES = {
    # The to-do landing (reporting.todo) for everyone with figures; administrators go to their pages.
    "home": {
        "no_role": 403,
        "sysadmin": 302,
        "leader": 200,
        "office": 200,
        "statistics": 200,
        "renshe": 200,
        "minzheng": 200,
        "township": 200,
    },
    "entry_get": {
        "no_role": 403,
        "sysadmin": 403,
        "leader": 403,
        "office": 403,
        "statistics": 403,
        "renshe": 200,
        "minzheng": 200,
        "township": 200,
    },
    # An empty save: liaisons are redirected back to their sheet, everyone else refused.
    "entry_post": {
        "no_role": 403,
        "sysadmin": 403,
        "leader": 403,
        "office": 403,
        "statistics": 403,
        "renshe": 302,
        "minzheng": 302,
        "township": 302,
    },
    "review_list": {
        "no_role": 403,
        "sysadmin": 403,
        "leader": 200,
        "office": 200,
        "statistics": 200,
        "renshe": 403,
        "minzheng": 403,
        "township": 403,
    },
    # Item 3's submission: 县民政局 takes no part in it, so for it the page does not exist.
    "review_detail": {
        "no_role": 404,
        "sysadmin": 404,
        "leader": 200,
        "office": 200,
        "statistics": 200,
        "renshe": 200,
        "minzheng": 404,
        "township": 200,
    },
    # One URL, one rule: those who read every unit's figures; the file names people.
    "matrix_export": {
        "no_role": 403,
        "sysadmin": 403,
        "leader": 200,
        "office": 200,
        "statistics": 200,
        "renshe": 403,
        "minzheng": 403,
        "township": 403,
    },
}

# Those without figures land on their own pages.
HOME_TARGETS = {"sysadmin": "admin:index"}


def _page_cases():
    for page, expected in PAGES.items():
        yield pytest.param(page, "anonymous", 302, id=f"{page}-anonymous")
        for role, status in expected.items():
            yield pytest.param(page, role, status, id=f"{page}-{role}")


def _open_page(client, screen, submission, month):
    if screen == "home":
        return client.get(reverse("reporting:home"))
    if screen == "entry_get":
        return client.get(entry_url(month))
    if screen == "entry_post":
        return client.post(entry_url(month), {})
    if screen == "review_list":
        return client.get(f"{reverse('reporting:review_list')}?year=2023&month=3")
    if screen == "review_detail":
        return client.get(reverse("reporting:review_detail", args=[submission.pk]))
    if screen == "matrix_export":
        return client.get(f"{reverse('reporting:exports_matrix')}?year=2023")
    raise AssertionError(screen)


@pytest.mark.parametrize(("screen", "role", "expected"), list(_page_cases()))
def test_it_answers_each_page_for_each_role(user_in_role, make_submission, march, screen, role, expected):
    submission = make_submission(Submission.Status.SUBMITTED)
    before = database_state()

    response = _open_page(client_for(user_in_role(role)), screen, submission, march)

    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith(f"{LOGIN}?next=")
    elif screen == "home" and expected == 302:
        assert response["Location"] == reverse(HOME_TARGETS[role])
    assert database_state()["submissions"] == before["submissions"]
    assert database_state()["figures"] == before["figures"]


# --- review actions -------------------------------------------------------------------------------

# action → (starting status, the one role allowed, the status it leads to). Refusals: 403 for users
# who can see the submission, 404 for those who cannot (县民政局, sysadmin, no role); anonymous → login.
ACTIONS = {
    "approve": (Submission.Status.SUBMITTED, "office", Submission.Status.APPROVED),
    "verify": (Submission.Status.APPROVED, "statistics", Submission.Status.VERIFIED),
    "return_submitted": (Submission.Status.SUBMITTED, "office", Submission.Status.RETURNED),
    "return_approved": (Submission.Status.APPROVED, "statistics", Submission.Status.RETURNED),
    "reopen_approved": (Submission.Status.APPROVED, "office", Submission.Status.RETURNED),
    "reopen_forwarded": (Submission.Status.FORWARDED, "office", Submission.Status.RETURNED),
    "forward": (Submission.Status.VERIFIED, "office", Submission.Status.FORWARDED),
}
CANNOT_SEE = {"minzheng", "sysadmin", "no_role"}


def _refusal(action, role):
    if role == "anonymous":
        return 302
    if action == "forward":
        return 403  # the month, not a submission: no scope to hide
    return 404 if role in CANNOT_SEE else 403


def _action_cases():
    for action, (_start, allowed, _end) in ACTIONS.items():
        for role in ROLE_FIXTURES:
            yield pytest.param(
                action,
                role,
                302 if role == allowed else _refusal(action, role),
                role == allowed,
                id=f"{action}-{role}",
            )


def _take_action(client, action, submission):
    if action == "forward":
        plan = forwarding.forwarding_plan(reporting_month=submission.reporting_month)
        confirmed = {
            "fingerprint": plan.fingerprint,
            "close_not_ready": "on",
            "reason": "按时未报单位按未报送处理",
        }
        return client.post(
            reverse("reporting:forward_month", args=[submission.reporting_month_id]), confirmed
        )
    verb = action.split("_")[0]
    return client.post(
        reverse("reporting:review_action", args=[submission.pk, verb]), {"reason": "数据有误，请核实。"}
    )


@pytest.mark.parametrize(("action", "role", "expected", "allowed"), list(_action_cases()))
def test_it_lets_only_the_right_role_take_each_review_action(
    user_in_role, make_submission, action, role, expected, allowed
):
    start, _allowed_role, end = ACTIONS[action]
    submission = make_submission(start)
    events = ReviewEvent.objects.filter(submission=submission).count()

    response = _take_action(client_for(user_in_role(role)), action, submission)

    assert response.status_code == expected
    submission.refresh_from_db()
    if allowed:
        assert submission.status == end
        assert ReviewEvent.objects.filter(submission=submission).count() == events + 1
    else:
        assert submission.status == start
        assert ReviewEvent.objects.filter(submission=submission).count() == events


def test_it_refuses_an_unknown_review_action(make_submission, office_user):
    submission = make_submission(Submission.Status.SUBMITTED)

    response = client_for(office_user).post(
        reverse("reporting:review_action", args=[submission.pk, "delete"])
    )

    assert response.status_code == 403
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


# --- scope: other units' rows ---------------------------------------------------------------------


def test_it_answers_404_when_a_liaison_changes_the_id_to_another_units_submission(
    make_submission, minzheng_liaison, plan_2023, march
):
    others = make_submission(Submission.Status.SUBMITTED)
    own = Submission.objects.create(reporting_month=march, task_row=provincial_row(plan_2023, 6))
    client = client_for(minzheng_liaison)

    assert client.get(reverse("reporting:review_detail", args=[own.pk])).status_code == 200
    response = client.get(reverse("reporting:review_detail", args=[others.pk]))

    assert response.status_code == 404
    assert "促进高质量充分就业" not in response.content.decode()


def test_it_ignores_an_entry_post_for_another_units_task_row(
    renshe_liaison, minzheng_liaison, employment_row, march
):
    contribution = fill_employment(renshe_liaison, employment_row, march)
    before = database_state()
    data = entry_data(employment_row, {EMPLOYMENT: "999"}, version=contribution.version, funds="88")
    data["submit_row"] = str(employment_row.pk)

    response = client_for(minzheng_liaison).post(entry_url(march), data)

    assert response.status_code == 302
    assert database_state() == before
    assert not Contribution.objects.filter(unit__name="县民政局").exists()


def test_it_ignores_fields_of_another_units_row_posted_beside_the_liaisons_own(
    renshe_liaison, minzheng_liaison, employment_row, plan_2023, march
):
    fill_employment(renshe_liaison, employment_row, march)
    beds = provincial_row(plan_2023, 6, 1)
    data = {
        **entry_data(beds, {"养老机构新增护理型床位": "120"}, version=0),
        **entry_data(employment_row, {EMPLOYMENT: "999"}, version=1),
    }

    response = client_for(minzheng_liaison).post(entry_url(march), data)

    assert response.status_code == 302
    assert Figure.objects.get(contribution__unit__name="县民政局").value == 120
    assert Figure.objects.get(contribution__unit__name="县人社局", indicator__name=EMPLOYMENT).value == 100


def test_it_ignores_a_township_figure_for_an_indicator_only_the_lead_unit_reports(
    township_liaison, plan_2023, march
):
    medical = provincial_row(plan_2023, 5)  # two milestones only the lead reports, one additive count
    milestone = indicator(medical, "普通门诊异地结算二级以上定点医疗机构覆盖")
    data = entry_data(medical, {"门诊慢特病治疗费用省内异地直接结算病种": "3"}, version=0)
    data[f"r{medical.pk}-i{milestone.pk}-stage"] = "3"

    response = client_for(township_liaison).post(entry_url(march), data)

    assert response.status_code == 302
    assert list(Figure.objects.values_list("indicator__name", "value")) == [
        ("门诊慢特病治疗费用省内异地直接结算病种", 3)
    ]


def test_it_does_not_let_a_township_submit_the_lead_units_row(
    renshe_liaison, township_liaison, employment_row, march
):
    fill_employment(renshe_liaison, employment_row, march)
    data = entry_data(employment_row, {EMPLOYMENT: "20"}, version=0)
    data["submit_row"] = str(employment_row.pk)

    response = client_for(township_liaison).post(entry_url(march), data)

    assert response.status_code == 302
    assert Submission.objects.get(task_row=employment_row).status == Submission.Status.DRAFT
    assert not ReviewEvent.objects.exists()


# --- what each liaison sees on the entry page -----------------------------------------------------


def test_it_shows_a_township_only_the_additive_indicators_and_no_submit_button(
    township_liaison, employment_row, plan_2023, march
):
    medical = provincial_row(plan_2023, 5)
    allowance = provincial_row(plan_2023, 7, 1)  # 城乡低保标准: standards, the lead unit's alone

    page = client_for(township_liaison).get(entry_url(march)).content.decode()

    assert "促进高质量充分就业" in page
    for item in employment_row.indicators.all():
        assert f'name="r{employment_row.pk}-i{item.pk}-value"' in page
    assert (
        f'name="r{medical.pk}-i{indicator(medical, "门诊慢特病治疗费用省内异地直接结算病种").pk}-value"'
        in page
    )
    for item in [*medical.indicators.filter(kind="milestone"), *allowance.indicators.all()]:
        assert f"-i{item.pk}-" not in page
    assert 'name="submit_row"' not in page


def test_it_shows_the_lead_units_liaison_the_submit_button_of_its_row(renshe_liaison, employment_row, march):
    page = client_for(renshe_liaison).get(entry_url(march)).content.decode()

    assert f'name="submit_row" value="{employment_row.pk}"' in page


# --- the leader reads, and changes nothing --------------------------------------------------------


def test_it_lets_a_leader_read_the_review_list_and_detail(make_submission, leader_user):
    submission = make_submission(Submission.Status.SUBMITTED)
    client = client_for(leader_user)

    listing = client.get(f"{reverse('reporting:review_list')}?year=2023&month=3")
    detail = client.get(reverse("reporting:review_detail", args=[submission.pk]))

    assert listing.status_code == 200
    assert reverse("reporting:review_detail", args=[submission.pk]) in listing.content.decode()
    assert detail.status_code == 200
    assert "审核操作" not in detail.content.decode()


@pytest.mark.parametrize(
    "status", [Submission.Status.SUBMITTED, Submission.Status.APPROVED, Submission.Status.VERIFIED]
)
def test_it_refuses_every_post_of_a_leader_and_changes_nothing(
    make_submission, leader_user, employment_row, march, status
):
    submission = make_submission(status)
    client = client_for(leader_user)
    before = database_state()

    for action in ("approve", "verify", "return", "reopen"):
        response = client.post(
            reverse("reporting:review_action", args=[submission.pk, action]), {"reason": "领导意见"}
        )
        assert response.status_code == 403, action
    assert client.post(reverse("reporting:forward_month", args=[march.pk])).status_code == 403
    entry = client.post(entry_url(march), entry_data(employment_row, {EMPLOYMENT: "1"}, version=1))
    assert entry.status_code == 403

    assert database_state() == before


# --- robustness -----------------------------------------------------------------------------------


def test_it_refuses_a_year_in_the_address_that_is_not_a_number(office_user):
    response = client_for(office_user).get(f"{reverse('reporting:review_list')}?year=abc&month=3")

    assert response.status_code == 400


def test_it_shows_a_user_without_a_role_no_links_to_the_readers_pages(no_role_user):
    page = client_for(no_role_user).get(reverse("login")).content.decode()

    assert reverse("reporting:review_list") not in page
