"""Admin forms whose validation is the services' validation.

The forms do not run the models' ``full_clean``: each one calls the service it will save through inside a
savepoint that is always rolled back (:func:`dry_run`), and puts the service's Chinese messages on the
matching field, inline row or the top of the form. Saving then calls the same service for real.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.forms.models import BaseInlineFormSet, fields_for_model

from ..models import ApplicantKind, Channel, ServiceItem, ServiceItemVersion, ServiceTag
from ..services import CHILD_FIELDS, CHILD_MODELS, CONTENT_FIELDS, CatalogError, item_create, version_update

_LABELS = {
    f.name: str(f.verbose_name)
    for model in (ServiceItem, ServiceItemVersion)
    for f in model._meta.get_fields()
    if hasattr(f, "verbose_name")
}
CHILD_KEYS: dict[type, str] = {model: key for key, model in CHILD_MODELS.items()}


class _RolledBack(Exception):
    pass


def dry_run(call: Callable[[], object]) -> None:
    """Run ``call`` and undo whatever it wrote; its CatalogError propagates."""
    try:
        with transaction.atomic():
            call()
            raise _RolledBack
    except _RolledBack:
        pass


def _add_once(form: forms.BaseForm, field: str | None, message: str) -> None:
    if field is not None and field not in form.fields:
        # An element this form does not show: say which one.
        label = _LABELS.get(field)
        message, field = (f"{label}：{message}" if label else message), None
    existing = form.errors.get(field or NON_FIELD_ERRORS, [])
    if message not in existing:
        form.add_error(field, message)


# --- creating an item ----------------------------------------------------------------------------------

CREATE_CONTENT_FIELDS = (
    "name",
    "item_type",
    "legal_limit_amount",
    "legal_limit_unit",
    "promised_limit_amount",
    "promised_limit_unit",
    "handling_type",
    "channels",
)
_CREATE_FIELDS = fields_for_model(ServiceItemVersion, fields=CREATE_CONTENT_FIELDS)


class ItemCreateForm(forms.ModelForm):
    """新建事项: the item's keys and the first version's essentials, saved by ``item_create``."""

    name = _CREATE_FIELDS["name"]
    item_type = _CREATE_FIELDS["item_type"]
    legal_limit_amount = _CREATE_FIELDS["legal_limit_amount"]
    legal_limit_unit = _CREATE_FIELDS["legal_limit_unit"]
    promised_limit_amount = _CREATE_FIELDS["promised_limit_amount"]
    promised_limit_unit = _CREATE_FIELDS["promised_limit_unit"]
    handling_type = _CREATE_FIELDS["handling_type"]
    channels = forms.MultipleChoiceField(
        label="办理渠道", choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ServiceItem
        fields = ("implementing_body", "level", "basic_code", "region")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].required = False
        self.fields["region"].help_text = "留空则为实施主体所属区划。"
        self.fields["basic_code"].help_text = (
            "12 位：区划 2 位 + 事项类型 2 位 + 主项 5 位 + 子项 3 位。实施编码由实施主体的统一社会信用代码、"
            "行使层级和基本编码生成。"
        )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "implementing_body": data["implementing_body"],
            "level": data["level"],
            "basic_code": data["basic_code"],
            "region": data.get("region"),
            "content": {f: data[f] for f in CREATE_CONTENT_FIELDS if f in data},
        }

    def _post_clean(self) -> None:
        # Check the rest with the service even when a field is already wrong, so that every error shows at once.
        if any(f not in self.cleaned_data for f in ("implementing_body", "level", "basic_code")):
            return
        try:
            dry_run(lambda: item_create(**self.service_kwargs()))
        except CatalogError as exc:
            for key, messages in exc.message_dict.items():
                field = "basic_code" if key == "implementation_code" else key
                if field in self.errors:
                    continue  # the form already says what is wrong with it
                for message in messages:
                    _add_once(self, field, message)


# --- editing a draft version ---------------------------------------------------------------------------


class VersionForm(forms.ModelForm):
    """A version's scalar elements and tags; the inlines carry the lists. Saved by ``version_update``."""

    applicant_kinds = forms.MultipleChoiceField(
        label="服务对象", choices=ApplicantKind.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    channels = forms.MultipleChoiceField(
        label="办理渠道", choices=Channel.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    service_tags = forms.ModelMultipleChoiceField(
        label="特色服务清单",
        queryset=ServiceTag.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ServiceItemVersion
        fields = (*CONTENT_FIELDS, "service_tags")

    service_content: dict[str, Any]

    def _post_clean(self) -> None:
        # The admin sets ``_content_formsets`` on the instance before validating (ModelAdmin._create_formsets).
        formsets: list[BaseInlineFormSet] = getattr(self.instance, "_content_formsets", [])
        if not all(formset.is_valid() for formset in formsets):
            return
        content: dict[str, Any] = {f: self.cleaned_data[f] for f in CONTENT_FIELDS if f in self.cleaned_data}
        content["service_tags"] = sorted(tag.code for tag in self.cleaned_data.get("service_tags", []))
        rows: dict[str, list[forms.BaseForm]] = {}
        for formset in formsets:
            key = CHILD_KEYS.get(formset.model)
            if key is None:
                continue
            rows[key] = _content_forms(formset)
            content[key] = [_child_content(key, form) for form in rows[key]]
        self.service_content = content
        # Uploaded files stand in by name for the trial run, so that only the real save stores them.
        trial = {
            key: [{f: v.name if isinstance(v, UploadedFile) else v for f, v in row.items()} for row in value]
            if key in CHILD_MODELS
            else value
            for key, value in content.items()
        }
        try:
            dry_run(lambda: version_update(version=self.instance, content=trial))
        except CatalogError as exc:
            self._show_errors(exc, rows)

    def _show_errors(self, exc: CatalogError, rows: Mapping[str, list[forms.BaseForm]]) -> None:
        for key, messages in exc.message_dict.items():
            list_key, bracket, rest = key.partition("[")
            if bracket and list_key in rows:
                index_text, _, child_field = rest.partition("]")
                child_form = rows[list_key][int(index_text)]
                for message in messages:
                    _add_once(child_form, child_field.lstrip(".") or None, message)
                # The main form must be invalid too, or the admin would save it alone.
                label = CHILD_MODELS[list_key]._meta.verbose_name_plural
                _add_once(self, None, f"{label}第 {int(index_text) + 1} 行有错误，请见下方")
            elif key in CHILD_MODELS:
                label = CHILD_MODELS[key]._meta.verbose_name_plural
                for message in messages:
                    _add_once(self, None, f"{label}：{message}")
            elif key not in self.errors:
                for message in messages:
                    _add_once(self, key, message)


def _content_forms(formset: BaseInlineFormSet) -> list[forms.BaseForm]:
    """The rows the draft will have: not deleted, not blank extras, in the order of their 序号."""
    kept = [
        (form.cleaned_data.get("order") or 0, position, form)
        for position, form in enumerate(formset.forms)
        if form.cleaned_data
        and not (formset.can_delete and formset._should_delete_form(form))
        and (form.instance.pk is not None or form.has_changed())
    ]
    return [form for _order, _position, form in sorted(kept, key=lambda row: row[:2])]


def _child_content(key: str, form: forms.BaseForm) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name in CHILD_FIELDS[key]:
        if name not in form.cleaned_data:
            continue
        value = form.cleaned_data[name]
        if name in ("blank_form", "sample"):
            value = value or ""  # False = cleared, None = no file
        row[name] = value
    return row
