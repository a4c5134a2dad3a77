"""The leaders' dashboards: what they count, what they flag, and who may open them."""

from datetime import date, datetime, time
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from projects.models import Indicator, TargetAdjustment, TargetAdjustmentLine, TaskRow
from reporting.calendar.deadlines import ensure_reporting_months, month_schedule
from reporting.calendar.timeliness import Timeliness
from reporting.dashboards.basis import dashboard_basis
from reporting.dashboards.board import board
from reporting.dashboards.lines import NO_LEADER
from reporting.dashboards.timeliness import timeliness_matrix
from reporting.models import Contribution, Figure, ReviewEvent, StatusRule, Submission
from reporting.progress import Status
from reporting.workflow import data_entry, review
from reporting.workflow.validation import FigureInput
from tests.roles import ROLE_FIXTURES, client_for, database_state, downloaded

pytestmark = pytest.mark.django_db

FORWARDED = Submission.Status.FORWARDED
APPROVED = Submission.Status.APPROVED
# 城镇新增就业 (target 4650, 王兰鹏, 县人社局); in August time progress is 63.6%.
EMPLOYMENT = "城镇新增就业"
TRAINING = "补贴性职业技能培训"
STARTUP = "其中创业培训"
SCREENING = "农村适龄及城镇低保适龄妇女“两癌”免费检查"  # 县妇联's one row


def item(name: str) -> Indicator:
    return Indicator.objects.select_related("task_row__lead_unit").get(
        name=name, task_row__project__tier__plan_year__year=2023
    )


def put(plan_year, month: int, figures: dict[str, object], *, status=FORWARDED, on_time=True, at=None):
    """Store lead-unit figures for the rows of the named indicators, as a submission in `status`.

    A value is a number, or an Indicator.Stage for a milestone.
    """
    reporting_month = ensure_reporting_months(plan_year=plan_year)[month - 1]
    moment = at or timezone.make_aware(
        datetime.combine(month_schedule(reporting_month).submit_deadline, time(9, 0))
    )
    for name, value in figures.items():
        indicator = item(name)
        row = indicator.task_row
        submission, _created = Submission.objects.get_or_create(
            reporting_month=reporting_month,
            task_row=row,
            defaults={
                "status": status,
                "submitted_at": moment,
                "first_submitted_at": moment,
                "on_time": on_time,
            },
        )
        contribution, _created = Contribution.objects.get_or_create(submission=submission, unit=row.lead_unit)
        is_stage = indicator.kind == Indicator.Kind.MILESTONE
        Figure.objects.update_or_create(
            contribution=contribution,
            indicator=indicator,
            defaults={
                "value": None if is_stage else Decimal(str(value)),
                "stage": value if is_stage else None,
            },
        )


def line_of(the_board, name):
    return next(line for line in the_board.lines if line.indicator.name == name)


# --- which month, which figures -------------------------------------------------------------------


def test_it_takes_the_latest_forwarded_month(plan_2023):
    put(plan_2023, 7, {EMPLOYMENT: 3000})
    put(plan_2023, 8, {EMPLOYMENT: 3300})
    put(plan_2023, 9, {EMPLOYMENT: 3600}, status=APPROVED)

    basis = dashboard_basis(plan_year=plan_2023)

    assert (basis.month, basis.forwarded) == (8, True)
    assert "2023年8月已报送" in basis.explanation


def test_it_falls_back_to_the_latest_verified_month_and_says_so(plan_2023):
    put(plan_2023, 3, {EMPLOYMENT: 1000}, status=APPROVED)
    put(plan_2023, 4, {EMPLOYMENT: 1300}, status=Submission.Status.VERIFIED)
    put(plan_2023, 5, {EMPLOYMENT: 1500}, status=Submission.Status.SUBMITTED)

    the_board = board(plan_year=plan_2023)

    assert (the_board.basis.month, the_board.basis.forwarded) == (4, False)
    assert "尚无已报送的月份" in the_board.basis.explanation
    assert line_of(the_board, EMPLOYMENT).value_display == "1300人"


