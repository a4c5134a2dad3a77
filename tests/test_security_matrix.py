"""Issue #19, point 5: the responsibility matrix, whichever URL asks, by one rule (`reporting.access`)."""

import pytest

from reporting import access
from tests.roles import MORE_ROLE_FIXTURES, ROLE_FIXTURES, client_for

pytestmark = pytest.mark.django_db

MATRIX_URLS = ["/exports/responsibility-matrix.xlsx?year=2023", "/exports/2023/responsibility-matrix.xlsx"]
ALLOWED = {"office", "statistics", "leader"}
ROLES = sorted({**ROLE_FIXTURES, **MORE_ROLE_FIXTURES})


def _expected(role: str, url: str) -> int:
    if "/2023/" in url:
        return 404  # no such URL: the matrix has one address
    if role == "anonymous":
        return 302
    return 200 if role in ALLOWED else 403


@pytest.mark.parametrize("url", MATRIX_URLS)
@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_the_readers_of_every_figure_download_the_matrix(user_in_role, role, url):
    assert client_for(user_in_role(role)).get(url).status_code == _expected(role, url)


@pytest.mark.parametrize("role", sorted(set(ROLES) - {"anonymous"}))
def test_it_asks_the_one_rule_for_the_matrix(user_in_role, role):
    assert access.can_export_reports(user_in_role(role)) is (role in ALLOWED)
