from django.db import migrations, models


def expire_waiting_uploads(apps, schema_editor):
    """Uploads waiting as files have no parsed form: their confirmation says to upload again."""
    apps.get_model("reporting", "PendingImport").objects.update(expired=True)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0007_pending_import"),
    ]

    operations = [
        migrations.AddField(
            model_name="pendingimport",
            name="parsed",
            field=models.JSONField(blank=True, null=True, verbose_name="读取结果"),
        ),
        migrations.RunPython(expire_waiting_uploads, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="pendingimport",
            name="content",
        ),
    ]
