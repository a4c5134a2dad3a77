from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit.delivery import save_export
from projects.matrix import ResponsibilityMatrixExporter
from projects.models import PlanYear


class Command(BaseCommand):
    help = "导出某年度的重点工作任务责任分解表（Excel）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="方案年度，如 2023")
        parser.add_argument(
            "-o",
            "--output",
            help="输出文件路径（.xlsx），默认为当前目录下的“责任分解表-年度.xlsx”",
        )

    def handle(self, *args, year, output, **options):
        plan_year = PlanYear.objects.filter(year=year).first()
        if plan_year is None:
            raise CommandError(_("%(year)s年度不存在。") % {"year": year})
        exporter = ResponsibilityMatrixExporter(plan_year=plan_year)
        path = Path(output or exporter.get_filename())
        try:
            save_export(exporter, path, year=year)
        except OSError as exc:
            raise CommandError(
                _("无法写入文件 %(path)s：%(error)s") % {"path": path, "error": exc.strerror or exc}
            ) from exc
        self.stdout.write(self.style.SUCCESS(_("已导出责任分解表：%(path)s") % {"path": path}))
