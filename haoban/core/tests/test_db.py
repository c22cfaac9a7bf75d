"""The lean hot-path helpers of ``haoban.core.db``: they write and read exactly what the ORM would."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haoban.accounts.models import ApplicantProfile
from haoban.accounts.tests.helpers import make_person, make_user, resident_id
from haoban.core.db import (
    commit_with_next,
    deferred_inserts,
    fetch_together,
    first_row,
    insert_rows,
    prepared,
    read_with_next,
    sent_statements,
)
from haoban.core.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_insert_rows_writes_several_rows_in_one_statement_and_sets_their_keys() -> None:
    # given: two new messages, the defaults (uuid, status, attempts) set by the model
    available = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)
    messages = [
        OutboxMessage(topic="case.notify", payload={"event_id": 7, "名称": "受理"}, available_at=available),
        OutboxMessage(topic="case.notice", payload={"event_id": 8}, available_at=available),
    ]
    before = timezone.now()
    # when
    with CaptureQueriesContext(connection) as queries:
        insert_rows(messages)
    # then: one INSERT; keys set; the rows read back through the ORM hold what was written
    assert len(sent_statements(queries)) == 1
    assert sent_statements(queries)[0].startswith('INSERT INTO "core_outboxmessage"')
    assert all(m.pk is not None and not m._state.adding for m in messages)
    stored = {m.pk: m for m in OutboxMessage.objects.filter(pk__in=[m.pk for m in messages])}
    for message in messages:
        row = stored[message.pk]
        assert (row.uuid, row.topic, row.payload, row.status, row.attempts) == (
            message.uuid,
            message.topic,
            message.payload,
            OutboxMessage.Status.PENDING,
            0,
        )
        assert row.available_at == available
        assert row.created_at == message.created_at  # auto_now_add, set by the field's pre_save
        assert row.created_at >= before


def test_insert_rows_encrypts_and_indexes_as_the_orm_does() -> None:
    # given: a profile written through insert_rows, its resident ID encrypted by the field (SM4) with its
    # blind index
    user = make_user()
    number = resident_id()
    profile = ApplicantProfile(
        user=user,
        kind=ApplicantProfile.Kind.NATURAL_PERSON,
        name="林晓梅",
        resident_id=number,
        phone="13800000009",
    )
    # when
    insert_rows([profile])
    # then: the column holds a token, not the number; reading it back decrypts; the index finds it
    with connection.cursor() as cursor:
        cursor.execute("SELECT resident_id FROM accounts_applicantprofile WHERE id = %s", [profile.pk])
        (stored,) = cursor.fetchone()
    assert number not in stored
    assert ApplicantProfile.objects.get(pk=profile.pk).resident_id == number
    found = ApplicantProfile.objects.filter(ApplicantProfile.resident_id_lookup(number))
    assert list(found.values_list("pk", flat=True)) == [profile.pk]


def test_insert_rows_refuses_a_saved_instance_or_mixed_models_and_writes_nothing() -> None:
    available = timezone.now()
    saved = OutboxMessage.objects.create(topic="t", available_at=available)
    fresh = OutboxMessage(topic="t", available_at=available)
    count = OutboxMessage.objects.count()
    with pytest.raises(ValueError, match="new instance of the same model"):
        insert_rows([fresh, saved])
    with pytest.raises(ValueError, match="new instance of the same model"):
        insert_rows([OutboxMessage(topic="t", available_at=available), make_user()])
    assert OutboxMessage.objects.count() == count
    assert fresh.pk is None


def test_first_row_is_the_lowest_key_with_the_orm_conversions() -> None:
    # given: two profiles of the same kind
    first = make_person(name="甲")
    make_person(name="乙")
    # when
    found = first_row(ApplicantProfile, kind=ApplicantProfile.Kind.NATURAL_PERSON, name="甲")
    by_user = first_row(ApplicantProfile, user_id=first.user_id)
    none = first_row(ApplicantProfile, user_id=10**9)
    # then: model instances as the ORM loads them (the encrypted field decrypts, dates are dates)
    assert found is not None and by_user is not None
    assert found.pk == by_user.pk == first.pk
    assert found.resident_id == first.resident_id
    assert isinstance(found.created_at, dt.datetime) and timezone.is_aware(found.created_at)
    assert isinstance(found.uuid, uuid.UUID)
    assert none is None


# --- deferred inserts and reads together -------------------------------------------------------------------


def _message(topic: str) -> OutboxMessage:
    return OutboxMessage(topic=topic, payload={}, available_at=timezone.now())


def test_deferred_inserts_go_with_the_next_statement_and_are_seen_by_it() -> None:
    # given
    with transaction.atomic(), CaptureQueriesContext(connection) as queries, deferred_inserts():
        first, second = _message("case.notify"), _message("case.notice")
        insert_rows([first])
        insert_rows([second])
        keyed = [first.pk, second.pk]
        sent_before_read = len(sent_statements(queries))
        # when: a read after them (a LIKE pattern, written without parameters)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM core_outboxmessage WHERE topic LIKE 'case.%'")
            (seen,) = cursor.fetchone()
    # then: the keys were known at once; the read saw both rows
    assert None not in keyed and first.pk != second.pk
    assert seen == 2
    assert sorted(OutboxMessage.objects.values_list("pk", flat=True)) == sorted(keyed)
    inserts = [q for q in sent_statements(queries) if "INSERT" in q]
    if connection.vendor == "postgresql":  # queued, then sent with the read in one round trip
        assert sent_before_read == sum("nextval" in q for q in sent_statements(queries))
        assert len(inserts) == 1 and inserts[0].count("INSERT INTO") == 2
        assert inserts[0].rstrip().endswith("WHERE topic LIKE 'case.%'")
    else:  # SQLite: at once, one statement each
        assert len(inserts) == 2


def test_deferred_inserts_are_sent_at_the_end_of_the_block() -> None:
    with transaction.atomic():
        with deferred_inserts():
            message = _message("t")
            insert_rows([message])
        assert OutboxMessage.objects.filter(pk=message.pk).exists()


def test_queued_inserts_of_a_failed_block_are_never_written() -> None:
    with pytest.raises(RuntimeError), transaction.atomic(), deferred_inserts():
        insert_rows([_message("t")])
        raise RuntimeError("rolled back")
    assert OutboxMessage.objects.count() == 0


def test_fetch_together_returns_the_rows_of_each_statement() -> None:
    people = [make_person(name="甲"), make_person(name="乙")]
    with CaptureQueriesContext(connection) as queries:
        rows = fetch_together(
            [
                ("SELECT name FROM accounts_applicantprofile WHERE id = %s", [people[1].pk]),
                (
                    "SELECT count(*) FROM accounts_applicantprofile WHERE id IN (%s, %s)",
                    [p.pk for p in people],
                ),
                ("SELECT name FROM accounts_applicantprofile WHERE id = %s", [10**9]),
            ]
        )
    assert rows == [[("乙",)], [(2,)], []]
    assert len(sent_statements(queries)) == (1 if connection.vendor == "postgresql" else 3)


def test_a_read_with_next_rides_with_the_next_statement() -> None:
    person = make_person(name="丙")
    with transaction.atomic(), CaptureQueriesContext(connection) as queries, deferred_inserts():
        insert_rows([_message("t")])
        read = read_with_next("SELECT name FROM accounts_applicantprofile WHERE id = %s", [person.pk])
        counted = fetch_together(
            [
                ("SELECT count(*) FROM core_outboxmessage", []),
                ("SELECT count(*) FROM accounts_applicantprofile", []),
            ]
        )
        later = read_with_next("SELECT count(*) FROM core_outboxmessage", [])
    # then: the read answered, the queued row seen by the reads after it, the last read sent at the end
    assert read.result() == [("丙",)]
    assert counted == [[(1,)], [(1,)]]
    assert later.result() == [(1,)]
    sent = [q for q in sent_statements(queries) if "nextval" not in q]
    if connection.vendor == "postgresql":  # insert + read + the two counts together; the last read alone
        assert [q.count(";\n") + 1 for q in sent] == [4, 1]
    else:
        assert len(sent) == 5


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_postgresql_the_transaction_begins_with_its_first_write() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the BEGIN sent with the first write")
    from psycopg import pq

    connection.ensure_connection()

    def status() -> pq.TransactionStatus:
        return connection.connection.info.transaction_status

    person = make_person(name="丁")
    # when: a block that reads, then writes
    with transaction.atomic(), deferred_inserts():
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM accounts_applicantprofile WHERE id = %s", [person.pk])
            assert cursor.fetchone() == ("丁",)
        after_read = status()
        insert_rows([_message("t")])
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM core_outboxmessage")
            assert cursor.fetchone() == (1,)
        after_write = status()
    # then: no transaction on the server until the first write; committed at the end
    assert after_read == pq.TransactionStatus.IDLE
    assert after_write == pq.TransactionStatus.INTRANS
    assert status() == pq.TransactionStatus.IDLE
    assert OutboxMessage.objects.count() == 1
    # and a block that fails after its write leaves nothing
    with pytest.raises(RuntimeError), transaction.atomic(), deferred_inserts():
        insert_rows([_message("t")])
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM core_outboxmessage")
            assert cursor.fetchone() == (2,)
        raise RuntimeError("rolled back")
    assert OutboxMessage.objects.count() == 1
    # and a first write written without parameters (a literal %) is sent with its BEGIN as it is
    with transaction.atomic(), deferred_inserts():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_outboxmessage SET last_error = '100%' WHERE topic = 't'")
        assert status() == pq.TransactionStatus.INTRANS
    assert OutboxMessage.objects.get().last_error == "100%"
    # and a block that only reads never starts a transaction
    with transaction.atomic(), deferred_inserts():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM core_outboxmessage")
        assert status() == pq.TransactionStatus.IDLE


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_postgresql_a_commit_can_go_with_the_last_statement() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the COMMIT sent with the last statement")
    from psycopg import pq

    # given: a block whose last statement carries the COMMIT
    with transaction.atomic(), CaptureQueriesContext(connection) as queries, deferred_inserts():
        insert_rows([_message("first")])
        assert commit_with_next()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM core_outboxmessage")
            (seen,) = cursor.fetchone()
        ended = connection.connection.info.transaction_status
    # then: one round trip (BEGIN, the INSERT, the read, COMMIT); the read saw the row; the transaction had
    # ended before Django's own COMMIT, which sent nothing
    sent = [q for q in sent_statements(queries) if "nextval" not in q]
    assert len(sent) == 1 and sent[0].startswith("BEGIN;") and sent[0].endswith("COMMIT")
    assert seen == 1 and ended == pq.TransactionStatus.IDLE
    assert list(OutboxMessage.objects.values_list("topic", flat=True)) == ["first"]
    # and when a statement of that round trip fails, nothing is committed
    taken = OutboxMessage.objects.get().uuid
    with pytest.raises(IntegrityError), transaction.atomic(), deferred_inserts():
        insert_rows([_message("second")])
        assert commit_with_next()
        duplicate = OutboxMessage(topic="third", uuid=taken, available_at=timezone.now())
        insert_rows([duplicate])  # queued: sent, with the COMMIT, by the next statement
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    assert list(OutboxMessage.objects.values_list("topic", flat=True)) == ["first"]
    # and it is refused inside a savepoint (not the outermost block)
    with transaction.atomic(), transaction.atomic(), deferred_inserts():
        assert not commit_with_next()


def _prepared_on(conn: Any) -> set[str]:
    with conn.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


@pytest.fixture
def fresh_connection() -> Iterator[Any]:
    """A second connection to the test database, nothing prepared on it (autocommit; it does not see the
    test's own uncommitted rows)."""
    conn = connections.create_connection(DEFAULT_DB_ALIAS)
    yield conn
    conn.close()


def test_on_postgresql_a_hot_statement_is_prepared_once_per_connection(settings, fresh_connection) -> None:
    sql = "SELECT topic FROM core_outboxmessage WHERE topic = %s AND attempts >= %s ORDER BY id"
    if connection.vendor != "postgresql":
        # elsewhere the statement is run as it is
        assert prepared(sql) == sql
        return
    OutboxMessage.objects.create(topic="甲", available_at=timezone.now())
    # when: the statement is used twice, the second time in a savepoint that is rolled back
    with CaptureQueriesContext(connection) as queries:
        first = prepared(sql)
        with connection.cursor() as cursor:
            cursor.execute(first, ["甲", 0])
            rows = cursor.fetchall()
        with transaction.atomic():
            second = prepared(sql)
            with connection.cursor() as cursor:
                cursor.execute(second, ["乙", 0])
                assert cursor.fetchall() == []
            transaction.set_rollback(True)
        third = prepared(sql)
    # then: PREPARE once, then EXECUTE with the parameters: the rows of the plain statement
    name = first.split("(")[0].removeprefix("EXECUTE ")
    assert first == second == third == f"EXECUTE {name}(%s, %s)" and name.startswith("hb_")
    assert rows == [("甲",)]
    logged = [q["sql"] for q in queries.captured_queries]
    assert [q for q in logged if q.startswith("PREPARE")] == [
        f"PREPARE {name} AS SELECT topic FROM core_outboxmessage WHERE topic = $1 AND attempts >= $2 ORDER BY id"
    ]
    # the log as readable SQL: PREPARE left out, EXECUTE written out
    assert [q for q in sent_statements(queries) if "core_outboxmessage" in q] == [sql, sql]
    # and the prepared statement outlived the rollback; it is on that connection only
    assert name in _prepared_on(connection)
    assert name not in _prepared_on(fresh_connection)
    assert prepared(sql, connection=fresh_connection) == first
    assert name in _prepared_on(fresh_connection)
    # and with the setting off, or a statement with a literal %, nothing is prepared
    settings.HAOBAN_PREPARED_STATEMENTS = False
    assert prepared(sql) == sql
    settings.HAOBAN_PREPARED_STATEMENTS = True
    like = "SELECT count(*) FROM core_outboxmessage WHERE topic LIKE 'case.%%' AND attempts > %s"
    assert prepared(like) == like
    # and past the cap of distinct statements, a new one runs as it is (one already prepared still is)
    from haoban.core import db

    settings_cap = db.PREPARED_MAX
    try:
        db.PREPARED_MAX = len(db._prepared_names)
        other = "SELECT count(*) FROM core_outboxmessage WHERE attempts < %s"
        assert prepared(other) == other
        assert prepared(sql) == first
    finally:
        db.PREPARED_MAX = settings_cap


def test_a_statement_postgresql_cannot_prepare_fails_with_its_error(fresh_connection) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: prepared statements")
    from django.db import ProgrammingError

    sql = "SELECT no_such_column FROM core_outboxmessage WHERE id = %s"
    with pytest.raises(ProgrammingError, match="no_such_column"):
        prepared(sql, connection=fresh_connection)
    # nothing was prepared; a later good statement still is
    with fresh_connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%no_such_column%%'"
        )
        assert cursor.fetchone() == (0,)
    assert prepared(
        "SELECT count(*) FROM core_outboxmessage WHERE id > %s", connection=fresh_connection
    ).startswith("EXECUTE hb_")


