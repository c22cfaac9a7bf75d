"""The case answers built by ``core.api.represent`` (a plan of the fields made once) are what DRF's own
serializers give for the same cases: detail and list, cases with events, notices, materials, dates and a
service center, and a case with none of them."""

from __future__ import annotations

import datetime as dt

import pytest

from haoban.cases.access import CaseActor
from haoban.cases.api import serializers as s
from haoban.cases.selectors import case_detail, list_rows
from haoban.core.api import represent

from .world import add_event, add_material, add_notice, make_case, make_staff, make_world

pytestmark = pytest.mark.django_db


def test_represent_gives_what_drf_gives_for_the_case_answers() -> None:
    world = make_world()
    version = world.versions["market"]
    plain = make_case(version, world.applicant_a)
    busy = make_case(
        version,
        world.applicant_b,
        status="in_review",
        service_center=world.city_center,
        light="yellow",
        remaining_workdays=3,
        accepted_on=dt.date(2026, 3, 3),
        legal_due_date=dt.date(2026, 3, 31),
        promised_due_date=dt.date(2026, 3, 20),
        acceptance_due_date=dt.date(2026, 3, 9),
        form_data={"名称": "好味食品", "人数": 3, "清单": ["甲", "乙"]},
    )
    accepted = add_event(
        busy, "accept", "submitted", "accepted", actor=None, reason="材料齐全", actor_role=""
    )
    add_notice(busy, accepted)
    add_material(busy)
    add_material(busy, reference="EL-0001")
    clerk = make_staff("clerk-rep", "window_clerk", departments=[world.market])

    for user in (world.applicant_a.user, world.applicant_b.user, clerk):
        actor = CaseActor.of(user)
        for case in (plain, busy):
            try:
                loaded = case_detail(user=user, number=case.number, actor=actor)
            except Exception:  # outside this user's scope (404): nothing to answer
                continue
            context = {"actor": actor}
            expected = s.CaseDetailOutputSerializer(loaded, context=context).data
            assert represent(s.CaseDetailOutputSerializer, loaded, context=context) == expected
    rows = list_rows([plain.pk, busy.pk])
    expected_rows = s.CaseListOutputSerializer(rows, many=True).data
    compiled = represent(s.CaseListOutputSerializer, rows, many=True)
    assert compiled == expected_rows and len(compiled) == 2
    # the busy case's answer does hold what was set (the comparison is not between two empty answers)
    detail = represent(
        s.CaseDetailOutputSerializer,
        case_detail(user=clerk, number=busy.number),
        context={"actor": CaseActor.of(clerk)},
    )
    assert (detail["light"], detail["remaining_workdays"], detail["accepted_on"]) == (
        "yellow",
        3,
        "2026-03-03",
    )
    assert [e["action"] for e in detail["events"]] == ["submit", "accept"]
    assert len(detail["notices"]) == 1 and len(detail["materials"]) == 2
    assert detail["form_data"] == {"名称": "好味食品", "人数": 3, "清单": ["甲", "乙"]}
