"""缴费单 in the admin: listed and searchable, never added, changed or deleted there."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from haoban.accounts.models import User
from haoban.cases.tests.factories import at

from .helpers import approved_case, order_of, order_row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(at(2026, 10, 12, 9), tick=False)


def test_the_admin_lists_orders_read_only() -> None:
    case = approved_case()
    order = order_of(case)
    admin = Client()
    admin.force_login(User.objects.create_superuser("root", password="x"))
    before = order_row(order)

    listing = admin.get("/admin/payments/paymentorder/", {"q": case.number})
    change = admin.get(f"/admin/payments/paymentorder/{order.pk}/change/")
    add = admin.get("/admin/payments/paymentorder/add/")
    post = admin.post(f"/admin/payments/paymentorder/{order.pk}/change/", {"status": "paid"})

    assert listing.status_code == 200 and order.number in listing.content.decode()
    assert change.status_code == 200 and "80.50" in change.content.decode()
    assert (add.status_code, post.status_code) == (403, 403)
    assert order_row(order) == before
