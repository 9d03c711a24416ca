"""Where pocketpilot keeps runs, checkpoints and memory: the platform's data dir, overridable."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from pocketpilot.devices.errors import PocketpilotError

ENV = "POCKETPILOT_DATA_DIR"


def data_dir(override: str | Path | None = None) -> Path:
    """``override``, else ``$POCKETPILOT_DATA_DIR``, else the XDG/platform user data dir."""
    chosen = override or os.environ.get(ENV) or platformdirs.user_data_dir("pocketpilot", appauthor=False)
    path = Path(chosen).expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PocketpilotError(f"cannot use {path} as the data dir ({exc.strerror}); "
                               f"pass --data-dir with a directory you can write, or set ${ENV}") from exc
    return path
