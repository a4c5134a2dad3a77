"""The privileges of the application's database role on PostgreSQL (docs/security.md).

The tables belong to a migration role, which runs `migrate`; the application connects as
another role that owns nothing, so it can neither drop nor disable the audit triggers. It may
read and write every table, but on the audit log only read, append, and delete: the trigger
refuses the deletion of any row younger than the retention period, so `purge_audit_log` works
and nothing else can go. TRUNCATE, TRIGGER, UPDATE and DDL on the audit table are not granted.
"""

import re

from django.db import connection
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from core.errors import Refused

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class RoleRefused(Refused):
    """A role name, or a database, the grants cannot be written for."""


def grants(app_role: str, *, schema: str = "public") -> list[str]:
    """The statements, run by the owner of the tables after every `migrate`."""
    if not ROLE_NAME.match(app_role) or not ROLE_NAME.match(schema):
        raise RoleRefused(_("角色名和模式名只能由小写字母、数字和下划线组成：%(name)s") % {"name": app_role})
    role, audit = f'"{app_role}"', AuditEvent._meta.db_table
    later = f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" GRANT'
    return [
        f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM {role};',
        f'REVOKE ALL ON ALL SEQUENCES IN SCHEMA "{schema}" FROM {role};',
        f'GRANT USAGE ON SCHEMA "{schema}" TO {role};',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema}" TO {role};',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO {role};',
        # The audit log: read, append, and delete what the trigger lets go (older than 180 days).
        f"REVOKE ALL ON {audit} FROM {role};",
        f"GRANT SELECT, INSERT, DELETE ON {audit} TO {role};",
        # Tables of later migrations, created by the role running this: the same, audit excepted.
        f"{later} SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};",
        f"{later} USAGE, SELECT ON SEQUENCES TO {role};",
    ]


def current_schema() -> str:
    if connection.vendor != "postgresql":
        return "public"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]


def apply_grants(app_role: str) -> list[str]:
    """Run `grants` on the default database, as its connection's role (the tables' owner)."""
    if connection.vendor != "postgresql":
        raise RoleRefused(_("数据库角色权限仅适用于 PostgreSQL。"))
    statements = grants(app_role, schema=current_schema())
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app_role])
        if cursor.fetchone() is None:
            raise RoleRefused(_("数据库中没有角色 %(name)s，请先创建。") % {"name": app_role})
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [app_role])
        if cursor.fetchone()[0]:
            raise RoleRefused(
                _("应用角色 %(name)s 是超级用户，不能用作应用的连接角色。") % {"name": app_role}
            )
        cursor.execute(
            "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = %s::regclass",
            [AuditEvent._meta.db_table],
        )
        if cursor.fetchone()[0] == app_role:
            raise RoleRefused(
                _("审计表属于角色 %(name)s：应用角色不能拥有数据表，请先把表的属主改为迁移角色。")
                % {"name": app_role}
            )
        for statement in statements:
            cursor.execute(statement)
    return statements
