"""cases.selectors: scoped lists with filters, the urgency order of staff inboxes, the detail with its events,
notices and materials, and a fixed number of queries however many cases there are."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.http import Http404

from haoban.accounts.models import User
from haoban.cases.models import Case
from haoban.cases.selectors import CaseFilters, case_detail, case_list, notice_for

from .world import World, add_event, add_material, add_notice, make_case, make_staff, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def _numbers(cases: object) -> list[str]:
    return [case.number for case in cases]  # type: ignore[attr-defined]


def test_staff_inbox_is_ordered_red_yellow_green_then_remaining_workdays(world: World) -> None:
    # given
    w = world
    version = w.version(w.market)
    reviewer = make_staff("reviewer", "reviewer", departments=[w.market])
    green_far = make_case(version, w.applicant_a, status="in_review", light="green", remaining_workdays=9)
    closed = make_case(version, w.applicant_a, status="completed", light="", remaining_workdays=None)
    yellow = make_case(version, w.applicant_b, status="in_review", light="yellow", remaining_workdays=2)
    red_late = make_case(version, w.applicant_a, status="in_review", light="red", remaining_workdays=-3)
    green_near = make_case(version, w.applicant_b, status="in_review", light="green", remaining_workdays=4)
    red_today = make_case(version, w.applicant_b, status="in_review", light="red", remaining_workdays=0)

    # when
    inbox = case_list(user=reviewer)

    # then
    assert _numbers(inbox) == _numbers([red_late, red_today, yellow, green_near, green_far, closed])


def test_applicants_see_their_newest_applications_first(world: World) -> None:
    w = world
    version = w.version(w.market)
    older = make_case(version, w.applicant_a, light="red", submitted_on=dt.date(2026, 3, 2))
    newer = make_case(version, w.applicant_a, light="green", submitted_on=dt.date(2026, 3, 5))
    make_case(version, w.applicant_b)

    assert _numbers(case_list(user=w.applicant_a.user)) == [newer.number, older.number]


def test_filters_status_item_department_light(world: World) -> None:
    # given: a supervisor of the whole city sees every case
    w = world
    supervisor = make_staff("supervisor", "efficiency_supervisor", region=w.city)
    market, xianyou = w.version(w.market), w.version(w.xianyou_market)
    m_submitted = make_case(market, w.applicant_a, light="green", remaining_workdays=5)
    m_review_red = make_case(market, w.applicant_b, status="in_review", light="red", remaining_workdays=0)
    x_review_yellow = make_case(
        xianyou, w.applicant_a, status="in_review", light="yellow", remaining_workdays=1
    )

    def listed(**filters: object) -> set[str]:
        return set(_numbers(case_list(user=supervisor, filters=CaseFilters(**filters))))  # type: ignore[arg-type]

    # then
    assert listed() == {m_submitted.number, m_review_red.number, x_review_yellow.number}
    assert listed(statuses=("in_review",)) == {m_review_red.number, x_review_yellow.number}
    assert listed(statuses=("submitted", "in_review")) == listed()
    assert listed(statuses=("completed",)) == set()
    assert listed(item=xianyou.item.implementation_code) == {x_review_yellow.number}
    assert listed(item=xianyou.item.implementation_code.lower()) == {x_review_yellow.number}
    assert listed(department=w.market.uscc) == {m_submitted.number, m_review_red.number}
    assert listed(lights=("red", "yellow")) == {m_review_red.number, x_review_yellow.number}
    assert listed(statuses=("in_review",), department=w.market.uscc, lights=("red",)) == {m_review_red.number}
    assert listed(item="NO-SUCH-CODE") == set()


def test_filters_never_widen_the_scope(world: World) -> None:
    w = world
    reviewer = make_staff("reviewer", "reviewer", departments=[w.market])
    make_case(w.version(w.xianyou_market), w.applicant_a, status="in_review")

    assert list(case_list(user=reviewer, filters=CaseFilters(department=w.xianyou_market.uscc))) == []


def test_list_and_detail_agree_on_visibility(world: World) -> None:
    # given: cases of every department, and callers of different scopes
    w = world
    cases = [
        make_case(w.version(w.market), w.applicant_a),
        make_case(w.version(w.xianyou_market), w.applicant_b),
        make_case(w.version(w.fengting_gov), w.applicant_a),
        make_case(w.version(w.chengxiang_market), w.applicant_b),
    ]
    callers: list[User] = [
        w.applicant_a.user,
        w.applicant_b.user,
        make_staff("clerk-xianyou", "window_clerk", region=w.xianyou),
        make_staff("reviewer", "reviewer", departments=[w.market]),
        make_staff("catalog", "catalog_manager", region=w.city),
    ]

    for caller in callers:
        listed = set(_numbers(case_list(user=caller)))
        for case in cases:
            if case.number in listed:
                assert case_detail(user=caller, number=case.number) == case
            else:
                with pytest.raises(Http404):
                    case_detail(user=caller, number=case.number)


@pytest.mark.parametrize("count", [1, 8])
def test_list_costs_a_fixed_number_of_queries(
    world: World, django_assert_num_queries: object, count: int
) -> None:
    # given
    w = world
    reviewer = make_staff("reviewer", "reviewer", departments=[w.market])
    for _ in range(count):
        make_case(w.version(w.market), w.applicant_a, service_center=w.city_center, status="in_review")

    # when / then: the scope (assignments with their departments and centers: 3; applicant profiles UNION
    # agent authorizations: 1), then one query for the cases with everything a row shows
    with django_assert_num_queries(5):  # type: ignore[operator]
        rows = [
            (
                c.number,
                c.item.implementation_code,
                c.item_version.name,
                c.department.uscc,
                c.region.code,
                c.service_center.name if c.service_center else "",
                c.applicant.name,
                c.current_step,
            )
            for c in case_list(user=reviewer)
        ]
    assert len(rows) == count


def test_detail_has_events_notices_and_materials_in_a_fixed_number_of_queries(
    world: World, django_assert_num_queries: object
) -> None:
    # given
    w = world
    clerk = make_staff("clerk", "window_clerk", departments=[w.market])
    case = make_case(w.version(w.market), w.applicant_a, status="in_review")
    accepted = add_event(case, "accept", "submitted", "in_review", actor=clerk, actor_role="window_clerk")
    notice = add_notice(case, accepted)
    add_material(case, reference="L-1")
    add_material(case)
    applicant = w.applicant_a.user

    # when: the scope (1: applicant profiles, agent authorizations and staff roles in one query), the case
    # with its related rows (1), events with actors, notices, materials with requirements, payment orders (4)
    with django_assert_num_queries(6):  # type: ignore[operator]
        detail = case_detail(user=applicant, number=case.number)
        events = [(e.sequence, e.action, e.actor.username if e.actor else "") for e in detail.events.all()]
        notices = [(n.kind, n.document_number) for n in detail.notices.all()]
        materials = [(m.requirement.name, m.reference) for m in detail.materials.all()]

    # then
    assert events == [(1, "submit", "applicant-a"), (2, "accept", "clerk")]
    assert notices == [("acceptance", notice.document_number)]
    assert materials == [("食品经营许可申请书", "L-1"), ("食品经营许可申请书", "")]


def test_notice_for_requires_the_case_and_the_notice_to_match(world: World) -> None:
    w = world
    mine = make_case(w.version(w.market), w.applicant_a)
    theirs = make_case(w.version(w.market), w.applicant_b)
    my_notice = add_notice(mine, mine.events.get())
    their_notice = add_notice(theirs, theirs.events.get())
    user = w.applicant_a.user

    assert notice_for(user=user, number=mine.number, notice_uuid=my_notice.uuid) == my_notice
    with pytest.raises(Http404):  # another case's notice under my case's number
        notice_for(user=user, number=mine.number, notice_uuid=their_notice.uuid)
    with pytest.raises(Http404):  # a case I do not see
        notice_for(user=user, number=theirs.number, notice_uuid=their_notice.uuid)
    with pytest.raises(Http404):
        notice_for(user=user, number=mine.number, notice_uuid=uuid.uuid4())
    assert Case.objects.count() == 2
