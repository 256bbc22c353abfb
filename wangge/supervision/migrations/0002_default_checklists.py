"""The default inspection checklist of each target type. They are rows, not code: a street
changes them on the checklist settings page."""

from django.db import migrations

ITEMS = {
    "grid_post": [
        "网格员、楼栋长在岗在位",
        "当日排查、采样数据已报送",
        "“还剩谁”名单已逐户核实",
        "封控楼栋门磁、封条完好",
        "特殊人群包保到人",
    ],
    "checkpoint": [
        "值守人员在岗，佩戴防护用品",
        "逐人查验出入证、扫码、测温",
        "执行每户每天一人外出规定",
        "通行登记台账完整",
        "消杀记录按时填写",
    ],
    "sampling_point": [
        "采样人员防护规范，按时更换手套",
        "一米线间隔，排队不聚集",
        "扫码登记与试管核对无误",
        "医疗废物规范处置",
        "场地按时消杀",
    ],
    "quarantine_site": [
        "“三区两通道”设置规范",
        "隔离人员单人单间，不串门",
        "每日两次测温、健康监测记录完整",
        "医疗废物、生活垃圾分类处置",
        "工作人员闭环管理",
    ],
    "supermarket": [
        "入口扫码、测温、查验核酸",
        "限流措施落实，不聚集",
        "从业人员佩戴口罩，定期核酸",
        "每日消杀并有记录",
        "货品充足，价格稳定",
    ],
    "venue": [
        "按要求关停，无营业",
        "门口张贴停业公告",
        "无人员聚集",
    ],
    "other": ["现场防控措施落实"],
}


def seed(apps, schema_editor):
    Item = apps.get_model("supervision", "ChecklistItem")
    for target_type, texts in ITEMS.items():
        for order, text in enumerate(texts):
            Item.objects.get_or_create(
                target_type=target_type, text=text, defaults={"order": order}
            )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