def test_it_leaves_out_figures_approved_but_not_verified(plan_2023):
    put(plan_2023, 8, {EMPLOYMENT: 3300})
    put(plan_2023, 8, {"康复救助残疾儿童": 80}, status=APPROVED)

    the_board = board(plan_year=plan_2023)

    assert line_of(the_board, EMPLOYMENT).reported
    assert not line_of(the_board, "康复救助残疾儿童").reported


def test_it_counts_verified_figures_in_a_forwarded_month(plan_2023):
    put(plan_2023, 8, {EMPLOYMENT: 3300})
    put(plan_2023, 8, {"康复救助残疾儿童": 80}, status=Submission.Status.VERIFIED)

    line = line_of(board(plan_year=plan_2023), "康复救助残疾儿童")

    assert line.reported
    assert line.value_display == "80人"


def test_it_reads_figures_live(plan_2023):
    put(plan_2023, 8, {EMPLOYMENT: 3300})
    assert line_of(board(plan_year=plan_2023), EMPLOYMENT).status == Status.ON_TRACK

    Figure.objects.filter(indicator__name=EMPLOYMENT).update(value=Decimal(1000))

    assert line_of(board(plan_year=plan_2023), EMPLOYMENT).status == Status.SERIOUSLY_BEHIND


# --- tallies ----------------------------------------------------------------------------------------


def test_it_tallies_each_tier_and_the_whole_year(plan_2023):
    put(
        plan_2023,
        8,
        {
            EMPLOYMENT: 5000,  # done
            TRAINING: 1900,  # 63.3% against 63.6%: on track
            "养老机构新增护理型床位": 300,  # 50%: behind
            "困难老年人居家适老化改造": 100,  # 16.7%: seriously behind
            "康复救助残疾儿童": 0,  # not started
            "县城停车场": 1,  # county tier, 25%: seriously behind
        },
    )

    the_board = board(plan_year=plan_2023)
    provincial, _municipal, county, _monitored = the_board.tier_tallies()

    assert provincial.label == "省定民生实事"
    assert provincial.count(Status.DONE) == 1
    assert provincial.count(Status.ON_TRACK) == 1
    assert provincial.count(Status.BEHIND) == 1
    assert provincial.count(Status.SERIOUSLY_BEHIND) == 1
    pending = Indicator.objects.filter(
        task_row__project__tier__plan_year=plan_2023,
        task_row__project__tier__kind="provincial",
        kind__in=["quantity", "standard"],
        target_value__isnull=True,
    ).count()
    assert provincial.count(Status.PENDING) == pending
    assert (
        provincial.total
        == provincial.count(Status.NOT_REPORTED) + provincial.count(Status.NOT_STARTED) + pending + 4
    )
    assert county.count(Status.SERIOUSLY_BEHIND) == 1
    overall = the_board.overall()
    assert overall.count(Status.SERIOUSLY_BEHIND) == 2
    assert overall.total == sum(tier.total for tier in the_board.tier_tallies())


def test_it_judges_an_of_which_figure_without_counting_it_twice(plan_2023):
    put(plan_2023, 8, {TRAINING: 1900, STARTUP: 100})

    the_board = board(plan_year=plan_2023)

    assert line_of(the_board, STARTUP).status == Status.SERIOUSLY_BEHIND  # 13% of 770
    subsets = Indicator.objects.filter(task_row__project__tier__plan_year=plan_2023, kind="subset").count()
    everything = Indicator.objects.filter(task_row__project__tier__plan_year=plan_2023).count()
    assert the_board.overall().total == everything - subsets
    assert the_board.overall().others == subsets
    assert the_board.overall().count(Status.SERIOUSLY_BEHIND) == 0
    assert line_of(the_board, STARTUP) in the_board.behind()


def test_it_uses_the_years_rule(plan_2023):
    put(plan_2023, 8, {EMPLOYMENT: 2700})  # 58.1% against 63.6%: 5.5 points behind
    assert line_of(board(plan_year=plan_2023), EMPLOYMENT).status == Status.ON_TRACK

    StatusRule.objects.create(plan_year=plan_2023, amber_gap=5, red_gap=20)

    assert line_of(board(plan_year=plan_2023), EMPLOYMENT).status == Status.BEHIND


