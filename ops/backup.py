"""Backup and restore: one timestamped tar.gz holding the database, the uploaded files and a manifest.

- SQLite: the database is copied with SQLite's online backup API, consistent while in use.
- PostgreSQL: `pg_dump -Fc` runs on a snapshot exported from a repeatable-read transaction;
  the manifest's row counts and figures checksum are read in that same transaction, so they
  describe exactly what the dump holds.
- MEDIA_ROOT (evidence and other uploads) goes in under media/.

A restore goes into an EMPTY database only (no tables at all), then checks every table's
row count and the figures checksum against the manifest. Archives hold personal data:
they are written readable by their owner only, and so is a restored SQLite database file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing, contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from core import data_version
from core.errors import Refused

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
MEDIA_DIR = "media"
FIGURE_COLUMNS = ("id", "contribution_id", "indicator_id", "value", "stage", "explanation")


class BackupError(Refused):
    """A refused or failed backup or restore; the message is for the operator."""


# --- what a database holds ------------------------------------------------------------------------


def _number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float | Decimal | str):
        try:
            return format(Decimal(str(value)).normalize(), "f")
        except ArithmeticError:
            return str(value)
    return str(value)


def _tables(cursor, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return sorted(row[0] for row in cursor.fetchall())


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def contents(cursor, vendor: str) -> dict:
    """Every table's row count and a checksum of the figures, read through `cursor`."""
    tables = _tables(cursor, vendor)
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - names from the catalogue
        counts[table] = cursor.fetchone()[0]
    digest = hashlib.sha256()
    if "reporting_figure" in tables:
        columns = ", ".join(FIGURE_COLUMNS)
        cursor.execute(f"SELECT {columns} FROM reporting_figure ORDER BY id")  # noqa: S608
        for row in cursor.fetchall():
            digest.update(("|".join(_number(value) for value in row) + "\n").encode())
    return {"tables": counts, "figures_checksum": digest.hexdigest()}


# --- where the database is ------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    """A database as Django's settings describe it (settings.DATABASES[alias] or a test's own)."""

    settings_dict: dict

    @classmethod
    def of(cls, alias: str = "default") -> Database:
        return cls(dict(connections[alias].settings_dict))

    @property
    def vendor(self) -> str:
        engine = self.settings_dict["ENGINE"]
        if engine.endswith("sqlite3"):
            return "sqlite"
        if "postgresql" in engine:
            return "postgresql"
        raise BackupError(_("不支持的数据库类型：%(engine)s") % {"engine": engine})

    def pg_env(self) -> dict[str, str]:
        env = dict(os.environ)
        for key, name in (
            ("HOST", "PGHOST"),
            ("PORT", "PGPORT"),
            ("USER", "PGUSER"),
            ("PASSWORD", "PGPASSWORD"),
        ):
            value = self.settings_dict.get(key)
            if value:
                env[name] = str(value)
        env["PGDATABASE"] = self.settings_dict["NAME"]
        return env

    @contextmanager
    def pg_connection(self):
        import psycopg2

        options = self.settings_dict
        connection = psycopg2.connect(
            dbname=options["NAME"],
            user=options.get("USER") or None,
            password=options.get("PASSWORD") or None,
            host=options.get("HOST") or None,
            port=options.get("PORT") or None,
        )
        try:
            yield connection
        finally:
            connection.close()


