"""Forms of the account pages. They only collect input: every rule is checked by ``services``."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .models import ApplicantProfile

REGISTRABLE_KINDS = (ApplicantProfile.Kind.NATURAL_PERSON, ApplicantProfile.Kind.ENTERPRISE)


class LoginForm(AuthenticationForm):
    error_messages: ClassVar[dict[str, str]] = {  # type: ignore[misc]
        "invalid_login": "用户名或密码不正确。请注意字母大小写。",
        "inactive": "该账号已停用。如有疑问，请联系政务服务中心。",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["username"].error_messages["required"] = "请填写用户名。"
        self.fields["password"].label = "密码"
        self.fields["password"].error_messages["required"] = "请填写密码。"


class RegisterKindForm(forms.Form):
    kind = forms.ChoiceField(
        label="您以什么身份注册？",
        choices=[(k.value, k.label) for k in REGISTRABLE_KINDS],
        widget=forms.RadioSelect,
        error_messages={
            "required": "请选择以自然人还是企业身份注册。",
            "invalid_choice": "请选择以自然人还是企业身份注册。",
        },
    )


def _text(label: str, help_text: str = "", **attrs: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=150,
        strip=True,
        widget=forms.TextInput(attrs=attrs),
    )


class RegisterForm(forms.Form):
    """Registration of a 自然人 or an 企业法人; which identifier fields it has depends on ``kind``."""

    kind = forms.CharField(widget=forms.HiddenInput, required=False)
    name = _text("姓名", "与身份证上的姓名一致。", autocomplete="name")
    resident_id = _text(
        "公民身份号码", "18 位，最后一位可能是 X。", autocomplete="off", inputmode="text", spellcheck="false"
    )
    uscc = _text("统一社会信用代码", "18 位，见营业执照。", autocomplete="off", spellcheck="false")
    legal_representative = _text("法定代表人姓名")
    phone = _text("手机号", "11 位，用于接收办件通知。", autocomplete="tel", inputmode="numeric", type="tel")
    username = _text("用户名", "3 位以上字母、数字或 _ . @ + -，登录时使用。", autocomplete="username")
    password1 = forms.CharField(
        label="密码",
        help_text="至少 8 位，不能全是数字，不能与用户名相近。",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="再次输入密码",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    PERSON_FIELDS = ("name", "resident_id", "phone", "username", "password1", "password2")
    ENTERPRISE_FIELDS = (
        "name",
        "uscc",
        "legal_representative",
        "phone",
        "username",
        "password1",
        "password2",
    )
    # Service error keys → form fields.
    SERVICE_FIELDS: ClassVar[dict[str, str]] = {"password": "password1"}

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["kind"].initial = kind
        keep = self.PERSON_FIELDS if kind == ApplicantProfile.Kind.NATURAL_PERSON else self.ENTERPRISE_FIELDS
        for name in list(self.fields):
            if name != "kind" and name not in keep:
                del self.fields[name]
        if kind == ApplicantProfile.Kind.ENTERPRISE:
            self.fields["name"].label = "企业名称"
            self.fields["name"].help_text = "与营业执照上的名称一致。"
            self.fields["name"].widget.attrs["autocomplete"] = "organization"
        self.order_fields(["kind", *keep])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致。")
        return data

    def add_service_errors(self, message_dict: dict[str, list[str]]) -> None:
        for key, messages in message_dict.items():
            field = self.SERVICE_FIELDS.get(key, key)
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