def test_it_judges_against_an_approved_target_adjustment(plan_2023, office_user):
    put(plan_2023, 8, {EMPLOYMENT: 2700, TRAINING: 1900})
    adjustment = TargetAdjustment.objects.create(
        plan_year=plan_2023,
        unit=item(EMPLOYMENT).task_row.lead_unit,
        status=TargetAdjustment.Status.APPROVED,
        reason="疫情影响",
        force_majeure="不可抗力",
        effective_month=6,
        filed_by=office_user,
        filed_at=timezone.now(),
        reviewed_at=timezone.now(),
        decided_on=date(2023, 6, 1),
        decision_by="县人民政府常务会议",
        document_number="隆政〔2023〕1号",
    )
    TargetAdjustmentLine.objects.create(
        adjustment=adjustment, indicator=item(EMPLOYMENT), previous_target=4650, new_target=4000
    )

    line = line_of(board(plan_year=plan_2023), EMPLOYMENT)

    assert line.target == Decimal(4000)
    assert line.target_adjusted
    assert line.judgement.completion == Decimal("67.5")


# --- escalation -------------------------------------------------------------------------------------


def test_it_flags_an_indicator_behind_in_two_consecutive_forwarded_months(plan_2023):
    put(plan_2023, 5, {EMPLOYMENT: 1000})  # 38.4% due: 21.5%, behind
    put(plan_2023, 6, {EMPLOYMENT: 1200})  # 46.8% due: 25.8%, behind

    line = line_of(board(plan_year=plan_2023), EMPLOYMENT)

    assert line.is_behind
    assert (line.flagged, line.behind_run, line.behind_since) == (True, 2, 5)
    assert not line.notice  # June is not yet the third quarter


def test_it_does_not_flag_one_month_behind(plan_2023):
    put(plan_2023, 5, {EMPLOYMENT: 2000})  # on track
    put(plan_2023, 6, {EMPLOYMENT: 1200})  # behind

    line = line_of(board(plan_year=plan_2023), EMPLOYMENT)

    assert line.is_behind and not line.flagged


def test_it_counts_forwarded_months_only_for_escalation(plan_2023):
    put(plan_2023, 5, {EMPLOYMENT: 1000})
    put(plan_2023, 6, {EMPLOYMENT: 1200, "康复救助残疾儿童": 80})
    Submission.objects.filter(reporting_month__month=5).update(status=APPROVED)

    line = line_of(board(plan_year=plan_2023), EMPLOYMENT)

    assert line.behind_run == 1 and not line.flagged


def test_it_lists_a_flagged_indicator_for_notice_from_the_third_quarter(plan_2023):
    put(plan_2023, 6, {EMPLOYMENT: 1200})
    put(plan_2023, 7, {EMPLOYMENT: 1500})  # 55.1% due: 32.3%, seriously behind

    the_board = board(plan_year=plan_2023)
    line = line_of(the_board, EMPLOYMENT)

    assert (line.flagged, line.notice, line.behind_since) == (True, True, 6)
    assert the_board.notices() == [line]
    assert the_board.flagged() == [line]


def test_it_takes_escalation_from_the_latest_forwarded_month(plan_2023):
    put(plan_2023, 6, {EMPLOYMENT: 1200})
    put(plan_2023, 7, {EMPLOYMENT: 1500})
    put(plan_2023, 8, {EMPLOYMENT: 4000}, status=APPROVED)

    the_board = board(plan_year=plan_2023, month=8)

    assert (the_board.basis.forwarded, the_board.basis.escalation_month) == (False, 7)
    assert line_of(the_board, EMPLOYMENT).notice


# --- per leader, per unit -----------------------------------------------------------------------------


def test_it_lists_a_leaders_rows_worst_first(plan_2023):
    # 张胤 leads provincial items 1, 6, 7 and 8.
    put(
        plan_2023,
        8,
        {
            "康复救助残疾儿童": 80,  # 67.8%: on track
            "困难老年人居家适老化改造": 100,  # 16.7%: seriously behind
            "养老机构新增护理型床位": 300,  # 50%: behind
            "困难残疾人家庭无障碍改造": 130,  # done
        },
    )

    group = board(plan_year=plan_2023).leader(str(item("康复救助残疾儿童").task_row.leader_id))
    statuses = [row.status for row in group.rows]

    assert group.name == "张胤"
    assert statuses[:2] == [Status.SERIOUSLY_BEHIND, Status.BEHIND]
    assert statuses[-1] == Status.DONE
    assert statuses.index(Status.ON_TRACK) < statuses.index(Status.DONE)
    assert {line.task_row.leader.name for line in group.lines} == {"张胤"}


