"""Benchmark of the monthly progress report (月度调度表) export. Not a test: run it with `make bench`.

Builds a throwaway SQLite database with N synthetic indicator rows (100,000 by default, the
same for a given seed), exports November's report, and prints the time and peak memory of
the export next to a floor: a bare openpyxl write-only loop writing the same cells, with
nothing else to do (no database, no judging, no styling, no neutralising).

Each measurement runs in a fresh process so that one does not inherit the other's memory,
export and floor side by side (one core each):
    wall / CPU    seconds of the export (or of the floor's loop): elapsed, and CPU time of the
                  process, which a busy machine disturbs less
    RSS growth    how far the process's ru_maxrss (peak resident memory) rose during the run;
                  RSS peak is the process's whole high-water mark, Python and Django included
    tracemalloc   with --tracemalloc, the peak of Python allocations in a second, traced pair
                  of runs (tracing makes them about four times slower)

Usage: .venv/bin/python bench/bench_monthly_export.py [--rows 100000] [--seed 2023] [--keep] [--tracemalloc]
"""

import argparse
import json
import os
import pickle
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MONTH = 11
INDICATORS_PER_TASK_ROW = 10
TASK_ROWS_PER_PROJECT = 5
PHRASES = [
    "按计划有序推进",
    "已完成年度目标的大部分",
    "资金已拨付到位",
    "正在组织验收",
    "项目已开工建设",
    "受天气影响进度略有滞后",
    "已召开专题调度会",
    "乡镇配合推进",
    "群众满意度较高",
    "下一步将加快进度",
]
TRICKY = ["=1+2", "+86 0739", "-项目暂缓", "@负责人", '=HYPERLINK("http://evil.example")']


