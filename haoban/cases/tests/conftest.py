"""Fixtures for the cases tests: uploaded materials go to a temporary private directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def private_dir(tmp_path: Path, settings: Any) -> Path:
    settings.HAOBAN_PRIVATE_DIR = tmp_path / "private"
    return Path(settings.HAOBAN_PRIVATE_DIR)
