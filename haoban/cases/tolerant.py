"""容缺受理 materials: what was promised at acceptance, what has arrived since, what is still outstanding.

Read from the case's events (the source of truth): the last ``accept`` event lists the deficient materials
(``data.deficient_materials``) and the promised date (``data.tolerant_due_date``); every later
``supplement`` event lists the :class:`~haoban.cases.models.CaseMaterial` rows it stored
(``data.materials``). Used by ``case_supplement`` (which materials it takes while the case is in review,
and when the 容缺 period ends), by the applicant's case page and by the workbench. Only reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from haoban.domain.workflow import CaseAction

from .models import Case, CaseEvent, CaseMaterial


@dataclass(frozen=True)
class TolerantMaterial:
    requirement_id: int
    name: str
    delivered: bool


@dataclass(frozen=True)
class TolerantMaterials:
    """The 容缺 materials of a case accepted with deficient materials."""

    due_date: dt.date | None
    materials: tuple[TolerantMaterial, ...]
    # The CaseMaterial rows handed in since the acceptance (listed by the supplement events).
    delivered_material_ids: frozenset[int] = frozenset()

    @property
    def outstanding(self) -> list[TolerantMaterial]:
        return [m for m in self.materials if not m.delivered]

    @property
    def outstanding_ids(self) -> set[int]:
        return {m.requirement_id for m in self.outstanding}

    @property
    def completed(self) -> bool:
        """Every promised material has arrived (容缺材料已补齐)."""
        return not self.outstanding


def tolerant_materials(case: Case, events: Iterable[CaseEvent] | None = None) -> TolerantMaterials | None:
    """The 容缺 materials of ``case`` (``events``: its events in order, when the caller has them), or
    ``None`` when it was not accepted with deficient materials."""
    ordered = list(events) if events is not None else list(case.events.order_by("sequence"))
    accepted = next((e for e in reversed(ordered) if e.action == CaseAction.ACCEPT), None)
    promised = (accepted.data or {}).get("deficient_materials") if accepted is not None else None
    if accepted is None or not promised:
        return None
    material_ids = [
        pk
        for e in ordered
        if e.sequence > accepted.sequence and e.action == CaseAction.SUPPLEMENT
        for pk in (e.data or {}).get("materials", [])
    ]
    # A delivered material counts while it is current and not found deficient by the reviewer.
    arrived = set(
        CaseMaterial.objects.filter(case=case, pk__in=material_ids, superseded_by__isnull=True)
        .exclude(review=CaseMaterial.Review.DEFICIENT)
        .values_list("requirement_id", flat=True)
    )
    due = accepted.data.get("tolerant_due_date")
    return TolerantMaterials(
        due_date=dt.date.fromisoformat(due) if due else None,
        materials=tuple(
            TolerantMaterial(
                requirement_id=m["material_requirement_id"],
                name=m.get("name", ""),
                delivered=m["material_requirement_id"] in arrived,
            )
            for m in promised
        ),
        delivered_material_ids=frozenset(material_ids),
    )
