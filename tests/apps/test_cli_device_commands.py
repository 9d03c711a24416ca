"""``pocketpilot screen/act/devices`` as a user runs them: real processes, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).parents[1] / "devices" / "data"


def pocketpilot(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pocketpilot.apps", *args], capture_output=True, text=True, timeout=120
    )


def test_screen_json_lists_visible_actionable_elements_with_bounds():
    result = pocketpilot("screen", "--xml", str(DATA / "settings_home.xml"), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"signature", "elements", "node_count"}
    chip = next(e for e in data["elements"] if e["text"] == "Turn on dark theme")
    assert chip["bounds"] == [920, 440, 1080, 540] and chip["clickable"]
    search = next(e for e in data["elements"] if e["editable"])
    assert search["desc"] == "Search settings"


def test_malformed_dump_exits_nonzero_with_one_line(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text((DATA / "settings_home.xml").read_text(encoding="utf-8")[:5000], encoding="utf-8")
    result = pocketpilot("screen", "--xml", str(bad), "--json")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "malformed XML" in lines[0]


def test_unknown_action_exits_nonzero_with_usage():
    result = pocketpilot("act", "--device", "virtual", "fly", "away")
    assert result.returncode == 1
    assert "unknown action 'fly'" in result.stderr and "tap ID" in result.stderr


def test_devices_lists_the_virtual_phone():
    result = pocketpilot("devices", "--adb-port", "1")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].split("\t") == ["virtual", "device"]
