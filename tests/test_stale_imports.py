"""Unconfirmed import batches hold full ID numbers: none outlives IMPORT_PENDING_MAX_AGE (24 hours)."""

import io
import sqlite3
import tarfile
from contextlib import closing
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Beneficiary, ImportBatch
from tests.beneficiaries import id_number_for, workbook_bytes
from tests.roles import client_for

pytestmark = pytest.mark.django_db

NUMBER = id_number_for(901)


def upload(client, task_row, number: str = NUMBER):
    row = ["刘满妹", number, "", "金石桥镇人民政府", "金石桥村", "适老化改造", 1, "2023-02-01"]
    content = io.BytesIO(workbook_bytes([row]))
    content.name = "名单.xlsx"
    return client.post(reverse("beneficiaries:import_upload", args=[task_row.pk]), {"file": content})


def age(batch: ImportBatch, **delta) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(**delta))


def purged(batch: ImportBatch) -> bool:
    batch.refresh_from_db()
    return (batch.status, batch.rows) == (ImportBatch.Status.DISCARDED, [])


@pytest.fixture
def staged(township_liaison, elderly_row) -> ImportBatch:
    upload(client_for(township_liaison), elderly_row)
    return ImportBatch.objects.get()


def test_it_purges_batches_older_than_the_setting_with_the_command(staged, settings):
    settings.IMPORT_PENDING_MAX_AGE = 3600
    age(staged, hours=2)

    call_command("discard_stale_imports", stdout=io.StringIO())

    assert purged(staged)


def test_it_keeps_a_batch_younger_than_the_setting(staged):
    age(staged, hours=23)

    call_command("discard_stale_imports", stdout=io.StringIO())

    staged.refresh_from_db()
    assert staged.status == ImportBatch.Status.PENDING


def test_it_purges_stale_batches_when_a_new_import_is_started(staged, township_liaison, elderly_row):
    age(staged, hours=25)

    upload(client_for(township_liaison), elderly_row, id_number_for(902))

    assert purged(staged)


def test_it_refuses_to_preview_a_stale_batch(staged, township_liaison):
    age(staged, hours=25)

    response = client_for(township_liaison).get(
        reverse("beneficiaries:import_preview", args=[staged.pk]), follow=True
    )

    assert "已超过24小时未确认" in response.content.decode()
    assert purged(staged)


def test_it_refuses_to_confirm_a_stale_batch(staged, township_liaison):
    age(staged, hours=25)

    client_for(township_liaison).post(reverse("beneficiaries:import_confirm", args=[staged.pk]))

    assert not Beneficiary.objects.exists()
    assert purged(staged)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads the SQLite file inside the archive")
def test_it_keeps_stale_batches_out_of_a_backup(staged, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    age(staged, hours=25)

    call_command("backup", "-o", str(tmp_path / "backups"), stdout=io.StringIO())

    (archive,) = (tmp_path / "backups").glob("*.tar.gz")
    with tarfile.open(archive, "r:gz") as opened:
        opened.extract("database.sqlite3", tmp_path, filter="data")
    with closing(sqlite3.connect(tmp_path / "database.sqlite3")) as copy:
        kept = copy.execute("SELECT rows FROM beneficiaries_importbatch WHERE status = 'pending'").fetchall()
    assert kept == []
