"""The submission write path (docs/performance.md): what one ``POST /api/v1/cases/`` asks the database, the
answer built from the written rows, case numbers in a transaction of their own on PostgreSQL, the form's
``format`` checks."""

from __future__ import annotations

import datetime as dt
import re
import threading
import uuid
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from haoban.accounts.models import ApplicantProfile
from haoban.accounts.tests.helpers import make_person
from haoban.calendars.selectors import get_work_calendar
from haoban.cases.models import Case, CaseNumberSequence
from haoban.cases.services import case_submit
from haoban.cases.services.submission import close_numbering_connection, form_errors
from haoban.cases.tests.factories import FORM_DATA, at, complete_uploads, make_case_version, requirement
from haoban.catalog.models import ServiceItemVersion
from haoban.catalog.tests.factories import make_department, make_region
from haoban.core.db import sent_statements

from .world import client_for

NOW = at(2026, 11, 24, 15)


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


def _version() -> ServiceItemVersion:
    city = make_region("350300", "莆田市")
    department = make_department(region=city, name="莆田市市场监督管理局")
    return make_case_version(
        department=department,
        materials=[
            {"name": "营业执照", "required": True, "format": "electronic", "source": "e_license"},
            {"name": "身份证明", "required": True, "format": "electronic", "source": "shared_data"},
        ],
    )


def _body(version: ServiceItemVersion) -> dict[str, Any]:
    return {
        "item": version.item.implementation_code,
        "channel": "pc",
        "form_data": dict(FORM_DATA),
        "materials": [
            {"requirement": requirement(version, "营业执照").pk, "reference": "licence-1"},
            {"requirement": requirement(version, "身份证明").pk, "reference": "shared-1"},
        ],
    }


def _statement(sql: str) -> str:
    """``VERB table`` of one statement (``SAVEPOINT`` and the like as they are)."""
    words = sql.replace('"', "").replace("(", " ").split()  # PostgreSQL writes a UNION as (SELECT …) UNION
    verb = words[0].upper()
    if verb == "SELECT":
        return "SELECT " + words[words.index("FROM") + 1]
    if verb == "INSERT":
        return "INSERT " + words[2]
    if verb in ("UPDATE", "DELETE"):
        return f"{verb} " + words[1 if verb == "UPDATE" else 2]
    return verb


def _round_trips(queries: CaptureQueriesContext) -> list[list[str]]:
    """The statements of each round trip to the database (a compound query sends several), without the
    transaction's own (BEGIN/COMMIT, or SAVEPOINT/RELEASE inside a test's transaction) and without the
    key-pool refills of ``core.db`` (keys are taken 50 at a time per process)."""
    trips = []
    for sent in sent_statements(queries):  # prepared statements written out, PREPAREs left out
        statements = [_statement(part) for part in sent.split(";\n")]
        statements = [
            s
            for s in statements
            if s not in ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")
            and not s.startswith("SELECT generate_series")
        ]
        if statements:
            trips.append(statements)
    return trips


@pytest.mark.django_db
def test_one_submission_asks_the_database_only_what_it_needs() -> None:
    # given
    version = _version()
    applicant = make_person("applicant", name="林晓梅")
    client = client_for(applicant.user)
    body = _body(version)
    get_work_calendar()  # built once per process (and then only checked)
    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    # then
    assert response.status_code == 201, response.json()
    trips = _round_trips(queries)
    assert [s for trip in trips for s in trip] == [
        "SELECT core_idempotencyrecord",  # is the key taken? (then: replay)
        "SELECT catalog_serviceitemversion",  # the version in force, with its item, department, region
        "SELECT catalog_materialrequirement",  # its requirements, once
        # the caller's principals (own profiles, authorizations in force) and staff roles, in one query
        "SELECT accounts_applicantprofile",
        "SELECT accounts_applicantprofile",  # the caller's own profile (the applicant)
        "INSERT cases_casenumbersequence",  # the number: one upsert
        "SELECT calendars_holidayyear",  # has the working-day calendar changed? (tests: on every call)
        "INSERT cases_case",
        "INSERT cases_caseevent",
        "INSERT cases_casematerial",  # both materials in one statement
        "INSERT core_outboxmessage",  # the applicant's notification
        "SELECT integration_integrationclient",  # departments with systems to notify (none; cached 2 s)
        "INSERT core_idempotencyrecord",  # the key with the response, for replays (ON CONFLICT DO NOTHING)
    ]
    if connection.vendor == "postgresql":  # the reads together, the inserts queued and sent with the next one
        assert trips == [
            ["SELECT core_idempotencyrecord", "SELECT catalog_serviceitemversion"],
            ["SELECT catalog_materialrequirement"],
            ["SELECT accounts_applicantprofile", "SELECT accounts_applicantprofile"],
            ["INSERT cases_casenumbersequence"],
            ["SELECT calendars_holidayyear"],
            [
                "INSERT cases_case",
                "INSERT cases_caseevent",
                "INSERT cases_casematerial",
                "INSERT core_outboxmessage",
                "SELECT integration_integrationclient",
            ],
            ["INSERT core_idempotencyrecord"],
        ]


