from django.core.management.base import BaseCommand, CommandError

from projects.models import PlanYear
from projects.services import PlanFileError, copy_plan_year


class Command(BaseCommand):
    help = "以已有年度的项目结构创建新年度（目标值待下达）。"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", type=int, required=True, help="源年度")
        parser.add_argument("--to", dest="target", type=int, required=True, help="新年度")

    def handle(self, *args, source, target, **options):
        plan_year = PlanYear.objects.filter(year=source).first()
        if plan_year is None:
            raise CommandError(f"{source}年度不存在。")
        try:
            copy_plan_year(source=plan_year, year=target)
        except PlanFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"已由{source}年度创建{target}年度，目标值待下达。"))
