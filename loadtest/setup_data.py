"""The load test's scratch database: the bundled plan, earlier months, 600 liaisons, office and leaders.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/minsheng_loadtest \\
        .venv/bin/python loadtest/setup_data.py --accounts .bench-cache/loadtest/accounts.json

Run by loadtest/run.sh on a database it has just created empty. A prefecture's load by default:
600 liaisons, as 12 counties of about 50 units would have (--liaisons). The plan's units each
get a liaison, and synthetic townships fill up to that number: every township takes part in the plan's
rows that name the townships as a group (各乡镇人民政府 ...), so each liaison has a form of its
own to fill, and no two liaisons write the same figures. January and February are forwarded;
the liaisons fill MONTH. All accounts share one random password (hashed once: PBKDF2 is slow on
purpose), written with the usernames to the accounts file for locust, never to the repository.
"""

import argparse
import io
import json
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2023
MONTH = 3
LIAISONS = 600  # 12 counties of about 50 units
OFFICE = 3
LEADERS = 12


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--liaisons", type=int, default=LIAISONS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction

    from accounts.checks import _digest
    from accounts.models import Membership, PasswordState, Role
    from bench.data import fill_forwarded_months
    from projects.models import Person, PlanYear, TaskRow, Unit
    from projects.participation import rows_of_unit

    call_command("migrate", verbosity=0)
    call_command("load_plan", stdout=io.StringIO())
    password = "Lt-" + secrets.token_urlsafe(12) + "#9a"
    hashed = make_password(password)
    user_model = get_user_model()
    plan_year = PlanYear.objects.get(year=YEAR)
    with transaction.atomic():
        in_plan = [
            unit
            for unit in Unit.objects.order_by("name")
            if rows_of_unit(unit).filter(project__tier__plan_year=plan_year).exists()
        ]
        Unit.objects.bulk_create(
            Unit(name=f"压测乡镇{index:03d}镇人民政府", kind=Unit.Kind.TOWNSHIP)
            for index in range(1, args.liaisons - len(in_plan) + 1)
        )
        townships = list(Unit.objects.filter(name__startswith="压测乡镇").order_by("name"))
        units = (in_plan + townships)[: args.liaisons]
        leaders = list(
            Person.objects.filter(
                led_task_rows__in=TaskRow.objects.filter(project__tier__plan_year=plan_year)
            )
            .distinct()
            .order_by("name")
        )
        accounts = {"password": password, "year": YEAR, "month": MONTH}
        accounts |= {"liaisons": [], "office": [], "leaders": []}

        def make(username: str, role: str, **membership):
            user = user_model.objects.create(username=username, password=hashed, first_name=username)
            Membership.objects.create(user=user, role=role, **membership)
            # The random password is known not to be the demo one: spares gunicorn's start-up
            # check one PBKDF2 hash per account (accounts.checks).
            PasswordState.objects.update_or_create(user=user, defaults={"verified_not_demo": _digest(hashed)})
            return user

        for index, unit in enumerate(units, start=1):
            make(f"lt_liaison{index:03d}", Role.LIAISON, unit=unit)
            accounts["liaisons"].append({"username": f"lt_liaison{index:03d}", "unit": unit.name})
        office = None
        for index in range(1, OFFICE + 1):
            user = make(f"lt_office{index}", Role.OFFICE)
            office = office or user
            accounts["office"].append({"username": f"lt_office{index}"})
        for index in range(1, LEADERS + 1):
            person = leaders[(index - 1) % len(leaders)] if leaders else None
            make(f"lt_leader{index:02d}", Role.LEADER, person=person)
            accounts["leaders"].append({"username": f"lt_leader{index:02d}"})
    counts = fill_forwarded_months(plan_year=plan_year, months=range(1, MONTH), office=office, seed=args.seed)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # statistics for the bulk-loaded tables, as autovacuum would keep
    args.accounts.parent.mkdir(parents=True, exist_ok=True)
    args.accounts.write_text(json.dumps(accounts, ensure_ascii=False, indent=1), encoding="utf-8")
    args.accounts.chmod(0o600)
    print(
        f"压测数据：{len(units)} 个联络员账号（{len(townships)} 个合成乡镇），{OFFICE} 个专班办公室账号，"
        f"{LEADERS} 个领导账号；{MONTH - 1} 个月已报送数据（{counts['figures']:,} 个指标数据）。"
    )


if __name__ == "__main__":
    main()
