"""A restored SQLite database holds full ID numbers: only its owner may read it, as with the archive."""

import os
import sqlite3
import stat
from contextlib import closing

import pytest
from django.db import connection

from ops.backup import Database, create_backup, restore_backup

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite restore writes a file"),
]


@pytest.fixture
def restored(plan_2023, tmp_path, settings):
    """A backup restored into a new file, under the usual umask that makes new files 0644."""
    settings.MEDIA_ROOT = tmp_path / "media"
    archive = create_backup(output_dir=tmp_path / "backups")
    target = tmp_path / "restored.sqlite3"
    previous = os.umask(0o022)
    try:
        restore_backup(
            archive=archive,
            database=Database({"ENGINE": "django.db.backends.sqlite3", "NAME": str(target)}),
            media_root=tmp_path / "restored-media",
        )
    finally:
        os.umask(previous)
    return target


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_it_writes_the_restored_database_file_readable_by_its_owner_only(restored):
    assert mode(restored) == 0o600


def test_it_leaves_the_restored_database_s_wal_files_readable_by_their_owner_only(restored):
    previous = os.umask(0o022)
    try:
        with closing(sqlite3.connect(restored)) as database:
            database.execute("PRAGMA journal_mode=WAL")
            database.execute("CREATE TABLE scratch (value INTEGER)")
            database.commit()
            wal, shm = restored.with_name(restored.name + "-wal"), restored.with_name(restored.name + "-shm")
            assert (mode(wal), mode(shm)) == (0o600, 0o600)
    finally:
        os.umask(previous)
