"""The load test (`make loadtest`): 600 liaisons fill their month while the office exports and leaders read.

Run by loadtest/run.sh against gunicorn on 127.0.0.1 only; the accounts come from the file
setup_data.py wrote (LOADTEST_ACCOUNTS). With several servers (LOADTEST_HOSTS, comma-separated
base addresses, all on the loopback), every simulated user sends its requests to them in turn,
so a login, the form it opens and the save after it reach different servers; each request is
also counted under its server, written to LOADTEST_SERVER_STATS (CSV) when locust quits.

Each liaison logs in with its correct password (no lockout can trigger), opens its monthly form,
fills every open field, saves, reads the form again and saves a correction, then stops; every
save it sent is appended to LOADTEST_SENT, which loadtest/verify.py compares with the database
afterwards. The office reviews and exports in a loop, the leaders open dashboards in a loop,
with think times between requests.

Bounded: run.sh passes --run-time, and the run stops after MAX_REQUESTS requests in any case.
"""

import csv
import itertools
import json
import os
import random
import re
from collections import defaultdict
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, between, events, task
from locust.exception import StopUser

ACCOUNTS = json.loads(open(os.environ["LOADTEST_ACCOUNTS"], encoding="utf-8").read())  # noqa: SIM115
SENT = open(os.environ["LOADTEST_SENT"], "a", encoding="utf-8")  # noqa: SIM115 - for the whole run
YEAR, MONTH, PASSWORD = ACCOUNTS["year"], ACCOUNTS["month"], ACCOUNTS["password"]
MAX_REQUESTS = int(os.environ.get("LOADTEST_MAX_REQUESTS", "20000"))
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
FORM_URL = f"/report/?year={YEAR}&month={MONTH}"

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TAG_RE = re.compile(r"<(?:input|select|textarea)\b[^>]*>")
NAME_RE = re.compile(r'name="(r\d+-(?:i\d+-)?(?:version|value|stage|funds|progress|problems))"')
VALUE_RE = re.compile(r'value="(\d+)"')
INDICATOR_RE = re.compile(r"/dashboard/indicators/(\d+)/")

SERVER_STATS = os.environ.get("LOADTEST_SERVER_STATS", "")

_next = {kind: itertools.count() for kind in ("liaisons", "office", "leaders")}
_requests = itertools.count(1)
_environment = []
_hosts: list[str] = []
# Per server, per request name: response times (ms), failures, first and last start time.
_by_server: dict[str, dict[str, dict]] = defaultdict(
    lambda: defaultdict(lambda: {"times": [], "failures": 0, "first": None, "last": None})
)


@events.init.add_listener
def _loopback_only(environment, **_kwargs):
    hosts = [item.strip().rstrip("/") for item in os.environ.get("LOADTEST_HOSTS", "").split(",")]
    hosts = [item for item in hosts if item] or [(environment.host or "").rstrip("/")]
    for host in hosts:
        if urlsplit(host).hostname not in LOOPBACK:
            raise SystemExit(f"压测只允许本机地址（127.0.0.1），不能对 {host} 施压。")
    _hosts[:] = hosts
    _environment.append(environment)


@events.request.add_listener
def _cap(**_kwargs):
    if next(_requests) == MAX_REQUESTS and _environment and _environment[0].runner is not None:
        _environment[0].runner.quit()


@events.request.add_listener
def _count_by_server(name, response_time, exception, url=None, start_time=None, **_kwargs):
    server = urlsplit(url or "").netloc or "?"
    for key in (name, "Aggregated"):
        item = _by_server[server][key]
        item["times"].append(response_time)
        item["failures"] += exception is not None
        if start_time is not None:
            item["first"] = start_time if item["first"] is None else item["first"]
            item["last"] = start_time


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


