"""The cases admin is read-only: lists and details render in Chinese; nothing can be added, changed or
deleted (events are append-only; every write goes through the services)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from haoban.cases.models import CaseEvent, NegativeDecision
from haoban.cases.tests.factories import at, case_in_status

pytestmark = pytest.mark.django_db

MODELS = ["case", "caseevent", "casematerial", "notice", "negativedecision", "postverificationtask"]


@pytest.fixture
def refused(time_machine: Any) -> Any:
    time_machine.move_to(at(2026, 10, 12, 9), tick=False)
    return case_in_status("refused", at=at(2026, 10, 12, 8))


@pytest.mark.parametrize("model", MODELS)
def test_lists_render_and_cannot_add(admin_client: Client, refused: Any, model: str) -> None:
    listing = admin_client.get(reverse(f"admin:cases_{model}_changelist"))
    adding = admin_client.get(reverse(f"admin:cases_{model}_add"))

    assert listing.status_code == 200
    assert adding.status_code == 403


def test_case_detail_shows_its_events_read_only(admin_client: Client, refused: Any) -> None:
    # when
    page = admin_client.get(reverse("admin:cases_case_change", args=[refused.pk]))
    posted = admin_client.post(reverse("admin:cases_case_change", args=[refused.pk]), {"status": "completed"})

    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert refused.number in html
    assert "不予受理" in html
    assert 'name="_save"' not in html
    assert posted.status_code == 403
    refused.refresh_from_db()
    assert refused.status == "refused"


def test_events_and_the_negative_register_cannot_be_deleted(admin_client: Client, refused: Any) -> None:
    event = CaseEvent.objects.get(case=refused, sequence=2)
    register = NegativeDecision.objects.get(case=refused)

    responses = [
        admin_client.post(reverse("admin:cases_caseevent_delete", args=[event.pk]), {"post": "yes"}),
        admin_client.post(
            reverse("admin:cases_negativedecision_delete", args=[register.pk]), {"post": "yes"}
        ),
    ]

    assert [r.status_code for r in responses] == [403, 403]
    assert CaseEvent.objects.filter(case=refused).count() == 2
    assert NegativeDecision.objects.filter(case=refused).count() == 1
