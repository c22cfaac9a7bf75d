"""The project's DRF content negotiation (settings ``DEFAULT_CONTENT_NEGOTIATION_CLASS``): a module of its own,
since DRF's views read that setting while they are imported."""

from __future__ import annotations

from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation


class JsonNegotiation(DefaultContentNegotiation):
    """DRF's content negotiation, answered at once in the usual case: a view with one renderer (JSON, the
    project's default) asked with no format suffix and an ``Accept`` of ``*/*``, ``application/json`` or none
    — what DRF's own negotiation answers then, without parsing the header. Anything else goes to DRF."""

    _TAKES_JSON = frozenset(["", "*/*", "application/json"])

    def select_renderer(
        self, request: Any, renderers: list[Any], format_suffix: str | None = None
    ) -> tuple[Any, str]:
        if (
            len(renderers) == 1
            and format_suffix is None
            and renderers[0].media_type == "application/json"
            and request.META.get("HTTP_ACCEPT", "") in self._TAKES_JSON
            and self.settings.URL_FORMAT_OVERRIDE not in request.GET
        ):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