def test_it_puts_rows_without_a_leader_last(plan_2023):
    leaders = board(plan_year=plan_2023).leaders()

    assert [group.name for group in leaders] == ["张胤", "王兰鹏", "刘琴", "杨喜国", "未明确牵头领导"]
    assert leaders[-1].key == NO_LEADER
    assert (
        leaders[-1].row_count
        == TaskRow.objects.filter(project__tier__plan_year=plan_2023, leader__isnull=True).count()
    )


# --- timeliness ---------------------------------------------------------------------------------------


def cell(matrix, unit_name, month):
    record = next(record for record in matrix.units if record.unit.name == unit_name)
    return record.cell(month)


def test_it_marks_each_lead_unit_and_month(plan_2023, office_user):
    march = ensure_reporting_months(plan_year=plan_2023)[2]
    deadline = month_schedule(march).submit_deadline
    late = timezone.make_aware(datetime.combine(deadline + timezone.timedelta(days=3), time(10, 0)))
    put(plan_2023, 3, {SCREENING: 1000})  # 县妇联: its one row, on time
    put(plan_2023, 3, {"开工改造城镇老旧小区": 3}, on_time=False, at=late)  # 县住建局: one of seven, late
    put(plan_2023, 3, {"康复救助残疾儿童": 30}, status=Submission.Status.RETURNED)  # 县残联: 1 of 2
    put(plan_2023, 3, {"困难残疾人家庭无障碍改造": 30})
    returned = Submission.objects.get(reporting_month=march, task_row=item("康复救助残疾儿童").task_row)
    ReviewEvent.objects.create(
        submission=returned, action="return", actor=office_user, reason="请补充", at=late
    )

    matrix = timeliness_matrix(plan_year=plan_2023, today=date(2023, 6, 1))

    assert matrix.months == [1, 2, 3, 4, 5]
    on_time = cell(matrix, "县妇联", 3)
    assert (on_time.state, on_time.day) == (Timeliness.ON_TIME, deadline)
    behind = cell(matrix, "县住建局", 3)
    assert (behind.state, behind.submitted, behind.rows) == (Timeliness.MISSING, 1, 7)
    assert behind.late == 1 and behind.day == deadline
    sent_back = cell(matrix, "县残联", 3)
    assert (sent_back.state, sent_back.returned, sent_back.day) == (Timeliness.RETURNED, 1, late.date())
    assert cell(matrix, "县妇联", 1).state == Timeliness.MISSING


def test_it_marks_a_late_submission_with_its_date(plan_2023):
    march = ensure_reporting_months(plan_year=plan_2023)[2]
    late = timezone.make_aware(datetime(2023, 3, 28, 10, 0))
    put(plan_2023, 3, {SCREENING: 1000}, on_time=False, at=late)

    matrix = timeliness_matrix(plan_year=plan_2023, today=date(2023, 3, 22))

    result = cell(matrix, "县妇联", 3)
    assert (result.state, result.day) == (Timeliness.LATE, date(2023, 3, 28))
    assert month_schedule(march).submit_deadline < date(2023, 3, 28)


def test_it_does_not_call_a_month_missing_before_its_deadline(plan_2023):
    matrix = timeliness_matrix(plan_year=plan_2023, today=date(2023, 3, 21))

    assert matrix.months == [1, 2]
    assert cell(matrix, "县妇联", 2).state == Timeliness.MISSING
    early = timeliness_matrix(plan_year=plan_2023, today=date(2023, 2, 10))
    assert early.months == [1]
    assert cell(early, "县妇联", 1).state == Timeliness.MISSING


# --- pages ----------------------------------------------------------------------------------------------

DASHBOARD_PAGES = [
    "dashboard",
    "dashboard_indicators",
    "dashboard_indicator",
    "dashboard_leaders",
    "dashboard_leader",
    "dashboard_units",
    "dashboard_unit",
    "dashboard_timeliness",
    "dashboard_escalations",
]
READERS = {"leader", "office", "statistics"}


