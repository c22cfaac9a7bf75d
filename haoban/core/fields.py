"""Model fields for personal data at rest: :class:`EncryptedTextField` (SM4-GCM) and :class:`BlindIndexField`
(HMAC-SM3 for equality lookups). docs/security.md describes the scheme; keys in docs/crypto.md.

- In Python the attribute holds the plaintext. In the database the column holds the ``sm4gcm1$…`` token of
  :func:`haoban.core.crypto.encrypt_field`, authenticated with the field's context
  (``"app_label.Model.field"``, given explicitly and never changed), so a token copied into another column does not decrypt there. An empty
  value stays ``""`` (not encrypted), so "is it filled in" checks and constraints keep working.
- Decryption is lazy: a row loaded from the database keeps the token until the attribute is read, so lists
  that never show the value never decrypt it, and saving an unchanged row writes the same token back.
- Encryption is randomised, so the column cannot be searched: every lookup except ``isnull`` and ``= ""``
  raises. Equality lookups go through a :class:`BlindIndexField` next to it, which is recomputed whenever the
  source value changes (also before ``full_clean``, so unique constraints on it are validated). A queryset
  ``update()`` of the source field bypasses both: use ``save()``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import validators
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull
from django.db.models.query_utils import DeferredAttribute

from .crypto import DecryptionError, blind_index, decrypt_field, encrypt_field

_MISSING = object()


class Sealed:
    """A token as loaded from the database; decrypted (once) when the attribute is first read."""

    __slots__ = ("plaintext", "token")

    def __init__(self, token: str) -> None:
        self.token = token
        self.plaintext: str | None = None

    def __repr__(self) -> str:
        return "<Sealed>"


class _EncryptedAttribute(DeferredAttribute):
    field: EncryptedTextField

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        value = super().__get__(instance, cls)
        if instance is None or not isinstance(value, Sealed):
            return value
        if value.plaintext is None:
            value.plaintext = self.field.decrypt(value.token)
        return value.plaintext

    def __set__(self, instance: Any, value: Any) -> None:
        # A data descriptor, so that reads come through __get__ even though the value is in __dict__.
        instance.__dict__[self.field.attname] = value


class _EncryptedExact(Exact):
    """``= ""`` only (whether the field is filled in); any other value can never match a random token."""

    def get_prep_lookup(self) -> Any:
        if self.rhs != "":
            raise FieldError("该字段已加密保存，不能按值查询；请使用它的盲索引字段（见 docs/security.md）。")
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):
    """A text field stored SM4-GCM-encrypted (see the module docstring). ``max_length`` limits the
    plaintext (validated by ``full_clean`` and forms); the column is unlimited text."""

    descriptor_class = _EncryptedAttribute

    def __init__(self, *args: Any, context: str, **kwargs: Any) -> None:
        # The context is part of every token (GCM associated data): never change it for existing data.
        self.context = context
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["context"] = self.context
        return name, path, args, kwargs

    def decrypt(self, token: str) -> str:
        try:
            return decrypt_field(token, context=self.context)
        except DecryptionError as exc:
            raise DecryptionError(
                f"无法解密 {self.context}：{exc}。请检查 HAOBAN_SM4_KEY 和 HAOBAN_SM4_OLD_KEYS（docs/crypto.md）。"
            ) from exc

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return Sealed(value) if value else value

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        # The raw attribute: an unchanged loaded value is written back as the same token, not re-encrypted.
        return model_instance.__dict__.get(self.attname)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Sealed):
            return value.token
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_field(str(value), context=self.context)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, Sealed):
            return value.plaintext if value.plaintext is not None else self.decrypt(value.token)
        return super().to_python(value)

    def value_to_string(self, obj: Any) -> str:
        # dumpdata writes the plaintext (loaddata encrypts it again): such a dump is personal data in clear.
        return str(self.value_from_object(obj) or "")

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return _EncryptedExact
        if lookup_name == "isnull":
            return IsNull
        return None

    def formfield(self, **kwargs: Any) -> Any:
        # A one-line input (not the TextField's textarea) limited to max_length.
        return models.Field.formfield(
            self, **{"form_class": forms.CharField, "max_length": self.max_length, **kwargs}
        )


class _BlindIndexAttribute(DeferredAttribute):
    """Recomputes the index when the source value differs from the one the stored index was made for."""

    field: BlindIndexField

    def _source_key(self) -> str:
        return f"_{self.field.attname}_for"

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        value = super().__get__(instance, cls)
        if instance is None:
            return value
        data = instance.__dict__
        source = data.get(self.field.source_attname, _MISSING)
        if source is _MISSING or data.get(self._source_key(), _MISSING) is source:
            return value
        plain = getattr(instance, self.field.source_attname)
        value = self.field.index_for(plain)
        data[self.field.attname] = value
        data[self._source_key()] = data.get(self.field.source_attname)
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        data = instance.__dict__
        data[self.field.attname] = value
        # A stored index (loaded with its row, fields load in order) belongs to the source set just before;
        # an empty one (a new object's default) is recomputed when read.
        data[self._source_key()] = data.get(self.field.source_attname, _MISSING) if value else _MISSING


class BlindIndexField(models.CharField):
    """HMAC-SM3 (:func:`haoban.core.crypto.blind_index`) of the normalised value of the encrypted field
    ``source`` (surrounding spaces removed, letters upper-cased), for equality lookups and uniqueness.
    Declare it after its source field."""

    descriptor_class = _BlindIndexAttribute

    def __init__(self, *args: Any, source: str, **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 64), ("editable", False), ("blank", True)):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    @property
    def source_field(self) -> EncryptedTextField:
        return self.model._meta.get_field(self.source)  # type: ignore[no-any-return]

    @property
    def source_attname(self) -> str:
        return self.source_field.attname

    def index_for(self, value: str | None) -> str:
        """The index of a plaintext value, e.g. for ``filter(resident_id_index=field.index_for(number))``."""
        return blind_index((value or "").strip().upper(), context=self.source_field.context)

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        return getattr(model_instance, self.attname)

    def clean(self, value: Any, model_instance: Any) -> Any:
        # full_clean: bring the index up to date before the constraints on it are validated.
        return getattr(model_instance, self.attname)
