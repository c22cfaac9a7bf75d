"""Notices issued from the outbox: real sealed PDFs in private storage, 文号 sequences, idempotency."""

from __future__ import annotations

import base64
import datetime as dt
import io
import threading
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.conf import settings
from django.db import connection
from django.http import Http404

from haoban.cases import documents, services
from haoban.cases.materials import MaterialUpload
from haoban.cases.models import Case, CaseEvent, CaseMaterial, Notice
from haoban.cases.tests import factories
from haoban.cases.tests.case_rows import add_event, isolate_files, make_case, make_version
from haoban.core import crypto
from haoban.core.models import OutboxMessage
from haoban.core.notices import NoticeSignature, cn_date, verify_notice
from haoban.core.outbox import outbox_enqueue, process_outbox

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def private_dir(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate_files(tmp_path, settings, monkeypatch)


def accepted_case(**fields: Any) -> tuple[Case, CaseEvent]:
    case = make_case(
        status="in_review",
        accepted_on=D(2026, 3, 3),
        legal_due_date=D(2026, 3, 31),
        promised_due_date=D(2026, 3, 10),
        **fields,
    )
    event = add_event(case, "accept", "in_review", on=D(2026, 3, 3))
    return case, event


def deliver(event: CaseEvent, kind: str) -> OutboxMessage:
    message = outbox_enqueue(topic="cases.notice", payload={"event_id": event.pk, "kind": kind})
    process_outbox()
    message.refresh_from_db()
    return message


def pdf_text(notice: Notice) -> str:
    reader = pypdf.PdfReader(io.BytesIO(documents.notice_path(notice).read_bytes()))
    return "".join(line.strip() for page in reader.pages for line in page.extract_text().splitlines())


def test_acceptance_notice_is_a_sealed_pdf_in_private_storage(private_dir: Path) -> None:
    # given
    case, event = accepted_case()

    # when
    message = deliver(event, "acceptance")

    # then
    assert (message.status, message.last_error) == ("done", "")
    notice = Notice.objects.get()
    assert (notice.case, notice.event, notice.kind, notice.issued_on) == (
        case,
        event,
        "acceptance",
        D(2026, 3, 3),
    )
    assert notice.document_number == "市市场监管局受〔2026〕1号"
    path = private_dir / notice.storage_path
    assert path == private_dir / "notices" / case.number / f"{notice.uuid.hex}.pdf"
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert notice.sm3 == crypto.sm3_hex(pdf)
    seal = NoticeSignature(
        digest=notice.sm3, signature=base64.b64decode(notice.signature), signer_key_id=notice.key_id
    )
    assert verify_notice(pdf, seal)
    assert not verify_notice(pdf + b"\n", seal)
    assert notice.key_id == crypto.sm2_key_id(crypto.signing_public_key())
    assert len(notice.verification_token) == 32
    for public in (Path(settings.MEDIA_ROOT).resolve(), Path(settings.STATIC_ROOT).resolve()):
        assert not path.resolve().is_relative_to(public)
    text = pdf_text(notice)
    for expected in (
        "受理通知书",
        "市市场监管局受〔2026〕1号",
        case.number,
        "林晓梅",
        "食品经营许可（新办）",
        "莆田市市场监督管理局",
        "受理日期为2026年3月3日",
        "本机关承诺于2026年3月10日前办结；依法作出决定的期限为2026年3月31日前（法定期限）。",
    ):
        assert expected in text


def test_redelivery_issues_no_second_notice(private_dir: Path) -> None:
    _, event = accepted_case()
    first = documents.issue_notice(event_id=event.pk, kind="acceptance")

    message = deliver(event, "acceptance")
    again = documents.issue_notice(event_id=event.pk, kind="acceptance")

    assert message.status == "done"
    assert Notice.objects.count() == 1
    assert again == first
    assert [p for p in private_dir.rglob("*") if p.is_file()] == [private_dir / first.storage_path]


def test_document_numbers_count_per_department_kind_and_year() -> None:
    version = make_version()
    numbers = []
    for _ in range(2):
        _, event = accepted_case(version=version)
        numbers.append(documents.issue_notice(event_id=event.pk, kind="acceptance").document_number)
    case = make_case(version=version, status="refused")
    refusal = add_event(case, "refuse", "refused", reason="不属于本机关职权范围。")
    numbers.append(documents.issue_notice(event_id=refusal.pk, kind="refusal").document_number)
    later, event = accepted_case(version=version, received_on=D(2027, 1, 5))
    Case.objects.filter(pk=later.pk).update(
        accepted_on=D(2027, 1, 5), legal_due_date=D(2027, 2, 5), promised_due_date=D(2027, 1, 12)
    )
    event = add_event(Case.objects.get(pk=later.pk), "accept", "in_review", on=D(2027, 1, 5))
    numbers.append(documents.issue_notice(event_id=event.pk, kind="acceptance").document_number)

    assert numbers == [
        "市市场监管局受〔2026〕1号",
        "市市场监管局受〔2026〕2号",
        "市市场监管局不受〔2026〕1号",
        "市市场监管局受〔2027〕1号",
    ]


def test_department_without_short_name_uses_its_name() -> None:
    _, event = accepted_case()
    event.case.department.short_name = ""
    event.case.department.save(update_fields=["short_name"])

    notice = documents.issue_notice(event_id=event.pk, kind="acceptance")

    assert notice.document_number == "莆田市市场监督管理局受〔2026〕1号"


KIND_CASES: dict[str, dict[str, Any]] = {
    "refusal": {
        "action": ("refuse", "refused"),
        "reason": "该申请事项依法不属于本机关职权范围。",
        "data": {"competent_office": "莆田市卫生健康委员会"},
        "text": [
            "不予受理决定书",
            "不予受理的理由：该申请事项依法不属于本机关职权范围。",
            "莆田市卫生健康委员会",
        ],
    },
    "supplement": {
        "action": ("request_supplement", "pending_supplement"),
        "data": {
            "materials": [{"name": "食品经营许可申请书", "problem": "法定代表人未签字"}],
            "supplement_deadline": "2026-03-16",
        },
        "text": [
            "补正材料一次性告知书",
            "食品经营许可申请书法定代表人未签字",
            "请于2026年3月16日前一并提交补正材料",
        ],
    },
    "extension": {
        "action": ("extend", "in_review"),
        "reason": "需要现场核查",
        "amount": 10,
        "data": {"new_due_date": "2026-04-14"},
        "text": ["延期通知书", "理由如下：需要现场核查", "办理期限延长10个工作日，延长至2026年4月14日"],
    },
    "special_procedure": {
        "action": ("suspend", "suspended"),
        "data": {"procedure": "expert_review", "expected_days": 15},
        "text": ["特别程序告知书", "专家评审预计需要15个工作日"],
    },
    "approval": {
        "action": ("approve", "approved"),
        "data": {"result_number": "JY13503000001"},
        "text": ["准予决定书", "本机关决定：准予行政许可。", "食品经营许可证（编号：JY13503000001）"],
    },
    "denial": {
        "action": ("deny", "denied"),
        "reason": "经营场所与污染源距离不足25米\n未配备冷藏设施",
        "text": ["不予许可决定书", "经营场所与污染源距离不足25米", "未配备冷藏设施", "行政复议"],
    },
}


@pytest.mark.parametrize("kind", sorted(KIND_CASES))
def test_every_kind_is_issued_from_its_event(kind: str) -> None:
    spec = KIND_CASES[kind]
    case, _ = accepted_case()
    action, status = spec["action"]
    event = add_event(
        case,
        action,
        status,
        on=D(2026, 3, 5),
        reason=spec.get("reason", ""),
        amount=spec.get("amount"),
        data=spec.get("data"),
    )

    message = deliver(event, kind)

    assert (message.status, message.last_error) == ("done", "")
    notice = Notice.objects.get(event=event)
    assert notice.kind == kind
    text = pdf_text(notice)
    for expected in spec["text"]:
        assert expected in text


def test_supplement_lists_materials_marked_deficient_when_event_names_none() -> None:
    case = make_case(status="pending_supplement")
    requirement = case.item_version.materials.get(name="食品经营许可申请书")
    CaseMaterial.objects.create(
        case=case, requirement=requirement, review="deficient", review_note="第3页未填写经营项目"
    )
    event = add_event(
        case, "request_supplement", "pending_supplement", data={"supplement_deadline": "2026-03-13"}
    )

    notice = documents.issue_notice(event_id=event.pk, kind="supplement")

    assert "食品经营许可申请书第3页未填写经营项目" in pdf_text(notice)


def test_tolerant_acceptance_lists_outstanding_materials() -> None:
    case, _ = accepted_case(tolerant_due_date=D(2026, 3, 17))
    requirement = case.item_version.materials.get(name="营业执照")
    event = add_event(
        case,
        "accept",
        "in_review",
        on=D(2026, 3, 3),
        data={"deficient_materials": [requirement.pk], "tolerant_due_date": "2026-03-17"},
    )

    notice = documents.issue_notice(event_id=event.pk, kind="acceptance")

    text = pdf_text(notice)
    assert "营业执照容缺受理，请于补齐期限内提交" in text
    assert "2026年3月17日" in text


def test_incomplete_event_is_retried_and_writes_nothing(private_dir: Path) -> None:
    # given an extension event without its number of days
    case, _ = accepted_case()
    event = add_event(case, "extend", "in_review", on=D(2026, 3, 5), reason="需要现场核查")

    # when
    message = deliver(event, "extension")

    # then
    assert message.status == "pending"
    assert message.attempts == 1
    assert "缺少延长的工作日数" in message.last_error
    assert Notice.objects.count() == 0
    assert not private_dir.exists() or [p for p in private_dir.rglob("*") if p.is_file()] == []


def test_unknown_kind_is_an_error() -> None:
    _, event = accepted_case()

    with pytest.raises(ValueError, match="未知的文书种类"):
        documents.issue_notice(event_id=event.pk, kind="licence")
    assert Notice.objects.count() == 0


def test_verification_url_carries_only_the_token() -> None:
    _, event = accepted_case()

    notice = documents.issue_notice(event_id=event.pk, kind="acceptance")

    assert documents.verification_url(notice.verification_token) == (
        f"https://zwfw.putian.gov.cn/verify/{notice.verification_token}/"
    )


# --- through the real services -------------------------------------------------------------------------------


def test_services_flow_issues_each_notice_once(private_dir: Path) -> None:
    # given a case driven through the services (which enqueue cases.notice in their transactions)
    version = factories.make_case_version()
    case = factories.submit_case(version=version, at=factories.at(2026, 9, 21))
    clerk = factories.make_staff("window_clerk", case.department)
    form = factories.requirement(version, "食品经营许可申请书")
    services.case_request_supplement(
        case=case,
        actor=clerk,
        at=factories.at(2026, 9, 22),
        items=[services.SupplementItem(form.pk, "法定代表人未签字")],
    )
    services.case_supplement(
        case=case,
        actor=case.applicant.user,
        at=factories.at(2026, 9, 23),
        uploads=[MaterialUpload(form, factories.pdf("申请书.pdf"))],
    )
    factories.accept(case, factories.at(2026, 9, 24))
    services.case_suspend(
        case=case,
        actor=clerk,
        at=factories.at(2026, 9, 25),
        procedure="inspection",
        reason="现场检验",
        expected_days=5,
    )
    head = factories.make_staff("department_head", case.department)
    services.case_resume(case=case, actor=clerk, at=factories.at(2026, 10, 9))
    services.case_extend(
        case=case, actor=clerk, at=factories.at(2026, 10, 12), reason="需要复查", approved_by=head
    )
    services.case_deny(case=case, actor=head, at=factories.at(2026, 10, 13), reason="经营场所不符合要求")

    # when the worker runs twice
    process_outbox(batch_size=100)
    process_outbox(batch_size=100)

    # then
    assert OutboxMessage.objects.filter(topic="cases.notice").exclude(status="done").count() == 0
    notices = list(Notice.objects.filter(case=case).order_by("event__sequence"))
    assert [n.kind for n in notices] == [
        "supplement",
        "acceptance",
        "special_procedure",
        "extension",
        "denial",
    ]
    case.refresh_from_db()
    texts = {n.kind: pdf_text(n) for n in notices}
    assert "食品经营许可申请书法定代表人未签字" in texts["supplement"]
    assert "受理日期为2026年9月24日" in texts["acceptance"]
    assert "检验预计需要5个工作日" in texts["special_procedure"]
    assert f"延长至{cn_date(case.legal_due_date)}" in texts["extension"]
    assert "经营场所不符合要求" in texts["denial"]
    assert [n.document_number for n in notices] == [
        f"{case.department.name}{code}〔2026〕1号" for code in ("补", "受", "特", "延", "不许")
    ]


def test_notice_download_is_the_stored_pdf_named_by_kind_and_number() -> None:
    _, event = accepted_case()
    notice = documents.issue_notice(event_id=event.pk, kind="acceptance")

    response = documents.notice_file_response(notice)

    assert b"".join(response.streaming_content) == documents.notice_path(notice).read_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    documents.notice_path(notice).unlink()
    with pytest.raises(Http404):
        documents.notice_file_response(notice)


# --- concurrency (PostgreSQL) --------------------------------------------------------------------------------

needs_postgres = pytest.mark.skipif(
    "sqlite" in settings.DATABASES["default"]["ENGINE"],
    reason="SQLite serialises every writer; the row-lock races need PostgreSQL",
)


def _race(*calls: Any) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = calls[index]()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_notices_of_one_department_get_distinct_numbers() -> None:
    version = make_version()
    events = [accepted_case(version=version)[1] for _ in range(3)]

    results = _race(*(lambda e=e: documents.issue_notice(event_id=e.pk, kind="acceptance") for e in events))

    assert all(isinstance(r, Notice) for r in results), results
    assert sorted(r.document_number for r in results) == [f"市市场监管局受〔2026〕{n}号" for n in (1, 2, 3)]


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_deliveries_of_one_notice_issue_it_once(private_dir: Path) -> None:
    _, event = accepted_case()

    results = _race(*(lambda: documents.issue_notice(event_id=event.pk, kind="acceptance") for _ in range(3)))

    assert all(isinstance(r, Notice) for r in results), results
    assert {r.pk for r in results} == {Notice.objects.get().pk}
    assert len(list(private_dir.rglob("*.pdf"))) == 1


def test_deemed_acceptance_gets_an_acceptance_notice_dated_the_receipt(time_machine: Any) -> None:
    from haoban.cases import ticks

    time_machine.move_to(factories.at(2026, 9, 28, 9), tick=False)
    case = factories.submit_case()
    time_machine.move_to(factories.at(2026, 10, 11, 0, 1), tick=False)
    assert ticks.deemed_acceptance(factories.at(2026, 10, 11, 0, 1)) == "视为受理 1 件"

    process_outbox(batch_size=100)

    notice = Notice.objects.get(case=case)
    assert (notice.kind, notice.event.action, notice.issued_on) == (
        "acceptance",
        "deemed_accept",
        D(2026, 10, 11),
    )
    text = pdf_text(notice)
    assert "受理日期为2026年9月28日" in text
    assert "依法作出决定的期限为2026年10月30日前（法定期限）" in text