def page_url(name: str, plan_year) -> str:
    args = {
        "dashboard_indicator": [item(EMPLOYMENT).pk],
        "dashboard_leader": [str(item(EMPLOYMENT).task_row.leader_id)],
        "dashboard_unit": [item(EMPLOYMENT).task_row.lead_unit_id],
    }.get(name, [])
    return f"{reverse(f'reporting:{name}', args=args)}?year={plan_year.year}"


@pytest.mark.parametrize("role", list(ROLE_FIXTURES))
@pytest.mark.parametrize("screen", DASHBOARD_PAGES)
def test_it_opens_each_dashboard_to_readers_only(user_in_role, plan_2023, screen, role):
    put(plan_2023, 8, {EMPLOYMENT: 3300})
    user = user_in_role(role)
    before = database_state()

    response = client_for(user).get(page_url(screen, plan_2023))

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('login')}?next=")
    else:
        assert response.status_code == (200 if role in READERS else 403)
    assert database_state() == before


@pytest.mark.parametrize("role", list(ROLE_FIXTURES))
def test_it_lets_only_the_office_export_the_notice_list(user_in_role, plan_2023, role):
    user = user_in_role(role)

    response = client_for(user).get(f"{reverse('reporting:dashboard_notice_export')}?year=2023")

    expected = {"anonymous": 302, "office": 200}.get(role, 403)
    assert response.status_code == expected


@pytest.mark.parametrize("screen", DASHBOARD_PAGES)
def test_it_changes_nothing_on_a_post(plan_2023, leader_user, office_user, screen):
    put(plan_2023, 8, {EMPLOYMENT: 3300})
    before = database_state()

    for user in (leader_user, office_user):
        assert client_for(user).post(page_url(screen, plan_2023)).status_code == 405

    assert database_state() == before


def test_it_shows_a_leader_their_own_rows_from_the_landing(plan_2023, leader_user):
    response = client_for(leader_user).get(reverse("reporting:home"))

    person = leader_user.membership.person
    assert response.status_code == 200
    assert "张胤的待办" in response.content.decode()
    page = client_for(leader_user).get(reverse("reporting:dashboard_leader", args=[person.pk]))
    assert "张胤牵头的任务" in page.content.decode()


def test_it_states_the_rule_and_links_the_office_to_it(plan_2023, office_user, leader_user):
    StatusRule.objects.create(plan_year=plan_2023, amber_gap=Decimal("12.5"), red_gap=35)
    admin_url = reverse("admin:reporting_statusrule_change", args=[plan_2023.status_rule.pk])

    office_page = client_for(office_user).get(page_url("dashboard", plan_2023)).content.decode()
    leader_page = client_for(leader_user).get(page_url("dashboard", plan_2023)).content.decode()

    assert "落后12.5至35个百分点为黄色" in office_page
    assert admin_url in office_page
    assert "落后12.5至35个百分点为黄色" in leader_page
    assert admin_url not in leader_page


def test_it_links_the_office_to_add_a_rule_for_a_year_without_one(plan_2023, office_user):
    page = client_for(office_user).get(page_url("dashboard", plan_2023)).content.decode()

    assert f"{reverse('admin:reporting_statusrule_add')}?plan_year={plan_2023.pk}" in page
    assert "落后10至30个百分点为黄色" in page


def test_it_links_every_tally_to_the_indicators_behind_it(plan_2023, leader_user):
    put(plan_2023, 8, {EMPLOYMENT: 5000, TRAINING: 1000, STARTUP: 100, "养老机构新增护理型床位": 300})
    the_board = board(plan_year=plan_2023)
    client = client_for(leader_user)

    for tally in [the_board.overall(), *the_board.tier_tallies()]:
        for status, count in tally.counts.items():
            query = f"year=2023&month=8&tier={tally.key}&status={status}"
            response = client.get(f"{reverse('reporting:dashboard_indicators')}?{query}")
            assert response.context["counted"] == count, (tally.label, status)


