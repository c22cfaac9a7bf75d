"""The lean reads every signed-in request makes: the session (``haoban.accounts.sessions``), the user
(``AccountBackend.get_user``) and the caller's principals and staff roles (``principals_and_roles``)."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haoban.accounts.access import preloaded_principals, principals_and_roles
from haoban.accounts.backends import AccountBackend
from haoban.accounts.models import Session
from haoban.accounts.services import staff_assign, staff_unassign
from haoban.accounts.sessions import preloaded_user
from haoban.core.db import sent_statements

from .helpers import make_department, make_person, make_region, make_user, resident_id

pytestmark = pytest.mark.django_db

SessionStore = import_module(settings.SESSION_ENGINE).SessionStore


def test_the_session_engine_is_the_lean_one() -> None:
    assert settings.SESSION_ENGINE == "haoban.accounts.sessions"


def test_a_stored_session_is_read_back() -> None:
    # given
    store = SessionStore()
    store["cart"] = {"事项": "失业保险金申领"}
    store.save()
    # when
    loaded = SessionStore(session_key=store.session_key)
    # then
    assert loaded["cart"] == {"事项": "失业保险金申领"}
    assert loaded.session_key == store.session_key


def test_an_expired_or_unknown_session_is_empty_and_its_key_dropped() -> None:
    # given: an expired session
    store = SessionStore()
    store["x"] = 1
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    # when
    expired = SessionStore(session_key=store.session_key)
    unknown = SessionStore(session_key="a" * 32)
    # then
    assert expired.load() == {} and expired.session_key is None
    assert unknown.load() == {} and unknown.session_key is None
    assert Session.objects.filter(session_key=store.session_key).count() == 1  # reading deletes nothing


def test_a_signed_in_request_finds_its_user_and_an_inactive_one_is_signed_out() -> None:
    # given: a signed-in applicant
    profile = make_person("session-user", name="林晓梅")
    client = Client()
    client.force_login(profile.user)
    # when / then: their session finds them
    assert client.get("/api/v1/cases/").status_code == 200
    # when the account is deactivated, the same session no longer authenticates
    profile.user.is_active = False
    profile.user.save(update_fields=["is_active"])
    assert client.get("/api/v1/cases/").status_code == 401


def test_the_backend_loads_active_users_only() -> None:
    # given
    active = make_user("active-user")
    inactive = make_user("inactive-user", is_active=False)
    backend = AccountBackend()
    # then
    assert backend.get_user(active.pk) == active
    assert backend.get_user(str(active.pk)) == active  # as the session stores it
    assert backend.get_user(inactive.pk) is None
    assert backend.get_user(10**9) is None
    assert backend.get_user("not-a-key") is None


def test_principals_and_roles_in_one_query(django_assert_num_queries: object) -> None:
    # given: an applicant who is also a window clerk, with a second (ended) assignment
    city = make_region("350300", "莆田市")
    department = make_department(region=city, name="莆田市市场监督管理局")
    profile = make_person("clerk-applicant", name="陈志强")
    staff_assign(user=profile.user, role="window_clerk", departments=[department])
    reviewer = staff_assign(user=profile.user, role="reviewer", departments=[department])
    staff_unassign(assignment=reviewer)
    # when
    with django_assert_num_queries(1):  # type: ignore[operator]
        found = principals_and_roles(profile.user)
    # then: the active role only
    assert found.principals == frozenset({profile.pk})
    assert found.staff_roles == frozenset({"window_clerk"})
    assert principals_and_roles(make_user("nobody")).staff_roles == frozenset()


def test_a_signed_in_request_reads_its_session_and_user_in_one_query() -> None:
    # given: a signed-in applicant; the session row names the user
    profile = make_person("one-query", name="林晓梅")
    client = Client()
    client.force_login(profile.user)
    session = Session.objects.get(session_key=client.session.session_key)
    assert session.user_id == profile.user_id
    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/cases/")
    # then: the session query brought the user; no query of the user table alone
    assert response.status_code == 200
    tables = [
        q.split(" FROM ", 1)[1].split()[0].strip('"') for q in sent_statements(queries) if " FROM " in q
    ]
    assert tables[0] == "accounts_session"
    assert "accounts_user" not in tables


def test_deleting_an_account_ends_its_sessions() -> None:
    profile = make_person("leaving", name="陈志强")
    client = Client()
    client.force_login(profile.user)
    key = client.session.session_key
    profile.delete()
    profile.user.delete()
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/api/v1/cases/").status_code == 401


def test_the_principals_come_with_the_session_and_only_for_its_user() -> None:
    # given: a signed-in agent (own profile) and another user
    profile = make_person("with-principals", name="林晓梅")
    other = make_person("someone-else", name="陈志强")
    client = Client()
    client.force_login(profile.user)
    # when: a request that needs the caller's principals
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/cases/")
    # then: asked with the session (on PostgreSQL in the same round trip), not again
    assert response.status_code == 200
    first = sent_statements(queries)[0]
    principal_queries = [q for q in sent_statements(queries) if "accounts_agentauthorization" in q]
    assert len(principal_queries) == 1
    if connection.vendor == "postgresql":
        assert "accounts_session" in first and "accounts_agentauthorization" in first
    # and what was read for one user is never the answer for another
    store = SessionStore(session_key=client.session.session_key)
    store.load()
    assert principals_and_roles(other.user).principals == frozenset({other.pk})
    assert principals_and_roles(profile.user).principals == frozenset({profile.pk})


def test_what_a_request_read_ahead_is_forgotten_when_it_ends() -> None:
    # given: a request whose session was loaded (user and principals read ahead), neither taken
    profile = make_person("read-ahead", name="林晓梅")
    client = Client()
    client.force_login(profile.user)
    assert client.get("/accounts/login/").status_code in (200, 302)
    # then: nothing is left for a later request of the thread (an authorization revoked meanwhile counts)
    assert preloaded_user.get() is None
    assert preloaded_principals.get() is None


def test_the_masked_number_is_decrypted_once_per_stored_token(monkeypatch: pytest.MonkeyPatch) -> None:
    from haoban.accounts.models import ApplicantProfile
    from haoban.core import fields

    profile = make_person("masked", name="林晓梅", resident_id="350302199003071234")
    calls: list[str] = []
    real = fields.decrypt_field
    monkeypatch.setattr(fields, "decrypt_field", lambda token, **kw: calls.append(token) or real(token, **kw))
    first = ApplicantProfile.objects.get(pk=profile.pk)
    second = ApplicantProfile.objects.get(pk=profile.pk)
    assert first.masked_resident_id == second.masked_resident_id == "3503**********1234"
    assert len(calls) == 1  # the second load of the same row: no decryption
    profile.resident_id = resident_id("35030219900307125")  # a new number is a new token
    profile.save()
    assert (
        ApplicantProfile.objects.get(pk=profile.pk).masked_resident_id
        == "3503**********125" + profile.resident_id[-1]
    )
