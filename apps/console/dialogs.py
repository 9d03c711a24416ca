"""Modal screens: the confirmation of a gated action, and the key bindings help."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from pocketpilot.apps.confirm_channel import Request


class ConfirmDialog(ModalScreen[bool | None]):
    """Approve or deny one gated action; dismisses with True/False, or None to decide later."""

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical { width: 64; height: auto; border: thick $warning; background: $surface; padding: 0 1; }
    ConfirmDialog Horizontal { height: auto; align: center middle; }
    ConfirmDialog Button { margin: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [("y,a", "answer(True)", "Approve"), ("n,d", "answer(False)", "Deny"),
                ("escape", "later", "Later")]

    def __init__(self, request: Request) -> None:
        super().__init__()
        self.request = request

    def compose(self) -> ComposeResult:
        data = self.request.data
        body = Text.assemble(("The agent wants to do a ", ""), (str(data.get("category", "sensitive")), "bold red"),
                             (" action:\n\n", ""), (f"{data.get('action', '?')} {data.get('target', '')!r}", "bold"))
        if data.get("text"):
            body.append(f"\ntext: {data['text']!r}")
        if data.get("subtask"):
            body.append(f"\nfor: {data['subtask']}", style="dim")
        with Vertical():
            yield Static(Text("confirmation needed", style="bold"))
            yield Static(body)
            with Horizontal():
                yield Button("Approve [y]", id="approve", variant="success")
                yield Button("Deny [n]", id="deny", variant="error")
            yield Static(Text("esc: decide later (the agent keeps waiting)", style="dim"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "approve")

    def action_answer(self, approved: bool) -> None:
        self.dismiss(approved)

    def action_later(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Every key binding of the screen it was opened from, and the app's."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Static { width: 60; height: auto; max-height: 22; border: round $accent; background: $surface;
                          padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [("escape,q,question_mark", "app.pop_screen", "Close")]

    def __init__(self, bindings: list[BindingType]) -> None:
        super().__init__()
        self.bindings_shown = bindings

    def compose(self) -> ComposeResult:
        text = Text("keys\n", style="bold")
        for binding in self.bindings_shown:
            key, description = _key_and_description(binding)
            text.append(f"  {key:<20}", style="bold cyan").append(f"{description}\n")
        text.append(f"  {'tab / shift+tab':<20}next panel; arrows scroll it", style="dim")
        yield Static(text)


_NAMES = {"left_square_bracket": "[", "right_square_bracket": "]", "left_curly_bracket": "{",
          "right_curly_bracket": "}", "question_mark": "?"}


def _key_and_description(binding: BindingType) -> tuple[str, str]:
    if isinstance(binding, Binding):
        key, description = binding.key, binding.description
    else:
        key, description = binding[0], binding[2] if len(binding) > 2 else binding[1]
    return " / ".join(_NAMES.get(k, k) for k in key.split(",")), description
