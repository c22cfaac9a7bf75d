"""case_submit: validation with Chinese errors by field, the case number, event #1, the acceptance window."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haoban.accounts.services import agent_authorize
from haoban.accounts.tests.helpers import make_user
from haoban.cases.models import Case, CaseEvent, CaseMaterial, CaseNumberSequence
from haoban.cases.services import case_submit
from haoban.cases.tests.factories import (
    FORM_DATA,
    at,
    complete_uploads,
    make_applicant,
    make_case_version,
    outbox_mark,
    outbox_since,
    requirement,
    submit_case,
)
from haoban.catalog.tests.factories import make_department, make_region
from haoban.core.models import OutboxMessage

pytestmark = pytest.mark.django_db

NOW = at(2026, 9, 28, 16)


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


def _nothing_written() -> None:
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0
    assert CaseMaterial.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_submit_creates_case_event_clock_and_notification() -> None:
    # given
    version = make_case_version()
    applicant = make_applicant()
    mark = outbox_mark()

    # when
    case = case_submit(
        item_version=version,
        applicant=applicant,
        submitted_by=applicant.user,
        channel="pc",
        form_data=dict(FORM_DATA),
        uploads=complete_uploads(version),
    )

    # then
    assert case.number == "35030020260928000001"
    assert case.status == "submitted"
    assert case.item_version == version
    assert case.item == version.item
    assert case.department == version.item.implementing_body
    assert case.channel == "pc"
    assert case.submitted_at == NOW
    assert case.received_on == dt.date(2026, 9, 28)
    assert case.acceptance_due_date == dt.date(2026, 10, 10)  # 5 working days across 国庆 (Sat 10 Oct works)
    assert case.accepted_on is None
    assert case.legal_due_date is None
    assert case.light == ""
    assert case.clock_computed_on == dt.date(2026, 9, 28)
    events = list(
        case.events.values_list("sequence", "action", "from_status", "to_status", "actor", "actor_role")
    )
    assert events == [(1, "submit", "", "submitted", applicant.user.pk, "applicant")]
    assert sorted(case.materials.values_list("requirement__name", "source")) == [
        ("营业执照", "e_license"),
        ("食品经营许可申请书", "applicant"),
    ]
    event = case.events.get()
    assert outbox_since(mark) == [("cases.notify", {"event_id": event.pk})]


def test_numbers_follow_a_daily_sequence_per_region_and_use_six_digits_of_a_town_code() -> None:
    # given
    town = make_region("350304001", name="镇海街道", parent=make_region("350304"))
    version = make_case_version(department=make_department(region=town))

    # when
    first = submit_case(version=version)
    second = submit_case(version=version)
    next_day = submit_case(version=version, at=at(2026, 9, 27, 9))

    # then
    assert (first.number, second.number, next_day.number) == (
        "35030420260928000001",
        "35030420260928000002",
        "35030420260927000001",
    )
    assert CaseNumberSequence.objects.get(region_code="350304", day=dt.date(2026, 9, 28)).last == 2


def test_date_of_the_number_is_the_shanghai_date() -> None:
    # 2026-09-27 17:30 UTC is 2026-09-28 01:30 in Shanghai.
    case = submit_case(at=dt.datetime(2026, 9, 27, 17, 30, tzinfo=dt.UTC))

    assert case.number[6:14] == "20260928"
    assert case.received_on == dt.date(2026, 9, 28)


def test_form_errors_are_chinese_and_keyed_by_field() -> None:
    # given
    version = make_case_version()
    applicant = make_applicant()

    # when
    with pytest.raises(ValidationError) as raised:
        case_submit(
            item_version=version,
            applicant=applicant,
            submitted_by=applicant.user,
            channel="pc",
            form_data={"name": "", "area": -1},
            uploads=complete_uploads(version),
        )

    # then
    assert raised.value.message_dict == {
        "form_data.address": ["必填"],
        "form_data.area": ["不能小于 0"],
        "form_data.name": ["不能为空"],
    }
    _nothing_written()


def test_every_problem_is_reported_at_once_and_nothing_is_written() -> None:
    # given
    version = make_case_version(channels=["window"])
    applicant = make_applicant()
    stranger = make_user("stranger")

    # when
    with pytest.raises(ValidationError) as raised:
        case_submit(
            item_version=version,
            applicant=applicant,
            submitted_by=stranger,
            channel="mobile",
            form_data={"name": "店", "address": 1},
            uploads=[],
            agent=stranger,
        )

    # then
    form = requirement(version, "食品经营许可申请书")
    licence = requirement(version, "营业执照")
    assert raised.value.message_dict == {
        "channel": ["该事项不支持通过“移动端”申请"],
        "agent": ["代办人没有该申请人有效的代办授权"],
        "form_data.address": ["应填写文本"],
        f"materials[{form.pk}]": ["缺少必要材料：食品经营许可申请书"],
        f"materials[{licence.pk}]": ["缺少必要材料：营业执照"],
    }
    _nothing_written()


def test_unknown_channel_and_a_stranger_submitting_online() -> None:
    version = make_case_version()
    applicant = make_applicant()

    with pytest.raises(ValidationError) as raised:
        case_submit(
            item_version=version,
            applicant=applicant,
            submitted_by=make_user("clerk"),
            channel="fax",
            form_data=dict(FORM_DATA),
            uploads=complete_uploads(version),
        )

    assert raised.value.message_dict == {
        "channel": ["申请渠道只能是 pc、mobile、kiosk 或 window"],
        "submitted_by": ["只有申请人本人或其代办人可以在线提交；窗口人员代为录入须选择窗口渠道"],
    }
    _nothing_written()


def test_an_authorised_agent_submits_for_the_applicant() -> None:
    # given
    applicant = make_applicant()
    agent = make_user("agent")
    agent_authorize(agent=agent, principal=applicant, valid_from=dt.date(2026, 1, 1))

    # when
    case = submit_case(applicant=applicant, submitted_by=agent, agent=agent, channel="mobile")

    # then
    assert case.agent == agent
    assert case.submitted_by == agent
    assert case.events.get().actor_role == "agent"


def test_a_window_clerk_records_a_walk_in_application() -> None:
    clerk = make_user("clerk")

    case = submit_case(submitted_by=clerk, channel="window")

    assert (case.channel, case.submitted_by, case.events.get().actor_role) == (
        "window",
        clerk,
        "window_clerk",
    )


def test_a_version_not_in_force_is_refused() -> None:
    version = make_case_version(valid_from=dt.date(2026, 12, 1))

    with pytest.raises(ValidationError) as raised:
        submit_case(version=version)

    assert raised.value.message_dict == {
        "item_version": ["该事项版本不是当前生效的已发布版本，请按现行办事指南申请"]
    }
    _nothing_written()


def test_at_in_the_future_is_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        submit_case(at=NOW + dt.timedelta(minutes=1))

    assert raised.value.message_dict == {"at": ["发生时间不能晚于当前时间"]}
    _nothing_written()
