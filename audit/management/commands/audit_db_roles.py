"""Print or apply the PostgreSQL grants of the application's role (audit.db_roles, docs/security.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit.db_roles import RoleRefused, apply_grants, current_schema, grants


class Command(BaseCommand):
    help = (
        "输出或执行应用数据库角色的授权语句（仅 PostgreSQL）：应用角色可读写业务表，"
        "对审计表只能查询、追加和删除超过保存期限的记录，不能清空、停用或删除触发器。"
        "须由数据表的属主（迁移角色）执行，每次 migrate 之后再执行一次。"
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--print", action="store_true", dest="print_only", help="只输出SQL，不执行")
        action.add_argument("--apply", action="store_true", help="在当前数据库上执行")
        parser.add_argument(
            "--app-role", default="minsheng_app", help="应用连接数据库所用的角色（默认 minsheng_app）"
        )

    def handle(self, *args, print_only, apply, app_role, **options):
        try:
            if print_only:
                statements = grants(app_role, schema=current_schema())
            else:
                with transaction.atomic():
                    statements = apply_grants(app_role)
        except RoleRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("\n".join(statements))
        if apply:
            self.stdout.write(self.style.SUCCESS(f"已为角色 {app_role} 授权（{len(statements)}条语句）。"))
