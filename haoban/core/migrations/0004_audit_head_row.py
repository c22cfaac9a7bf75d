from django.db import migrations

GENESIS_HASH = "0" * 64


def create_head(apps, schema_editor):
    # The chain's head row exists from the start, so the first audited read costs what every later one does.
    AuditHead = apps.get_model("core", "AuditHead")
    AuditHead.objects.get_or_create(pk=1, defaults={"sequence": 0, "hash": GENESIS_HASH})


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_audit_log"),
    ]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
    ]
