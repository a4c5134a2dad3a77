"""Target adjustments (指标调整): the deadline, the unchanged-total rule, the decision, monthly targets."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from evaluation import adjustments
from evaluation.adjustments import AdjustmentError, ProposedLine
from projects import targets
from projects.models import Indicator, TargetAdjustment, Unit
from tests.roles import client_for

pytestmark = pytest.mark.django_db

SEWER_RENEWAL = "污水管网改造"  # 3.1 公里, municipal item 5, led by 县住建局
SEWER_NEW = "新建污水管网"  # 14 公里, same project
GAS_NEW = "新建燃气管网"  # 15 公里, municipal item 7, also 县住建局
PARKING = "县城停车场"  # 4 处, county item 3
BRIDGES = "人行天桥"  # 3 座, same project
EMPLOYMENT = "城镇新增就业"  # 4650 人, provincial item 3, 县人社局


def at(day: date, hour: int = 10, minute: int = 0):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def named(plan_year, name: str) -> Indicator:
    return Indicator.objects.get(task_row__project__tier__plan_year=plan_year, name=name)


def redistribute(plan_year, **new_targets) -> list[ProposedLine]:
    return [ProposedLine(named(plan_year, name), Decimal(value)) for name, value in new_targets.items()]


def sewer_swap(plan_year, renewal="2.1", new="15") -> list[ProposedLine]:
    return [
        ProposedLine(named(plan_year, SEWER_RENEWAL), Decimal(renewal)),
        ProposedLine(named(plan_year, SEWER_NEW), Decimal(new)),
    ]


def file(user, plan_year, lines, *, now, effective_month=10):
    return adjustments.file_adjustment(
        user=user,
        plan_year=plan_year,
        reason="汛期强降雨导致部分路段无法施工。",
        force_majeure="2023年6月特大暴雨，施工现场被淹。",
        effective_month=effective_month,
        lines=lines,
        now=now,
    )


def filed_lines(adjustment) -> list[tuple[str, Decimal]]:
    """The indicators and new targets a request holds, in the order filed."""
    return [
        (line.indicator.name, line.new_target)
        for line in adjustment.lines.select_related("indicator").order_by("pk")
    ]


def approve(adjustment, office, *, decided_on=date(2023, 9, 25), number="隆政函〔2023〕45号"):
    adjustments.review_adjustment(user=office, adjustment_id=adjustment.pk, passed=True, opinion="同意报批。")
    return adjustments.record_decision(
        user=office,
        adjustment_id=adjustment.pk,
        approved=True,
        decided_on=decided_on,
        decision_by="县人民政府常务会议",
        document_number=number,
    )


# --- the deadline (15 September 2023 in the bundled plan) ---------------------------------------


def test_it_accepts_a_request_filed_before_the_deadline(plan_2023, zhujian_liaison):
    adjustment = file(zhujian_liaison, plan_2023, sewer_swap(plan_2023), now=at(date(2023, 9, 1)))

    assert adjustment.status == TargetAdjustment.Status.SUBMITTED
    assert adjustment.lines.count() == 2


def test_it_accepts_a_request_filed_late_on_the_deadline_day(plan_2023, zhujian_liaison):
    assert plan_2023.adjustment_deadline == date(2023, 9, 15)

    filed_at = at(date(2023, 9, 15), 23, 59)

    adjustment = file(zhujian_liaison, plan_2023, sewer_swap(plan_2023), now=filed_at)

    stored = TargetAdjustment.objects.get(pk=adjustment.pk)
    assert (stored.status, stored.filed_at, stored.filed_by) == (
        TargetAdjustment.Status.SUBMITTED,
        filed_at,
        zhujian_liaison,
    )
    assert filed_lines(stored) == [(SEWER_RENEWAL, Decimal("2.1")), (SEWER_NEW, Decimal(15))]


def test_it_refuses_a_request_filed_after_the_deadline_with_a_clear_message(plan_2023, zhujian_liaison):
    with pytest.raises(AdjustmentError, match="已超过2023年度指标调整申请截止日（2023年09月15日）"):
        file(zhujian_liaison, plan_2023, sewer_swap(plan_2023), now=at(date(2023, 9, 16), 0, 1))

    assert not TargetAdjustment.objects.exists()


def test_it_follows_the_deadline_the_office_set_for_the_year(plan_2023, zhujian_liaison):
    plan_2023.adjustment_deadline = date(2023, 9, 30)
    plan_2023.save()

    adjustment = file(zhujian_liaison, plan_2023, sewer_swap(plan_2023), now=at(date(2023, 9, 20)))

    stored = TargetAdjustment.objects.get(pk=adjustment.pk)
    assert (stored.status, stored.filed_at) == (TargetAdjustment.Status.SUBMITTED, at(date(2023, 9, 20)))
    assert filed_lines(stored) == [(SEWER_RENEWAL, Decimal("2.1")), (SEWER_NEW, Decimal(15))]


def test_it_tells_the_liaison_on_the_page_that_filing_has_closed(plan_2023, zhujian_liaison):
    plan_2023.adjustment_deadline = timezone.localdate() - timezone.timedelta(days=1)
    plan_2023.save()
    url = f"{reverse('evaluation:adjustment_new')}?year=2023"
    sewer = named(plan_2023, SEWER_RENEWAL)

    page = client_for(zhujian_liaison).get(url)
    posted = client_for(zhujian_liaison).post(
        url, {"reason": "理由", "force_majeure": "暴雨", "effective_month": "12", f"t-{sewer.pk}": "2.1"}
    )

    assert "已超过2023年度指标调整申请截止日" in page.content.decode()
    assert 'name="reason"' not in page.content.decode()
    assert posted.status_code == 400
    assert "已超过2023年度指标调整申请截止日" in posted.content.decode()
    assert not TargetAdjustment.objects.exists()


def test_it_files_a_request_through_the_page_on_the_deadline_day(plan_2023, zhujian_liaison):
    plan_2023.adjustment_deadline = timezone.localdate()
    plan_2023.save()
    renewal, new = named(plan_2023, SEWER_RENEWAL), named(plan_2023, SEWER_NEW)

    response = client_for(zhujian_liaison).post(
        f"{reverse('evaluation:adjustment_new')}?year=2023",
        {
            "reason": "汛期无法施工",
            "force_majeure": "特大暴雨",
            "effective_month": "12",
            f"t-{renewal.pk}": "2.1",
            f"t-{new.pk}": "15",
        },
    )

    adjustment = TargetAdjustment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:adjustment_detail", args=[adjustment.pk])
    assert sorted(adjustment.lines.values_list("previous_target", "new_target")) == [
        (Decimal("3.1"), Decimal("2.1")),
        (Decimal("14"), Decimal("15")),
    ]
    assert AuditEvent.objects.filter(event="target_adjustment.filed", object_id=str(adjustment.pk)).exists()


# --- the unchanged-total rule -------------------------------------------------------------------


def test_it_refuses_a_redistribution_that_changes_the_total(plan_2023, zhujian_liaison):
    with pytest.raises(AdjustmentError, match="合计16.60公里，与调整前合计17.10公里不一致"):
        file(zhujian_liaison, plan_2023, sewer_swap(plan_2023, "2.1", "14.5"), now=at(date(2023, 9, 1)))


def test_it_refuses_to_move_a_target_to_another_project(plan_2023, zhujian_liaison):
    lines = redistribute(plan_2023, **{SEWER_NEW: "13", GAS_NEW: "16"})

    with pytest.raises(AdjustmentError, match="只能在同一实事项目内进行"):
        file(zhujian_liaison, plan_2023, lines, now=at(date(2023, 9, 1)))


def test_it_refuses_to_redistribute_between_different_measures(plan_2023, zhujian_liaison):
    lines = redistribute(plan_2023, **{PARKING: "3", BRIDGES: "4"})

    with pytest.raises(AdjustmentError, match="计量单位必须相同"):
        file(zhujian_liaison, plan_2023, lines, now=at(date(2023, 9, 1)))


def test_it_refuses_a_single_changed_target_since_the_total_would_change(plan_2023, zhujian_liaison):
    with pytest.raises(AdjustmentError, match="总的指标任务必须保持不变"):
        file(zhujian_liaison, plan_2023, sewer_swap(plan_2023)[:1], now=at(date(2023, 9, 1)))


def test_it_accepts_unit_shares_that_add_up_to_the_indicators_target(plan_2023, renshe_liaison):
    employment = named(plan_2023, EMPLOYMENT)
    lines = [
        ProposedLine(employment, Decimal(4000), employment.task_row.lead_unit),
        ProposedLine(employment, Decimal(650), Unit.objects.get(name="金石桥镇人民政府")),
    ]

    adjustment = file(renshe_liaison, plan_2023, lines, now=at(date(2023, 9, 1)))

    assert adjustment.lines.filter(unit__isnull=False).count() == 2


def test_it_refuses_unit_shares_that_do_not_add_up_to_the_target(plan_2023, renshe_liaison):
    employment = named(plan_2023, EMPLOYMENT)
    lines = [ProposedLine(employment, Decimal(4000), employment.task_row.lead_unit)]

    with pytest.raises(AdjustmentError, match="各单位分配合计4000人，与该指标目标4650人不一致"):
        file(renshe_liaison, plan_2023, lines, now=at(date(2023, 9, 1)))


def test_it_refuses_a_request_for_another_units_indicators(plan_2023, minzheng_liaison):
    with pytest.raises(PermissionDenied):
        file(minzheng_liaison, plan_2023, sewer_swap(plan_2023), now=at(date(2023, 9, 1)))


def test_it_refuses_a_second_open_request_for_the_same_indicator(plan_2023, zhujian_liaison):
    file(zhujian_liaison, plan_2023, sewer_swap(plan_2023), now=at(date(2023, 9, 1)))

    with pytest.raises(AdjustmentError, match="已有尚未审批完毕的调整申请"):
        file(zhujian_liaison, plan_2023, sewer_swap(plan_2023, "3", "14.1"), now=at(date(2023, 9, 2)))


def test_it_refuses_an_effective_month_before_the_month_of_filing(plan_2023, zhujian_liaison):
    with pytest.raises(AdjustmentError, match="生效月份不能早于9月"):
        file(zhujian_liaison, plan_2023, sewer_swap(plan_2023), now=at(date(2023, 9, 1)), effective_month=8)


# --- review and decision ------------------------------------------------------------------------


def test_it_records_the_county_governments_approval_with_who_when_and_the_document_number(
    plan_2023, zhujian_liaison, office_user
):
    adjustment = file(zhujian_liaison, plan_2023, sewer_swap(plan_2023), now=at(date(2023, 9, 1)))

    approve(adjustment, office_user)

    adjustment.refresh_from_db()
    assert adjustment.status == TargetAdjustment.Status.APPROVED
    assert (adjustment.decision_by, adjustment.decided_on, adjustment.document_number) == (
        "县人民政府常务会议",
        date(2023, 9, 25),
        "隆政函〔2023〕45号",
    )
    assert adjustment.reviewed_by == office_user and adjustment.recorded_by == office_user
    assert list(
        AuditEvent.objects.filter(object_id=str(adjustment.pk), event__startswith="target_adjustment.")
        .order_by("pk")
        .values_list("event", flat=True)
    ) == ["target_adjustment.filed", "target_adjustment.reviewed", "target_adjustment.decided"]


def test_it_needs_a_document_number_to_record_a_decision(plan_2023, zhujian_liaison, office_user):
    adjustment = file(zhujian_liaison, plan_2023, sewer_swap(plan_2023), now=at(date(2023, 9, 1)))
    adjustments.review_adjustment(user=office_user, adjustment_id=adjustment.pk, passed=True, opinion="")

    with pytest.raises(AdjustmentError, match="文号"):
        adjustments.record_decision(
            user=office_user,
            adjustment_id=adjustment.pk,
            approved=True,
            decided_on=date(2023, 9, 25),
            decision_by="县人民政府",
            document_number=" ",
        )


def test_it_lets_the_office_turn_a_request_down_with_its_reasons(plan_2023, zhujian_liaison, office_user):
    adjustment = file(zhujian_liaison, plan_2023, sewer_swap(plan_2023), now=at(date(2023, 9, 1)))

    adjustments.review_adjustment(
        user=office_user, adjustment_id=adjustment.pk, passed=False, opinion="理由不充分。"
    )

    adjustment.refresh_from_db()
    assert adjustment.status == TargetAdjustment.Status.REJECTED
    assert targets.targets_for_month(plan_year=plan_2023, month=12)[named(plan_2023, SEWER_NEW).pk] == 14


def test_it_refuses_a_decision_on_a_request_the_office_has_not_reviewed(
    plan_2023, zhujian_liaison, office_user
):
    adjustment = file(zhujian_liaison, plan_2023, sewer_swap(plan_2023), now=at(date(2023, 9, 1)))

    with pytest.raises(PermissionDenied):
        adjustments.record_decision(
            user=office_user,
            adjustment_id=adjustment.pk,
            approved=True,
            decided_on=date(2023, 9, 25),
            decision_by="县人民政府",
            document_number="隆政函〔2023〕45号",
        )


# --- targets month by month ---------------------------------------------------------------------


def test_it_gives_the_plan_target_before_and_the_adjusted_one_from_the_effective_month(
    plan_2023, zhujian_liaison, office_user
):
    renewal, new = named(plan_2023, SEWER_RENEWAL), named(plan_2023, SEWER_NEW)
    approve(file(zhujian_liaison, plan_2023, sewer_swap(plan_2023), now=at(date(2023, 9, 1))), office_user)

    september = targets.targets_for_month(plan_year=plan_2023, month=9)
    october = targets.targets_for_month(plan_year=plan_2023, month=10)
    december = targets.targets_for_month(plan_year=plan_2023, month=12)

    assert (september[renewal.pk], september[new.pk]) == (Decimal("3.1"), Decimal(14))
    assert (october[renewal.pk], october[new.pk]) == (Decimal("2.1"), Decimal(15))
    assert (december[renewal.pk], december[new.pk]) == (Decimal("2.1"), Decimal(15))
    renewal.refresh_from_db()
    assert renewal.target_value == Decimal("3.1")  # the plan target stays as the plan wrote it


def test_it_ignores_adjustments_not_yet_approved(plan_2023, zhujian_liaison, office_user):
    adjustment = file(zhujian_liaison, plan_2023, sewer_swap(plan_2023), now=at(date(2023, 9, 1)))
    adjustments.review_adjustment(user=office_user, adjustment_id=adjustment.pk, passed=True, opinion="")

    assert targets.targets_for_month(plan_year=plan_2023, month=12)[named(plan_2023, SEWER_NEW).pk] == 14


def test_it_applies_the_later_of_two_approved_adjustments(plan_2023, zhujian_liaison, office_user):
    new = named(plan_2023, SEWER_NEW)
    approve(file(zhujian_liaison, plan_2023, sewer_swap(plan_2023), now=at(date(2023, 9, 1))), office_user)
    second = file(
        zhujian_liaison,
        plan_2023,
        sewer_swap(plan_2023, "1.1", "16"),
        now=at(date(2023, 9, 10)),
        effective_month=11,
    )
    approve(second, office_user, number="隆政函〔2023〕50号")

    by_month = {
        month: targets.targets_for_month(plan_year=plan_2023, month=month)[new.pk] for month in (9, 10, 11)
    }

    assert by_month == {9: Decimal(14), 10: Decimal(15), 11: Decimal(16)}
    assert [step.target for step in targets.target_history(plan_year=plan_2023)[new]] == [14, 15, 16]


def test_it_reads_every_target_of_a_month_in_one_query(plan_2023, django_assert_num_queries):
    count = Indicator.objects.filter(task_row__project__tier__plan_year=plan_2023).count()

    with django_assert_num_queries(1):
        found = targets.targets_for_month(plan_year=plan_2023, month=6)

    assert len(found) == count
    assert found[named(plan_2023, EMPLOYMENT).pk] == 4650


def test_it_shows_both_targets_in_the_history_on_the_list_page(
    plan_2023, zhujian_liaison, office_user, leader_user
):
    approve(file(zhujian_liaison, plan_2023, sewer_swap(plan_2023), now=at(date(2023, 9, 1))), office_user)

    page = client_for(leader_user).get(f"{reverse('evaluation:adjustment_list')}?year=2023").content.decode()

    assert "方案目标14.00公里" in page
    assert "自10月起15.00公里（隆政函〔2023〕45号）" in page


# --- who may do what ----------------------------------------------------------------------------

ROLES = ("lead_liaison", "other_liaison", "office", "statistics", "leader", "anonymous")


# This matrix's roles in the vocabulary of tests/roles.py: 县住建局 leads the sewer rows;
# 县民政局 takes no part.
AS_ROLE = {
    "lead_liaison": "zhujian",
    "other_liaison": "minzheng",
    "office": "office",
    "statistics": "statistics",
    "leader": "leader",
    "anonymous": "anonymous",
}


@pytest.fixture(name="users")
def users_fixture(user_in_role):
    return {role: user_in_role(AS_ROLE[role]) for role in ROLES}


@pytest.fixture(name="filed")
def filed_fixture(plan_2023, zhujian_liaison):
    return file(zhujian_liaison, plan_2023, sewer_swap(plan_2023), now=at(date(2023, 9, 1)))


PAGES = {
    "list": {"lead_liaison": 200, "other_liaison": 200, "office": 200, "statistics": 200, "leader": 200},
    "new": {"lead_liaison": 200, "other_liaison": 200, "office": 403, "statistics": 403, "leader": 403},
    "detail": {"lead_liaison": 200, "other_liaison": 404, "office": 200, "statistics": 200, "leader": 200},
}


@pytest.mark.parametrize(
    ("screen", "role"), [(screen, role) for screen in PAGES for role in ROLES], ids=lambda value: str(value)
)
def test_it_answers_each_adjustment_page_for_each_role(users, filed, screen, role):
    url = {
        "list": f"{reverse('evaluation:adjustment_list')}?year=2023",
        "new": f"{reverse('evaluation:adjustment_new')}?year=2023",
        "detail": reverse("evaluation:adjustment_detail", args=[filed.pk]),
    }[screen]

    response = client_for(users[role]).get(url)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == PAGES[screen][role]


ACTIONS = {
    # action → (what it posts, the one role allowed, the status it leads to)
    "review": ({"passed": "1", "opinion": "同意"}, "office", TargetAdjustment.Status.REVIEWED),
    "decision": (
        {
            "approved": "1",
            "decision_by": "县人民政府",
            "decided_on": "2023-09-25",
            "document_number": "隆政函〔2023〕45号",
        },
        "office",
        TargetAdjustment.Status.APPROVED,
    ),
}


@pytest.mark.parametrize(
    ("action", "role"), [(action, role) for action in ACTIONS for role in ROLES], ids=lambda value: str(value)
)
def test_it_lets_only_the_office_review_and_record_decisions(users, filed, office_user, action, role):
    if action == "decision":
        adjustments.review_adjustment(user=office_user, adjustment_id=filed.pk, passed=True, opinion="")
    data, allowed, leads_to = ACTIONS[action]
    before = TargetAdjustment.objects.get(pk=filed.pk).status

    response = client_for(users[role]).post(reverse(f"evaluation:adjustment_{action}", args=[filed.pk]), data)

    status = TargetAdjustment.objects.get(pk=filed.pk).status
    if role == allowed:
        assert response.status_code == 302
        assert status == leads_to
        return
    expected = {"anonymous": 302, "other_liaison": 404}.get(role, 403)
    assert response.status_code == expected
    assert status == before


def test_it_shows_an_adjustment_read_only_in_the_admin(plan_2023, filed, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x")
    client = client_for(admin)

    listing = client.get(reverse("admin:projects_targetadjustment_changelist"))
    detail = client.get(reverse("admin:projects_targetadjustment_change", args=[filed.pk]))

    assert listing.status_code == 200 and "县住建局" in listing.content.decode()
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
