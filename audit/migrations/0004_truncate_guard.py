"""On PostgreSQL, the database refuses to empty the audit log with TRUNCATE.

The row-level trigger of 0002 never sees a TRUNCATE. This statement-level one refuses it to
every role but a superuser (who can bypass any trigger anyway; Django's test flush runs as one).
A role that owns the table could still drop the triggers: docs/security.md and
`manage.py audit_db_roles` describe running the application as a role that owns nothing.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_auditevent_no_truncate() RETURNS trigger AS $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION '审计记录不可清空';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditevent_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_no_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_no_truncate();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_user_id_outlives_the_account")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
