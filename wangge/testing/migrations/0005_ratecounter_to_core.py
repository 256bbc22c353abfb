from django.db import migrations


class Migration(migrations.Migration):
    """RateCounter now belongs to core (every public page uses it); its table stays."""

    dependencies = [
        ("testing", "0004_drop_covered_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="RateCounter")],
            database_operations=[],
        ),
    ]
