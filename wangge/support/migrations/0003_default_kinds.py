"""The request kinds and their response deadlines (药品 2 小时, 生活物资 24 小时…). They are rows,
not code: a street whose rules differ changes them on the support settings page."""

from django.db import migrations

KINDS = [
    # code, name, deadline in minutes, medicine, routable (grouped into building routes)
    ("groceries", "生活物资", 24 * 60, False, True),
    ("medicine", "药品", 2 * 60, True, False),
    ("medical", "就医", 2 * 60, False, False),
    ("garbage", "垃圾清运", 24 * 60, False, True),
    ("counselling", "心理疏导", 24 * 60, False, False),
    ("other", "其他", 24 * 60, False, False),
]


def seed(apps, schema_editor):
    Kind = apps.get_model("support", "SupportKind")
    for order, (code, name, minutes, medicine, routable) in enumerate(KINDS):
        Kind.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "deadline_minutes": minutes,
                "is_medicine": medicine,
                "routable": routable,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("support", "0002_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
