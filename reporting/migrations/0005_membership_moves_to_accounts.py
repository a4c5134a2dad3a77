from django.db import migrations


class Migration(migrations.Migration):
    """Membership now belongs to the accounts app; its tables stay (accounts 0003 takes them over)."""

    dependencies = [
        ('reporting', '0004_submission_demo_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='HistoricalMembership'),
                migrations.DeleteModel(name='Membership'),
            ],
            database_operations=[],
        ),
    ]