def _setup_django(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DEBUG"] = "false"  # DEBUG would keep every query in memory
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    os.environ["DJANGO_SETTINGS_MODULE"] = "minsheng.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --- the data ------------------------------------------------------------------------------------


def generate(*, rows: int, seed: int) -> None:
    from datetime import date, datetime, timedelta
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from projects.models import Indicator, Person, PlanYear, Project, TaskRow, Tier, Unit
    from reporting.calendar.deadlines import ensure_reporting_months
    from reporting.models import Contribution, Figure, Submission

    with connection.cursor() as cursor:
        # A throwaway file: no need to wait for the disk on every commit.
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.execute("PRAGMA journal_mode = MEMORY")
    call_command("migrate", verbosity=0)
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    batch = 5000

    def text(share_tricky=0.01) -> str:
        if rng.random() < share_tricky:
            return rng.choice(TRICKY)
        return "，".join(rng.sample(PHRASES, rng.randint(1, 4))) + "。"

    with transaction.atomic():
        plan_year = PlanYear.objects.create(
            year=2023, title="基准测试方案", adjustment_deadline=date(2023, 9, 15)
        )
        tiers = [
            Tier.objects.create(plan_year=plan_year, kind=kind, position=index, short_name=str(label)[:8])
            for index, (kind, label) in enumerate(Tier.Kind.choices, start=1)
        ]
        units = Unit.objects.bulk_create(
            [Unit(name=f"基准单位{index:04d}", kind=Unit.Kind.COUNTY_DEPARTMENT) for index in range(300)]
        )
        leaders = Person.objects.bulk_create([Person(name=f"基准领导{index:02d}") for index in range(40)])
        task_row_count = -(-rows // INDICATORS_PER_TASK_ROW)
        project_count = -(-task_row_count // TASK_ROWS_PER_PROJECT)
        projects = Project.objects.bulk_create(
            [
                Project(tier=tiers[index % 4], number=index // 4 + 1, title=f"民生项目{index}：{text(0)}")
                for index in range(project_count)
            ],
            batch_size=batch,
        )
        task_rows = TaskRow.objects.bulk_create(
            [
                TaskRow(
                    project=projects[index // TASK_ROWS_PER_PROJECT],
                    position=index % TASK_ROWS_PER_PROJECT + 1,
                    title=f"任务{index}",
                    lead_unit=rng.choice(units),
                    leader=rng.choice(leaders) if rng.random() < 0.8 else None,
                )
                for index in range(task_row_count)
            ],
            batch_size=batch,
        )
        indicators = []
        for index in range(rows):
            row = task_rows[index // INDICATORS_PER_TASK_ROW]
            kind = rng.choices(
                ["quantity", "milestone", "standard", "ratio", "pending"], [60, 15, 10, 10, 5]
            )[0]
            fields = {
                "task_row": row,
                "position": index % INDICATORS_PER_TASK_ROW + 1,
                "name": f"指标{index}",
            }
            if kind == "quantity":
                fields |= {"kind": kind, "measure": "个", "target_value": Decimal(rng.randint(10, 10_000))}
            elif kind == "pending":
                fields |= {"kind": "quantity", "measure": "人"}
            elif kind == "milestone":
                fields |= {"kind": kind, "target_stage": 3, "target_text": "年底前完成"}
            elif kind == "standard":
                baseline = rng.randint(100, 500)
                fields |= {
                    "kind": kind,
                    "measure": "元/月",
                    "baseline_value": Decimal(baseline),
                    "target_value": Decimal(baseline + rng.randint(10, 300)),
                }
            else:
                fields |= {"kind": kind, "measure": "%", "decimal_places": 1, "target_value": Decimal(90)}
            indicators.append(Indicator(**fields))
        indicators = Indicator.objects.bulk_create(indicators, batch_size=batch)

        month = ensure_reporting_months(plan_year=plan_year)[MONTH - 1]
        deadline = timezone.make_aware(datetime(2023, MONTH, 21, 10, 0))
        statuses = [choice for choice in Submission.Status.values if choice != "draft"]
        submissions = []
        for row in task_rows:
            if rng.random() < 0.1:
                continue  # not submitted at all
            late = rng.random() < 0.15
            at = deadline + timedelta(days=rng.randint(1, 5) if late else -rng.randint(0, 3))
            submissions.append(
                Submission(
                    reporting_month=month,
                    task_row=row,
                    status=rng.choice(statuses),
                    submitted_at=at,
                    first_submitted_at=at,
                    on_time=not late,
                )
            )
        submissions = Submission.objects.bulk_create(submissions, batch_size=batch)
        contributions = []
        for submission in submissions:
            lead = submission.task_row.lead_unit
            contributions.append(
                Contribution(
                    submission=submission,
                    unit=lead,
                    funds_invested=Decimal(rng.randint(0, 100_000)) / 100,
                    progress=text(),
                    problems=text() if rng.random() < 0.3 else "",
                )
            )
            if rng.random() < 0.3:
                other = rng.choice([unit for unit in rng.sample(units, 2) if unit.pk != lead.pk])
                contributions.append(
                    Contribution(
                        submission=submission, unit=other, funds_invested=Decimal(10), progress=text()
                    )
                )
        contributions = Contribution.objects.bulk_create(contributions, batch_size=batch)
        by_row: dict[int, list] = {}
        for contribution in contributions:
            by_row.setdefault(contribution.submission.task_row_id, []).append(contribution)
        figures = []
        for item in indicators:
            for contribution in by_row.get(item.task_row_id, []):
                is_lead = contribution.unit_id == item.task_row.lead_unit_id
                if item.kind == "milestone":
                    if is_lead:
                        figures.append(
                            Figure(contribution=contribution, indicator=item, stage=rng.randint(0, 3))
                        )
                elif item.kind == "ratio":
                    if is_lead:
                        value = Decimal(rng.randint(500, 1000)) / 10
                        figures.append(Figure(contribution=contribution, indicator=item, value=value))
                elif item.kind == "standard":
                    if is_lead:
                        value = item.baseline_value + rng.randint(0, 300)
                        figures.append(Figure(contribution=contribution, indicator=item, value=value))
                else:
                    top = int(item.target_value or 1000)
                    value = Decimal(rng.randint(0, top if is_lead else max(top // 10, 1)))
                    figures.append(Figure(contribution=contribution, indicator=item, value=value))
        Figure.objects.bulk_create(figures, batch_size=batch)
    print(
        f"数据：{len(indicators):,} 个指标，{len(task_rows):,} 项任务，{len(submissions):,} 份报送，"
        f"{len(contributions):,} 份单位填报，{len(figures):,} 个指标数据",
        flush=True,
    )


# --- the measurements (each in its own process) ----------------------------------------------------


def _exporter():
    from projects.models import PlanYear
    from reporting.exports.exporters import MonthlyReportExporter
    from reporting.exports.monthly import MonthlyFilter

    return MonthlyReportExporter(
        filters=MonthlyFilter(plan_year=PlanYear.objects.get(year=2023), month=MONTH)
    )


def _plain(value):
    """The cell as the floor writes it: the bare value, no style."""
    from datetime import datetime

    from django.utils import timezone
    from django.utils.functional import Promise

    from core.xlsx import Formatted

    if isinstance(value, Formatted):
        value = value.value
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.make_naive(value)
    return value


def _dump_cells(path: Path) -> int:
    """The export's cells, pickled row by row to a file, so the floor can stream them back."""
    rows = 0
    with open(path, "wb") as handle:
        for spec in _exporter().sheets():
            header = [str(column.header) for column in spec.columns]
            pickle.dump(("sheet", spec.title, list(spec.heading), header), handle)
            for row in spec.rows:
                pickle.dump([_plain(value) for value in row], handle)
                rows += 1
    return rows


def _cells(path: Path):
    with open(path, "rb") as handle:
        while True:
            try:
                yield pickle.load(handle)  # noqa: S301 - our own file, written just before
            except EOFError:
                return


def _write_floor(cells: Path, output: Path | None) -> None:
    """The bare loop: a write-only workbook, rows appended as they are. None: read only."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = None
    for item in _cells(cells):
        if isinstance(item, tuple):
            _kind, title, heading, header = item
            if output is not None:
                sheet = workbook.create_sheet(title)
                for line in heading:
                    sheet.append([line])
                sheet.append(header)
        elif output is not None:
            sheet.append(item)
    if output is not None:
        workbook.save(output)


def measure(mode: str, *, traced: bool, output: Path) -> dict:
    """One run of the export or of the floor, timed (with its RSS growth), or traced."""
    reading = 0.0
    if mode == "dump":
        return {"rows": _dump_cells(output)}
    if mode == "floor":
        cells = output.parent / "cells.pickle"  # written beforehand by the "dump" process
        # The floor streams its cells from disk to keep its memory flat; the time that takes
        # alone is measured first and taken off, so the floor counts openpyxl's work only.
        reading = time.process_time()
        _write_floor(cells, None)
        reading = time.process_time() - reading
    else:
        _exporter()  # warm up imports and the connection
    baseline = _maxrss_mib()
    if traced:
        tracemalloc.start()
    started, cpu = time.perf_counter(), time.process_time()
    if mode == "floor":
        _write_floor(cells, output)
    else:
        with open(output, "wb") as handle:
            _exporter().write(handle)
    elapsed, cpu = time.perf_counter() - started - reading, time.process_time() - cpu - reading
    peak = tracemalloc.get_traced_memory()[1] if traced else None
    tracemalloc.stop()
    return {
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "rss_growth_mib": _maxrss_mib() - baseline,
        "rss_peak_mib": _maxrss_mib(),
        "traced_peak_mib": None if peak is None else peak / 2**20,
        "bytes": output.stat().st_size,
    }


# --- driver ----------------------------------------------------------------------------------------


def _children(runs: list[tuple[str, bool]], database: Path, workdir: Path) -> list[dict]:
    """Run measurements side by side, one process each (two at a time suits two cores)."""
    processes = []
    for mode, traced in runs:
        name = "cells.pickle" if mode == "dump" else f"{mode}-{'traced' if traced else 'timed'}.xlsx"
        output = workdir / name
        command = [sys.executable, __file__, "--measure", mode, "--database", str(database)]
        command += ["--output", str(output)] + (["--traced"] if traced else [])
        # Our own script and paths we created: nothing from users reaches the command line.
        processes.append(subprocess.Popen(command, stdout=subprocess.PIPE, text=True))  # noqa: S603
    results = []
    for process in processes:
        stdout, _stderr = process.communicate(timeout=1800)
        if process.returncode != 0:
            raise SystemExit(f"测量进程失败（退出码 {process.returncode}）")
        results.append(json.loads(stdout.strip().splitlines()[-1]))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="number of indicator rows (default 100000)")
    parser.add_argument("--seed", type=int, default=2023, help="random seed (default 2023)")
    parser.add_argument("--keep", action="store_true", help="keep the database and the workbooks")
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also trace Python allocations in a second pair of runs (about four times slower)",
    )
    parser.add_argument("--measure", choices=["dump", "export", "floor"], help=argparse.SUPPRESS)
    parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure:
        _setup_django(args.database)
        print(json.dumps(measure(args.measure, traced=args.traced, output=args.output)))
        return

    workdir = Path(tempfile.mkdtemp(prefix="minsheng-bench-"))
    database = workdir / "bench.sqlite3"
    print(f"生成 {args.rows:,} 行合成指标数据（种子 {args.seed}）：{database}", flush=True)
    started = time.perf_counter()
    generator = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1]); import bench_monthly_export as b; "
            "b._setup_django(__import__('pathlib').Path(sys.argv[2])); "
            "b.generate(rows=int(sys.argv[3]), seed=int(sys.argv[4]))",
            str(Path(__file__).parent),
            str(database),
            str(args.rows),
            str(args.seed),
        ],
        check=True,
        timeout=1800,
    )
    assert generator.returncode == 0
    print(f"生成耗时 {time.perf_counter() - started:.1f} s", flush=True)
    try:
        started = time.perf_counter()
        # The floor's cells come from the export itself, dumped by a process of their own.
        (dumped,) = _children([("dump", False)], database, workdir)
        export, floor = _children([("export", False), ("floor", False)], database, workdir)
        if args.tracemalloc:
            export_traced, floor_traced = _children([("export", True), ("floor", True)], database, workdir)
            export["traced_peak_mib"] = export_traced["traced_peak_mib"]
            floor["traced_peak_mib"] = floor_traced["traced_peak_mib"]
        print(f"测量耗时 {time.perf_counter() - started:.1f} s", flush=True)
    finally:
        if not args.keep:
            for path in workdir.iterdir():
                path.unlink()
            workdir.rmdir()
    print()
    print(
        f"{'':16}{'墙钟 (s)':>10}{'CPU (s)':>10}{'RSS 增长 (MiB)':>16}{'RSS 峰值 (MiB)':>16}"
        f"{'tracemalloc 峰值 (MiB)':>24}{'文件 (MiB)':>11}"
    )
    for label, result in (("月度调度表导出", export), ("openpyxl 下限", floor)):
        traced = result["traced_peak_mib"]
        print(
            f"{label:14}{result['seconds']:>12.2f}{result['cpu_seconds']:>10.2f}"
            f"{result['rss_growth_mib']:>16.1f}{result['rss_peak_mib']:>16.1f}"
            f"{'—' if traced is None else f'{traced:.1f}':>24}{result['bytes'] / 2**20:>11.1f}"
        )
    ratio = (
        f"，tracemalloc 峰值 ×{export['traced_peak_mib'] / floor['traced_peak_mib']:.2f}"
        if args.tracemalloc
        else "（加 --tracemalloc 可另测 Python 分配峰值）"
    )
    print(
        f"导出/下限（{dumped['rows']:,} 行）：墙钟 ×{export['seconds'] / floor['seconds']:.2f}，"
        f"CPU ×{export['cpu_seconds'] / floor['cpu_seconds']:.2f}，"
        f"RSS 增长 {export['rss_growth_mib']:.1f} / {floor['rss_growth_mib']:.1f} MiB{ratio}"
    )
    if args.keep:
        print(f"保留的文件：{workdir}")


if __name__ == "__main__":
    main()
