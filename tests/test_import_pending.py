"""An Excel upload between preview and confirmation waits in the database: any server can confirm it."""

import io
import tempfile
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from reporting.imports.pending import purge_pending
from reporting.imports.template import FUNDS, VALUE
from reporting.models import Figure, PendingImport
from tests.roles import (
    EMPLOYMENT,
    STARTUP_TRAINING,
    TRAINING,
    client_for,
    database_state,
    indicator,
    make_member,
)
from tests.test_import import _bytes, _download, _line, _upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def renshe(renshe_liaison):
    return client_for(renshe_liaison)


@pytest.fixture
def filled(renshe, employment_row, march):
    """The 县人社局 template for March with item 3's figures and funds filled in (as in test_import)."""
    workbook = _download(renshe, march)
    sheet = workbook.active
    for name, value in ((EMPLOYMENT, 930), (TRAINING, 600.0), (STARTUP_TRAINING, "120")):
        sheet.cell(_line(sheet, item=indicator(employment_row, name)), VALUE.index).value = value
    sheet.cell(_line(sheet, task_row=employment_row), FUNDS.index).value = 88.5
    return workbook


def _march_figures(march) -> dict:
    return dict(
        Figure.objects.filter(contribution__submission__reporting_month=march).values_list(
            "indicator__name", "value"
        )
    )


def _age(pending: PendingImport, hours: int) -> None:
    PendingImport.objects.filter(pk=pending.pk).update(created_at=timezone.now() - timedelta(hours=hours))


def test_it_keeps_the_upload_in_the_database_for_its_uploader(renshe, renshe_liaison, filled, march):
    content = _bytes(filled)
    location = _upload(renshe, content, "三月.xlsx")["Location"]
    pending = PendingImport.objects.get()
    assert location == reverse("reporting:import_preview", args=[pending.token])
    assert (pending.user, pending.unit.name, pending.reporting_month) == (renshe_liaison, "县人社局", march)
    assert (pending.size, pending.file_name) == (len(content), "三月.xlsx")
    assert pending.parsed["year"] == 2023 and pending.parsed["month"] == 3


def test_a_confirmation_lands_on_another_server_than_its_preview(
    renshe, filled, employment_row, march, tmp_path, monkeypatch, settings
):
    first, second = tmp_path / "server-a", tmp_path / "server-b"
    first.mkdir()
    second.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(first))
    settings.IMPORT_PENDING_DIR = str(first)  # the old setting: ignored now
    location = _upload(renshe, _bytes(filled))["Location"]
    assert renshe.get(location).status_code == 200
    # Another server: its own, empty temporary directory and settings; only the database and the
    # session cookie (sessions are in the database) are shared with the first.
    monkeypatch.setattr(tempfile, "tempdir", str(second))
    settings.IMPORT_PENDING_DIR = str(second)
    other_server = Client()
    other_server.cookies = renshe.cookies
    response = other_server.post(location)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('reporting:entry')}?year=2023&month=3"
    assert _march_figures(march) == {EMPLOYMENT: 930, TRAINING: 600, STARTUP_TRAINING: 120}
    assert not PendingImport.objects.exists()
    assert list(first.iterdir()) == list(second.iterdir()) == []  # no file on either server's disk


def test_another_user_cannot_confirm_someone_elses_upload(renshe, filled, march, django_user_model):
    location = _upload(renshe, _bytes(filled))["Location"]
    colleague = make_member(django_user_model, "renshe2", Role.LIAISON, unit="县人社局")
    before = database_state()
    client = client_for(colleague)
    assert client.get(location).status_code == 404
    assert client.post(location).status_code == 404
    assert database_state() == before
    assert PendingImport.objects.count() == 1
    assert _march_figures(march) == {}


def test_the_stale_import_purge_empties_an_old_upload_and_its_confirmation_says_so(renshe, filled, march):
    location = _upload(renshe, _bytes(filled))["Location"]
    pending = PendingImport.objects.get()
    _age(pending, 25)
    out = io.StringIO()
    call_command("discard_stale_imports", stdout=out)
    assert "清除1个超时未确认的数据导入文件" in out.getvalue()
    pending.refresh_from_db()
    assert (pending.expired, pending.parsed) == (True, None)
    response = renshe.post(location, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reporting:import_upload")
    shown = [str(message) for message in response.context["messages"]]
    assert shown == ["该上传文件超过24小时未确认，已自动清除，没有导入任何数据。如需导入，请重新上传。"]
    assert _march_figures(march) == {}
    assert not PendingImport.objects.exists()
    assert renshe.post(location).status_code == 404


def test_a_stale_upload_is_refused_even_before_any_purge(renshe, filled, march):
    location = _upload(renshe, _bytes(filled))["Location"]
    _age(PendingImport.objects.get(), 25)
    response = renshe.post(location, follow=True)
    assert "已自动清除" in str(list(response.context["messages"])[0])
    assert _march_figures(march) == {}


def test_a_new_upload_purges_the_stale_ones(renshe, filled, march):
    _upload(renshe, _bytes(filled))
    stale = PendingImport.objects.get()
    _age(stale, 25)
    _upload(renshe, _bytes(filled))
    stale.refresh_from_db()
    assert stale.expired and stale.parsed is None
    _age(stale, 49)  # kept, emptied, as long again so its confirmation can say why; then gone
    assert purge_pending() == 0
    assert not PendingImport.objects.filter(pk=stale.pk).exists()


def test_a_user_keeps_at_most_five_uploads_waiting(renshe, filled, march):
    content = _bytes(filled)
    tokens = [_upload(renshe, content)["Location"] for _ in range(7)]
    assert PendingImport.objects.count() == 5
    assert renshe.get(tokens[0]).status_code == 404
    assert renshe.get(tokens[-1]).status_code == 200
