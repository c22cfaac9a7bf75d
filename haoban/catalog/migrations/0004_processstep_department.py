import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_version_pay_before_release"),
        ("organization", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="processstep",
            name="department",
            field=models.ForeignKey(
                blank=True,
                help_text="办理本环节的部门（统一社会信用代码）；留空为事项的实施主体。",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organization.department",
                verbose_name="承办部门",
            ),
        ),
    ]
