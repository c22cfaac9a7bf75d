"""SM4 encryption at rest of the 公民身份号码 and phone numbers, with a blind index for the number
(docs/security.md). Existing rows are encrypted here; the reverse migration decrypts them again (it needs the
same keys)."""

from django.db import migrations, models

import haoban.accounts.models
import haoban.core.fields

TOKEN_PREFIX = "sm4gcm1$"
RESIDENT_ID = "accounts.ApplicantProfile.resident_id"
PROFILE_PHONE = "accounts.ApplicantProfile.phone"
USER_PHONE = "accounts.User.phone"


def encrypt_rows(apps, schema_editor):
    from haoban.core.crypto import blind_index, encrypt_field

    def seal(value, context):
        return value if not value or value.startswith(TOKEN_PREFIX) else encrypt_field(value, context=context)

    ApplicantProfile = apps.get_model("accounts", "ApplicantProfile")
    User = apps.get_model("accounts", "User")
    for pk, resident_id, phone in ApplicantProfile.objects.values_list("pk", "resident_id", "phone").iterator():
        plain = "" if resident_id.startswith(TOKEN_PREFIX) else resident_id
        changes = {"resident_id": seal(resident_id, RESIDENT_ID), "phone": seal(phone, PROFILE_PHONE)}
        if plain:
            changes["resident_id_index"] = blind_index(plain.strip().upper(), context=RESIDENT_ID)
        ApplicantProfile.objects.filter(pk=pk).update(**changes)
    for pk, phone in User.objects.exclude(phone="").values_list("pk", "phone").iterator():
        User.objects.filter(pk=pk).update(phone=seal(phone, USER_PHONE))


def decrypt_rows(apps, schema_editor):
    from haoban.core.crypto import decrypt_field

    def unseal(value, context):
        return decrypt_field(value, context=context) if value.startswith(TOKEN_PREFIX) else value

    ApplicantProfile = apps.get_model("accounts", "ApplicantProfile")
    User = apps.get_model("accounts", "User")
    for pk, resident_id, phone in ApplicantProfile.objects.values_list("pk", "resident_id", "phone").iterator():
        ApplicantProfile.objects.filter(pk=pk).update(
            resident_id=unseal(resident_id, RESIDENT_ID), phone=unseal(phone, PROFILE_PHONE)
        )
    for pk, phone in User.objects.exclude(phone="").values_list("pk", "phone").iterator():
        User.objects.filter(pk=pk).update(phone=unseal(phone, USER_PHONE))


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_profiles_agents_staff"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="applicantprofile",
            name="accounts_applicant_unique_resident_id",
        ),
        # Room for the tokens first (plain text columns), then encrypt, then the encrypted field types
        # (same column type: no schema change).
        migrations.AlterField(
            model_name="applicantprofile",
            name="resident_id",
            field=models.TextField(blank=True, verbose_name="公民身份号码"),
        ),
        migrations.AlterField(
            model_name="applicantprofile",
            name="phone",
            field=models.TextField(verbose_name="联系电话"),
        ),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=models.TextField(blank=True, verbose_name="手机号"),
        ),
        migrations.AddField(
            model_name="applicantprofile",
            name="resident_id_index",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
        migrations.AlterField(
            model_name="applicantprofile",
            name="resident_id_index",
            field=haoban.core.fields.BlindIndexField(
                help_text="公民身份号码的 HMAC-SM3 盲索引，用于查重和按号码查找；不能还原号码。",
                source="resident_id",
                verbose_name="公民身份号码索引",
            ),
        ),
        migrations.AlterField(
            model_name="applicantprofile",
            name="phone",
            field=haoban.core.fields.EncryptedTextField(
                context="accounts.ApplicantProfile.phone",
                help_text="办件通知发送到此号码；SM4 加密保存，列表中脱敏显示。",
                max_length=20,
                verbose_name="联系电话",
            ),
        ),
        migrations.AlterField(
            model_name="applicantprofile",
            name="resident_id",
            field=haoban.core.fields.EncryptedTextField(
                blank=True,
                context="accounts.ApplicantProfile.resident_id",
                help_text="自然人必填：18 位，GB 11643 校验位；SM4 加密保存，列表和页面只显示脱敏号码。单位不填。",
                max_length=18,
                validators=[haoban.accounts.models.resident_id_validator],
                verbose_name="公民身份号码",
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=haoban.core.fields.EncryptedTextField(
                blank=True,
                context="accounts.User.phone",
                help_text="SM4 加密保存。",
                max_length=20,
                verbose_name="手机号",
            ),
        ),
        migrations.AddConstraint(
            model_name="applicantprofile",
            constraint=models.UniqueConstraint(
                condition=models.Q(("resident_id_index", ""), _negated=True),
                fields=("resident_id_index",),
                name="accounts_applicant_unique_resident_id",
                violation_error_message="该公民身份号码已注册。",
            ),
        ),
    ]
