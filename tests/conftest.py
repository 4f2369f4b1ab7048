"""Test-wide setup: every Qt test runs on the offscreen platform, every test gets its own data home, and
the shipped directory data is loaded once for all."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from cst_directory.domain.directory import BuiltinDirectory
from cst_directory.storage.directory_file import load_directory
from cst_directory.storage.resources import resources_dir
from tests.fault_report import LOG, FaultLog

# Set before anything imports Qt, so that no test needs a display unless it starts its own.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point CST_DIRECTORY_HOME at a fresh folder so no test reads or writes the real user data."""
    home = tmp_path / "home"
    monkeypatch.setenv("CST_DIRECTORY_HOME", str(home))
    yield home


@pytest.fixture(scope="session")
def directory() -> BuiltinDirectory:
    with pytest.MonkeyPatch.context() as patch:
        # Always the shipped data file, whatever the environment points at.
        patch.delenv("CST_DIRECTORY_RESOURCES", raising=False)
        return load_directory(resources_dir())


@pytest.fixture
def fault_log() -> FaultLog:
    """Where a fault test records each fault it tried and whether the user's data survived it."""
    return LOG


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = LOG.lines()
    if lines:
        terminalreporter.section("fault suite: what was tried and what survived")
        for line in lines:
            terminalreporter.write_line(line)
