"""Finding the read-only resources shipped with the app, wherever it was installed from."""

from __future__ import annotations

import os
import sys
from pathlib import Path

RESOURCES_ENV = "CST_DIRECTORY_RESOURCES"


def resources_dir() -> Path:
    """The folder holding directory.toml and the icons.

    A wheel carries it inside the package, a PyInstaller bundle beside the bundled package, and a source
    checkout keeps it at the top of the tree; the first that exists wins.
    """
    override = os.environ.get(RESOURCES_ENV)
    if override:
        # For testing a damaged or corrected data file without touching the installed one.
        return Path(override)
    package = Path(__file__).resolve().parent.parent
    candidates = [package / "resources"]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "resources")
    candidates.append(package.parent.parent / "resources")
    for candidate in candidates:
        if (candidate / "directory.toml").is_file():
            return candidate
    return candidates[0]
