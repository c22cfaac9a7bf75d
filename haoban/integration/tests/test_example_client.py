"""docs/examples/integration_client.py: the stdlib example a department system copies, run for real."""

from __future__ import annotations

import importlib.util
import json
import secrets
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import settings
from django.utils import timezone

from haoban.cases.models import CaseEvent
from haoban.cases.tests.factories import make_case_version, submit_case
from haoban.core.crypto import sm3_hex
from haoban.integration import services, signing

EXAMPLE = Path(settings.BASE_DIR).parent / "docs" / "examples" / "integration_client.py"


@pytest.fixture(scope="module")
def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("integration_client_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("length", [0, 1, 3, 55, 56, 63, 64, 65, 119, 120, 128, 1000])
def test_pure_python_sm3_agrees_with_tongsuo(example, length):
    data = secrets.token_bytes(length)
    assert example.PureSM3(data).hexdigest() == sm3_hex(data)
    streamed = example.PureSM3()
    for i in range(0, length, 7):
        streamed.update(data[i : i + 7])
    assert streamed.copy().hexdigest() == sm3_hex(data)


@pytest.mark.parametrize("openssl", [True, False])
def test_example_signs_exactly_like_the_platform(example, monkeypatch, openssl):
    if openssl and not example._openssl_has_sm3():
        pytest.skip("this OpenSSL build has no SM3")
    monkeypatch.setattr(example, "SM3_FROM_OPENSSL", openssl)
    url = "http://127.0.0.1:8000/api/v1/integration/cases/X/events/?a=1"
    body = '{"action":"accept","reason":"符合条件"}'.encode()
    ours = signing.sign_request(
        client_id="hbc_1",
        secret="hbs_秘密",
        method="POST",
        url=url,
        body=body,
        timestamp=1796000000,
        nonce="n" * 16,
    )
    theirs = example.sign("hbc_1", "hbs_秘密", "POST", url, body, timestamp=1796000000, nonce="n" * 16)
    assert theirs == ours
    fresh = signing.sign_request(client_id="hbc_1", secret="hbs_s", method="POST", url=url, body=body)
    assert example.verify_webhook("hbs_s", "POST", url, body, fresh)
    assert not example.verify_webhook("hbs_s", "POST", url, body + b" ", fresh)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_example_client_against_a_live_server(example, live_server, department, capsys):
    # given: no service tags, so the test needs none of the rows the migrations seed (another transactional
    # test may have flushed them; an empty calendar only makes the clock provisional)
    issued = services.integration_client_create(department=department)
    case = submit_case(version=make_case_version(department=department, tags=()))
    client = example.Client(live_server.url, issued.client.client_id, issued.secret)
    # when: list, push an event, and the command line
    listed = client.list_cases(updated_since="2020-01-01T00:00:00+08:00")
    occurred_at = timezone.localtime().isoformat()
    pushed = client.push_event(case.number, "accept", occurred_at)
    again = client.push_event(case.number, "accept", occurred_at)
    code = example.main(
        [
            "--base-url",
            live_server.url,
            "--client-id",
            issued.client.client_id,
            "--secret",
            issued.secret,
            "list",
        ]
    )
    wrong = example.Client(live_server.url, issued.client.client_id, "hbs_wrong").list_cases()
    # then
    assert listed[0] == 200
    assert [c["number"] for c in listed[1]["results"]] == [case.number]
    assert pushed[0] == 201
    assert pushed[1]["event"]["action"] == "accept"
    assert again == (409, {"code": "conflict", "message": "办件状态为“审查中”，不能执行“受理”", "fields": {}})
    assert CaseEvent.objects.get(case=case, sequence=2).integration_client == issued.client.client_id
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["results"][0]["status"] == "in_review"
    assert wrong == (401, {"code": "signature_invalid", "message": "签名无效", "fields": {}})
