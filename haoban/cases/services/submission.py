"""Submission (申请, 《行政许可法》第二十九条): a case is created from a published item version.

Everything is validated before anything is written; errors are a ``ValidationError`` keyed by field with
Chinese messages (form fields as ``form_data.<path>``, materials as ``materials[<requirement id>]``).

Case number (办件编号), 20 digits, unique and sortable within a region: the 6-digit region code of the
item's region (the first 6 digits of a 9- or 12-digit town or village code) + the submission date in
Asia/Shanghai (``YYYYMMDD``) + a 6-digit daily sequence per region, e.g. ``35030220261201000017``. The
sequence comes from :class:`~haoban.cases.models.CaseNumberSequence`, incremented by one
``INSERT … ON CONFLICT … DO UPDATE … RETURNING`` statement (the row is locked while it is incremented).

On PostgreSQL (``HAOBAN_CASE_NUMBER_OWN_TRANSACTION``, on by default) that statement runs in a short
transaction of its own on a second connection of the same thread, committed at once: the counter row is not
locked until the submission commits, so concurrent submissions of a region do not wait for each other and
commit together (docs/performance.md). The price: a submission that fails after taking its number (a
database error; validation happens before) leaves a gap in the day's numbers. Case numbers identify cases;
nothing requires them to be gap-free (the gap-free rule of legal-rules.md is for archive numbers). On
SQLite, and in the tests, the number is taken inside the submission's transaction.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from haoban.accounts.access import applicant_principals
from haoban.accounts.models import ApplicantProfile
from haoban.catalog.models import Channel, ServiceItemVersion
from haoban.catalog.selectors import current_version
from haoban.core.db import deferred_inserts, insert_rows, prepared
from haoban.domain.workflow import CaseAction, CaseStatus, next_status
from haoban.organization.models import ServiceCenter

from .. import materials as case_materials
from ..models import Case, CaseEvent
from .base import (
    Errors,
    add_error,
    current_integration_client,
    enqueue_event_effects,
    raise_errors,
    validate_at,
)
from .clock import apply_clock, clock_for

_TYPE_NAMES = {
    "string": "文本",
    "integer": "整数",
    "number": "数字",
    "boolean": "是或否",
    "object": "对象",
    "array": "列表",
    "null": "空值",
}


def _path_key(path: Sequence[Any]) -> str:
    key = "form_data"
    for part in path:
        key += f"[{part}]" if isinstance(part, int) else f".{part}"
    return key


def _schema_message(error: SchemaError) -> str:
    keyword, value = error.validator, error.validator_value
    if keyword == "type":
        names = [value] if isinstance(value, str) else list(value)
        return "应填写" + "或".join(_TYPE_NAMES.get(n, n) for n in names)
    if keyword == "minLength":
        return "不能为空" if value == 1 else f"至少填写 {value} 个字符"
    if keyword == "maxLength":
        return f"最多填写 {value} 个字符"
    if keyword == "pattern":
        return "格式不正确"
    if keyword == "format":
        return f"格式不正确（应为 {value}）"
    if keyword in ("enum", "const"):
        return "请从给定的选项中选择"
    if keyword == "minimum":
        return f"不能小于 {value}"
    if keyword == "maximum":
        return f"不能大于 {value}"
    if keyword == "exclusiveMinimum":
        return f"应大于 {value}"
    if keyword == "exclusiveMaximum":
        return f"应小于 {value}"
    if keyword == "minItems":
        return f"至少填写 {value} 项"
    if keyword == "maxItems":
        return f"最多填写 {value} 项"
    if keyword == "additionalProperties":
        return "包含表单中没有的栏目"
    return "填写不正确"


def form_errors(schema: Mapping[str, Any], form_data: Any) -> Errors:
    """Chinese errors of ``form_data`` against the item's JSON Schema (Draft 2020-12), keyed by field:
    ``{"form_data.name": ["必填"]}``."""
    errors: Errors = {}
    if not isinstance(form_data, dict):
        add_error(errors, "form_data", "申请表单应为 JSON 对象")
        return errors
    if not schema:
        return errors
    validator = _validator(schema)
    for error in sorted(validator.iter_errors(form_data), key=lambda e: [str(p) for p in e.absolute_path]):
        path = list(error.absolute_path)
        if error.validator == "required":
            instance = error.instance if isinstance(error.instance, dict) else {}
            for name in error.validator_value:
                if name not in instance:
                    add_error(errors, _path_key([*path, name]), "必填")
        elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set(error.schema.get("properties", {}))
            for name in error.instance:
                if name not in allowed:
                    add_error(errors, _path_key([*path, name]), "表单中没有此栏目")
        else:
            add_error(errors, _path_key(path), _schema_message(error))
    return errors


# Validators of the published versions' forms, by the schema's identity. A published version is immutable,
# so its schema object is built once per process; the cache is bounded and holds the schema itself so an
# id is never reused while its entry lives.
_VALIDATORS: dict[int, tuple[Mapping[str, Any], Draft202012Validator]] = {}
_VALIDATORS_MAX = 512


def _validator(schema: Mapping[str, Any]) -> Draft202012Validator:
    cached = _VALIDATORS.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    if len(_VALIDATORS) >= _VALIDATORS_MAX:
        _VALIDATORS.clear()
    _VALIDATORS[id(schema)] = (schema, validator)
    return validator


_NEXT_NUMBER_SQL = (
    "INSERT INTO cases_casenumbersequence (region_code, day, last) VALUES (%s, %s, 1) "
    "ON CONFLICT (region_code, day) DO UPDATE SET last = cases_casenumbersequence.last + 1 "
    "RETURNING last"
)
_numbering = threading.local()


def _numbering_connection() -> BaseDatabaseWrapper:
    """This thread's second connection to the default database, in autocommit (see the module docstring)."""
    conn: BaseDatabaseWrapper | None = getattr(_numbering, "connection", None)
    if conn is None:
        conn = connections.create_connection(DEFAULT_DB_ALIAS)
        _numbering.connection = conn
    conn.close_if_unusable_or_obsolete()
    return conn


