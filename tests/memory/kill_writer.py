"""Child process for the kill test: records steps forever, printing each committed step's number."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from fakephone import FakeDevice, settings_app

from pocketpilot.devices import Back, Tap, action_to_dict
from pocketpilot.memory import GraphMemory


def main(db: str) -> None:
    memory = GraphMemory(db)
    phone = FakeDevice([settings_app()])
    phone.launch("Settings")
    n = 0
    while True:
        before = phone.observe()
        element = before.find(("Network", "Display", "Storage")[n % 3])[0]
        phone.act(Tap(element=element.id))
        after = phone.observe()
        memory.record_step(f"run-{n // 10}", before, action_to_dict(Tap(element=element.id)), after,
                           True, 0.01)
        print(n, flush=True)  # printed only after the step's transaction committed
        phone.act(Back())
        n += 1


if __name__ == "__main__":
    main(sys.argv[1])
