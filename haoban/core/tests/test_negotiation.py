"""``core.negotiation.JsonNegotiation``: DRF's answer for every Accept header, the usual ones without parsing."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework import exceptions


@pytest.mark.parametrize(
    ("accept", "query"),
    [
        (None, ""),
        ("*/*", ""),
        ("application/json", ""),
        ("application/json; indent=4", ""),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", ""),
        ("application/json", "format=json"),
        ("text/csv", ""),
    ],
)
def test_json_negotiation_answers_what_drf_answers(accept: str | None, query: str) -> None:
    from rest_framework.negotiation import DefaultContentNegotiation
    from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from haoban.core.negotiation import JsonNegotiation

    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    for renderers in ([JSONRenderer()], [JSONRenderer(), BrowsableAPIRenderer()]):
        request = Request(APIRequestFactory().get(f"/api/v1/cases/?{query}", **headers))
        try:
            expected: Any = DefaultContentNegotiation().select_renderer(request, renderers)
        except exceptions.NotAcceptable as refused:
            expected = type(refused)
        try:
            got: Any = JsonNegotiation().select_renderer(request, renderers)
        except exceptions.NotAcceptable as refused:
            got = type(refused)
        assert got == expected
    if accept == "text/csv":
        assert expected is exceptions.NotAcceptable  # the comparison covered a refusal too
