"""Discard import batches left unconfirmed, so the full ID numbers they hold do not linger. Run hourly.

The monthly figures' Excel uploads waiting for confirmation (reporting.PendingImport) go too.

Without --hours, the bound is IMPORT_PENDING_MAX_AGE (seconds, 24 hours by default).
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from beneficiaries.services import discard_stale_imports
from core.uploads import limit
from reporting.imports.pending import purge_pending


class Command(BaseCommand):
    help = "放弃超过时限仍未确认的受益对象导入批次，并清除其中暂存的个人信息。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=int,
            default=None,
            help="未确认超过多少小时即放弃（默认按 IMPORT_PENDING_MAX_AGE 设置，24小时）；只能比设置更短。",
        )

    def handle(self, *args, hours, **options):
        bound = limit("IMPORT_PENDING_MAX_AGE")
        seconds = bound if hours is None else min(hours * 3600, bound)
        older_than = timezone.now() - timedelta(seconds=seconds)
        uploads = purge_pending(older_than=older_than)
        count = discard_stale_imports(older_than=older_than)
        self.stdout.write(f"已放弃{count}个超时未确认的导入批次，清除{uploads}个超时未确认的数据导入文件。")
