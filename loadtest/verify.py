"""After the load test: locust's figures, and whether every liaison's last save is in the database once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/minsheng_loadtest \\
        .venv/bin/python loadtest/verify.py .bench-cache/loadtest

Reads what locust wrote in that folder (locust_stats.csv, and sent.jsonl: every save each liaison
sent, with the answer) and checks, for every liaison of accounts.json: its last save was accepted
(302), and each figure, stage and the funds it sent are in the database exactly once (one
submission per task row and month, one contribution per unit, one figure per indicator) with the
value sent. With several servers, also the figures per server (servers.csv, written by the
locustfile) and the cross-server check (cross_server.json, by cross_server.py). Prints PASS or
FAIL, exits 1 on FAIL.
"""

import csv
import json
import os
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
P95_GOAL_MS = 1000


def locust_summary(folder: Path) -> tuple[list[str], bool]:
    stats = folder / "locust_stats.csv"
    if not stats.exists():
        return [f"没有找到 {stats}"], False
    lines = [
        f"{'请求':<22}{'次数':>7}{'失败':>6}{'每秒':>8}{'中位数 ms':>11}{'P95 ms':>9}{'最大 ms':>9}",
    ]
    ok = True
    with open(stats, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = row["Name"] if row["Name"] != "Aggregated" else "合计"
            label = f"{row['Type']} {name}"[:22]
            lines.append(
                f"{label:<22}{int(row['Request Count']):>7}{int(row['Failure Count']):>6}"
                f"{float(row['Requests/s']):>8.1f}{float(row['Median Response Time']):>11.0f}"
                f"{float(row['95%']):>9.0f}"
                f"{float(row['Max Response Time']):>9.0f}"
            )
            if row["Name"] == "Aggregated":
                failures, p95 = int(row["Failure Count"]), float(row["95%"])
                reached = "达到" if p95 < P95_GOAL_MS else "未达到"
                lines.append("")
                lines.append(
                    f"吞吐量 {float(row['Requests/s']):.1f} 请求/秒；"
                    f"中位数 {float(row['Median Response Time']):.0f} ms；"
                    f"P95 {p95:.0f} ms（目标 < {P95_GOAL_MS} ms：{reached}）；错误 {failures} 个"
                )
                ok = failures == 0
    return lines, ok


def server_summary(folder: Path) -> tuple[list[str], bool]:
    """Throughput, median, 95th percentile and errors of each server; ok when none has an error."""
    stats = folder / "servers.csv"
    if not stats.exists():
        return [], True
    with open(stats, encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["Name"] == "Aggregated"]
    if len(rows) < 2:
        return [], True
    lines = ["", "各服务器："]
    ok = True
    for row in rows:
        p95, failures = float(row["95%"]), int(row["Failures"])
        lines.append(
            f"  {row['Server']}：{int(row['Requests']):,} 个请求，{float(row['Requests/s']):.1f} 请求/秒；"
            f"中位数 {row['Median']} ms；P95 {p95:.0f} ms；最大 {row['Max']} ms；错误 {failures} 个"
        )
        ok = ok and failures == 0
    cross = folder / "cross_server.json"
    if cross.exists():
        result = json.loads(cross.read_text(encoding="utf-8"))
        lines.append(f"  跨服务器核对：{'PASS' if result['ok'] else 'FAIL'}：{result['detail']}")
        ok = ok and result["ok"]
    else:
        lines.append("  跨服务器核对：FAIL：没有结果（cross_server.json）")
        ok = False
    return lines, ok


def check_writes(folder: Path) -> list[str]:
    """Problems found; empty when every liaison's last save is in the database exactly once."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
    import django

    django.setup()
    from django.db.models import Count

    from accounts.models import Membership
    from reporting.models import Contribution, Figure, Submission

    accounts = json.loads((folder / "accounts.json").read_text(encoding="utf-8"))
    year, month = accounts["year"], accounts["month"]
    last: dict[str, dict] = {}
    sent_file = folder / "sent.jsonl"
    for line in sent_file.read_text(encoding="utf-8").splitlines() if sent_file.exists() else []:
        record = json.loads(line)
        last[record["username"]] = record  # in the order the answers came
    problems = []
    duplicates = (
        Submission.objects.filter(reporting_month__plan_year__year=year, reporting_month__month=month)
        .values("task_row")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    if duplicates:
        problems.append(f"{duplicates} 项任务的本月报送重复")
    units = dict(
        Membership.objects.filter(
            user__username__in=[item["username"] for item in accounts["liaisons"]]
        ).values_list("user__username", "unit_id")
    )
    for account in accounts["liaisons"]:
        username = account["username"]
        record = last.get(username)
        if record is None:
            problems.append(f"{username}：没有发出保存（未完成）")
            continue
        if record["status"] != 302:
            problems.append(f"{username}：第{record['round']}轮保存未被接受（{record['status']}）")
            continue
        figures = {}
        for item in Figure.objects.filter(
            contribution__unit_id=units[username],
            contribution__submission__reporting_month__plan_year__year=year,
            contribution__submission__reporting_month__month=month,
        ).values_list("contribution__submission__task_row_id", "indicator_id", "value", "stage"):
            key = item[:2]
            if key in figures:
                problems.append(f"{username}：任务{key[0]}指标{key[1]}的数据重复")
            figures[key] = item[2:]
        contributions = dict(
            Contribution.objects.filter(
                unit_id=units[username],
                submission__reporting_month__plan_year__year=year,
                submission__reporting_month__month=month,
            ).values_list("submission__task_row_id", "funds_invested")
        )
        for name, sent in record["fields"].items():
            parts = name.split("-")
            row = int(parts[0][1:])
            if name.endswith("-funds"):
                stored = contributions.get(row)
                if stored != Decimal(sent):
                    problems.append(f"{username}：任务{row}的投入资金为 {stored}，应为 {sent}")
            elif name.endswith(("-value", "-stage")):
                indicator = int(parts[1][1:])
                stored = figures.get((row, indicator))
                expected = (Decimal(sent), None) if name.endswith("-value") else (None, int(sent))
                if stored != expected:
                    problems.append(f"{username}：任务{row}指标{indicator}为 {stored}，应为 {expected}")
    return problems


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / ".bench-cache" / "loadtest")
    lines, no_errors = locust_summary(folder)
    server_lines, servers_ok = server_summary(folder)
    print("\n".join(lines + server_lines))
    no_errors = no_errors and servers_ok
    problems = check_writes(folder)
    accounts = json.loads((folder / "accounts.json").read_text(encoding="utf-8"))
    print()
    if problems:
        print(f"FAIL：{len(problems)} 处提交丢失、不符或重复（共 {len(accounts['liaisons'])} 个联络员）")
        for problem in problems[:30]:
            print("  - " + problem)
    else:
        print(f"PASS：{len(accounts['liaisons'])} 个联络员最后一次保存的数据全部在库，且各只有一份")
    sys.exit(0 if not problems and no_errors else 1)


if __name__ == "__main__":
    main()
