"""The online application (在线申请) of the citizen portal: the form generated from the item's JSON Schema,
the materials, and the draft kept in the session between the pages.

Nothing here writes a case: the check-your-answers page calls ``haoban.cases.services.case_submit``. The
draft (form answers and the files uploaded so far) lives in the session under ``apply:<implementation
code>``; files wait in ``<private dir>/drafts/<uuid>`` until the case is submitted (they are then stored
again by the service) or the draft is discarded.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile

from haoban.cases import materials as case_materials
from haoban.catalog.models import Channel, MaterialRequirement, OnlineDepth, ServiceItemVersion
from haoban.catalog.selectors import form_fields

ONLINE_CHANNELS = (Channel.PC, Channel.MOBILE)
SESSION_PREFIX = "apply:"


def can_apply_online(version: ServiceItemVersion) -> bool:
    """在线申请 needs an online channel and at least 三级 (网上预审、网上申报)."""
    channels = version.channels or []
    return any(c in channels for c in ONLINE_CHANNELS) and (version.online_depth or 0) >= OnlineDepth.SUBMIT


def online_channel(version: ServiceItemVersion) -> str:
    channels = version.channels or []
    return Channel.PC if Channel.PC in channels else Channel.MOBILE


# --- the form from the JSON Schema ---------------------------------------------------------------------------


def _field_name(name: str) -> str:
    return name.replace(".", "__")


def _field_spec(schema: dict[str, Any], name: str) -> dict[str, Any]:
    spec: Any = schema
    for part in name.split("."):
        spec = ((spec or {}).get("properties") or {}).get(part) or {}
    return spec if isinstance(spec, dict) else {}


def _make_field(row: dict[str, Any], spec: dict[str, Any]) -> forms.Field:
    title = row["title"]
    kind = row["type"]
    choose = bool(row["options"]) or kind in ("array", "boolean")
    messages = {
        "required": f"请选择{title}" if choose else f"请填写{title}",
        "invalid": f"{title}请填写数字" if kind in ("number", "integer") else f"{title}的格式不正确",
        "invalid_choice": f"请从列表中选择{title}",
        "max_length": f"{title}不能超过 %(limit_value)d 个字",
    }
    if spec.get("format") == "date":
        messages["invalid"] = f"{title}请按“年-月-日”填写，例如 2026-09-21"
    common: dict[str, Any] = {
        "label": title,
        "required": row["required"],
        "help_text": row["description"],
        "error_messages": messages,
    }
    item_enum = (spec.get("items") or {}).get("enum") if kind == "array" else None
    if item_enum:
        return forms.MultipleChoiceField(
            choices=[(str(o), str(o)) for o in item_enum], widget=forms.CheckboxSelectMultiple, **common
        )
    if row["options"]:
        choices = [("", "请选择")] + [(o, o) for o in row["options"]]
        return forms.ChoiceField(choices=choices, **common)
    if kind == "boolean":
        return forms.BooleanField(**common)
    if kind == "integer":
        return forms.IntegerField(widget=forms.NumberInput(attrs={"inputmode": "numeric"}), **common)
    if kind == "number":
        return forms.DecimalField(
            widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}), **common
        )
    fmt = spec.get("format", "")
    if fmt == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if fmt == "email":
        return forms.EmailField(**common)
    if spec.get("maxLength", 0) > 200:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), **common)
    return forms.CharField(max_length=spec.get("maxLength"), **common)


class ApplicationForm(forms.Form):
    """One Django field per leaf of the item's ``form_schema`` (nested objects flattened with ``__``)."""

    def __init__(self, *args: Any, version: ServiceItemVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.schema: dict[str, Any] = version.form_schema or {}
        self.rows = form_fields(self.schema)
        for row in self.rows:
            field = _make_field(row, _field_spec(self.schema, row["name"]))
            field.required_mark = row["required"]  # type: ignore[attr-defined]
            self.fields[_field_name(row["name"])] = field

    def form_data(self) -> dict[str, Any]:
        """The answers as the JSON the schema describes (empty optional answers left out)."""
        data: dict[str, Any] = {}
        for row in self.rows:
            value = getattr(self, "cleaned_data", {}).get(_field_name(row["name"]))
            if value in (None, "", []) or (
                row["type"] == "boolean" and value is False and not row["required"]
            ):
                continue
            target = data
            parts = row["name"].split(".")
            for part in parts[:-1]:
                target = target.setdefault(part, {})
            target[parts[-1]] = to_json(value)
        return data

    def add_schema_errors(self, errors: dict[str, list[str]]) -> None:
        """The JSON Schema's errors beside their fields; a field that already has an error (e.g. empty and
        required) keeps only that one."""
        for key, messages in errors.items():
            name = _field_name(key.removeprefix("form_data.")) if key.startswith("form_data.") else None
            if name in self.errors:
                continue
            for message in messages:
                self.add_error(
                    name if name in self.fields else None,
                    f"{self.fields[name].label}：{message}" if name in self.fields else message,
                )


def to_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def initial_from(form_data: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    initial = {}
    for row in rows:
        value: Any = form_data
        for part in row["name"].split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is not None:
            initial[_field_name(row["name"])] = value
    return initial


def answers(form_data: dict[str, Any], schema: dict[str, Any]) -> list[tuple[str, str]]:
    """(question, answer) pairs for the check-your-answers page, in the form's order."""
    rows = []
    for row in form_fields(schema):
        value: Any = form_data
        for part in row["name"].split("."):
            value = value.get(part) if isinstance(value, dict) else None
        text = ("是" if value else "否") if isinstance(value, bool) else "" if value is None else str(value)
        rows.append((row["title"], text or "未填写"))
    return rows


# --- materials -----------------------------------------------------------------------------------------------


def is_exempt(requirement: MaterialRequirement) -> bool:
    return requirement.source in case_materials.FREE_SOURCES


def drafts_dir() -> Path:
    return case_materials.private_dir() / "drafts"


def store_draft_file(requirement: MaterialRequirement, file: UploadedFile) -> dict[str, Any]:
    """Validate ``file`` for ``requirement`` (``ValidationError`` in Chinese) and keep it for the draft."""
    content_type, size = case_materials.validate_upload(requirement, file)
    directory = drafts_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o750)
    token = uuid.uuid4().hex
    with open(directory / token, "wb") as out:
        for chunk in file.chunks():
            out.write(chunk)
    return {
        "token": token,
        "name": case_materials.sanitize_filename(file.name or "材料"),
        "size": size,
        "content_type": content_type,
    }


def draft_file(entry: dict[str, Any]) -> UploadedFile:
    path = drafts_dir() / str(entry["token"])
    if not path.is_file() or not str(entry["token"]).isalnum():
        raise ValidationError("已上传的材料已失效，请重新上传")
    return SimpleUploadedFile(entry["name"], path.read_bytes(), content_type=entry["content_type"])


def discard_draft_files(draft: dict[str, Any]) -> None:
    for entry in (draft.get("files") or {}).values():
        token = str(entry.get("token", ""))
        if token.isalnum():
            (drafts_dir() / token).unlink(missing_ok=True)


def uploads_for(version: ServiceItemVersion, draft: dict[str, Any]) -> list[case_materials.MaterialUpload]:
    files = draft.get("files") or {}
    uploads = []
    for requirement in version.materials.order_by("order", "pk"):
        entry = files.get(str(requirement.pk))
        if entry:
            uploads.append(case_materials.MaterialUpload(requirement, draft_file(entry)))
    return uploads
