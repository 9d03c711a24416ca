"""Rendering a chat the way the loaded model was trained to read it, from its own GGUF metadata.

A GGUF's ``tokenizer.chat_template`` is rendered with llama-cpp-python's ``Jinja2ChatFormatter``
(the same sandboxed Jinja and the same ``bos_token``/``eos_token`` strings the model's tokenizer
has). A GGUF without one (base models such as the packaged Gemma 3 270M) is rendered by llama.cpp's
built-in template named for its architecture (``gemma3`` -> ``gemma``), else ChatML, which is what
llama.cpp itself falls back to. All llama_cpp imports stay inside the functions.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pocketpilot.runtime.backend import Message, Role
from pocketpilot.runtime.errors import ModelLoadError

FALLBACK_TEMPLATE = "chatml"


@dataclass(frozen=True)
class ChatTemplate:
    """One model's prompt format; ``source`` says where it came from (for load events and tests)."""

    source: str  # "gguf" | "builtin:<name>"
    render_dicts: Callable[[list[dict[str, str]]], str]

    def render(self, messages: Sequence[Message]) -> str:
        dicts = [m.to_dict() for m in messages]
        try:
            return self.render_dicts(dicts)
        except ValueError:
            # templates that refuse a system turn (Gemma 2's raise_exception) get it folded into
            # the first user turn, which is what Gemma 3's own template does
            return self.render_dicts(_fold_system(dicts))


def from_metadata(template: str, *, bos: str, eos: str, architecture: str, path: str) -> ChatTemplate:
    """The model's own template, or llama.cpp's built-in one for its architecture."""
    if template.strip():
        from jinja2 import TemplateError
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        try:
            formatter = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)
        except TemplateError as exc:
            raise ModelLoadError(path, f"the GGUF's chat template does not parse ({exc})") from exc
        return ChatTemplate("gguf", lambda dicts: formatter(messages=dicts).prompt)
    name = builtin_for(architecture)
    return ChatTemplate(f"builtin:{name}", lambda dicts: _apply_builtin(name, dicts))


def builtin_for(architecture: str) -> str:
    """The longest built-in template name the architecture starts with (``gemma3`` -> ``gemma``)."""
    names = sorted(builtin_names(), key=len, reverse=True)
    return next((n for n in names if architecture.startswith(n)), FALLBACK_TEMPLATE)


def builtin_names() -> list[str]:
    from llama_cpp import llama_cpp

    n = llama_cpp.llama_chat_builtin_templates(None, 0)
    out = (ctypes.c_char_p * n)()
    llama_cpp.llama_chat_builtin_templates(out, n)
    return [name.decode() for name in out]


def _apply_builtin(name: str, dicts: list[dict[str, str]]) -> str:
    from llama_cpp import llama_cpp

    chat = (llama_cpp.llama_chat_message * len(dicts))()
    keep = []  # the bytes must outlive the call
    for i, msg in enumerate(dicts):
        role, content = msg["role"].encode(), msg["content"].encode("utf-8")
        keep += [role, content]
        chat[i].role, chat[i].content = role, content
    size = 256 + 2 * sum(len(b) for b in keep)
    for _ in range(2):
        buf = ctypes.create_string_buffer(size)
        n = llama_cpp.llama_chat_apply_template(name.encode(), chat, len(dicts), True, buf, size)
        if n < 0:
            raise ValueError(f"llama.cpp's {name!r} template cannot render these roles")
        if n <= size:
            return buf.raw[:n].decode("utf-8")
        size = n
    raise ValueError(f"llama.cpp's {name!r} template kept growing")


def _fold_system(dicts: list[dict[str, str]]) -> list[dict[str, str]]:
    system = "\n\n".join(m["content"] for m in dicts if m["role"] == Role.SYSTEM.value)
    rest = [dict(m) for m in dicts if m["role"] != Role.SYSTEM.value]
    first_user = next((m for m in rest if m["role"] == Role.USER.value), None)
    if system and first_user is not None:
        first_user["content"] = f"{system}\n\n{first_user['content']}"
    elif system:
        rest.insert(0, {"role": Role.USER.value, "content": system})
    return rest
