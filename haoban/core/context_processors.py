from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """Site-wide template context: name and elder mode (长辈版) toggle."""
    return {
        "site_name": "一网好办",
        "elder_mode": request.COOKIES.get("elder") == "1",
    }
