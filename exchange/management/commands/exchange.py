"""`manage.py exchange push|retry|push-due`: push forwarded months to the receiving installations.

    exchange push --to 邵阳市平台 --year 2023 --month 5 [--dry-run]
    exchange retry      # send again every push whose latest try failed
    exchange push-due   # every forwarded month not yet pushed with its current content (cron)

A refused or failed push prints its reason in Chinese and ends the command with a non-zero exit;
each push is recorded (推送记录) and audited either way.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from exchange.models import PushAttempt, ReceivingInstallation
from exchange.push import due_pushes, failed_pushes, push_month


class Command(BaseCommand):
    help = _("把已整月上报的月份的已核验数据推送到上级平台。")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        push = actions.add_parser("push", help=_("推送一个月"))
        push.add_argument("--to", required=True, help=_("接收平台名称（后台“接收平台”）"))
        push.add_argument("--year", type=int, required=True)
        push.add_argument("--month", type=int, required=True)
        push.add_argument("--dry-run", action="store_true", help=_("只检查并列出将推送的数据条数，不发送"))
        actions.add_parser("retry", help=_("重新推送失败的推送"))
        actions.add_parser("push-due", help=_("推送所有已上报但尚未成功推送的月份（定时执行）"))

    def handle(self, *args, action, **options):
        if action == "push":
            installation = ReceivingInstallation.objects.filter(name=options["to"]).first()
            if installation is None:
                raise CommandError(_("没有名为“%(name)s”的接收平台。") % {"name": options["to"]})
            jobs = [(installation, options["year"], options["month"])]
            trigger, dry_run = PushAttempt.Trigger.COMMAND, options["dry_run"]
        elif action == "retry":
            jobs, trigger, dry_run = failed_pushes(), PushAttempt.Trigger.RETRY, False
        else:
            jobs, trigger, dry_run = due_pushes(), PushAttempt.Trigger.SCHEDULE, False
        if not jobs:
            self.stdout.write(_("没有需要推送的月份。"))
            return
        failures = []
        for installation, year, month in jobs:
            attempt = push_month(
                installation=installation, year=year, month=month, dry_run=dry_run, trigger=trigger
            )
            line = self._describe(attempt)
            if attempt.result in (PushAttempt.Result.SUCCEEDED, PushAttempt.Result.DRY_RUN):
                self.stdout.write(line)
            else:
                failures.append(line)
        if failures:
            raise CommandError("\n".join(failures))

    def _describe(self, attempt: PushAttempt) -> str:
        head = _("%(installation)s %(year)s年%(month)s月：%(result)s，%(count)s条数据") % {
            "installation": attempt.installation.name,
            "year": attempt.year,
            "month": attempt.month,
            "result": attempt.get_result_display(),
            "count": attempt.value_count,
        }
        if attempt.tries > 1:
            head += _("，共发送%(tries)s次") % {"tries": attempt.tries}
        if attempt.error:
            head += "。" + attempt.error
        return head
