"""The demo service items, by domain. ``ITEMS`` is in load order: a main item comes before its sub-items."""

from __future__ import annotations

from . import health, land, market, public, social
from .common import DEMO_VALID_FROM, ItemSpec, Revision

ITEMS: tuple[ItemSpec, ...] = (*market.ITEMS, *land.ITEMS, *health.ITEMS, *social.ITEMS, *public.ITEMS)

__all__ = ["DEMO_VALID_FROM", "ITEMS", "ItemSpec", "Revision"]
