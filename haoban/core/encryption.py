"""Maintenance of the encrypted fields (docs/security.md): re-encryption after an SM4 key rotation and
recomputation of blind indexes after a blind-index key change. Used by ``haoban crypto``.

Every model with an :class:`~haoban.core.fields.EncryptedTextField` or a
:class:`~haoban.core.fields.BlindIndexField` is covered; each row is locked (``select_for_update``) while it
is rewritten, so a concurrent edit is never overwritten with stale values. Both are idempotent.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models, transaction

from .crypto import current_key_id, token_key_id
from .fields import BlindIndexField, EncryptedTextField, Sealed


def _fields_of(kind: type[models.Field]) -> list[tuple[type[models.Model], list[models.Field]]]:
    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, kind)]
        if fields:
            found.append((model, fields))
    return found


def _label(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.object_name}"


def reencrypt_fields() -> dict[str, int]:
    """Rewrite every token not made with the current ``HAOBAN_SM4_KEY`` (read with ``HAOBAN_SM4_OLD_KEYS``);
    the number of rows changed per model."""
    current = current_key_id()
    changed: dict[str, int] = {}
    for model, fields in _fields_of(EncryptedTextField):
        names = [f.attname for f in fields]
        manager = model._base_manager
        rows = manager.values_list("pk", *names).order_by("pk").iterator()
        due = [
            row[0]
            for row in rows
            if any(isinstance(v, Sealed) and token_key_id(v.token) != current for v in row[1:])
        ]
        count = 0
        for pk in due:
            with transaction.atomic():
                row = manager.select_for_update().filter(pk=pk).values_list(*names).first()
                if row is None:
                    continue
                updates = {
                    f.attname: f.decrypt(v.token)  # plaintext: update() encrypts it with the current key
                    for f, v in zip(fields, row, strict=True)
                    if isinstance(v, Sealed) and token_key_id(v.token) != current
                }
                if updates:
                    manager.filter(pk=pk).update(**updates)
                    count += 1
        changed[_label(model)] = count
    return changed


def rebuild_blind_indexes() -> dict[str, int]:
    """Recompute every blind index with the current ``HAOBAN_BLIND_INDEX_KEY``; rows changed per model."""
    changed: dict[str, int] = {}
    for model, fields in _fields_of(BlindIndexField):
        manager = model._base_manager
        count = 0
        for pk in manager.order_by("pk").values_list("pk", flat=True).iterator():
            with transaction.atomic():
                obj = manager.select_for_update().filter(pk=pk).first()
                if obj is None:
                    continue
                updates = {}
                for field in fields:
                    assert isinstance(field, BlindIndexField)
                    stored = obj.__dict__[field.attname]
                    fresh = field.index_for(getattr(obj, field.source_attname))
                    if fresh != stored:
                        updates[field.attname] = fresh
                if updates:
                    manager.filter(pk=pk).update(**updates)
                    count += 1
        changed[_label(model)] = count
    return changed
