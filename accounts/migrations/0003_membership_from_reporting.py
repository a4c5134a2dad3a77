import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def content_types_follow(apps, schema_editor):
    """The content types (and so the permissions and groups that hold them) move with the models."""
    content_type = apps.get_model('contenttypes', 'ContentType')
    for model in ('membership', 'historicalmembership'):
        if not content_type.objects.filter(app_label='accounts', model=model).exists():
            content_type.objects.filter(app_label='reporting', model=model).update(app_label='accounts')


def content_types_go_back(apps, schema_editor):
    content_type = apps.get_model('contenttypes', 'ContentType')
    for model in ('membership', 'historicalmembership'):
        if not content_type.objects.filter(app_label='reporting', model=model).exists():
            content_type.objects.filter(app_label='accounts', model=model).update(app_label='reporting')


class Migration(migrations.Migration):
    """Membership moves here from the reporting app, keeping its tables, rows and history."""

    dependencies = [
        ('accounts', '0002_verified_not_demo'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('reporting', '0005_membership_moves_to_accounts'),
        ('projects', '0002_target_adjustments'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
        migrations.CreateModel(
            name='HistoricalMembership',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('role', models.CharField(choices=[('liaison', '单位联络员'), ('office', '专班办公室'), ('statistics', '县统计局'), ('leader', '领导'), ('sysadmin', '系统管理员'), ('security', '安全管理员'), ('auditor', '审计管理员')], max_length=20, verbose_name='角色')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('person', models.ForeignKey(blank=True, db_constraint=False, help_text='领导账号对应的牵头领导。', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='projects.person', verbose_name='对应人员')),
                ('unit', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='projects.unit', verbose_name='所属单位')),
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='用户')),
            ],
            options={
                'verbose_name': 'historical 用户角色',
                'verbose_name_plural': 'historical 用户角色',
                'db_table': 'reporting_historicalmembership',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Membership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('liaison', '单位联络员'), ('office', '专班办公室'), ('statistics', '县统计局'), ('leader', '领导'), ('sysadmin', '系统管理员'), ('security', '安全管理员'), ('auditor', '审计管理员')], max_length=20, verbose_name='角色')),
                ('person', models.ForeignKey(blank=True, help_text='领导账号对应的牵头领导。', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='projects.person', verbose_name='对应人员')),
                ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='projects.unit', verbose_name='所属单位')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='membership', to=settings.AUTH_USER_MODEL, verbose_name='用户')),
            ],
            options={
                'verbose_name': '用户角色',
                'verbose_name_plural': '用户角色',
                'db_table': 'reporting_membership',
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('role', 'liaison'), _negated=True), ('unit__isnull', False), _connector='OR'), name='membership_liaison_has_unit')],
            },
        ),
        ], database_operations=[]),
        migrations.RunPython(content_types_follow, content_types_go_back),
    ]
