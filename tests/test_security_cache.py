"""Pages behind login are never kept by a browser or proxy cache; public pages may be (#19, point 22)."""

import pytest
from django.urls import reverse

from reporting.models import Submission
from tests.roles import client_for, submission_in

pytestmark = pytest.mark.django_db


def test_it_sends_no_store_with_the_review_list(office_user):
    response = client_for(office_user).get(reverse("reporting:review_list"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_it_sends_no_store_with_a_review_page(
    office_user, renshe_liaison, statistics_user, employment_row, march
):
    submission = submission_in(
        Submission.Status.SUBMITTED,
        row=employment_row,
        month=march,
        liaison=renshe_liaison,
        office=office_user,
        statistics=statistics_user,
    )
    response = client_for(office_user).get(reverse("reporting:review_detail", args=[submission.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_it_sends_no_store_with_the_dashboard(leader_user):
    response = client_for(leader_user).get(reverse("reporting:dashboard"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_it_leaves_answers_to_anonymous_visitors_as_the_view_made_them(rf):
    """Public pages and static files keep whatever caching their view chose."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from core.middleware import NoStoreForUsersMiddleware

    request = rf.get("/static/css/app.css")
    request.user = AnonymousUser()
    response = NoStoreForUsersMiddleware(lambda request: HttpResponse("body {}"))(request)
    assert not response.has_header("Cache-Control")
