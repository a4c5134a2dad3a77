"""The benchmark suite (`make bench`): every page and export against its floor, two sizes, two databases.

    .venv/bin/python -m bench.run [--size county|stress|all] [--seed 2023] [--databases sqlite,postgres]
                                  [--postgres postgres://postgres@127.0.0.1:5432/postgres] [--quick]

For each database and size: the synthetic data (bench/data.py) is generated once and cached,
then one process measures everything (bench/measure.py) and the table is printed, in Markdown,
and kept with the raw figures in .bench-cache/. The environment gives the defaults:
BENCH_SIZE, BENCH_SEED, BENCH_DATABASES, and BENCH_POSTGRES_URL (else DATABASE_URL when it is
a PostgreSQL address, else the local server). PostgreSQL is skipped, with a message, when its
server cannot be reached.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".bench-cache"
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
PAGES = {"form_get", "form_post", "review", "dashboard", "dashboard_cold", "indicator", "indicator_cold"}
EXPORTS = {"monthly_export", "matrix_export"}
PAGE_GOAL = {"county": 3.0, "stress": 10.0}
EXPORT_GOAL = 3.0


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _child(*args: str, url: str, timeout: int = 3600) -> dict:
    env = os.environ | {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    command = [sys.executable, "-m", "bench.run", "--child", *args]
    # Our own module with our own arguments: nothing from outside reaches the command line.
    process = subprocess.run(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, timeout=timeout, check=False
    )
    if process.returncode != 0:
        raise SystemExit(f"基准测试子进程失败（{' '.join(args)}，退出码 {process.returncode}）")
    return json.loads(process.stdout.strip().splitlines()[-1])


# --- the cache -----------------------------------------------------------------------------------


def _pg_admin(url: str):
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
        connect_timeout=5,
    )
    connection.autocommit = True
    return connection


def _postgres_reachable(url: str) -> bool:
    try:
        _pg_admin(url).close()
    except Exception as exc:  # any failure to connect means: skip PostgreSQL
        print(f"PostgreSQL 不可用，跳过（{url}）：{str(exc).strip()}", flush=True)
        return False
    return True


def ensure_data(engine: str, size: str, seed: int, postgres: str) -> str:
    """The database URL of the cached data, generating it first if needed."""
    from bench.sizes import cache_name, pg_database_name

    started = time.perf_counter()
    if engine == "sqlite":
        CACHE.mkdir(exist_ok=True)
        final = CACHE / f"{cache_name(size, seed)}.sqlite3"
        if final.exists():
            return f"sqlite:///{final}"
        partial = final.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        print(f"生成 {size} 数据（SQLite，种子 {seed}）……", flush=True)
        counts = _child("generate", "--size", size, "--seed", str(seed), url=f"sqlite:///{partial}")
        partial.rename(final)
        url = f"sqlite:///{final}"
    else:
        name = pg_database_name(size, seed)
        admin = _pg_admin(postgres)
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone():
                admin.close()
                return _with_database(postgres, name)
            print(f"生成 {size} 数据（PostgreSQL，种子 {seed}）……", flush=True)
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}_partial"')
            cursor.execute(f'CREATE DATABASE "{name}_partial"')
        counts = _child(
            "generate", "--size", size, "--seed", str(seed), url=_with_database(postgres, f"{name}_partial")
        )
        with admin.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{name}_partial" RENAME TO "{name}"')
        admin.close()
        url = _with_database(postgres, name)
    print(
        f"  完成，用时 {time.perf_counter() - started:.0f} s："
        + "，".join(f"{key} {value:,}" for key, value in counts.items() if key != "seconds"),
        flush=True,
    )
    return url


# --- the table -----------------------------------------------------------------------------------


def _number(value, digits=1) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def _verdict(row: dict, size: str) -> str:
    ratio = row["ratio"]
    if row.get("note", "").startswith("状态码"):
        return "✗"
    if ratio is None:
        return ""
    if row["key"] in PAGES:
        return "✓" if ratio <= PAGE_GOAL[size] else "✗"
    if row["key"] in EXPORTS:
        return "✓" if ratio <= EXPORT_GOAL else "✗"
    return ""


def _styled(row: dict) -> str:
    if not row.get("styled_floor_median_ms"):
        return "—"
    return f"{_number(row['styled_floor_median_ms'])}（×{row['styled_ratio']:.1f}）"


def table(runs: list[dict]) -> str:
    head = (
        "| 规模 | 数据库 | 项目 | 次数 | 中位数 ms | P95 ms | 查询数 | 峰值内存 MiB "
        "| 下限 | 下限中位数 ms | 倍数 | 目标 | 带样式下限 ms（倍数） | 下限查询数 | 下限内存 MiB | 说明 |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for run in runs:
        for row in run["results"]:
            lines.append(
                "| "
                + " | ".join(
                    [
                        run["size_label"],
                        run["engine"],
                        row["label"],
                        str(row["runs"]),
                        _number(row["median_ms"]),
                        _number(row["p95_ms"]),
                        _number(row["queries"]),
                        _number(row["peak_mib"]),
                        row["floor_label"] or "—",
                        _number(row["floor_median_ms"]),
                        "—" if row["ratio"] is None else f"×{row['ratio']:.1f}",
                        _verdict(row, run["size"]),
                        _styled(row),
                        _number(row["floor_queries"]),
                        _number(row["floor_peak_mib"]),
                        row.get("note", ""),
                    ]
                )
                + " |"
            )
    return "\n".join(lines)


def flatness(runs: list[dict]) -> list[str]:
    """Per database: the query count of each item at both sizes."""
    lines = []
    by_engine: dict[str, dict[str, dict]] = {}
    for run in runs:
        by_engine.setdefault(run["engine"], {})[run["size"]] = {row["key"]: row for row in run["results"]}
    for engine, sizes in by_engine.items():
        if {"county", "stress"} <= set(sizes):
            for key, row in sizes["county"].items():
                other = sizes["stress"].get(key)
                if other is None or key.startswith("import") or key == "aggregate":
                    continue
                if key == "form_post":
                    # Per row and figure of the liaison's own form, which differs between the sizes.
                    lines.append(
                        f"- {engine} {row['label']}：{row['queries']}（{row['note']}）"
                        f" / {other['queries']}（{other['note']}），随表单大小而非数据量变化"
                    )
                    continue
                same = "相同" if other["queries"] == row["queries"] else "不同 ✗"
                lines.append(f"- {engine} {row['label']}：{row['queries']} / {other['queries']}（{same}）")
    return lines


# --- entry points --------------------------------------------------------------------------------


def child(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["generate", "measure"])
    parser.add_argument("--size", required=True)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="")
    args = parser.parse_args(argv)
    import django

    django.setup()
    if args.action == "generate":
        from bench.data import generate

        print(json.dumps(generate(size=args.size, seed=args.seed)))
        return
    from django.core.management import call_command

    from bench.measure import Bench

    call_command("migrate", verbosity=0)  # a cache made before a new migration catches up
    from django.db import connection

    if connection.vendor == "postgresql":
        # Planner statistics, as autovacuum keeps them on a production server: bulk-loaded tables
        # have none until analysed, and a server may run with autovacuum off.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    only = set(filter(None, args.only.split(",")))
    print(json.dumps(Bench(size=args.size, quick=args.quick).run(only=only or None)))


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2:])
        return
    from bench.sizes import SIZES

    default_pg = os.environ.get("BENCH_POSTGRES_URL") or (
        os.environ["DATABASE_URL"]
        if os.environ.get("DATABASE_URL", "").startswith("postgres")
        else LOCAL_POSTGRES
    )
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--size", default=os.environ.get("BENCH_SIZE") or "all", choices=["county", "stress", "all"]
    )
    parser.add_argument("--seed", type=int, default=int(os.environ.get("BENCH_SEED") or 2023))
    parser.add_argument("--databases", default=os.environ.get("BENCH_DATABASES") or "sqlite,postgres")
    parser.add_argument(
        "--postgres", default=default_pg, help="a PostgreSQL address; its server holds the cache"
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument(
        "--only", default="", help="comma-separated: form,review,dashboard,indicator,exports,imports"
    )
    args = parser.parse_args()
    sizes = ["county", "stress"] if args.size == "all" else [args.size]
    engines = [name.strip() for name in args.databases.split(",") if name.strip()]
    if "postgres" in engines and not _postgres_reachable(args.postgres):
        engines.remove("postgres")
    started = time.perf_counter()
    runs = []
    for engine in engines:
        for size in sizes:
            url = ensure_data(engine, size, args.seed, args.postgres)
            print(f"测量：{SIZES[size].label}，{engine}……", flush=True)
            measured = time.perf_counter()
            options = ["--quick"] if args.quick else []
            options += ["--only", args.only] if args.only else []
            results = _child("measure", "--size", size, "--seed", str(args.seed), *options, url=url)
            print(f"  用时 {time.perf_counter() - measured:.0f} s", flush=True)
            runs.append({"engine": engine, "size": size, "size_label": SIZES[size].label, "results": results})
    text = table(runs)
    checks = flatness(runs)
    report = [
        f"# 基准测试结果（{datetime.now():%Y-%m-%d %H:%M}，种子 {args.seed}，{os.cpu_count()} 核）",
        "",
        text,
        "",
        f"目标：页面不超过空视图的 ×{PAGE_GOAL['county']:.0f}（县域规模）"
        f"/ ×{PAGE_GOAL['stress']:.0f}（压力规模），导出不超过 openpyxl 裸写的 ×{EXPORT_GOAL:.0f}"
        "（只写值的下限；带样式下限：同样的单元格连同字体、边框、对齐、合并和页面设置，只作对照）。",
    ]
    if checks:
        report += ["", "查询数（县域规模 / 压力规模）：", *checks]
    report += ["", f"总用时 {time.perf_counter() - started:.0f} s"]
    print("\n" + "\n".join(report))
    CACHE.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (CACHE / f"results-{stamp}.md").write_text("\n".join(report) + "\n", encoding="utf-8")
    (CACHE / f"results-{stamp}.json").write_text(
        json.dumps(runs, ensure_ascii=False, indent=1), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
