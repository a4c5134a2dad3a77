"""403, 404 and 400 are Chinese pages that keep the reason and lead back home (issue #19, point 10)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.roles import EMPLOYMENT, client_for, entry_data, entry_url

pytestmark = pytest.mark.django_db

HOME_LINK = f'href="{reverse("reporting:home")}"'


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def browser(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def assert_chinese_page(response, status: int, *texts: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    content = response.content.decode()
    assert '<html lang="zh-hans">' in content and HOME_LINK in content and "返回首页" in content
    for text in texts:
        assert text in content
    for english in ("Forbidden", "Not Found", "Bad Request", "Resolver404", "matches the given query"):
        assert english not in content


def test_it_shows_the_reason_of_a_403(no_role_user):
    response = browser(no_role_user).get(reverse("reporting:home"))
    assert_chinese_page(response, 403, "没有访问权限", "您的账号尚未分配角色，请联系系统管理员。")


def test_it_shows_the_reason_of_a_404_from_an_access_check(
    minzheng_liaison, renshe_liaison, employment_row, march
):
    data = entry_data(employment_row, {EMPLOYMENT: "10"}, version=0)
    client_for(renshe_liaison).post(entry_url(march), data)
    submission = employment_row.submissions.get()
    response = browser(minzheng_liaison).get(reverse("reporting:review_detail", args=[submission.pk]))
    assert_chinese_page(response, 404, "找不到该报送，或您无权查看。")


def test_it_answers_an_unknown_address_with_a_chinese_404(renshe_liaison):
    assert_chinese_page(browser(renshe_liaison).get("/no-such-page/"), 404, "页面不存在")


def test_it_keeps_djangos_english_not_found_message_out_of_the_page(renshe_liaison):
    response = browser(renshe_liaison).get(reverse("evaluation:download_evidence", args=[987654]))
    assert_chinese_page(response, 404, "页面不存在")


def test_it_answers_a_bad_request_with_a_chinese_400():
    response = browser().get(reverse("login"), HTTP_HOST="evil.example")
    assert_chinese_page(response, 400, "请求无效")


def test_it_answers_a_missing_csrf_token_with_a_chinese_403(renshe_liaison):
    client = Client(enforce_csrf_checks=True)
    client.force_login(renshe_liaison)
    response = client.post(reverse("reporting:entry"), {})
    assert_chinese_page(response, 403, "页面已过期")
