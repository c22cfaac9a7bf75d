"""The demo shows fees: 不动产登记 through the demo accounts, over the API the way a client would — bdc-clerk
receives 张三's application at the window and accepts it, bdc-head approves it with the 住宅 fee only,
bdc-reviewer issues, delivery is held until 张三 pays at the local cashier, then delivered."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from haoban.accounts.models import ApplicantProfile, User
from haoban.cases.models import Case
from haoban.cases.services import case_submit
from haoban.cases.tests.factories import complete_uploads
from haoban.catalog.models import ServiceItemVersion

from ..models import PaymentOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings: Any, tmp_path: Any) -> None:
    settings.HAOBAN_PRIVATE_DIR = tmp_path / "private"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", stdout=io.StringIO())


def _api(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(username=username))
    return client


def test_real_estate_registration_is_paid_before_the_certificate_is_released(demo: None) -> None:
    # given: 张三 applies at the 不动产 window
    version = ServiceItemVersion.objects.get(name="不动产登记", status="published")
    assert (version.charges_fee, version.pay_before_release) == (True, True)
    zhangsan = ApplicantProfile.objects.get(user__username="zhangsan")
    case = case_submit(
        item_version=version,
        applicant=zhangsan,
        submitted_by=User.objects.get(username="bdc-clerk"),
        channel="window",
        form_data={
            "applicant_name": "张三",
            "id_number": zhangsan.resident_id,
            "phone": "0594-2687002",
            "property_address": "城厢区霞林街道荔城中大道 1 号",
            "registration_type": "转移登记",
        },
        uploads=complete_uploads(version),
    )
    number = case.number
    fees = {f.name: f.pk for f in version.fees.all()}

    def act(username: str, action: str, body: dict[str, Any] | None = None) -> Any:
        return _api(username).post(f"/api/v1/cases/{number}/{action}/", body or {}, format="json")

    # when: accepted, approved with the 住宅 fee, issued
    assert act("bdc-clerk", "accept").status_code == 200
    approved = act("bdc-head", "approve", {"fee_items": [fees["不动产登记费（住宅）"]]})
    assert approved.status_code == 200, approved.json()
    assert [(o["amount"], o["status"]) for o in approved.json()["payment_orders"]] == [("80.00", "pending")]
    assert act("bdc-reviewer", "issue").status_code == 200

    # then: delivery waits for the payment
    held = act("bdc-clerk", "deliver", {"method": "electronic"})
    assert (held.status_code, held.json()["message"]) == (
        409,
        f"该事项须先缴费后领证：缴费单 JF{number}（80.00 元）尚未缴费，不能送达审批结果",
    )

    # 张三 pays at the local cashier; then the result is delivered
    applicant = Client()
    applicant.force_login(zhangsan.user)
    assert applicant.post(f"/payments/orders/JF{number}/cashier/").status_code == 302
    assert PaymentOrder.objects.get(case__number=number).status == "paid"
    assert act("bdc-clerk", "deliver", {"method": "electronic"}).status_code == 200
    assert Case.objects.get(number=number).status == "delivered"
