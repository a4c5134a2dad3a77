from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import record


class Command(BaseCommand):
    help = "删除早于保存期限（默认180天，不得更短）的审计记录，并把本次清理本身记入审计日志。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.AUDIT_RETENTION_DAYS,
            help=f"保存天数，不得少于{settings.AUDIT_RETENTION_DAYS}天",
        )

    def handle(self, *args, days, **options):
        minimum = settings.AUDIT_RETENTION_DAYS
        if days < minimum:
            raise CommandError(
                f"审计记录至少保存{minimum}天（等级保护要求不少于6个月），不能按{days}天清理。"
            )
        cutoff = timezone.now() - timedelta(days=days)
        with transaction.atomic():
            deleted, _by_model = AuditEvent.objects.filter(at__lt=cutoff).delete()
            record(
                event="audit.purged",
                detail={"deleted": deleted, "retention_days": days, "before": cutoff.isoformat()},
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"已删除{deleted}条早于{timezone.localtime(cutoff):%Y-%m-%d %H:%M}的审计记录。"
            )
        )
