from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.passwords import DEMO_PASSWORD
from demo.services import create_demo_accounts, create_demo_figures
from projects.models import PlanYear


class Command(BaseCommand):
    help = "创建演示账号和几个月的演示数据（仅供本机试用；DEBUG=false 时拒绝执行）。可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=2023, help="演示数据所在的方案年度")
        parser.add_argument("--months", type=int, default=4, help="生成几个月的演示数据")

    def handle(self, *args, year, months, **options):
        if not settings.DEBUG:
            raise CommandError("生产环境（DEBUG=false）不得载入演示账号和演示数据。")
        plan_year = PlanYear.objects.filter(year=year).first()
        if plan_year is None:
            raise CommandError(f"{year}年度方案不存在，请先执行 load_plan。")
        if not 1 <= months <= 12:
            raise CommandError("--months 应在1到12之间。")
        created = create_demo_accounts()
        for username in created:
            self.stdout.write(f"已创建演示账号 {username}（密码 {DEMO_PASSWORD}）")
        count = create_demo_figures(plan_year=plan_year, months=months)
        if count:
            self.stdout.write(f"已生成演示数据（演示数据）{count} 条报送。")
        if not created and not count:
            self.stdout.write("演示账号和演示数据已存在，无改动。")