def _run(command: list[str], *, env: dict[str, str]) -> None:
    program = shutil.which(command[0])
    if program is None:
        raise BackupError(_("找不到 %(program)s，请安装 PostgreSQL 客户端工具。") % {"program": command[0]})
    result = subprocess.run([program, *command[1:]], env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(
            _("%(program)s 执行失败：%(error)s")
            % {"program": command[0], "error": result.stderr.strip()[-2000:]}
        )


# --- backup ---------------------------------------------------------------------------------------


def _dump_sqlite(alias: str, work: Path) -> dict:
    target = work / SQLITE_FILE
    source = connections[alias]
    source.ensure_connection()
    with closing(sqlite3.connect(target)) as copy:
        source.connection.backup(copy)
        with closing(copy.cursor()) as cursor:
            return contents(cursor, "sqlite")


def _dump_postgresql(database: Database, work: Path) -> dict:
    with database.pg_connection() as connection:
        connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            found = contents(cursor, "postgresql")
            # pg_dump reads the very snapshot the counts were read in, while this transaction lives.
            _run(
                ["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(work / PG_FILE)],
                env=database.pg_env(),
            )
        connection.rollback()
    return found


def create_backup(*, output_dir: Path, alias: str = "default", media_root: Path | None = None) -> Path:
    """Write minsheng-backup-YYYYmmdd-HHMMSS.tar.gz into output_dir; returns its path."""
    database = Database.of(alias)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    now = timezone.localtime()
    final = output_dir / f"minsheng-backup-{now:%Y%m%d-%H%M%S}.tar.gz"
    with tempfile.TemporaryDirectory(dir=output_dir) as work_dir:
        work = Path(work_dir)
        if database.vendor == "sqlite":
            found, database_file = _dump_sqlite(alias, work), SQLITE_FILE
        else:
            found, database_file = _dump_postgresql(database, work), PG_FILE
        media_files = (
            sorted(path for path in media_root.rglob("*") if path.is_file()) if media_root.exists() else []
        )
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "vendor": database.vendor,
            "database_file": database_file,
            "media_files": len(media_files),
            **found,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        partial = work / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / MANIFEST, arcname=MANIFEST)
            archive.add(work / database_file, arcname=database_file)
            for path in media_files:
                archive.add(path, arcname=f"{MEDIA_DIR}/{path.relative_to(media_root).as_posix()}")
        partial.chmod(0o600)
        os.replace(partial, final)
    return final


# --- restore --------------------------------------------------------------------------------------


def _sqlite(name) -> sqlite3.Connection:
    """A connection to a database file, or to a URI such as the test suite's shared in-memory database."""
    name = str(name)
    return sqlite3.connect(name, uri=name.startswith("file:"))


def _owner_only_sqlite_file(name) -> None:
    """Make the database file (and its journal, -wal and -shm files, if any) readable by its owner only.

    Created 0600 before SQLite opens it: SQLite gives the files it adds beside a database the
    database file's own mode, so the write-ahead log and shared memory files are 0600 too.
    """
    name = str(name)
    if name.startswith("file:") or name == ":memory:":
        return
    path = Path(name)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for companion in (path, *(path.with_name(path.name + end) for end in ("-journal", "-wal", "-shm"))):
        if companion.exists():
            companion.chmod(0o600)


def _existing_tables(database: Database) -> list[str]:
    if database.vendor == "sqlite":
        name = str(database.settings_dict["NAME"])
        if not name.startswith("file:") and not Path(name).exists():
            return []
        with closing(_sqlite(name)) as connection, closing(connection.cursor()) as cursor:
            return _tables(cursor, "sqlite")
    with database.pg_connection() as connection, connection.cursor() as cursor:
        return _tables(cursor, "postgresql")


def read_contents(database: Database) -> dict:
    if database.vendor == "sqlite":
        with closing(_sqlite(database.settings_dict["NAME"])) as connection:
            with closing(connection.cursor()) as cursor:
                return contents(cursor, "sqlite")
    with database.pg_connection() as connection, connection.cursor() as cursor:
        return contents(cursor, "postgresql")


def restore_backup(*, archive: Path, database: Database, media_root: Path | None = None) -> dict:
    """Restore an archive into an empty database and media folder; returns the manifest."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(_("找不到备份文件：%(path)s") % {"path": archive})
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        try:
            with tarfile.open(archive, "r:gz") as opened:
                # The "data" filter refuses absolute paths, links out of the folder and device files.
                opened.extractall(work, filter="data")
            manifest = json.loads((work / MANIFEST).read_text())
        except (tarfile.TarError, OSError, KeyError, ValueError) as exc:
            raise BackupError(_("备份文件无法读取或已损坏：%(error)s") % {"error": exc}) from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(_("不认识的备份格式。"))
        if manifest["vendor"] != database.vendor:
            raise BackupError(
                _("该备份来自 %(source)s 数据库，不能恢复到 %(target)s 数据库。")
                % {"source": manifest["vendor"], "target": database.vendor}
            )
        tables = _existing_tables(database)
        if tables:
            raise BackupError(
                _(
                    "目标数据库不是空库（已有%(count)s张表），拒绝恢复。请新建一个空数据库后再恢复，以免覆盖现有数据。"
                )
                % {"count": len(tables)}
            )
        media_source = work / MEDIA_DIR
        media = (
            sorted(path for path in media_source.rglob("*") if path.is_file())
            if media_source.exists()
            else []
        )
        clashes = [path for path in media if (media_root / path.relative_to(media_source)).exists()]
        if clashes:
            raise BackupError(
                _("上传文件目录 %(path)s 中已有同名文件，拒绝覆盖。请使用空目录。") % {"path": media_root}
            )
        if database.vendor == "sqlite":
            _owner_only_sqlite_file(database.settings_dict["NAME"])
            with closing(sqlite3.connect(work / manifest["database_file"])) as source:
                with closing(_sqlite(database.settings_dict["NAME"])) as target:
                    source.backup(target)
            _owner_only_sqlite_file(database.settings_dict["NAME"])
        else:
            _run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "-d",
                    database.settings_dict["NAME"],
                    str(work / manifest["database_file"]),
                ],
                env=database.pg_env(),
            )
        for path in media:
            destination = media_root / path.relative_to(media_source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
    restored = read_contents(database)
    if (
        restored["tables"] != manifest["tables"]
        or restored["figures_checksum"] != manifest["figures_checksum"]
    ):
        raise BackupError(_("恢复后的数据与备份清单不一致，请检查后重试。"))
    # Written outside Django's connections, which renew the data version for every other write.
    data_version.renew()
    return manifest
