from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_service_tags"),
    ]

    operations = [
        migrations.AddField(
            model_name="serviceitemversion",
            name="pay_before_release",
            field=models.BooleanField(
                default=False,
                help_text="收费事项：缴费通知单缴清之前不送达审批结果（窗口领取、邮寄、电子送达均不可）。",
                verbose_name="先缴费后领证",
            ),
        ),
    ]
