"""Decomposition: a compositional task becomes a validated ``Plan``.

The model proposes the plan under a JSON schema; ``plan_from_model`` validates it. A tiny model
often proposes a plan that breaks the contract (an app that is not installed, an input nobody
produces), so after one corrective retry a clause-based decomposition takes over: it splits the
task at sequence words and routes each clause to the installed app it names. Both are generic:
they know only the device's launcher labels and the task's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pocketpilot.planner.errors import PlanInvalid
from pocketpilot.planner.plan import Plan, Subtask, name_words, plan_from_model, plan_schema
from pocketpilot.planner.prompts import render, template
from pocketpilot.planner.route import Router
from pocketpilot.planner.vocabulary import CONNECTIVES
from pocketpilot.planner.vocabulary import VERBS as _VERBS
from pocketpilot.runtime.backend import Backend, Message
from pocketpilot.runtime.errors import OutputParseError
from pocketpilot.runtime.grammar import PRIOR_KEY

PROGRAM = "planner"
_SPLIT = re.compile(r"\s*(?:,?\s*\band then\b|,?\s*\bthen\b|;|\.\s+|,\s*(?:and\s+)?|\band also\b)\s*", re.I)
_QUOTED = re.compile(r"(\"[^\"]*\"|'[^']*'(?!\w))")
_FROM_APP = re.compile(r"\bfrom\s+(?:my\s+|the\s+)?((?:[\w&'-]+\s*){1,3})", re.I)
_READ_VERBS = ("find", "look up", "lookup", "get", "read", "check", "copy", "see", "search")
_PRONOUNS = re.compile(r"\b(him|her|them|it|that|this|those|the same)\b", re.I)
_COPY_INTO = re.compile(r"^\s*(?:copy|paste|put)\s+(?P<what>.+?)\s+(?:into|onto|to)\s+(?P<dest>(?:a|an|the|my)\s.+)$",
                        re.I)
_OPEN_ONLY = re.compile(r"^\s*(?:open|launch|go to|switch to)\s+(?:the\s+)?(.+?)(?:\s+app)?\s*$", re.I)
_REMOVES = re.compile(r"\s*(?:delete|remove|clear|erase)\b", re.I)
_OBJECT_START = re.compile(r"^(?:the|a|an|my|his|her|their|our|\d|[A-Z])")
_AND = re.compile(r"\s+and\s+", re.I)
# 'the time of today's Team standup', 'the third item of my Groceries note' (up to 'to'/'into'/'in')
_OF = re.compile(r"\bthe\s+(?P<thing>[a-z]+(?:\s[a-z]+)?)\s+of\s+(?P<holder>.+?)(?=\s+(?:to|into|in|on|for)\s|$)",
                 re.I)


def decompose(
    backend: Backend,
    task: str,
    apps: list[str],
    *,
    memory_hint: str = "",
    router: Router | None = None,
    free_form: bool = False,
    on_call: Callable[[object], None] | None = None,
) -> Plan:
    """The task's steps, each a span of the task, each routed to an installed app by the model's
    choice weighed by how well each app's explored pages match it (``router``); the prior gate
    answers the sure ones without a call. Every plan made this way is valid by construction.

    ``free_form``: first ask the model for a whole plan as JSON (for a model strong enough to
    write one; SmolLM2-135M's was unusable in 58 of 60 runs, and a discarded call costs most
    of a run's time, so it is off by default).
    """
    if not task.split():
        raise PlanInvalid("the task is empty; say what to do, e.g. pocketpilot run \"turn on Bluetooth\"")
    notes: list[str] = []
    if free_form:
        plan = _free_form_plan(backend, task, apps, memory_hint, notes, on_call)
        if plan is not None:
            return plan

    named = {a for a in apps if name_words(a) <= name_words(task)}

    def route(clause: str) -> str:
        best = router.best(clause) if router is not None else None
        if len(named) == 1 and (best is None or best.score < UNSURE_ROUTE):
            # nothing explored says where this step goes, and the task names one app: it says
            # where the task happens ('tap Battery, then tap Battery Saver in Settings')
            return next(iter(named))
        return choose_app(backend, clause, apps, on_call, router=router)

    routed = decompose_by_clauses(task, apps, choose_app=route)
    return Plan(routed.subtasks, source="routed", notes=tuple(notes))


def _free_form_plan(backend: Backend, task: str, apps: list[str], memory_hint: str, notes: list[str],
                    on_call: Callable[[object], None] | None) -> Plan | None:
    """The model's own JSON plan, retried once with the validation error (an unparseable reply is
    not retried: at temperature 0 it would come back the same); None when it breaks the contract."""
    messages = [
        Message("system", template("planner")),
        Message("user", render("planner_user", apps=", ".join(apps), task=task,
                               memory=f"Known pages: {memory_hint}\n" if memory_hint else "")),
    ]
    for attempt in range(2):
        try:
            completion = backend.complete(PROGRAM, messages, schema=plan_schema(apps), max_tokens=240,
                                          temperature=0.0)
        except OutputParseError as exc:  # the model's mistake: note it and go on
            if on_call is not None and exc.completion is not None:
                on_call(exc.completion)
            notes.append(f"model plan unparseable: {exc.detail}")
            break  # the same prompt at temperature 0 gives the same reply: only a rejection is retried
        if on_call is not None:
            on_call(completion)
        try:
            plan = plan_from_model(completion.parsed, apps=apps)
            return Plan(plan.subtasks, source="model" if attempt == 0 else "model-retry", notes=tuple(notes))
        except PlanInvalid as exc:
            notes.append(f"model plan rejected: {exc}")
            messages = [*messages, Message("assistant", completion.text),
                        Message("user", f"That plan is invalid: {exc}. Reply with a corrected plan.")]
    return None


UNSURE_ROUTE = 0.35  # below this cosine no app's pages clearly offer the step
ROUTE_PRIOR = 10.0  # logits per unit of cosine: a page match 0.2 better leads by 2 logits


def choose_app(backend: Backend, clause: str, apps: list[str], on_call: Callable[[object], None] | None = None,
               *, router: Router | None = None) -> str:
    """Ask the model which installed app does ``clause``: a choice among the launcher labels, each
    weighed by how well its explored pages match the clause (the prior gate answers sure ones)."""
    spec: dict = {"enum": list(apps)}
    if router is not None:
        scores = {r.app: r.score for r in router.rank(clause)}
        spec[PRIOR_KEY] = [round(ROUTE_PRIOR * scores.get(a, 0.0), 3) for a in apps]
    schema = {"type": "object", "properties": {"app": spec}, "required": ["app"]}
    try:
        completion = backend.complete(
            "app-chooser",
            [Message("system", "Pick the app that does the step. Reply JSON."),
             Message("user", f"Apps: {', '.join(apps)}\nStep: {clause}")],
            schema=schema, max_tokens=24, temperature=0.0,
        )
    except OutputParseError:
        if router is not None and (best := router.best(clause)) is not None:
            return best.app
        return apps[0] if len(apps) == 1 else ""
    if on_call is not None:
        on_call(completion)
    return completion.parsed["app"]


def hide_quotes(text: str) -> tuple[str, Callable[[str], str]]:
    """``text`` with each quoted span replaced by a placeholder, and the function that puts the
    spans back into a piece of it: splitting never cuts inside what the user quoted."""
    protected: list[str] = []

    def hide(match: re.Match) -> str:
        protected.append(match.group(0))
        return f"\x00{len(protected) - 1}\x00"

    def restore(piece: str) -> str:
        return re.sub("\x00(\\d+)\x00", lambda m: protected[int(m.group(1))], piece)

    return _QUOTED.sub(hide, text), restore


def split_clauses(task: str) -> list[str]:
    """Split at sequence words and commas, never inside quoted text."""
    hidden, restore = hide_quotes(task)
    parts = [_without_connectives(c.strip(" ,.")) for c in _SPLIT.split(hidden) if c and c.strip(" ,.")]
    parts = [p for p in parts if p]
    clauses: list[str] = []
    for part in parts:
        for clause in _continue(clauses, part):
            first, *rest = _split_and(clause)
            clauses.append(first)
            for piece in rest:
                clauses.extend(_continue(clauses, piece))
    return [restore(c) for c in clauses]


def _without_connectives(clause: str) -> str:
    """'also switch on dark mode' -> 'switch on dark mode'."""
    words = clause.split()
    while words and words[0].lower().strip(",") in CONNECTIVES:
        words = words[1:]
    return " ".join(words)


def _verb_phrase(clause: str) -> str:
    """The words that open ``clause`` before its object: 'turn on' of 'turn on Bluetooth'."""
    head = []
    for word in clause.split():
        if _OBJECT_START.match(word) and head:
            break
        head.append(word)
        if len(head) == 3:
            break
    return " ".join(head) if head and head[0].lower() in _VERBS else ""


def _split_and(clause: str) -> list[str]:
    """Split at 'and' where both sides can stand alone: a verb on the right, or an object list."""
    pieces = _AND.split(clause)
    if len(pieces) == 1 or not _verb_phrase(pieces[0]):
        return [clause]
    out = [pieces[0]]
    for piece in pieces[1:]:
        starts_step = piece.split()[0].lower() in _VERBS if piece.split() else False
        if starts_step or _OBJECT_START.match(piece):
            out.append(piece)
        else:
            out[-1] = f"{out[-1]} and {piece}"
    return out


def _continue(previous: list[str], clause: str) -> list[str]:
    """A clause without its own verb: an object that shares the previous verb ('the dark theme'),
    or a detail of the previous step ('phone +1 555 0199'), which stays part of it."""
    first = clause.split()[0]
    if not previous or first.lower() in _VERBS:
        return [clause]
    verb = _verb_phrase(previous[-1])
    if verb and _OBJECT_START.match(first):
        return [f"{verb} {clause}"]
    previous[-1] = f"{previous[-1]}, {clause}"
    return []


def decompose_by_clauses(task: str, apps: list[str], *, choose_app: Callable[[str], str] | None = None) -> Plan:
    """Split at sequence words; a clause that reads a value 'from <App>' becomes its own subtask.

    A clause that names no installed app goes to ``choose_app`` (the model), else stays in the
    previous subtask's app.
    """
    clauses = split_clauses(task)
    subtasks: list[Subtask] = []
    last_output: str | None = None
    current_app: str | None = None
    opened: str | None = None  # 'open Messages and send hi to Bob': the app the next step happens in
    for clause in clauses:
        if (only := _OPEN_ONLY.match(clause)) and (named := _clause_app(only.group(1), apps)):
            opened = named
            continue
        copied = _copy_into(clause, apps, choose_app)
        if copied is not None:  # 'copy X into a note titled B': read X where it is, then write it
            source_app, what, dest_app, dest = copied
            value = value_name(what, len(subtasks) + 1)
            last_output, current_app = _read_then_act(subtasks, source_app, f"find {what}", dest_app, f"write {dest}",
                                                      value)
            continue
        held = _value_of(clause, apps, choose_app)
        if held is not None:  # 'set an alarm at the time of today's standup': read it there first
            source_app, what, app = held
            value = value_name(what.split(" of ")[0], len(subtasks) + 1)  # 'the time of X' -> time
            last_output, current_app = _read_then_act(subtasks, source_app, f"find {what}", app, clause, value)
            continue
        source = _source_app(clause, apps)
        if source is not None:
            app = _clause_app(clause, apps, exclude=source[0])
            if app is None and choose_app is not None:
                # route what is done with the value, not the value or where it comes from
                action = re.sub(rf",?\s*from\s+{re.escape(source[2])}\b", "", clause, flags=re.I)
                action = action.replace(source[1], "").strip() or action
                app = choose_app(action)
        if source is not None and app and app != source[0]:
            value = value_name(source[1], len(subtasks) + 1)
            earlier = (last_output,) if last_output and _PRONOUNS.search(clause) else ()
            last_output, current_app = _read_then_act(subtasks, source[0], f"find {source[1]} in {source[2]}", app,
                                                      clause, value, earlier)
            continue
        app = _clause_app(clause, apps) or opened
        if app is None and choose_app is not None:
            app = choose_app(clause)
        app, opened = app or current_app, None
        if app is None:
            raise PlanInvalid(f"no installed app matches {clause!r}; installed: {', '.join(apps)}")
        inputs = (last_output,) if last_output and _PRONOUNS.search(clause) else ()
        outputs: tuple[str, ...] = ()
        if _reads(clause):
            outputs = (value_name(clause, len(subtasks) + 1),)
            last_output = outputs[0]
        subtasks.append(_subtask(len(subtasks) + 1, app, clause, inputs, outputs))
        current_app = app
    if opened is not None:  # the task only opens an app
        subtasks.append(_subtask(len(subtasks) + 1, opened, clauses[-1], (), ()))
    if not subtasks:
        raise PlanInvalid("the task is empty")
    return Plan(tuple(subtasks), source="fallback")


def _read_then_act(subtasks: list[Subtask], source_app: str, find: str, app: str, goal: str, value: str,
                   earlier: tuple[str, ...] = ()) -> tuple[str, str]:
    """Append a subtask reading ``value`` in ``source_app`` and one doing ``goal`` in ``app`` with it
    (and ``earlier`` values); returns (the value's name, the app the plan is now in)."""
    subtasks.append(_subtask(len(subtasks) + 1, source_app, find, (), (value,)))
    subtasks.append(_subtask(len(subtasks) + 1, app, goal, (*earlier, value), ()))
    return value, app


def _copy_into(clause: str, apps: list[str], choose_app: Callable[[str], str] | None
               ) -> tuple[str, str, str, str] | None:
    """``(source app, what, destination app, destination)`` for 'copy X into a note titled B'."""
    match = _COPY_INTO.match(clause)
    if match is None:
        return None
    what = match.group("what")
    # where it goes: the app the destination names, else the one whose pages mean it ('a memo')
    dest_app = _clause_app(match.group("dest"), apps) or (choose_app(f"write {match.group('dest')}")
                                                         if choose_app else None)
    if not dest_app:
        return None
    source_app = _clause_app(what, apps, exclude=dest_app) or (choose_app(what) if choose_app else None)
    if not source_app or source_app == dest_app:
        return None
    return source_app, what, dest_app, match.group("dest")


def _value_of(clause: str, apps: list[str], choose_app: Callable[[str], str] | None
              ) -> tuple[str, str, str] | None:
    """``(source app, what, action app)`` when an action uses 'the <thing> of <something>' that
    lives in another app: 'set an alarm at the time of today's standup' reads the time in the
    app that holds the standup. Only when both ends route to different apps; else None."""
    if _reads(clause) or _REMOVES.match(clause):
        return None  # a read is its own subtask already; 'delete the X of Y' deletes where Y is
    match = _OF.search(clause)
    if match is None:
        return None
    holder = match.group("holder")
    action = (clause[: match.start()] + clause[match.end("holder"):]).strip()
    action_app = _clause_app(action, apps) or (choose_app(action) if choose_app else None)
    source_app = _clause_app(holder, apps, exclude=action_app) or (choose_app(holder) if choose_app else None)
    if not action_app or not source_app or source_app == action_app:
        return None
    return source_app, f"the {match.group('thing')} of {holder}", action_app


def _reads(clause: str) -> bool:
    """A clause that reads a value ('find Bob's number'), not one that acts ('check off Milk')."""
    lowered = clause.lower()
    return lowered.startswith(_READ_VERBS) and not re.match(r"check\s+(?:off|on|the\s+box)\b", lowered)


def value_name(phrase: str, number: int) -> str:
    """A short identifier for what a clause reads: 'Find Bob's phone number in X' → 'phone_number'."""
    phrase = re.sub(r"\b(?:in|on|from|at)\s+.*$", "", phrase, flags=re.I)
    # 'the code I was texted': what is read is named before the clause that describes it
    phrase = re.sub(r"\s\b(?:i|you|we|he|she|they|that|which|who|where|when)\b.*$", "", phrase, flags=re.I)
    words = re.findall(r"[a-z]+", phrase.lower().split("'s ")[-1])
    words = [w for w in words if w not in {"find", "get", "read", "look", "up", "check", "copy", "see", "search",
                                           "the", "my", "a", "an", "his", "her", "their", "s"}]
    return "_".join(words[-2:]) if words else f"value_{number}"


def _subtask(number: int, app: str, goal: str, inputs: tuple, outputs: tuple) -> Subtask:
    check = f"{', '.join(outputs)} read" if outputs else f"done: {goal}"
    return Subtask(number, app, goal, tuple(inputs), tuple(outputs), check)


def _clause_app(clause: str, apps: list[str], exclude: str | None = None) -> str | None:
    words = name_words(clause)
    hits = [a for a in apps if a != exclude and name_words(a) <= words]
    return max(hits, key=len) if hits else None


def _named_app(phrase: str, apps: list[str]) -> str | None:
    """The app whose whole name is among the last words of ``phrase`` ('Plumber note' → Notes)."""
    return _clause_app(phrase.split()[-1], apps)


def _source_app(clause: str, apps: list[str]) -> tuple[str, str, str] | None:
    """``(app, what, where)`` when the clause reads something 'from my <App>' inside a larger action."""
    if _REMOVES.match(clause):
        return None  # 'delete X from the calendar': where it is removed from, not a value read there
    for match in _FROM_APP.finditer(clause):
        span = match.group(1).split()
        # 'from my Plumber note': the app may be named by the first, second or third word
        app = next((a for n in range(1, len(span) + 1) if (a := _named_app(" ".join(span[:n]), apps))), None)
        if app is None:
            continue
        before = clause[: match.start()]
        determiner = re.search(r".*\b((?:the|my|a|an)\b.*)$", before, re.I)  # the last one: its object
        what = (determiner.group(1) if determiner else " ".join(before.split()[-2:])).strip(" ,") or "the value"
        n = next(n for n in range(1, len(span) + 1) if _named_app(" ".join(span[:n]), apps))
        lead = clause[match.start():].split()[1].lower()
        where = " ".join(([lead] if lead in {"my", "the"} else []) + span[:n])  # 'my Plumber note'
        return app, what, where
    return None
