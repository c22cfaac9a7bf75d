"""Create the 16 special-service lists of seed Art. 10, in the article's order."""

from django.db import migrations

TAGS = [
    ("immediate", "即来即办、当场办结的事项。"),
    ("once", "最多跑一次即可办结的事项。"),
    ("online", "可在网上申请办理的事项。"),
    ("self_service", "可在“e政务”自助机办理的事项。"),
    ("mobile", "可在“闽政通”“莆田惠民宝”手机端办理的事项。"),
    ("nearby", "可在乡镇（街道）、村（社区）就近办理的事项。"),
    ("certificate_free", "通过电子证照、数据共享免于提交证明材料的事项。"),
    ("by_post", "申请材料和办理结果可免费邮寄的事项。"),
    ("zero_visit", "无需到现场的事项。"),
    ("instant_approval", "系统自动比对、即时审批的事项。"),
    ("full_agency", "可由窗口工作人员全程帮办代办的事项。"),
    ("tolerant_acceptance", "次要材料欠缺时可先行受理、限期补齐的事项。"),
    ("commitment", "申请人书面承诺后即可审批、事后核查的事项。"),
    ("prior_approval", "以其他审批结果为前置条件的事项。"),
    ("intermediary", "需要中介服务机构提供服务的事项。"),
    ("convenience", "面向群众的高频便民服务事项。"),
]


def create_tags(apps, schema_editor):
    ServiceTag = apps.get_model("catalog", "ServiceTag")
    for order, (code, description) in enumerate(TAGS, start=1):
        ServiceTag.objects.update_or_create(code=code, defaults={"order": order, "description": description})


def remove_tags(apps, schema_editor):
    apps.get_model("catalog", "ServiceTag").objects.filter(code__in=[c for c, _ in TAGS]).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(create_tags, remove_tags)]
