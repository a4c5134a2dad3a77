"""Discard import batches left unconfirmed, so the full ID numbers they hold do not linger. Run daily."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from beneficiaries.services import discard_stale_imports


class Command(BaseCommand):
    help = "放弃超过时限仍未确认的受益对象导入批次，并清除其中暂存的个人信息。"

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help="未确认超过多少小时即放弃（默认24）。")

    def handle(self, *args, hours, **options):
        count = discard_stale_imports(older_than=timezone.now() - timedelta(hours=hours))
        self.stdout.write(f"已放弃{count}个超时未确认的导入批次。")
