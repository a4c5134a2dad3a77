"""After a two-server load test: a submission made through server A is on server B's board at once.

    .venv/bin/python loadtest/cross_server.py .bench-cache/loadtest http://127.0.0.1:8765 http://127.0.0.1:8766

Run by loadtest/run.sh while both servers still run, with the same environment (DATABASE_URL,
cache). A leader opens, on B, the board of a unit that leads a task row still open this month
(twice, so the second answer comes from the shared cache); the unit's liaison then saves and
submits that row through A; the leader's next request to B must show it submitted. The figures
sent are the ones already on the form, so loadtest/verify.py still finds every last save.
Writes cross_server.json in the folder, prints the outcome, exits 1 on failure.
"""

import json
import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBMITTED = 'class="badge status-submitted"'


class Forms(HTMLParser):
    """The POST forms of a page, each as its fields with the values the browser would send."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"fields": {}, "buttons": []}
            self.forms.append(self._form)
        if self._form is None or "disabled" in attrs or not attrs.get("name"):
            return
        name, fields = attrs["name"], self._form["fields"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button"):
                self._form["buttons"].append((name, attrs.get("value") or ""))
                return
            fields[name] = attrs.get("value") or ("on" if kind == "checkbox" else "")
        elif tag == "button":
            self._form["buttons"].append((name, attrs.get("value") or ""))
        elif tag == "select":
            self._select = name
            fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = name
            fields[name] = ""

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def login(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    data = {"csrfmiddlewaretoken": CSRF_RE.search(page.text).group(1), "username": username}
    answer = session.post(
        f"{base}/accounts/login/", data={**data, "password": password, "next": "/"}, allow_redirects=False
    )
    if answer.status_code != 302:
        raise SystemExit(f"{username} 在 {base} 登录失败（{answer.status_code}）")
    return session


def candidate(accounts: dict):
    """A liaison, its unit and a row that unit leads whose submission this month is still open."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
    import django

    django.setup()
    from accounts.models import Membership
    from projects.models import TaskRow
    from reporting.models import Submission

    year, month = accounts["year"], accounts["month"]
    usernames = [item["username"] for item in accounts["liaisons"]]
    for username, unit_id in Membership.objects.filter(user__username__in=usernames).values_list(
        "user__username", "unit_id"
    ):
        for row in TaskRow.objects.filter(lead_unit_id=unit_id, project__tier__plan_year__year=year):
            submission = Submission.objects.filter(
                task_row=row, reporting_month__plan_year__year=year, reporting_month__month=month
            ).first()
            if submission is not None and submission.status == Submission.Status.DRAFT:
                return username, unit_id, row.pk, submission.pk
    return None


def submitted_on(board: requests.Session, url: str) -> int:
    page = board.get(url, timeout=60)
    if page.status_code != 200:
        raise SystemExit(f"驾驶舱 {url} 返回 {page.status_code}")
    return page.text.count(SUBMITTED)


def main() -> None:
    folder, server_a, server_b = Path(sys.argv[1]), sys.argv[2].rstrip("/"), sys.argv[3].rstrip("/")
    for base in (server_a, server_b):
        if urlsplit(base).hostname not in LOOPBACK:
            raise SystemExit(f"只允许本机地址，不能访问 {base}")
    accounts = json.loads((folder / "accounts.json").read_text(encoding="utf-8"))
    year, month, password = accounts["year"], accounts["month"], accounts["password"]
    found = candidate(accounts)
    if found is None:
        result = {"ok": False, "detail": "没有找到本月仍为草稿、可提交的牵头任务"}
    else:
        username, unit_id, row_id, submission_id = found
        board = login(server_b, accounts["leaders"][0]["username"], password)
        board_url = f"{server_b}/dashboard/units/{unit_id}/?year={year}"
        submitted_on(board, board_url)
        before = submitted_on(board, board_url)  # now from the shared cache
        liaison = login(server_a, username, password)
        form_url = f"/report/?year={year}&month={month}"
        parser = Forms()
        parser.feed(liaison.get(server_a + form_url, timeout=60).text)
        form = next(item for item in parser.forms if ("submit_row", str(row_id)) in item["buttons"])
        answer = liaison.post(
            server_a + form_url, data={**form["fields"], "submit_row": str(row_id)}, allow_redirects=False
        )
        after = submitted_on(board, board_url)
        ok = answer.status_code == 302 and after == before + 1
        result = {
            "ok": ok,
            "detail": (
                f"{username} 经 {server_a} 提交任务{row_id}"
                f"（报送{submission_id}，应答 {answer.status_code}）；"
                f"{server_b} 驾驶舱单位页上“已提交”由 {before} 个变为 {after} 个"
            ),
        }
    (folder / "cross_server.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    print(("PASS：" if result["ok"] else "FAIL：") + result["detail"])
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
