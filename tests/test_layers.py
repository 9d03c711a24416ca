"""The layer contract (apps > planner > runtime | memory > devices), checked by import-linter.

The folders install as ``pocketpilot.<folder>`` through an editable-install finder, which
import-linter cannot walk; so the check runs on a copy laid out as the installed package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("apps", "planner", "runtime", "memory", "devices")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lay_out(tmp_path: Path) -> Path:
    package = tmp_path / "pocketpilot"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for folder in FOLDERS:
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, package / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return package


def _lint(tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )


def test_layers_contract_holds(tmp_path):
    _lay_out(tmp_path)
    result = _lint(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    package = _lay_out(tmp_path)
    (package / "devices" / "upward.py").write_text("from pocketpilot.apps import cli  # noqa\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "0 kept, 1 broken" in result.stdout