def close_numbering_connection() -> None:
    """Close this thread's numbering connection (it is opened again when needed)."""
    conn: BaseDatabaseWrapper | None = getattr(_numbering, "connection", None)
    if conn is not None:
        conn.close()
        _numbering.connection = None


def own_transaction_numbers() -> bool:
    """Whether case numbers are taken in a transaction of their own (PostgreSQL, setting on)."""
    return connection.vendor == "postgresql" and bool(
        getattr(settings, "HAOBAN_CASE_NUMBER_OWN_TRANSACTION", False)
    )


def case_number(*, region_code: str, day: dt.date) -> str:
    """The next number for ``region_code`` on ``day``: one statement, in its own committed transaction on
    PostgreSQL (see the module docstring), else in the caller's transaction."""
    code = region_code[:6]
    if own_transaction_numbers():
        conn = _numbering_connection()
        conn.ensure_connection()
        # psycopg directly (the hot path): one statement, prepared once per connection (core.db.prepared).
        row = conn.connection.execute(prepared(_NEXT_NUMBER_SQL, connection=conn), [code, day]).fetchone()
        assert row is not None
        (last,) = row
    else:
        with connection.cursor() as cursor:
            cursor.execute(prepared(_NEXT_NUMBER_SQL), [code, day])
            (last,) = cursor.fetchone()
    return f"{code}{day:%Y%m%d}{last:06d}"


def _in_force(version: ServiceItemVersion, day: dt.date) -> bool:
    if getattr(version, "in_force_on", None) == day:  # found by current_version for this very day
        return True
    current = current_version(version.item.implementation_code, today=day)
    return current is not None and current.pk == version.pk


