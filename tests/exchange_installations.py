"""Two real installations on one machine for tests/test_exchange_two_installations.py.

Each is its own database and its own `manage.py runserver` on a free 127.0.0.1 port. Both
databases are copies of the run's own test database, migrated and holding the bundled plan (a
SQLite file each, or a PostgreSQL database each when the run uses PostgreSQL). The functions at
the bottom run inside an installation (`manage.py shell -c`) to set it up through the real services.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "minsheng.settings_test"
# Not the demo password: with DEBUG off an installation refuses to start while an account uses it.
PASSWORD = "Exchange-Test-2026!"
TOKEN_ENV = "EXCHANGE_TOKEN_SHAOYANG"
RECEIVER_NAME = "邵阳市平台"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Installation:
    def __init__(self, name: str, database_url: str, workdir: Path):
        self.name = name
        self.database_url = database_url
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: subprocess.Popen | None = None
        self.extra_env: dict[str, str] = {}

    @property
    def env(self) -> dict[str, str]:
        return os.environ | {
            "DATABASE_URL": self.database_url,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "CACHE_DIR": str(self.workdir / "cache"),
            "EXCHANGE_RETRY_BACKOFF_SECONDS": "0.2",
            **self.extra_env,
        }

    def manage(self, *args: str, check: bool = True, timeout: int = 600) -> subprocess.CompletedProcess:
        command = [sys.executable, "manage.py", *args]
        # Our own manage.py with our own arguments: nothing from outside reaches the command line.
        done = subprocess.run(  # noqa: S603
            command, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if check and done.returncode:
            # The command's own words, so a failure in CI says what went wrong inside it.
            raise RuntimeError(
                f"{self.name}: manage.py {args[0]} exited {done.returncode}:\n{done.stderr[-3000:]}"
            )
        return done

    def shell(self, code: str):
        """Run `code` in the installation; the last line it prints, read as JSON."""
        done = self.manage("shell", "-c", code)
        return json.loads(done.stdout.strip().splitlines()[-1])

    def start(self) -> None:
        command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"]
        log = (self.workdir / f"{self.name}.log").open("w")
        self.server = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            if self.server.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(
            f"{self.name} did not start: {(self.workdir / f'{self.name}.log').read_text()[-2000:]}"
        )

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.server.kill()

    def login(self, username: str) -> requests.Session:
        session = requests.Session()
        session.get(f"{self.url}/accounts/login/", timeout=10)
        response = session.post(
            f"{self.url}/accounts/login/",
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
            },
            headers={"Referer": f"{self.url}/accounts/login/"},
            timeout=10,
        )
        assert "sessionid" in session.cookies, response.text[:500]
        return session


# --- the databases -------------------------------------------------------------------------------


def _with_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _postgres(url: str, statements: list[str]) -> None:
    import psycopg2

    connection = psycopg2.connect(_with_name(url, "postgres"))
    connection.autocommit = True
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    connection.close()


def databases(workdir: Path) -> tuple[str, str]:
    """The two installations' database addresses: copies of this run's test database with the plan.

    The test database is migrated and holds the bundled plan (tests/database.py): copying it
    (SQLite's backup, PostgreSQL's CREATE DATABASE … TEMPLATE) takes a moment where a migrate and
    a load_plan per installation took minutes. Call with database access, in a transactional test.
    """
    from django.db import connection

    from tests.database import restore_plan

    restore_plan()
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        run_url = os.environ["DATABASE_URL"]
        # Named after this worker's own test database, so two pytest-xdist workers never share one.
        copies = [f"{settings['NAME']}_county", f"{settings['NAME']}_prefecture"]
        connection.close()  # a template database must have no other session
        _postgres(run_url, [f'DROP DATABASE IF EXISTS "{name}"' for name in copies])
        _postgres(run_url, [f'CREATE DATABASE "{name}" TEMPLATE "{settings["NAME"]}"' for name in copies])
        return _with_name(run_url, copies[0]), _with_name(run_url, copies[1])
    connection.ensure_connection()
    copies = []
    for name in ("county", "prefecture"):
        path = workdir / f"{name}.sqlite3"
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        copies.append(f"sqlite:///{path}")
    return copies[0], copies[1]


# --- run inside an installation (manage.py shell -c) ----------------------------------------------


def _user(username: str, role: str, unit: str | None = None, **flags):
    from django.contrib.auth import get_user_model

    from accounts.models import Membership
    from projects.models import Unit

    user = get_user_model().objects.create_user(username, password=PASSWORD, first_name=username, **flags)
    if role:
        Membership.objects.create(user=user, role=role, unit=Unit.objects.get(name=unit) if unit else None)
    return user


def set_up_county(receiver_url: str) -> None:
    """May forwarded through the real workflow (two units' figures on the employment row); June not."""
    from accounts.models import Role
    from exchange.models import ReceivingInstallation
    from projects.models import PlanYear
    from reporting.models import Submission
    from reporting.workflow import review
    from tests import roles

    plan = PlanYear.objects.get(year=2023)
    office = _user("zhuanban", Role.OFFICE, "县人社局", is_staff=True)
    statistics = _user("tongji", Role.STATISTICS, "县统计局")
    lead = _user("renshe", Role.LIAISON, "县人社局")
    township = _user("jinshiqiao", Role.LIAISON, "金石桥镇人民政府")
    may = roles.reporting_month(plan, 5)
    row = roles.provincial_row(plan, 3)
    roles.save_figures(township, row, may, {roles.EMPLOYMENT: "35"})
    roles.fill_employment(lead, row, may, employment="120", training="60", startup="12")
    submission = Submission.objects.get(task_row=row, reporting_month=may)
    roles.submit_row(user=lead, submission_id=submission.pk, now=roles.deadline_moment(may, 10))
    review.approve(user=office, submission_id=submission.pk)
    review.verify(user=statistics, submission_id=submission.pk)
    roles.forward_whole_month(office, may)
    roles.reporting_month(plan, 6)
    ReceivingInstallation.objects.create(
        name=RECEIVER_NAME, base_url=receiver_url, token_env=TOKEN_ENV, same_codes=True
    )
    print(json.dumps({"ok": True}))


def set_up_prefecture() -> None:
    """The county's installation registered as a sender, with its token; an office to read the page."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Role
    from api import services
    from exchange.models import Sender

    security = _user("anquan", Role.SECURITY, is_staff=True)
    _user("zhuanban", Role.OFFICE, "县人社局", is_staff=True)
    client, token = services.create_client(
        created_by=security,
        name="隆回县平台",
        expires_at=timezone.now() + timedelta(days=30),
        allowed_networks="127.0.0.1/32",
    )
    Sender.objects.create(client=client, code="430524", name="隆回县")
    print(json.dumps({"token": token}))


def received_state(database_url: str) -> dict:
    """What the receiving installation holds, read straight from its database (no process to start)."""
    queries = {
        "figures": "SELECT COUNT(*) FROM exchange_receivedfigure",
        "history": "SELECT COUNT(*) FROM exchange_historicalreceivedfigure",
        "batches": "SELECT COUNT(*) FROM exchange_receivedbatch",
        "values": "SELECT indicator_code, unit_name, value FROM exchange_receivedfigure ORDER BY 1, 2",
    }
    if database_url.startswith("postgres"):
        import psycopg2

        connection = psycopg2.connect(database_url)
    else:
        connection = sqlite3.connect(urlsplit(database_url).path)
    try:
        cursor = connection.cursor()
        state = {}
        for name, sql in queries.items():
            cursor.execute(sql)
            rows = cursor.fetchall()
            state[name] = rows[0][0] if name != "values" else [list(row) for row in rows]
        return state
    finally:
        connection.close()
