"""The benchmark's sizes, months, accounts and cache names (the data itself: bench/data.py)."""

from __future__ import annotations

from dataclasses import dataclass

VERSION = 3  # 3: the plan's stable codes
YEAR = 2023  # the plan year measured
MONTH = 11  # the reviewed month measured (review list, dashboard, exports)
FORM_MONTH = 12  # the month the liaison fills in the benchmark (no submission yet)
IMPORT_YEAR = 2013  # the plan year of the import units
IMPORT_MONTH = 6
IMPORT_SIZES = (1000, 10_000)  # rows of the template: task lines and indicator lines
IMPORT_INDICATORS_PER_ROW = 9
BATCH = 5000
PASSWORD = "Bench#Only-2023"  # noqa: S105 - accounts of a throwaway benchmark database


@dataclass(frozen=True)
class Size:
    name: str
    label: str
    townships: int  # county: townships added to the bundled plan
    years: int = 0  # stress: synthetic plan years ending with YEAR
    rows_per_year: int = 0
    indicators_per_row: int = 0
    units: int = 0
    units_per_row: int = 0
    beneficiaries: int = 0


SIZES = {
    "county": Size("county", "县域规模", townships=16, beneficiaries=5_000),
    "stress": Size(
        "stress",
        "压力规模",
        townships=30,
        years=10,
        rows_per_year=100,
        indicators_per_row=5,
        units=300,
        units_per_row=11,
        beneficiaries=200_000,
    ),
}

BENCH_USERS = {
    "office": "bench_office",
    "leader": "bench_leader",
    "liaison": "bench_liaison",
    **{f"import_{rows}": f"bench_import_{rows}" for rows in IMPORT_SIZES},
}

PHRASES = [
    "按计划有序推进",
    "资金已拨付到位",
    "正在组织验收",
    "项目已开工建设",
    "受天气影响进度略有滞后",
    "已召开专题调度会",
    "乡镇配合推进",
    "下一步将加快进度",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华"


def cache_name(size: str, seed: int) -> str:
    return f"{size}-s{seed}-v{VERSION}"


def pg_database_name(size: str, seed: int) -> str:
    return f"minsheng_bench_{size}_s{seed}_v{VERSION}"
