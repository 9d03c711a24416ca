"""Exploration scrolls lists, comes back to the same screenful after Back, and records scroll
steps that later routes follow to rows below the fold."""

from __future__ import annotations

import pytest

from pocketpilot.devices import Screen
from pocketpilot.devices.actions import Back, Direction, Launch, Scroll, action_from_dict
from pocketpilot.devices.virtual import VirtualPhone
from pocketpilot.memory import GraphMemory
from pocketpilot.memory.explore import Explorer, ExploreReport


class ReloadOnBack:
    """A phone whose lists reload at the top when their page is shown again (a Device)."""

    def __init__(self, inner):
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def act(self, action):
        result = self.inner.act(action)
        if isinstance(action, Back):
            for _ in range(8):
                self.inner.observe()
                self.inner.act(Scroll(Direction.UP))
        return result


def settings_memory(phone):
    memory = GraphMemory(None)
    report = Explorer(phone, memory, budget=300).explore("Settings")
    return memory, report


def scroll_steps(memory):
    return sum(1 for e in memory.app_edges("com.android.settings") if e.kind == "scroll")


def activities(memory):
    return {p.activity.rsplit("$", 1)[-1] for p in memory.app_pages("com.android.settings")}


def test_a_list_scrolled_is_the_same_page():
    phone = VirtualPhone()
    phone.launch("Settings")
    top = phone.observe()
    phone.act(Scroll(Direction.DOWN))
    scrolled = phone.observe()
    assert {e.label for e in scrolled.elements} != {e.label for e in top.elements}
    assert scrolled.signature == top.signature  # a row cut by the edge made a new page


@pytest.mark.parametrize("variant", [1, 2, 3])
def test_exploration_learns_the_rows_below_the_fold(variant):
    memory, report = settings_memory(VirtualPhone(variant=variant))
    assert report.pages == 16  # the list and each of its 15 entries (was 9 or 10)
    assert {"MyDeviceInfoActivity", "PowerUsageSummaryActivity"} <= activities(memory)
    assert scroll_steps(memory) >= 1  # recorded: routes can follow it


def test_pages_below_the_fold_are_explored_after_a_relaunch():
    memory, _ = settings_memory(VirtualPhone(variant=1))
    about = next(p.signature for p in memory.app_pages("com.android.settings")
                 if p.activity.endswith("MyDeviceInfoActivity"))
    # Leaving "About phone" was tried: its path (launch, scroll, tap) was replayed from scratch.
    assert any(e.source == about for e in memory.app_edges("com.android.settings"))


def test_the_scroll_position_is_restored_when_back_loses_it():
    _, plain = settings_memory(VirtualPhone(variant=1))
    _, report = settings_memory(ReloadOnBack(VirtualPhone(variant=1)))
    # Each screenful is scrolled to once and found again by replaying its scrolls; taken as
    # found because the page matched, the rest of it would be lost and the list scrolled anew.
    assert report.pages == 16
    assert report.scrolls == plain.scrolls


def test_a_route_to_a_row_below_the_fold_scrolls_first():
    phone = VirtualPhone(variant=1)
    memory, _ = settings_memory(phone)
    phone.act(Launch("Settings", fresh=True))
    screen = phone.observe()
    kinds = []
    for _ in range(6):
        hint = memory.hints("about phone android version", screen).next_action
        if hint is None:
            break
        kinds.append(hint.action["kind"])
        phone.act(action_from_dict(hint.action))
        screen = phone.observe()
    assert kinds[0] == "scroll" and kinds[-1] == "tap"
    assert screen.activity.endswith("MyDeviceInfoActivity")


def test_the_report_round_trips():
    _, report = settings_memory(VirtualPhone(variant=2))
    assert ExploreReport.from_dict(report.to_dict()) == report


def _list_page(rows):
    """A page with a list of ``rows``: (top, bottom, kind), kind "person", "cut" or "action"."""
    from fakephone import hierarchy, node

    pkg, items = "com.example.app", []
    for top, bottom, kind in rows:
        children = () if kind == "cut" else (node("android.widget.TextView", pkg=pkg, text="x",
                                                  bounds=(40, top, 600, bottom)),)
        if kind == "action":
            children = (*children, node("android.widget.ImageView", pkg=pkg,
                                        bounds=(700, top, 800, bottom)))
        items.append(node("android.widget.LinearLayout", pkg=pkg, clickable=True,
                          bounds=(0, top, 1080, bottom), children=children))
    listing = node("androidx.recyclerview.widget.RecyclerView", pkg=pkg, scrollable=True,
                   bounds=(0, 400, 1080, 1000), children=tuple(items))
    return Screen.from_xml(hierarchy(node("android.widget.FrameLayout", pkg=pkg,
                                          children=(listing,))), size=(1080, 2400))


def test_a_row_cut_by_the_list_edge_keeps_the_page_but_another_kind_of_row_does_not():
    top = _list_page([(400, 600, "person"), (600, 800, "person"), (800, 1000, "person")])
    scrolled = _list_page([(400, 480, "cut"), (480, 680, "person"), (680, 880, "person"),
                           (880, 1000, "cut")])
    other = _list_page([(400, 600, "action"), (600, 800, "person"), (800, 1000, "person")])
    assert scrolled.signature == top.signature
    assert other.signature != top.signature  # "Send to <number>" above the contacts is news
