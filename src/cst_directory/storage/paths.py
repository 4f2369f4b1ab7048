"""Where the user's own data lives: the platform's per-user data directory, or a folder they name."""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "CST_DIRECTORY_HOME"
APP_DIR_NAME = "cst-directory"


class DataDirError(OSError):
    """The data directory cannot be made or used; the message is a sentence for the user."""


def data_home(override: str | os.PathLike[str] | None = None) -> Path:
    """The user's data directory, created private to them (0700) if it does not exist yet."""
    chosen = override if override is not None else os.environ.get(HOME_ENV) or None
    if chosen:
        path = Path(chosen).expanduser()
    else:
        # Imported only here: it takes a few milliseconds to load, which a named folder need not pay.
        import platformdirs

        path = Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False)).expanduser()
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except FileExistsError:
        raise DataDirError(f"{path} is a file, not a folder: choose another data folder.") from None
    except OSError as exc:
        raise DataDirError(f"Cannot create the data folder {path} ({exc.strerror}): "
                           "choose a folder you can write to.") from None
    if not path.is_dir():
        raise DataDirError(f"{path} is not a folder: choose another data folder.")
    return path