def case_submit(
    *,
    item_version: ServiceItemVersion,
    applicant: ApplicantProfile,
    submitted_by: AbstractBaseUser,
    channel: str,
    form_data: dict[str, Any],
    uploads: Sequence[case_materials.MaterialUpload] = (),
    agent: AbstractBaseUser | None = None,
    service_center: ServiceCenter | None = None,
    at: dt.datetime | None = None,
) -> Case:
    """Create a case (``submitted``) pinned to ``item_version``: event #1, the acceptance window
    (Art. 32: 5 working days from receipt), materials stored, the applicant notified."""
    now = timezone.now()
    submitted_at = validate_at(at, None, now=now)
    day = timezone.localdate(submitted_at)
    next_status(None, CaseAction.SUBMIT)  # the only way into the workflow

    errors: Errors = {}
    if not item_version.is_published or not _in_force(item_version, day):
        add_error(errors, "item_version", "该事项版本不是当前生效的已发布版本，请按现行办事指南申请")
    if channel not in Channel.values:
        add_error(errors, "channel", "申请渠道只能是 pc、mobile、kiosk 或 window")
    elif channel not in (item_version.channels or []):
        add_error(errors, "channel", f"该事项不支持通过“{Channel(channel).label}”申请")
    if agent is not None and applicant.pk not in applicant_principals(agent, on=day):
        add_error(errors, "agent", "代办人没有该申请人有效的代办授权")
    own = submitted_by.pk == applicant.user_id or (agent is not None and submitted_by.pk == agent.pk)
    if not own and channel != Channel.WINDOW:
        add_error(
            errors, "submitted_by", "只有申请人本人或其代办人可以在线提交；窗口人员代为录入须选择窗口渠道"
        )
    errors.update(form_errors(item_version.form_schema or {}, form_data))
    uploads = list(uploads)
    problems = case_materials.missing_required_materials(item_version, uploads, subject=applicant)
    for key, messages in case_materials.material_errors(item_version.pk, uploads).items():
        problems.setdefault(key, []).extend(m for m in messages if m not in problems.get(key, []))
    for key, messages in problems.items():
        for message in messages:
            add_error(errors, key, message)
    raise_errors(errors)

    item = item_version.item
    # The case, its first event, its materials and its outbox messages: one round trip (core.db).
    with transaction.atomic(savepoint=False), deferred_inserts():
        case = Case(
            number=case_number(region_code=item.region.code, day=day),
            item=item,
            item_version=item_version,
            department=item.implementing_body,
            region=item.region,
            service_center=service_center,
            applicant=applicant,
            submitted_by=submitted_by,
            agent=agent,
            channel=channel,
            form_data=form_data,
            status=CaseStatus.SUBMITTED.value,
            submitted_at=submitted_at,
            received_on=day,
        )
        event = CaseEvent(
            case=case,
            sequence=1,
            action=CaseAction.SUBMIT.value,
            from_status="",
            to_status=CaseStatus.SUBMITTED.value,
            occurred_at=submitted_at,
            actor=submitted_by,
            actor_role=_submitter_role(applicant, submitted_by, agent),
            integration_client=current_integration_client(),
            data={"channel": channel},
        )
        today = timezone.localdate()
        apply_clock(case, clock_for(case, [event], today=today), today=today)
        insert_rows([case])  # the hot path of every channel: one lean INSERT each (core.db)
        event.case = case
        insert_rows([event])
        materials = case_materials.save_case_materials(
            case=case, uploads=uploads, actor=submitted_by, new_case=True
        )
        enqueue_event_effects(event)
    # The rows written, for a caller that shows the new case without reading it back (the API).
    case.written_rows = {  # type: ignore[attr-defined]
        "events": [event],
        "materials": sorted(materials, key=lambda m: (m.requirement.order, m.created_at, m.pk)),
    }
    return case


def _submitter_role(
    applicant: ApplicantProfile, submitted_by: AbstractBaseUser, agent: AbstractBaseUser | None
) -> str:
    if submitted_by.pk == applicant.user_id:
        return "applicant"
    if agent is not None and submitted_by.pk == agent.pk:
        return "agent"
    return "window_clerk"
