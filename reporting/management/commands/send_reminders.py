from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from projects.models import PlanYear
from reporting.calendar.deadlines import current_reporting_month, ensure_reporting_months
from reporting.calendar.reminders import pending_reminders, send_reminders
from reporting.models import ReportingMonth


class Command(BaseCommand):
    help = "列出并邮件提醒尚未提交本月数据的牵头单位（供定时任务调用）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="方案年度（默认：当前年度）")
        parser.add_argument("--month", type=int, help="月份（默认：当前报送月份）")
        parser.add_argument("--dry-run", action="store_true", help="只列出，不发送邮件")

    def handle(self, *args, year, month, dry_run, **options):
        today = timezone.localdate()
        plan_year = PlanYear.objects.filter(year=year or today.year).first()
        if plan_year is None:
            raise CommandError(f"{year or today.year}年度方案不存在。")
        ensure_reporting_months(plan_year=plan_year)
        if month is None:
            reporting_month = current_reporting_month(plan_year=plan_year, today=today).reporting_month
        elif 1 <= month <= 12:
            reporting_month = ReportingMonth.objects.get(plan_year=plan_year, month=month)
        else:
            raise CommandError("--month 应在1到12之间。")
        reminders = pending_reminders(reporting_month=reporting_month)
        if not reminders:
            self.stdout.write(f"{reporting_month}：所有牵头单位均已提交。")
            return
        self.stdout.write(f"{reporting_month}需提醒的单位：")
        for reminder in reminders:
            to = "、".join(reminder.recipients) or "（无联络员邮箱，请电话提醒）"
            closed = f"，{len(reminder.closed_parts)} 行被标记本月无数据" if reminder.closed_parts else ""
            self.stdout.write(f"- {reminder.unit}（未提交 {len(reminder.rows)} 行{closed}）→ {to}")
        if dry_run:
            return
        sent = send_reminders(reporting_month=reporting_month, reminders=reminders)
        self.stdout.write(self.style.SUCCESS(f"已发送提醒邮件 {sent} 封。"))
