"""LocalCache: kept for the configured seconds, forgotten when a row of its models changes in this process."""

from __future__ import annotations

from typing import Any

import pytest

from haoban.catalog.selectors import version_for_submission
from haoban.catalog.tests.factories import make_item
from haoban.core.localcache import LocalCache
from haoban.organization.models import Region

pytestmark = pytest.mark.django_db


def test_off_when_seconds_is_zero(settings: Any) -> None:
    settings.HAOBAN_LOCAL_CACHE_SECONDS = 0
    cache: LocalCache[int] = LocalCache("test-off", models=(Region,))
    loads = iter([1, 2])
    assert cache.get("k", lambda: next(loads)) == 1
    assert cache.get("k", lambda: next(loads)) == 2


def test_kept_then_forgotten_on_a_save(settings: Any) -> None:
    settings.HAOBAN_LOCAL_CACHE_SECONDS = 60
    cache: LocalCache[int] = LocalCache("test-kept", models=(Region,))
    loads = iter([1, 2, 3])
    assert cache.get("k", lambda: next(loads)) == 1
    assert cache.get("k", lambda: next(loads)) == 1  # kept
    assert cache.get("other", lambda: next(loads)) == 2  # by key
    Region.objects.create(code="350399", name="测试区")  # a save of one of its models
    assert cache.get("k", lambda: next(loads)) == 3


def test_the_version_for_submission_is_reused_and_refreshed_on_change(
    settings: Any, django_assert_num_queries: Any
) -> None:
    settings.HAOBAN_LOCAL_CACHE_SECONDS = 60
    version = make_item()
    code = version.item.implementation_code
    first = version_for_submission(code)
    assert first is not None and first.pk == version.pk
    expected = sorted(version.materials.values_list("pk", flat=True))
    with django_assert_num_queries(0):
        assert version_for_submission(code) is first
        assert sorted(r.pk for r in first.materials.all()) == expected
    # when the version is saved in this process (e.g. withdrawn), the next call reads again
    version.save()
    assert version_for_submission(code) is not first


def test_departments_with_webhooks_kept_until_a_client_changes(
    settings: Any, django_assert_num_queries: Any
) -> None:
    from haoban.catalog.tests.factories import make_department
    from haoban.integration.services import integration_client_create
    from haoban.integration.webhooks import departments_with_webhooks

    settings.HAOBAN_LOCAL_CACHE_SECONDS = 60
    department = make_department()
    assert departments_with_webhooks() == frozenset()
    with django_assert_num_queries(0):
        assert departments_with_webhooks() == frozenset()
    # when a client with a webhook is added in this process
    integration_client_create(department=department, webhook_url="http://127.0.0.1:9/hook")
    # then it is seen at once
    assert departments_with_webhooks() == frozenset({department.pk})