def test_a_deferred_row_holds_what_each_field_would_write() -> None:
    """The shortcut for values that already have their field's type gives what the field's own conversion
    gives, for every column: plain text, integers, booleans, keys, uuids, JSON, times, an encrypted column
    with its blind index, and values of another type (which take the field's conversion)."""
    from haoban.accounts.models import ApplicantProfile

    from ..db import _deferred_statement, _json_value, _row_json

    person = make_person(name="丁")
    objs = [
        OutboxMessage(
            topic="case.notify", payload={"event_id": 7, "名称": "受理"}, available_at=timezone.now()
        ),
        OutboxMessage(topic=5, attempts="3", payload=[1, "二"], available_at="2026-11-30T08:00:00+08:00"),
        ApplicantProfile(
            user=person.user,
            kind=ApplicantProfile.Kind.NATURAL_PERSON,
            name="戊",
            resident_id="350302199003071234",
            phone="13800000000",
        ),
    ]
    for obj in objs:
        _, columns = _deferred_statement(type(obj), connection)
        with time_machine.travel(dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC), tick=False):  # auto_now_add
            written = _row_json(obj, columns, connection)
            expected = {
                c.column: _json_value(c.field.get_db_prep_save(c.field.pre_save(obj, True), connection))
                for c in columns
            }
        for c in columns:  # an encrypted column: a fresh nonce each time; the same plaintext
            if hasattr(c.field, "decrypt") and written[c.column] is not None:
                assert c.field.decrypt(written[c.column]) == c.field.decrypt(expected.pop(c.column))
                written.pop(c.column)
        assert written == expected
    # and the shortcut was taken where it may be, and only there
    _, columns = _deferred_statement(ApplicantProfile, connection)
    plain = {c.column: c.plain for c in columns}
    assert plain["name"] is str and plain["user_id"] is int
    assert plain["resident_id"] is None and plain["uuid"] is None and plain["created_at"] is None
