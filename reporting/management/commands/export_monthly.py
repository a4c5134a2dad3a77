from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit.delivery import save_export
from projects.models import Person, PlanYear, Tier, Unit
from reporting.exports.exporters import MonthlyReportExporter
from reporting.exports.monthly import MonthlyFilter


class Command(BaseCommand):
    help = "导出某年某月的民生实事月度调度表（Excel）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="方案年度，如 2023")
        parser.add_argument("--month", type=int, required=True, help="月份，1–12")
        parser.add_argument(
            "-o",
            "--output",
            help="输出文件路径（.xlsx），默认为当前目录下的“月度调度表-年月.xlsx”",
        )
        parser.add_argument("--tier", choices=Tier.Kind.values, help="只导出某一层级")
        parser.add_argument("--lead-unit", help="只导出某牵头单位的任务（单位名称）")
        parser.add_argument("--leader", help="只导出某牵头领导的任务（姓名）")

    def handle(self, *args, year, month, output, tier, lead_unit, leader, **options):
        plan_year = PlanYear.objects.filter(year=year).first()
        if plan_year is None:
            raise CommandError(_("%(year)s年度不存在。") % {"year": year})
        if not 1 <= month <= 12:
            raise CommandError(_("月份应为1至12，收到：%(month)s。") % {"month": month})
        unit = None
        if lead_unit:
            unit = Unit.objects.filter(name=lead_unit).first()
            if unit is None:
                raise CommandError(_("找不到单位“%(name)s”。") % {"name": lead_unit})
        person = None
        if leader:
            person = Person.objects.filter(name=leader, led_task_rows__isnull=False).distinct().first()
            if person is None:
                raise CommandError(_("找不到牵头领导“%(name)s”。") % {"name": leader})
        exporter = MonthlyReportExporter(
            filters=MonthlyFilter(
                plan_year=plan_year, month=month, tier_kind=tier or "", lead_unit=unit, leader=person
            )
        )
        path = Path(output or exporter.get_filename())
        try:
            save_export(exporter, path, year=year, month=month)
        except OSError as exc:
            raise CommandError(
                _("无法写入文件 %(path)s：%(error)s") % {"path": path, "error": exc.strerror or exc}
            ) from exc
        self.stdout.write(self.style.SUCCESS(_("已导出月度调度表：%(path)s") % {"path": path}))
