"""Backup and restore: every row and every uploaded file comes back, into an empty database only."""

import io
import json
import re
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core import data_version
from ops.backup import BackupError, Database, contents, create_backup, read_contents, restore_backup
from reporting.models import Figure
from tests.roles import fill_employment

pytestmark = pytest.mark.django_db(transaction=True)

EVIDENCE = b"%PDF-1.4 evidence of the employment fair"


@pytest.fixture
def data(renshe_liaison, township_liaison, employment_row, march, tmp_path, settings):
    """The plan, figures of two units, and an uploaded file in a media folder of the test's own."""
    fill_employment(renshe_liaison, employment_row, march, employment="930", training="600", startup="120")
    fill_employment(township_liaison, employment_row, march, employment="20")
    settings.MEDIA_ROOT = tmp_path / "media"
    evidence = settings.MEDIA_ROOT / "evidence" / "2023" / "招聘会.pdf"
    evidence.parent.mkdir(parents=True)
    evidence.write_bytes(EVIDENCE)
    return settings.MEDIA_ROOT


def source_contents() -> dict:
    with connection.cursor() as cursor:
        return contents(cursor, connection.vendor)


def archive_manifest(path: Path) -> dict:
    with tarfile.open(path, "r:gz") as archive:
        return json.load(archive.extractfile("manifest.json"))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backup")
def test_it_backs_up_and_restores_every_row_and_file_on_sqlite(data, tmp_path):
    archive = create_backup(output_dir=tmp_path / "backups")
    target = Database({"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "restored.sqlite3")})

    restore_backup(archive=archive, database=target, media_root=tmp_path / "restored-media")

    expected = source_contents()
    restored = read_contents(target)
    assert restored["tables"] == expected["tables"]
    assert restored["figures_checksum"] == expected["figures_checksum"]
    assert restored["tables"]["reporting_figure"] == Figure.objects.count() == 6
    assert (tmp_path / "restored-media" / "evidence" / "2023" / "招聘会.pdf").read_bytes() == EVIDENCE


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backup")
def test_a_restore_drops_the_cached_pages(data, tmp_path):
    archive = create_backup(output_dir=tmp_path / "backups")
    target = Database({"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "restored.sqlite3")})
    before = data_version.current()

    restore_backup(archive=archive, database=target, media_root=tmp_path / "restored-media")

    assert data_version.current() != before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backup (pg_dump, pg_restore)")
def test_it_backs_up_and_restores_every_row_and_file_on_postgresql(data, tmp_path):
    import psycopg2

    source = Database.of()
    scratch = f"minsheng_restore_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(
        dbname="postgres",
        user=source.settings_dict.get("USER") or None,
        password=source.settings_dict.get("PASSWORD") or None,
        host=source.settings_dict.get("HOST") or None,
        port=source.settings_dict.get("PORT") or None,
    )
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{scratch}"')
        archive = create_backup(output_dir=tmp_path / "backups")
        target = Database({**source.settings_dict, "NAME": scratch})

        restore_backup(archive=archive, database=target, media_root=tmp_path / "restored-media")

        expected = source_contents()
        restored = read_contents(target)
        assert restored["tables"] == expected["tables"]
        assert restored["figures_checksum"] == expected["figures_checksum"]
        assert restored["tables"]["reporting_figure"] == 6
        assert (tmp_path / "restored-media" / "evidence" / "2023" / "招聘会.pdf").read_bytes() == EVIDENCE
        with pytest.raises(BackupError, match="不是空库"):
            restore_backup(archive=archive, database=target, media_root=tmp_path / "elsewhere")
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        admin.close()


def test_the_archive_is_timestamped_private_and_describes_its_contents(data, tmp_path):
    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path / "backups"), stdout=out)
    [archive] = (tmp_path / "backups").glob("*.tar.gz")
    assert re.fullmatch(r"minsheng-backup-\d{8}-\d{6}\.tar\.gz", archive.name)
    assert archive.stat().st_mode & 0o777 == 0o600
    manifest = archive_manifest(archive)
    assert manifest["vendor"] == connection.vendor and manifest["media_files"] == 1
    assert manifest["tables"]["reporting_figure"] == 6
    assert manifest["figures_checksum"] == source_contents()["figures_checksum"]
    assert str(archive) in out.getvalue()


def test_it_refuses_to_restore_into_a_database_that_is_not_empty(data, tmp_path):
    archive = create_backup(output_dir=tmp_path / "backups")
    figures = Figure.objects.count()
    with pytest.raises(CommandError, match="目标数据库不是空库"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert Figure.objects.count() == figures


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a second SQLite file as the target")
def test_it_refuses_to_overwrite_uploaded_files(data, tmp_path):
    archive = create_backup(output_dir=tmp_path / "backups")
    target = Database({"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "restored.sqlite3")})
    with pytest.raises(BackupError, match="拒绝覆盖"):
        restore_backup(archive=archive, database=target, media_root=data)
    assert not Path(target.settings_dict["NAME"]).exists()


def test_it_refuses_a_damaged_archive(tmp_path):
    damaged = tmp_path / "minsheng-backup-20230101-000000.tar.gz"
    damaged.write_bytes(b"not a backup")
    target = Database({"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "restored.sqlite3")})
    with pytest.raises(BackupError, match="无法读取或已损坏"):
        restore_backup(archive=damaged, database=target, media_root=tmp_path / "media")
