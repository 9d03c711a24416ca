#!/usr/bin/env python3
"""One-command set-up for a fresh clone; needs only python3.

    python3 bootstrap.py run    # set up, then run the main job on the virtual phone + bundled model
    python3 bootstrap.py test   # set up, then run the whole test suite (what CI runs)

Set-up is idempotent: it installs Debian's adb and mksh when missing (as root), creates or reuses
./.venv, and (re)installs the project only when pyproject.toml/setup.py changed. pip's wheel cache
is left on, so llama-cpp-python's ~5 minute source build happens once per machine, not per run.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".pocketpilot-installed"
DEBIAN_PACKAGES = {"adb": "adb", "mksh": "mksh"}  # command -> Debian package


def log(message: str) -> None:
    print(f"[bootstrap] {message}", flush=True)


def run(cmd: list[str], **kwargs) -> None:
    subprocess.run(cmd, check=True, **kwargs)


def install_system_packages() -> None:
    missing = [pkg for cmd, pkg in DEBIAN_PACKAGES.items() if shutil.which(cmd) is None]
    if not missing:
        return
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if not (is_root and shutil.which("apt-get")):
        log(f"not installing {', '.join(missing)} (needs root and apt-get); tests that need them skip")
        return
    log(f"installing Debian packages: {', '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update", "-qq"], env=env)
    run(["apt-get", "install", "-y", "-qq", *missing], env=env)


def install_project() -> None:
    if not PYTHON.exists():
        log("creating .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    fingerprint = hashlib.sha256(
        b"".join((ROOT / name).read_bytes() for name in ("pyproject.toml", "setup.py"))
    ).hexdigest()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        return
    log("installing pocketpilot and its dependencies into .venv (first time: llama-cpp-python builds)")
    env = {**os.environ, "CMAKE_BUILD_PARALLEL_LEVEL": str(os.cpu_count() or 2)}
    run([str(PYTHON), "-m", "pip", "install", "-q", "--upgrade", "pip"], env=env)
    run([str(PYTHON), "-m", "pip", "install", "-q", "-e", f"{ROOT}[test]"], env=env)
    STAMP.write_text(fingerprint)


def main_job() -> int:
    """The main job on the embedded defaults: a compositional task on the virtual phone."""
    return subprocess.call([str(BIN / "pocketpilot"), "demo"], cwd=ROOT)


def tests(extra: list[str]) -> int:
    os.chdir(ROOT)
    log("ruff check .")
    if subprocess.call([str(BIN / "ruff"), "check", "."]) != 0:
        return 1
    # The layer contract (import-linter) runs inside pytest: tests/test_layers.py.
    return subprocess.call([str(PYTHON), "-m", "pytest", *extra])


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "setup"}:
        print(__doc__)
        return 2
    install_system_packages()
    install_project()
    if argv[0] == "run":
        return main_job()
    if argv[0] == "test":
        return tests(argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
