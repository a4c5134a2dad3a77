from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from projects.services import BUNDLED_PLANS_DIR, PlanFileError, load_plan, read_plan_file


class Command(BaseCommand):
    help = "载入方案文件（默认载入随系统附带的2023年方案）。可重复执行，不会产生重复数据。"

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            default=str(BUNDLED_PLANS_DIR / "plan_2023.json"),
            help="方案文件路径（JSON）",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="用文件内容覆盖已有记录（默认保留专班办公室在系统中所做的修改）",
        )

    def handle(self, *args, path, update, **options):
        try:
            report = load_plan(data=read_plan_file(Path(path)), overwrite=update)
        except PlanFileError as exc:
            raise CommandError(str(exc)) from exc
        if not report.changed:
            self.stdout.write(f"方案已是最新，无改动（{report.unchanged} 条记录）。")
            return
        for label, bucket in (("新增", report.created), ("更新", report.updated)):
            for name, number in bucket.items():
                self.stdout.write(f"{label}{name}：{number}")
        self.stdout.write(self.style.SUCCESS("方案载入完成。"))
