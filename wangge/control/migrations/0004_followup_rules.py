import datetime as dt

from django.db import migrations

RULES = {
    # order type code: [(kind, label, due time)]
    "home_quarantine": [
        ("temperature", "上午体温", dt.time(10, 0)),
        ("temperature", "下午体温", dt.time(17, 0)),
        ("symptoms", "症状询问", dt.time(17, 0)),
    ],
    "home_monitoring": [
        ("temperature", "上午体温", dt.time(10, 0)),
        ("temperature", "下午体温", dt.time(17, 0)),
        ("symptoms", "症状询问", dt.time(17, 0)),
    ],
    "central_quarantine": [
        ("temperature", "早间体温", dt.time(9, 0)),
        ("temperature", "午间体温", dt.time(14, 0)),
        ("temperature", "晚间体温", dt.time(20, 0)),
        ("symptoms", "症状询问", dt.time(20, 0)),
    ],
}


def seed(apps, schema_editor):
    """Temperature twice a day and symptoms once at home; three readings a day at a site. Rows,
    so a command post can change the times or add a round."""
    OrderType = apps.get_model("control", "OrderType")
    Rule = apps.get_model("control", "FollowUpRule")
    for code, rules in RULES.items():
        order_type = OrderType.objects.filter(code=code).first()
        if order_type is None or Rule.objects.filter(order_type=order_type).exists():
            continue
        for kind, label, due in rules:
            Rule.objects.create(order_type=order_type, kind=kind, label=label, due_time=due)


class Migration(migrations.Migration):
    dependencies = [("control", "0003_followups_sites_transfers")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
