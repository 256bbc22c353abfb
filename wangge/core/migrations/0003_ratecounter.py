from django.db import migrations, models


class Migration(migrations.Migration):
    """RateCounter moved here from testing: the same table (testing_ratecounter), now in core's
    state; no change to the database."""

    dependencies = [
        ("core", "0002_importjob"),
        ("testing", "0005_ratecounter_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RateCounter",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("key", models.CharField(max_length=100)),
                        ("window_start", models.DateTimeField(db_index=True)),
                        ("count", models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        "db_table": "testing_ratecounter",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("key", "window_start"), name="rate_counter_unique"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
