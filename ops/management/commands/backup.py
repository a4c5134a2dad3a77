import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audit.services import record
from beneficiaries.services import discard_stale_imports
from ops.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "备份数据库和上传文件，生成带时间戳的 .tar.gz 归档（含个人信息，仅属主可读）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "-o",
            "--output",
            default=os.environ.get("BACKUP_DIR", str(Path(settings.BASE_DIR) / "backups")),
            help="备份文件存放目录（默认环境变量 BACKUP_DIR，或项目目录下的 backups/）",
        )
        parser.add_argument(
            "--database", default="default", help="要备份的数据库（settings.DATABASES 的别名）"
        )

    def handle(self, *args, output, database, **options):
        if database == "default":
            # Full ID numbers waiting in unconfirmed imports past their bound stay out of the archive.
            discard_stale_imports()
        try:
            path = create_backup(output_dir=Path(output), alias=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        record(event="backup.created", detail={"file": path.name, "database": database})
        self.stdout.write(self.style.SUCCESS(f"已备份到 {path}"))
