"""Fixtures of the integration tests: a department with a client, materials in a temporary directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from haoban.catalog.tests.factories import make_department
from haoban.integration import services
from haoban.organization.models import Department


@pytest.fixture(autouse=True)
def private_dir(tmp_path: Path, settings: Any) -> Path:
    settings.HAOBAN_PRIVATE_DIR = tmp_path / "private"
    return Path(settings.HAOBAN_PRIVATE_DIR)


@pytest.fixture
def department(db: Any) -> Department:
    return make_department(name="莆田市市场监督管理局", short_name="市市场监管局")


@pytest.fixture
def issued(department: Department) -> services.IssuedClient:
    return services.integration_client_create(department=department, name="食品经营许可审批系统")
