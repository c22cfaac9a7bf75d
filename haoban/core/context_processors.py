from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def _has_workbench(request: HttpRequest) -> bool:
    from haoban.accounts.models import StaffAssignment

    user = request.user
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser) or StaffAssignment.objects.filter(user=user, active=True).exists()


def site(request: HttpRequest) -> dict[str, Any]:
    """Site-wide template context: name, elder mode (长辈版) and whether to link the staff workbench.

    ``has_workbench`` is lazy: the query runs only on pages that render the navigation for a signed-in user.
    """
    return {
        "site_name": "一网好办",
        "elder_mode": request.COOKIES.get("elder") == "1",
        "has_workbench": SimpleLazyObject(lambda: _has_workbench(request)),
    }
