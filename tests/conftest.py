"""Test-wide setup: every Qt test runs on the offscreen platform, every test gets its own data home."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Set before anything imports Qt, so that no test needs a display unless it starts its own.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point CST_DIRECTORY_HOME at a fresh folder so no test reads or writes the real user data."""
    home = tmp_path / "home"
    monkeypatch.setenv("CST_DIRECTORY_HOME", str(home))
    yield home
