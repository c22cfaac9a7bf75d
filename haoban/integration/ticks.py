"""``haoban tick`` jobs of the integration app."""

from __future__ import annotations

import datetime as dt

from haoban.core.ticks import register_tick

from .services import nonces_purge


@register_tick("integration.purge_nonces")
def purge_nonces(now: dt.datetime) -> str:
    """Forget nonces older than 10 minutes (their requests' timestamps are out of range by then)."""
    return f"删除过期随机串 {nonces_purge(now=now)} 个"
