"""cases.access: who sees which case and who may take which action — exact tables for applicants A and B,
agents within and outside their validity, department X vs Y staff, a region subtree vs its sibling county,
service centers, unrestricted roles, and every acting role against every action."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from haoban.accounts.models import User
from haoban.accounts.services import staff_assign
from haoban.cases.access import (
    APPLICANT_ACTIONS,
    STAFF_ACTIONS,
    CaseActor,
    actions_for,
    can_act,
    cases_visible_to,
    get_case_for,
)
from haoban.cases.models import Case
from haoban.domain.workflow import CaseAction

from .world import World, make_agent, make_case, make_staff, make_world, revoke_all

pytestmark = pytest.mark.django_db

ALL_ACTIONS = list(CaseAction)
CLERK = {"submit", "accept", "refuse", "request-supplement", "pay", "deliver", "complete"}
# approve / deny: the test items' 决定 step is the department head's, so reviewers do not decide them
# (access.DECISION_ACTIONS; test_api_case_steps.py covers items with other 决定 roles).
REVIEWER = {"suspend", "resume", "issue"}
HEAD = {"extend", "approve", "deny"}
APPLICANT = {"submit", "supplement", "withdraw", "pay"}


@dataclass
class Setup:
    world: World
    users: dict[str, User]
    cases: dict[str, Case]


@pytest.fixture
def setup() -> Setup:
    w = make_world()
    users: dict[str, User] = {
        "applicant_a": w.applicant_a.user,
        "applicant_b": w.applicant_b.user,
        "agent_in": make_agent("agent-in", w.applicant_a, days_from=-10, days_to=10),
        "agent_expired": make_agent("agent-expired", w.applicant_a, days_from=-30, days_to=-1),
        "agent_future": make_agent("agent-future", w.applicant_a, days_from=1, days_to=30),
        "clerk_city": make_staff(
            "clerk-city", "window_clerk", departments=[w.market], service_centers=[w.city_center]
        ),
        "reviewer_market": make_staff("reviewer-market", "reviewer", departments=[w.market]),
        "head_market": make_staff("head-market", "department_head", departments=[w.market]),
        "reviewer_xianyou": make_staff("reviewer-xianyou", "reviewer", departments=[w.xianyou_market]),
        "clerk_xianyou": make_staff("clerk-xianyou", "window_clerk", region=w.xianyou),
        "clerk_chengxiang": make_staff("clerk-chengxiang", "window_clerk", region=w.chengxiang),
        "center_admin_xianyou": make_staff(
            "center-admin-xianyou", "center_admin", service_centers=[w.xianyou_center]
        ),
        "supervisor": make_staff("supervisor", "efficiency_supervisor", region=w.city),
        "auditor": make_staff("auditor", "auditor"),
        "auditor_xianyou": make_staff("auditor-xianyou", "auditor", region=w.xianyou),
        "sysadmin": make_staff("sysadmin", "system_admin"),
        "catalog": make_staff("catalog", "catalog_manager", region=w.city),
        "data_officer": make_staff("data-officer", "data_officer", region=w.city),
        "superuser": User.objects.create_superuser("root", password=None),
    }
    market, xianyou = w.version(w.market), w.version(w.xianyou_market)
    cases = {
        "a_market": make_case(market, w.applicant_a, service_center=w.city_center),
        "b_market": make_case(market, w.applicant_b, status="in_review"),
        "b_market_at_xianyou": make_case(market, w.applicant_b, service_center=w.xianyou_center),
        "a_xianyou": make_case(xianyou, w.applicant_a, service_center=w.xianyou_center, status="in_review"),
        "b_fengting": make_case(w.version(w.fengting_gov), w.applicant_b),
        "b_chengxiang": make_case(w.version(w.chengxiang_market), w.applicant_b),
    }
    return Setup(world=w, users=users, cases=cases)


def _visible(s: Setup, user: User | AnonymousUser | None) -> set[str]:
    names = {case.pk: name for name, case in s.cases.items()}
    return {names[pk] for pk in cases_visible_to(user).values_list("pk", flat=True)}


ALL_CASES = {"a_market", "b_market", "b_market_at_xianyou", "a_xianyou", "b_fengting", "b_chengxiang"}
MARKET = {"a_market", "b_market", "b_market_at_xianyou"}
XIANYOU_SUBTREE = {"a_xianyou", "b_fengting", "b_market_at_xianyou"}

EXPECTED_VISIBLE = {
    "applicant_a": {"a_market", "a_xianyou"},
    "applicant_b": {"b_market", "b_market_at_xianyou", "b_fengting", "b_chengxiang"},
    "agent_in": {"a_market", "a_xianyou"},
    "agent_expired": set(),
    "agent_future": set(),
    "clerk_city": MARKET,
    "reviewer_market": MARKET,
    "head_market": MARKET,
    "reviewer_xianyou": {"a_xianyou"},
    # the county's subtree: its department, the town below it, and a city case received at its center
    "clerk_xianyou": XIANYOU_SUBTREE,
    "clerk_chengxiang": {"b_chengxiang"},
    "center_admin_xianyou": {"a_xianyou", "b_market_at_xianyou"},
    "supervisor": ALL_CASES,
    "auditor": ALL_CASES,
    "auditor_xianyou": XIANYOU_SUBTREE,
    "sysadmin": ALL_CASES,
    "catalog": set(),
    "data_officer": set(),
    "superuser": ALL_CASES,
}


def test_visibility_table(setup: Setup) -> None:
    actual = {name: _visible(setup, user) for name, user in setup.users.items()}
    assert actual == EXPECTED_VISIBLE


def test_anonymous_and_inactive_users_see_nothing(setup: Setup) -> None:
    inactive = setup.users["supervisor"]
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])

    assert _visible(setup, AnonymousUser()) == set()
    assert _visible(setup, None) == set()
    assert _visible(setup, inactive) == set()


def test_revoked_agent_sees_nothing_but_what_they_submitted(setup: Setup) -> None:
    # given: the agent submitted one of A's cases while authorized, then the authorization was revoked
    w, agent = setup.world, setup.users["agent_in"]
    submitted = make_case(w.version(w.market), w.applicant_a, submitted_by=agent)
    revoke_all(agent)

    # then
    assert set(cases_visible_to(agent)) == {submitted}
    assert not can_act(agent, submitted, CaseAction.WITHDRAW)


def test_a_clerk_sees_what_they_submitted_on_behalf_outside_their_scope(setup: Setup) -> None:
    w, clerk = setup.world, setup.users["clerk_chengxiang"]
    case = make_case(w.version(w.market), w.applicant_a, submitted_by=clerk, channel="window")

    assert case in set(cases_visible_to(clerk))
    assert not can_act(clerk, case, CaseAction.ACCEPT)  # seeing is not acting


def test_get_case_for_is_404_outside_the_scope_and_for_unknown_numbers(setup: Setup) -> None:
    a_market, a_xianyou = setup.cases["a_market"], setup.cases["a_xianyou"]
    reviewer = setup.users["reviewer_market"]

    assert get_case_for(reviewer, a_market.number) == a_market
    with pytest.raises(Http404):
        get_case_for(reviewer, a_xianyou.number)
    with pytest.raises(Http404):
        get_case_for(reviewer, "350300202603029999999")
    with pytest.raises(Http404):
        get_case_for(AnonymousUser(), a_market.number)


def _may(user: User, case: Case) -> set[str]:
    actor = CaseActor.of(user)
    return {str(action) for action in ALL_ACTIONS if actor.may(case, action)}


def test_every_role_against_every_action_on_a_case_of_its_department(setup: Setup) -> None:
    case = setup.cases["a_market"]
    expected = {
        "applicant_a": APPLICANT,
        "agent_in": APPLICANT,
        "agent_expired": set(),
        "agent_future": set(),
        "applicant_b": set(),
        "clerk_city": CLERK,
        "reviewer_market": REVIEWER,
        "head_market": HEAD,
        "reviewer_xianyou": set(),
        "clerk_xianyou": set(),
        "clerk_chengxiang": set(),
        "center_admin_xianyou": set(),
        "supervisor": set(),
        "auditor": set(),
        "auditor_xianyou": set(),
        "sysadmin": set(),
        "catalog": set(),
        "data_officer": set(),
        "superuser": CLERK | REVIEWER | HEAD,
    }

    actual = {name: _may(user, case) for name, user in setup.users.items()}

    assert actual == expected


def test_region_scoped_clerk_acts_on_the_subtree_and_a_case_received_at_its_center(setup: Setup) -> None:
    clerk = setup.users["clerk_xianyou"]
    actual = {name: _may(clerk, case) for name, case in setup.cases.items()}
    assert actual == {
        "a_market": set(),
        "b_market": set(),
        "b_market_at_xianyou": CLERK,
        "a_xianyou": CLERK,
        "b_fengting": CLERK,  # the town below the county
        "b_chengxiang": set(),  # the sibling county
    }


def test_each_role_acts_with_its_own_scope(setup: Setup) -> None:
    # given: a reviewer of 仙游县市场监管局 who is also a window clerk at the city center
    w = setup.world
    user = make_staff("both", "reviewer", departments=[w.xianyou_market])
    staff_assign(user=user, role="window_clerk", service_centers=[w.city_center])

    # then: reviews only 仙游's cases, receives only at the city center
    assert _may(user, setup.cases["a_xianyou"]) == REVIEWER
    assert _may(user, setup.cases["a_market"]) == CLERK
    assert _may(user, setup.cases["b_market"]) == set()  # market case, not received at the city center
    assert _visible(setup, user) == {"a_xianyou", "a_market"}


def test_actions_for_combines_role_and_status(setup: Setup) -> None:
    submitted, in_review = setup.cases["a_market"], setup.cases["b_market"]
    u = setup.users

    assert actions_for(u["clerk_city"], submitted) == ["accept", "refuse", "request-supplement", "pay"]
    assert actions_for(u["applicant_a"], submitted) == ["pay", "withdraw"]
    assert actions_for(u["reviewer_market"], submitted) == []
    assert actions_for(u["clerk_city"], in_review) == ["pay"]
    assert actions_for(u["reviewer_market"], in_review) == ["suspend"]
    assert actions_for(u["head_market"], in_review) == ["extend", "approve", "deny"]
    assert actions_for(u["applicant_b"], in_review) == ["supplement", "pay", "withdraw"]
    assert actions_for(u["supervisor"], in_review) == []


def test_submit_on_behalf_needs_a_window_clerk_covering_the_item(setup: Setup) -> None:
    w, u = setup.world, setup.users
    market = w.version(w.market)

    def may_submit(user: User, **kwargs: object) -> bool:
        return CaseActor.of(user).may_submit(applicant=w.applicant_a, item_version=market, **kwargs)  # type: ignore[arg-type]

    assert may_submit(u["applicant_a"])
    assert may_submit(u["agent_in"])
    assert not may_submit(u["agent_expired"])
    assert not may_submit(u["applicant_b"])
    assert may_submit(u["clerk_city"])
    assert not may_submit(u["clerk_chengxiang"])
    assert may_submit(u["clerk_xianyou"], service_center=w.xianyou_center)  # received at its own center
    assert not may_submit(u["reviewer_market"])
    assert not may_submit(u["supervisor"])


def test_the_tables_name_every_acting_role_and_only_known_actions() -> None:
    assert set(STAFF_ACTIONS) == {"window_clerk", "reviewer", "department_head"}
    assert {str(a) for a in STAFF_ACTIONS["window_clerk"]} == CLERK
    assert {str(a) for a in STAFF_ACTIONS["reviewer"]} == REVIEWER | {"approve", "deny"}
    assert {str(a) for a in STAFF_ACTIONS["department_head"]} == HEAD
    assert {str(a) for a in APPLICANT_ACTIONS} == APPLICANT
    assert can_act(None, Case(), "accept") is False
