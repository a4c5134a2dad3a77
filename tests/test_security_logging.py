"""500s are logged with their traceback under DEBUG=false, without personal data (issue #19, point 9)."""

import io
import logging

import pytest
from django.test import Client
from django.urls import reverse

from tests.beneficiaries import id_number_for
from tests.test_production_settings import PRODUCTION_ENV, run

pytestmark = pytest.mark.django_db

NUMBER = id_number_for(901)
PHONE = "13807399012"


@pytest.fixture
def stderr_log():
    """What the configured stderr handler writes, for the length of the test."""
    handler = next(handler for handler in logging.getLogger().handlers if handler.name == "stderr")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def broken_page(monkeypatch, message: str) -> None:
    from reporting import views

    def broken(**kwargs):
        raise RuntimeError(message)

    monkeypatch.setattr(views, "entry_sheet", broken)


def browser(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_it_logs_a_500_with_its_traceback(renshe_liaison, monkeypatch, stderr_log, settings):
    settings.DEBUG = False
    broken_page(monkeypatch, "a bug in the entry page")
    assert browser(renshe_liaison).get(reverse("reporting:entry")).status_code == 500
    text = stderr_log.getvalue()
    assert f"ERROR django.request Internal Server Error: {reverse('reporting:entry')}" in text
    assert "Traceback (most recent call last)" in text and "RuntimeError: a bug in the entry page" in text


def test_it_keeps_posted_data_and_id_numbers_out_of_the_log(renshe_liaison, monkeypatch, stderr_log):
    broken_page(monkeypatch, f"duplicate key (id_number)=({NUMBER}) phone {PHONE}")
    response = browser(renshe_liaison).post(
        reverse("reporting:entry"), {"name": "刘满妹", "id_number": NUMBER, "phone": PHONE}
    )
    assert response.status_code == 500
    text = stderr_log.getvalue()
    assert "RuntimeError: duplicate key" in text
    assert NUMBER not in text and NUMBER[:-1] not in text and PHONE not in text and "刘满妹" not in text


SCRIPT = """
import logging, django
django.setup()
try:
    raise RuntimeError("boom {number}")
except RuntimeError as exc:
    logging.getLogger("django.request").error("Internal Server Error: %s", "/entry/", exc_info=exc)
"""


def test_it_writes_errors_to_stderr_and_the_log_file_in_production(tmp_path):
    log_file = tmp_path / "minsheng.log"
    done = run("-c", SCRIPT.format(number=NUMBER), env={**PRODUCTION_ENV, "LOG_FILE": str(log_file)})
    assert done.returncode == 0, done.stderr
    for text in (done.stderr, log_file.read_text(encoding="utf-8")):
        assert "Internal Server Error: /entry/" in text and "RuntimeError: boom" in text
        assert NUMBER not in text
