from django.db import migrations

LEVELS = [
    # code, name, rank, seals, colour
    ("sealed", "封控区", 3, True, "#f1aeb5"),
    ("controlled", "管控区", 2, False, "#ffc078"),
    ("precaution", "防范区", 1, False, "#ffe69c"),
]
TYPES = [
    # code, name, kind, days
    ("home_quarantine", "居家隔离", "home_quarantine", 14),
    ("home_monitoring", "居家健康监测", "home_monitoring", 7),
    ("central_quarantine", "集中隔离", "central_quarantine", 14),
]


def seed(apps, schema_editor):
    """The levels and measures of the 2022 notices. They are rows, not code: a place whose rules
    differ (21 days of quarantine, say) changes the row."""
    Level = apps.get_model("control", "DesignationLevel")
    OrderType = apps.get_model("control", "OrderType")
    for code, name, rank, seals, colour in LEVELS:
        Level.objects.get_or_create(
            code=code, defaults={"name": name, "rank": rank, "seals": seals, "colour": colour}
        )
    for code, name, kind, days in TYPES:
        OrderType.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "days": days})


class Migration(migrations.Migration):
    dependencies = [("control", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
