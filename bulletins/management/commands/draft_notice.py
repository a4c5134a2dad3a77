from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit.delivery import save_export
from bulletins.facts import NotForwarded, month_facts
from bulletins.notice import NoticeExporter
from bulletins.supervision import SupervisionExporter


class Command(BaseCommand):
    help = "起草某个已上报月份的重点民生实事推进情况通报（Word 草稿），可同时起草督办单。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="方案年度，如 2023")
        parser.add_argument("--month", type=int, required=True, help="已上报的月份，1–12")
        parser.add_argument("--out", help="通报的输出路径（.docx），默认为当前目录下以通报标题命名的文件")
        parser.add_argument(
            "--supervision",
            action="store_true",
            help="同时起草督办单（每个牵头单位一页，写在通报旁边）",
        )

    def handle(self, *args, year, month, out, supervision, **options):
        try:
            facts = month_facts(year=year, month=month)
        except NotForwarded as exc:
            raise CommandError(str(exc)) from exc
        notice = NoticeExporter(facts=facts)
        path = Path(out or notice.get_filename())
        written = [(notice, path)]
        if supervision:
            exporter = SupervisionExporter(facts=facts)
            written.append((exporter, path.with_name(exporter.get_filename())))
        for exporter, target in written:
            try:
                save_export(exporter, target, year=year, month=month)
            except OSError as exc:
                raise CommandError(
                    _("无法写入文件 %(path)s：%(error)s") % {"path": target, "error": exc.strerror or exc}
                ) from exc
            self.stdout.write(self.style.SUCCESS(_("已起草：%(path)s") % {"path": target}))