def test_it_names_who_corrected_a_figure_and_why(plan_2023, office_user, renshe_liaison, leader_user):
    put(plan_2023, 7, {EMPLOYMENT: 2500, TRAINING: 1200, STARTUP: 300})
    july = Submission.objects.get(task_row=item(EMPLOYMENT).task_row, reporting_month__month=7)
    review.reopen(user=office_user, submission_id=july.pk, reason="口径有误")
    renshe_liaison.first_name, renshe_liaison.last_name = "王", "联络员"
    renshe_liaison.save()
    contribution = Contribution.objects.get(submission=july)
    result = data_entry.save_contribution(
        user=renshe_liaison,
        contribution=contribution,
        expected_version=contribution.version,
        inputs=[FigureInput(indicator=item(EMPLOYMENT), raw_value="2400", explanation="口径更正")],
    )
    assert result.ok, result.errors

    response = client_for(leader_user).get(page_url("dashboard_indicator", plan_2023))

    [correction] = [entry for entry in response.context["corrections"] if entry.old]
    assert (correction.old, correction.new, correction.who) == ("2500", "2400", "王 联络员")
    assert correction.reason == "退回后更正：口径有误"


def test_it_shows_the_months_and_corrections_of_an_indicator(
    plan_2023, office_user, renshe_liaison, leader_user
):
    row = item(EMPLOYMENT).task_row
    put(plan_2023, 6, {EMPLOYMENT: 1200, TRAINING: 900, STARTUP: 200})
    put(plan_2023, 7, {EMPLOYMENT: 2500, TRAINING: 1200, STARTUP: 300})
    july = Submission.objects.get(task_row=row, reporting_month__month=7)
    review.reopen(user=office_user, submission_id=july.pk, reason="就业人数统计口径有误")
    figure = Figure.objects.get(contribution__submission=july, indicator__name=EMPLOYMENT)
    figure.value = Decimal(2400)
    figure._change_reason = "退回后更正：就业人数统计口径有误"
    figure.save()
    Submission.objects.filter(pk=july.pk).update(status=FORWARDED)

    response = client_for(leader_user).get(page_url("dashboard_indicator", plan_2023))

    points = response.context["points"]
    assert [point.text for point in points[5:7]] == ["1200人", "2400人"]
    assert points[6].increment == Decimal(1200)
    assert len(response.context["chart"]["dots"]) == 2
    corrections = response.context["corrections"]
    assert [(item.old, item.new) for item in corrections if item.old] == [("2500", "2400")]
    assert any(item.reason == "就业人数统计口径有误" for item in corrections)
    assert "退回后更正" in response.content.decode()


def test_it_exports_the_notice_list(plan_2023, office_user):
    put(plan_2023, 6, {EMPLOYMENT: 1200})
    put(plan_2023, 7, {EMPLOYMENT: 1500, "康复救助残疾儿童": 80})
    Indicator.objects.filter(pk=item(EMPLOYMENT).pk).update(name='=HYPERLINK("http://x","就业")')

    response = client_for(office_user).get(f"{reverse('reporting:dashboard_notice_export')}?year=2023")

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(downloaded(response))).active
    title, basis = sheet["A1"].value.split("\n")
    assert title == "2023年7月重点民生实事滞后指标通报名单"
    assert basis.startswith("本表只计已核验数据") and "截至" in basis
    assert [cell.value for cell in sheet[2]][:4] == ["序号", "层级", "项目", "指标"]
    assert sheet.max_row == 3
    assert sheet["D3"].value == '=HYPERLINK("http://x","就业")'
    assert sheet["D3"].data_type == "s"  # text, never a formula
    assert sheet["C3"].value == "3.促进高质量充分就业"
    assert sheet["K3"].value == "2个月（自6月起）"
    assert sheet["M3"].value == "王兰鹏"
    assert "A1:M1" in {str(merged) for merged in sheet.merged_cells.ranges}


def test_it_links_the_excel_exports(plan_2023, leader_user):
    put(plan_2023, 8, {EMPLOYMENT: 3300})
    person = leader_user.membership.person
    client = client_for(leader_user)

    page = client.get(f"{reverse('reporting:dashboard_leader', args=[person.pk])}?year=2023")

    report = f"{reverse('reporting:monthly_report')}?year=2023&amp;month=8&amp;leader={person.pk}"
    assert report in page.content.decode()
    assert f"{reverse('reporting:exports')}?year=2023" in page.content.decode()
    download = client.get(report.replace("&amp;", "&"))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