@events.quitting.add_listener
def _write_server_stats(**_kwargs):
    """One row per server and request name (and an Aggregated row per server), like locust_stats.csv."""
    if not SERVER_STATS:
        return
    with open(SERVER_STATS, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Server", "Name", "Requests", "Failures", "Requests/s", "Median", "95%", "Max"])
        for server, names in sorted(_by_server.items()):
            whole = names["Aggregated"]
            seconds = max(1.0, (whole["last"] or 0) - (whole["first"] or 0))
            for name, item in sorted(names.items(), key=lambda pair: pair[0] == "Aggregated"):
                ordered = sorted(item["times"])
                writer.writerow(
                    [
                        server,
                        name,
                        len(ordered),
                        item["failures"],
                        f"{len(ordered) / seconds:.2f}",
                        f"{_percentile(ordered, 0.5):.0f}",
                        f"{_percentile(ordered, 0.95):.0f}",
                        f"{ordered[-1]:.0f}",
                    ]
                )


def _account(kind: str) -> dict | None:
    """Each liaison account serves one simulated liaison only; office and leader accounts are shared."""
    index = next(_next[kind])
    if kind == "liaisons":
        return ACCOUNTS[kind][index] if index < len(ACCOUNTS[kind]) else None
    return ACCOUNTS[kind][index % len(ACCOUNTS[kind])]


def _idle():
    """Stay, doing nothing, until the run ends: a user that stops may be started again by locust."""
    while True:
        gevent.sleep(3600)


class Visitor(HttpUser):
    abstract = True
    kind = ""

    def at(self, path: str) -> str:
        """The next server in turn (the session cookie is the loopback's, sent to every port)."""
        return _hosts[next(self.turn) % len(_hosts)] + path

    def on_start(self):
        self.account = _account(self.kind)
        self.turn = itertools.count(random.randrange(len(_hosts)))  # noqa: S311 - spread, not security
        if self.account is None:
            _idle()
        with self.client.get(self.at("/accounts/login/"), name="登录页", catch_response=True) as response:
            token = CSRF_RE.search(response.text)
            if response.status_code != 200 or token is None:
                response.failure(f"登录页 {response.status_code}")
                raise StopUser()
        data = {
            "csrfmiddlewaretoken": token.group(1),
            "username": self.account["username"],
            "password": PASSWORD,
            "next": "/",
        }
        with self.client.post(
            self.at("/accounts/login/"), data=data, name="登录", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"登录失败 {response.status_code}")
                raise StopUser()

    def fetch(self, url: str, name: str):
        with self.client.get(self.at(url), name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{name} {response.status_code}")
            return response


class Liaison(Visitor):
    """Opens the form, fills it, saves; reads it again, corrects, saves; then stops."""

    fixed_count = len(ACCOUNTS["liaisons"])
    wait_time = between(1, 3)
    kind = "liaisons"

    @task
    def fill_month(self):
        number = int(self.account["username"][-3:])
        page = self.fetch(FORM_URL, "本月填报（打开）")
        gevent.sleep(random.uniform(10, 40))  # noqa: S311 - think time, not security
        for round_number in (1, 2):
            page = self.save(page.text, number=number, round_number=round_number)
            if page is None:
                break
            gevent.sleep(random.uniform(5, 20))  # noqa: S311
        _idle()

    def save(self, html: str, *, number: int, round_number: int):
        token = CSRF_RE.search(html)
        fields = {}
        for tag in TAG_RE.findall(html):
            found = NAME_RE.search(tag)
            if found is None or " disabled" in tag:
                continue
            name = found.group(1)
            if name.endswith("-version"):
                fields[name] = VALUE_RE.search(tag).group(1)
            elif name.endswith("-value"):
                # The same whole number in every field of a row: never above 100 (ratios), an
                # "of which" figure never above its parent; explained, so it may be below last month.
                fields[name] = str(10 + number % 50 + round_number)
                fields[name.replace("-value", "-explanation")] = f"压测第{round_number}轮"
            elif name.endswith("-stage"):
                fields[name] = str(round_number)
                fields[name.replace("-stage", "-explanation")] = f"压测第{round_number}轮"
            elif name.endswith("-funds"):
                fields[name] = f"{number}.{round_number:02d}"
            elif name.endswith("-progress"):
                fields[name] = f"{self.account['username']} 第{round_number}轮：按计划推进。"
        if token is None or not fields:
            return None
        with self.client.post(
            self.at(FORM_URL),
            data={"csrfmiddlewaretoken": token.group(1), **fields},
            name="本月填报（保存）",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            ok = response.status_code == 302
            if not ok:
                response.failure(f"保存 {response.status_code}")
        SENT.write(
            json.dumps(
                {
                    "username": self.account["username"],
                    "round": round_number,
                    "status": response.status_code,
                    "fields": fields,
                },
                ensure_ascii=False,
            )
            + "\n"
        )
        SENT.flush()
        return self.fetch(FORM_URL, "本月填报（打开）") if ok else None


class Office(Visitor):
    """Reviews the month and downloads the monthly report and the matrix, in a loop."""

    fixed_count = len(ACCOUNTS["office"])
    wait_time = between(10, 30)
    kind = "office"

    @task(2)
    def review(self):
        self.fetch(f"/review/?year={YEAR}&month={MONTH}", "审核报送列表")

    @task(2)
    def monthly_report(self):
        self.fetch(f"/exports/monthly-report.xlsx?year={YEAR}&month={MONTH}", "月度调度表导出")

    @task(1)
    def matrix(self):
        self.fetch(f"/exports/responsibility-matrix.xlsx?year={YEAR}", "责任分解表导出")


class Leader(Visitor):
    """Opens the overview, the list of indicators and one indicator, in a loop."""

    fixed_count = len(ACCOUNTS["leaders"])
    wait_time = between(10, 30)
    kind = "leaders"

    @task(3)
    def overview(self):
        self.fetch(f"/dashboard/?year={YEAR}", "驾驶舱总览")

    @task(1)
    def indicators(self):
        page = self.fetch(f"/dashboard/indicators/?year={YEAR}", "驾驶舱指标列表")
        found = INDICATOR_RE.findall(page.text or "")
        if found:
            self.fetch(f"/dashboard/indicators/{random.choice(found)}/?year={YEAR}", "单项指标页")  # noqa: S311
