from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.services import record
from ops.backup import BackupError, Database, restore_backup


class Command(BaseCommand):
    help = "把 backup 生成的归档恢复到一个空数据库（没有任何表）和空的上传文件目录；非空则拒绝。"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("archive", help="备份文件（minsheng-backup-….tar.gz）")
        parser.add_argument(
            "--database", default="default", help="恢复到哪个数据库（settings.DATABASES 的别名）"
        )

    def handle(self, *args, archive, database, **options):
        try:
            manifest = restore_backup(archive=Path(archive), database=Database.of(database))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if database == "default":
            record(
                event="backup.restored",
                detail={"file": Path(archive).name, "created_at": manifest["created_at"]},
            )
        tables = manifest["tables"]
        self.stdout.write(
            self.style.SUCCESS(
                f"已恢复 {manifest['created_at']} 的备份：{len(tables)}张表，共{sum(tables.values())}行，"
                f"{manifest['media_files']}个上传文件；各表行数与指标数据校验和均与备份一致。"
            )
        )
