"""A peer's own test suite against ``pocketpilot phone serve``: adbutils 2.10.2's ``e2etests/``.

Taken from adbutils' source distribution, cached outside the clone by ``bootstrap.py setup``
(``adbutils_e2e``), never downloaded here. Run through the real adb server, as adbutils runs
them against a phone. Out of scope, not counted: ``test_adb.py`` (the adb server alone, on the
fixed port 5037), ``test_import.py`` and ``test_utils.py`` (no device). Known failure:
``test_screenrecord`` (the virtual phone has no ``screenrecord`` H.264 encoder).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.devices.test_adb_fixtures import AdbServer, adb_server, needs_adb  # noqa: F401

E2E = (Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pocketpilot" / "adbutils-e2e"
       / "adbutils-2.10.2" / "e2etests")
NOT_PHONE_TESTS = ("test_adb.py", "test_import.py", "test_utils.py")
MUST_PASS = 33

pytestmark = [*needs_adb, pytest.mark.slow,
              pytest.mark.skipif(not (E2E / "conftest.py").exists(),
                                 reason=f"adbutils' e2etests not cached at {E2E}; run `python3 bootstrap.py setup`")]


def _serve(tmp_path: Path) -> tuple[subprocess.Popen, str]:
    cli = Path(sys.executable).with_name("pocketpilot")
    log = (tmp_path / "serve.log").open("w+")
    proc = subprocess.Popen([str(cli), "phone", "serve", "--port", "0"], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180  # a loaded CI machine imports slowly
    while time.monotonic() < deadline:
        text = (tmp_path / "serve.log").read_text()
        if "serving virtual phone on " in text:
            return proc, text.split("serving virtual phone on ", 1)[1].split()[0]
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    proc.kill()
    raise AssertionError(f"phone serve did not start: {(tmp_path / 'serve.log').read_text()}")


def test_adbutils_own_e2e_tests_pass_against_phone_serve(adb_server: AdbServer, tmp_path: Path) -> None:  # noqa: F811
    proc, serial = _serve(tmp_path)
    try:
        adb_server.connect(serial)
        suite = tmp_path / "e2etests"
        shutil.copytree(E2E, suite)
        report = tmp_path / "report.xml"
        ignores = [f"--ignore={suite / name}" for name in NOT_PHONE_TESTS]
        env = {**os.environ, "ANDROID_ADB_SERVER_PORT": str(adb_server.port)}
        run = subprocess.run(
            [sys.executable, "-m", "pytest", str(suite), "-q", "-p", "no:cacheprovider", "-o", "addopts=",
             f"--junitxml={report}", f"--rootdir={tmp_path}", *ignores],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=540,
        )
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    cases = ET.parse(report).getroot().iter("testcase")
    outcome = {}
    for case in cases:
        kinds = {child.tag for child in case}
        outcome[case.get("name")] = ("failed" if kinds & {"failure", "error"} else
                                     "skipped" if "skipped" in kinds else "passed")
    passed = sorted(n for n, o in outcome.items() if o == "passed")
    failed = sorted(n for n, o in outcome.items() if o == "failed")
    print(f"adbutils e2e: {len(passed)} passed, failed: {failed}")
    assert len(passed) >= MUST_PASS, f"{len(passed)} passed; failed {failed}\n{run.stdout[-3000:]}"
    assert set(failed) <= {"test_screenrecord"}, run.stdout[-3000:]
