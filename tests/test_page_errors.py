"""Pages that answered 500 for data they must expect (issue #19, point 14)."""

import pytest
from django.urls import reverse

from reporting.models import Contribution, ReviewEvent, Submission
from tests.roles import client_for, submission_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(renshe_liaison, office_user, statistics_user, employment_row, march) -> Submission:
    return submission_in(
        Submission.Status.SUBMITTED,
        row=employment_row,
        month=march,
        liaison=renshe_liaison,
        office=office_user,
        statistics=statistics_user,
    )


def test_it_shows_the_admin_history_of_a_review_event(submitted, superuser):
    event = ReviewEvent.objects.filter(submission=submitted).first()

    response = client_for(superuser).get(reverse("admin:reporting_reviewevent_history", args=[event.pk]))

    assert response.status_code == 200


def test_it_shows_the_review_page_of_a_contribution_without_updated_by(submitted, office_user):
    Contribution.objects.filter(submission=submitted).update(updated_by=None)

    response = client_for(office_user).get(reverse("reporting:review_detail", args=[submitted.pk]))

    assert response.status_code == 200
