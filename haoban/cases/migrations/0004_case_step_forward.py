from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_notifications")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="step_alerted_on",
            field=models.DateField(
                blank=True,
                help_text="当前环节逾期后已提醒该环节工作人员的日期（每个环节只提醒一次，进入新环节时清空）。",
                null=True,
                verbose_name="环节逾期提醒日期",
            ),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("submit", "提交申请"),
                    ("accept", "受理"),
                    ("refuse", "不予受理"),
                    ("request-supplement", "一次性告知补正"),
                    ("supplement", "补正"),
                    ("extend", "延期"),
                    ("suspend", "特别程序开始"),
                    ("resume", "特别程序结束"),
                    ("approve", "准予"),
                    ("deny", "不予许可"),
                    ("issue", "制证"),
                    ("pay", "缴费"),
                    ("deliver", "送达"),
                    ("complete", "办结"),
                    ("withdraw", "撤回"),
                    ("deemed_accept", "视为受理"),
                    ("forward", "流转"),
                ],
                max_length=24,
                verbose_name="动作",
            ),
        ),
    ]