@pytest.mark.django_db
def test_with_the_caches_warm_a_submission_is_three_round_trips(settings: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite sends one statement at a time")
    # given: the production caches on (2 s), warmed by a first submission
    settings.HAOBAN_LOCAL_CACHE_SECONDS = 2
    settings.HAOBAN_CALENDAR_CHECK_SECONDS = 2
    version = _version()
    applicant = make_person("applicant", name="林晓梅")
    client = client_for(applicant.user)
    first = client.post(
        "/api/v1/cases/", _body(version), format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )
    assert first.status_code == 201, first.json()
    body = _body(version)
    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    # then: the key looked up with the caller's principals and own profile; the number (in production on a
    # connection of its own); every row of the case with the stored response (and BEGIN, COMMIT)
    assert response.status_code == 201, response.json()
    assert _round_trips(queries) == [
        [
            "SELECT core_idempotencyrecord",
            "SELECT accounts_applicantprofile",
            "SELECT accounts_applicantprofile",
        ],
        ["INSERT cases_casenumbersequence"],
        [
            "INSERT cases_case",
            "INSERT cases_caseevent",
            "INSERT cases_casematerial",
            "INSERT core_outboxmessage",
            "INSERT core_idempotencyrecord",
        ],
    ]
    assert Case.objects.filter(number=response.json()["number"]).count() == 1


@pytest.mark.django_db
def test_the_answer_is_what_a_read_of_the_case_shows() -> None:
    # given
    version = _version()
    applicant = make_person("applicant", name="林晓梅")
    client = client_for(applicant.user)
    # when
    created = client.post("/api/v1/cases/", _body(version), format="json")
    # then: the 201 body, built from the rows just written, equals the detail read back from the database
    assert created.status_code == 201, created.json()
    read = client.get(f"/api/v1/cases/{created.json()['number']}/")
    assert read.status_code == 200
    assert created.json() == read.json()
    assert [m["name"] for m in created.json()["materials"]] == ["营业执照", "身份证明"]


@pytest.mark.django_db
def test_form_formats_are_checked() -> None:
    schema = {
        "type": "object",
        "properties": {"opened_on": {"type": "string", "format": "date", "title": "开业日期"}},
    }
    assert form_errors(schema, {"opened_on": "2026-13-45"}) == {
        "form_data.opened_on": ["格式不正确（应为 date）"]
    }
    assert form_errors(schema, {"opened_on": "2026-11-24"}) == {}


def _submit(version: ServiceItemVersion, applicant: ApplicantProfile) -> Case:
    return case_submit(
        item_version=version,
        applicant=applicant,
        submitted_by=applicant.user,
        channel="pc",
        form_data=dict(FORM_DATA),
        uploads=complete_uploads(version),
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_postgresql_the_number_is_taken_in_a_transaction_of_its_own(settings: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: on SQLite the number is taken inside the submission's transaction")
    settings.HAOBAN_CASE_NUMBER_OWN_TRANSACTION = True
    version = _version()
    first_applicant = make_person("first", name="林晓梅")
    second_applicant = make_person("second", name="陈志强")
    day = dt.date(2026, 11, 24)

    # when: a submission takes its number and its transaction stays open (not committed yet) …
    holding = threading.Event()
    release = threading.Event()
    numbers: dict[str, str] = {}

    def slow_submission() -> None:
        try:
            with transaction.atomic():
                numbers["first"] = _submit(version, first_applicant).number
                holding.set()
                release.wait(10)
                raise RuntimeError("rolled back on purpose")
        except RuntimeError:
            pass
        finally:
            close_numbering_connection()
            connection.close()

    thread = threading.Thread(target=slow_submission)
    thread.start()
    assert holding.wait(10)
    # … another submission of the same region goes through without waiting for it
    try:
        numbers["second"] = _submit(version, second_applicant).number
    finally:
        release.set()
        thread.join(10)
        close_numbering_connection()

    # then: numbers in order; the first submission rolled back, its number stays taken (a gap), the counter
    # row was committed on its own
    assert numbers == {"first": "35030020261124000001", "second": "35030020261124000002"}
    assert list(Case.objects.values_list("number", flat=True)) == ["35030020261124000002"]
    assert CaseNumberSequence.objects.get(region_code="350300", day=day).last == 2
    assert re.fullmatch(r"\d{20}", numbers["second"])


@pytest.mark.django_db
def test_a_failed_submission_takes_no_number_inside_the_transaction() -> None:
    # given: the tests' setting (and SQLite's behaviour): the number inside the submission's transaction
    version = _version()
    applicant = make_person("applicant", name="林晓梅")
    # when: a submission fails validation
    with pytest.raises(ValidationError):
        case_submit(
            item_version=version,
            applicant=applicant,
            submitted_by=applicant.user,
            channel="fax",
            form_data=dict(FORM_DATA),
            uploads=complete_uploads(version),
        )
    # then: no number taken, the next one is the day's first
    assert CaseNumberSequence.objects.count() == 0
    assert _submit(version, applicant).number == "35030020261124000001"
