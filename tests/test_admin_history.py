"""The admin history pages: in Chinese, with each change's reason, and no revert where one is refused."""

import pytest
from django.urls import reverse

from reporting.models import Figure, Submission
from tests.roles import client_for, submission_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def verified_figure(office_user, statistics_user, renshe_liaison, employment_row, march):
    submission = submission_in(
        Submission.Status.VERIFIED,
        row=employment_row,
        month=march,
        liaison=renshe_liaison,
        office=office_user,
        statistics=statistics_user,
    )
    return Figure.objects.filter(contribution__submission=submission).first()


def _history(user, model: str, obj) -> str:
    url = reverse(f"admin:{model}_history", args=[obj.pk])
    return client_for(user).get(url).content.decode()


def test_it_shows_the_history_in_chinese_with_a_reason_for_each_change(superuser, employment_row):
    indicator = employment_row.indicators.first()
    indicator.note = "补充说明"
    indicator.save()

    page = _history(superuser, "projects_indicator", indicator)

    assert "修改原因" in page and "修改内容" in page
    assert "未填写原因" in page
    assert "None" not in page
    assert "Changes" not in page and "Choose a date" not in page


def test_it_offers_no_revert_of_a_locked_figure(superuser, verified_figure):
    page = _history(superuser, "reporting_figure", verified_figure)

    assert "不能恢复到以前的版本" in page
    assert f"/history/{verified_figure.history.first().history_id}/" not in page
