"""The database out of reach: a plain Chinese 503 page, never a stack trace, and recovery by itself."""

import socket

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

MESSAGE = "数据库暂时无法连接"


def database_down(execute, sql, params, many, context):
    raise OperationalError("could not connect to server: Connection refused")


def browser(user=None) -> Client:
    """A client that, like a browser, gets the response Django sends instead of the exception."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def assert_unavailable_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    content = response.content.decode()
    assert MESSAGE in content and "刷新页面" in content
    assert (
        "Traceback" not in content
        and "OperationalError" not in content
        and "Connection refused" not in content
    )


@pytest.mark.parametrize("screen", ["reporting:entry", "reporting:home", "login"])
def test_it_answers_503_in_chinese_when_the_database_is_down(renshe_liaison, screen):
    client = browser(renshe_liaison)
    with connection.execute_wrapper(database_down):
        response = client.get(reverse(screen))
    assert_unavailable_page(response)


def test_it_answers_503_when_only_the_view_loses_the_database(renshe_liaison, monkeypatch):
    from reporting import views

    def lost(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views, "entry_sheet", lost)
    assert_unavailable_page(browser(renshe_liaison).get(reverse("reporting:entry")))


def test_it_recovers_by_itself_once_the_database_is_back(renshe_liaison):
    client = browser(renshe_liaison)
    with connection.execute_wrapper(database_down):
        assert client.get(reverse("reporting:entry")).status_code == 503
    assert client.get(reverse("reporting:entry")).status_code == 200


def test_other_errors_get_the_plain_500_page(renshe_liaison, monkeypatch):
    from reporting import views

    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views, "entry_sheet", broken)
    response = browser(renshe_liaison).get(reverse("reporting:entry"))
    assert response.status_code == 500
    content = response.content.decode()
    assert "系统出错" in content and "a bug" not in content and "Traceback" not in content


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real server connection to cut")
@pytest.mark.django_db(transaction=True)
def test_it_answers_503_while_the_server_is_unreachable_and_recovers(leader_user):
    client = browser(leader_user)
    assert client.get(reverse("reporting:dashboard")).status_code == 200
    settings_dict = connection.settings_dict
    real = (settings_dict["HOST"], settings_dict["PORT"])
    connection.close()
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", closed_port()
    try:
        assert_unavailable_page(client.get(reverse("reporting:dashboard")))
    finally:
        connection.close()
        settings_dict["HOST"], settings_dict["PORT"] = real
    assert client.get(reverse("reporting:dashboard")).status_code == 200


def test_it_answers_503_on_the_login_page_before_anyone_types_a_password():
    with connection.execute_wrapper(database_down):
        response = browser().get(reverse("login"))
    assert_unavailable_page(response)
