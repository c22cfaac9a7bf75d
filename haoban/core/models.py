"""Base model shared by Haoban apps."""

from __future__ import annotations

import uuid

from django.db import models


class BaseModel(models.Model):
    """UUID for external references, timestamps for auditing."""

    uuid = models.UUIDField("外部标识", default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True
