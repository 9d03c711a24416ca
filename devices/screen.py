"""A screen parsed from ``uiautomator dump`` XML: every node kept, plus what prompts need.

Real phones and the virtual phone go through the same parser. From the node tree it derives
the compact list of visible, useful elements (with ids stable for the same dump), a text
rendering for prompts, and a page signature that ignores dynamic text (clock, counters, list
contents, typed text) but tells different pages apart.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from functools import cached_property

from pocketpilot.devices.bounds import Bounds
from pocketpilot.devices.errors import ScreenParseError

_BOOL_ATTRS = (
    "checkable",
    "checked",
    "clickable",
    "enabled",
    "focusable",
    "focused",
    "scrollable",
    "long-clickable",
    "password",
    "selected",
)
# Nodes deeper than this are refused: real layouts stay far below, and the walk is recursive.
MAX_DEPTH = 256
_EDITABLE_CLASSES = ("EditText", "AutoCompleteTextView", "SearchView")
SYSTEM_UI = "com.android.systemui"
_DIGITS = re.compile(r"\d+")
_STATE_WORD = re.compile(
    r"^(?:on|off|enabled|disabled|connected|not connected|disconnected|active|inactive|allowed|not allowed)$", re.I
)
# Framework containers of content (their scrollable flag depends on how much content there is).
_COLLECTION_CLASSES = frozenset({
    "RecyclerView", "ListView", "GridView", "ScrollView", "HorizontalScrollView",
    "NestedScrollView", "ExpandableListView",
})
# uiautomator writes a status line after the XML when dumping to a tty/stdout.
_TRAILER = re.compile(r"UI hier\w* dumped to:.*$", re.S)


@dataclass(frozen=True, slots=True)
class Node:
    """One ``<node>`` of the dump, with every attribute uiautomator writes."""

    index: int
    text: str
    resource_id: str
    class_name: str
    package: str
    content_desc: str
    checkable: bool
    checked: bool
    clickable: bool
    enabled: bool
    focusable: bool
    focused: bool
    scrollable: bool
    long_clickable: bool
    password: bool
    selected: bool
    bounds: Bounds
    depth: int
    parent: int | None  # position of the parent in Screen.nodes
    children: tuple[int, ...] = ()

    @property
    def editable(self) -> bool:
        return self.class_name.endswith(_EDITABLE_CLASSES)

    @property
    def actionable(self) -> bool:
        return self.clickable or self.long_clickable or self.scrollable or self.checkable or (
            self.editable and self.enabled
        )

    @property
    def short_class(self) -> str:
        return self.class_name.rsplit(".", 1)[-1] or "View"


@dataclass(frozen=True, slots=True)
class Element:
    """A visible node worth showing to a model: actionable, or carrying text/description."""

    id: int
    node: int  # position in Screen.nodes
    text: str
    desc: str
    resource_id: str
    class_name: str
    bounds: Bounds
    label: str  # text, else description, else the texts of its descendants
    clickable: bool
    long_clickable: bool
    scrollable: bool
    editable: bool
    checkable: bool
    checked: bool
    selected: bool
    focused: bool
    enabled: bool
    password: bool

    @property
    def actionable(self) -> bool:
        return self.clickable or self.long_clickable or self.scrollable or self.editable or (
            self.checkable
        )

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "text": self.text,
            "desc": self.desc,
            "resource_id": self.resource_id,
            "class": self.class_name,
            "bounds": self.bounds.as_list(),
            "clickable": self.clickable,
            "scrollable": self.scrollable,
            "editable": self.editable,
            "checked": self.checked if self.checkable else None,
        }

    def render(self) -> str:
        """One prompt line, e.g. ``[4] Switch "Wi-Fi" on`` or ``[2] EditText "To" = "Bob"``."""
        kind = self.class_name.rsplit(".", 1)[-1] or "View"
        parts = [f"[{self.id}]", kind]
        if self.editable:
            hint = self.desc or _short_id(self.resource_id)
            if hint:
                parts.append(_quote(hint))
            parts.append("= " + _quote("•" * len(self.text) if self.password else self.text))
        elif self.label:
            parts.append(_quote(self.label))
        elif self.resource_id:
            parts.append(f"#{_short_id(self.resource_id)}")
        if self.checkable:
            parts.append("on" if self.checked else "off")
        flags = [
            name
            for name, on in (
                ("selected", self.selected),
                ("focused", self.focused),
                ("scrollable", self.scrollable),
                ("disabled", not self.enabled),
                ("info", not self.actionable),
            )
            if on
        ]
        if flags:
            parts.append("(" + ", ".join(flags) + ")")
        return " ".join(parts)


@dataclass(frozen=True)
class Screen:
    """A parsed UI dump. ``nodes`` holds every node in document order; ``elements`` the useful ones."""

    nodes: tuple[Node, ...]
    xml: str
    rotation: int = 0
    size: tuple[int, int] = (0, 0)
    activity: str = ""  # filled by drivers that know the focused activity
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_xml(cls, xml: str, *, activity: str = "", size: tuple[int, int] | None = None) -> Screen:
        return parse_uiautomator_xml(xml, activity=activity, size=size)

    @property
    def package(self) -> str:
        """The package most nodes belong to (system overlays such as the status bar excluded)."""
        counts: dict[str, int] = {}
        for node in self.nodes:
            if node.package and node.package != SYSTEM_UI:
                counts[node.package] = counts.get(node.package, 0) + 1
        if not counts:
            return self.nodes[0].package if self.nodes else ""
        return max(counts, key=lambda p: counts[p])

    @property
    def bounds(self) -> Bounds:
        return Bounds(0, 0, self.size[0], self.size[1])

    @cached_property
    def elements(self) -> tuple[Element, ...]:
        return tuple(_derive_elements(self))

    def element(self, element_id: int) -> Element:
        for element in self.elements:
            if element.id == element_id:
                return element
        raise KeyError(element_id)

    def find(self, text: str) -> list[Element]:
        """Elements whose label, text, description or resource id contains ``text`` (any case)."""
        needle = text.lower()
        return [
            e
            for e in self.elements
            if needle in e.label.lower() or needle in e.desc.lower() or needle in e.resource_id.lower()
        ]

    def is_chrome(self, element: Element) -> bool:
        """Whether ``element`` belongs to the system UI (navigation bar) drawn over an app's page."""
        return self.nodes[element.node].package == SYSTEM_UI and self.package != SYSTEM_UI

    def in_list(self, element: Element) -> bool:
        """Whether ``element`` is an item of a scrolling list or grid (content, not the page's controls)."""
        return _inside_scrollable(self, element.node)

    def render(self) -> str:
        """The compact text a prompt shows: one line per element."""
        header = f"app: {self.package}" + (f" / {self.activity}" if self.activity else "")
        return "\n".join([header, *(e.render() for e in self.elements)])

    @cached_property
    def signature(self) -> str:
        return page_signature(self)

    def to_dict(self) -> dict:
        return {
            "signature": self.signature,
            "package": self.package,
            "activity": self.activity,
            "size": list(self.size),
            "elements": [e.to_dict() for e in self.elements],
            "node_count": len(self.nodes),
        }


def parse_uiautomator_xml(
    xml: str | bytes, *, activity: str = "", size: tuple[int, int] | None = None
) -> Screen:
    """Parse a dump; raise ``ScreenParseError`` with a one-line reason when it is not a valid one."""
    if isinstance(xml, bytes):
        try:
            xml = xml.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ScreenParseError(f"UI dump is not UTF-8 (byte {exc.start})") from exc
    text = _TRAILER.sub("", xml).strip()
    if not text:
        raise ScreenParseError("UI dump is empty")
    if "<hierarchy" not in text:
        raise ScreenParseError(f"UI dump has no <hierarchy> element (starts with {text[:40]!r})")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":")[0]
        hint = " (truncated dump?)" if "no element found" in str(exc) or "unclosed" in str(exc) else ""
        raise ScreenParseError(f"UI dump is malformed XML at line {line}, column {column}: {reason}{hint}") from exc
    if root.tag != "hierarchy":
        raise ScreenParseError(f"UI dump root is <{root.tag}>, expected <hierarchy>")
    try:
        rotation = int(root.get("rotation", "0"))
    except ValueError as exc:
        raise ScreenParseError(f"hierarchy rotation {root.get('rotation')!r} is not a number") from exc
    nodes: list[Node] = []
    _collect(root, depth=0, parent=None, out=nodes)
    if size is None:
        size = _infer_size(nodes)
    return Screen(nodes=tuple(nodes), xml=text, rotation=rotation, size=size, activity=activity)


def _collect(element: ET.Element, depth: int, parent: int | None, out: list[Node]) -> list[int]:
    if depth > MAX_DEPTH:
        raise ScreenParseError(f"UI dump nests more than {MAX_DEPTH} levels deep; no Android layout does, "
                               "so it is not a real dump (dump the screen again)")
    positions: list[int] = []
    for child in element:
        if child.tag != "node":
            raise ScreenParseError(f"unexpected <{child.tag}> inside the UI dump (only <node> allowed)")
        position = len(out)
        out.append(_node(child, depth, parent, position))
        grandchildren = _collect(child, depth + 1, position, out)
        out[position] = _with_children(out[position], tuple(grandchildren))
        positions.append(position)
    return positions


def _with_children(node: Node, children: tuple[int, ...]) -> Node:
    return replace(node, children=children)


def _node(element: ET.Element, depth: int, parent: int | None, position: int) -> Node:
    attrs = element.attrib
    bounds_text = attrs.get("bounds")
    if bounds_text is None:
        raise ScreenParseError(f"node #{position} ({attrs.get('class', '?')}) has no bounds attribute")
    try:
        bounds = Bounds.parse(bounds_text)
    except ValueError as exc:
        raise ScreenParseError(f"node #{position}: {exc}") from exc
    flags = {name: attrs.get(name, "false") == "true" for name in _BOOL_ATTRS}
    try:
        index = int(attrs.get("index", "0"))
    except ValueError as exc:
        raise ScreenParseError(f"node #{position}: index {attrs.get('index')!r} is not a number") from exc
    return Node(
        index=index,
        text=attrs.get("text", ""),
        resource_id=attrs.get("resource-id", ""),
        class_name=attrs.get("class", ""),
        package=attrs.get("package", ""),
        content_desc=attrs.get("content-desc", ""),
        checkable=flags["checkable"],
        checked=flags["checked"],
        clickable=flags["clickable"],
        enabled=flags["enabled"] if "enabled" in attrs else True,
        focusable=flags["focusable"],
        focused=flags["focused"],
        scrollable=flags["scrollable"],
        long_clickable=flags["long-clickable"],
        password=flags["password"],
        selected=flags["selected"],
        bounds=bounds,
        depth=depth,
        parent=parent,
    )


def _infer_size(nodes: list[Node]) -> tuple[int, int]:
    roots = [n for n in nodes if n.depth == 0] or nodes
    if not roots:
        return (0, 0)
    return (max(n.bounds.right for n in roots), max(n.bounds.bottom for n in roots))


def _visible_bounds(screen: Screen, position: int) -> Bounds:
    """A node's bounds clipped by the screen and by every scrolling/clipping ancestor."""
    node = screen.nodes[position]
    visible = node.bounds.intersect(screen.bounds) if screen.size != (0, 0) else node.bounds
    parent = node.parent
    while parent is not None:
        ancestor = screen.nodes[parent]
        if ancestor.scrollable or ancestor.depth == 0:
            visible = visible.intersect(ancestor.bounds)
        parent = ancestor.parent
    return visible


def _descendant_texts(screen: Screen, position: int, limit: int = 4) -> list[str]:
    texts: list[str] = []
    stack = list(reversed(screen.nodes[position].children))
    while stack and len(texts) < limit:
        child = screen.nodes[stack.pop()]
        value = child.text or child.content_desc
        if value and not child.editable:
            texts.append(value)
        stack.extend(reversed(child.children))
    return texts


def _derive_elements(screen: Screen) -> list[Element]:
    elements: list[Element] = []
    absorbed: set[int] = set()  # text nodes already shown as part of an actionable parent's label
    for position, node in enumerate(screen.nodes):
        visible = _visible_bounds(screen, position)
        if visible.area == 0:
            continue
        has_text = bool(node.text.strip() or node.content_desc.strip())
        if not node.actionable and (not has_text or position in absorbed or _is_system_chrome(node)):
            continue
        label = (node.text or node.content_desc).strip()
        if node.editable:
            label = node.content_desc.strip()
        elif not label and (node.clickable or node.long_clickable or node.checkable):
            parts = _descendant_texts(screen, position)
            label = " · ".join(p.strip() for p in parts if p.strip())
            if parts:
                absorbed.update(_text_descendants(screen, position))
        elements.append(
            Element(
                id=len(elements) + 1,
                node=position,
                text=node.text,
                desc=node.content_desc,
                resource_id=node.resource_id,
                class_name=node.class_name,
                bounds=visible,
                label=" ".join(label.split()),
                clickable=node.clickable,
                long_clickable=node.long_clickable,
                scrollable=node.scrollable,
                editable=node.editable,
                checkable=node.checkable,
                checked=node.checked,
                selected=node.selected,
                focused=node.focused,
                enabled=node.enabled,
                password=node.password,
            )
        )
    return elements


def _is_system_chrome(node: Node) -> bool:
    """Status-bar clock and icons: dynamic, not part of the app, and not worth prompt tokens."""
    return node.package == SYSTEM_UI


def _text_descendants(screen: Screen, position: int) -> list[int]:
    out: list[int] = []
    stack = list(screen.nodes[position].children)
    while stack:
        child_pos = stack.pop()
        child = screen.nodes[child_pos]
        if not child.actionable:
            out.append(child_pos)
        stack.extend(child.children)
    return out


def page_signature(screen: Screen) -> str:
    """A 16-hex-digit id of the page: stable under dynamic text, different across pages.

    What counts: the package, the structure (class, resource id, role flags) and static labels.
    What does not: digits (times, counts), typed text, a switch's own state summary ("On", "Off"),
    so flipping a switch stays on the same page, and anything inside a scrolling container
    except the *set* of item shapes, so a list of 3 or 30 contacts is the same page, and so is
    the list scrolled: items cut by the list's edge are left out of the set (a dump holds a cut
    row without its hidden children, which must not make a new page).
    """
    page_package = screen.package
    parts: list[str] = [page_package]
    for position, node in enumerate(screen.nodes):
        chrome = node.package == SYSTEM_UI and page_package != SYSTEM_UI
        if chrome or _inside_scrollable(screen, position):
            continue
        parts.append(_node_shape(screen, position, with_text=True))
        if _is_collection(node):
            shapes = sorted({_subtree_shape(screen, c) for c in _whole_items(screen, node)})
            parts.append("items{" + "|".join(shapes) + "}")
    digest = hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()
    return digest[:16]


def _whole_items(screen: Screen, node: Node) -> list[int]:
    """A collection's items less those cut by its edge: an item at the start or end (along the
    way it scrolls) that is shorter there than the longest item of its own shape."""
    box = node.bounds
    items = [(c, screen.nodes[c]) for c in node.children]
    sideways = "Horizontal" in node.class_name or (len(items) > 1 and all(
        i.bounds.top <= box.top and i.bounds.bottom >= box.bottom for _, i in items))

    def extent(item: Node) -> int:
        return item.bounds.width if sideways else item.bounds.height

    def at_edge(item: Node) -> bool:
        if sideways:
            return item.bounds.left <= box.left or item.bounds.right >= box.right
        return item.bounds.top <= box.top or item.bounds.bottom >= box.bottom

    longest: dict[str, int] = {}
    for c, item in items:
        head = _node_shape(screen, c, with_text=False)
        longest[head] = max(longest.get(head, 0), extent(item))
    return [c for c, item in items if not (
        at_edge(item) and extent(item) < longest[_node_shape(screen, c, with_text=False)])]


def _is_collection(node: Node) -> bool:
    """A container whose children are content: scrollable, or a framework list/scroll class.

    Android marks a RecyclerView/ListView scrollable only while its content overflows, so a
    2-contact list would otherwise sign differently from a 30-contact one.
    """
    return node.scrollable or node.short_class in _COLLECTION_CLASSES


def _inside_scrollable(screen: Screen, position: int) -> bool:
    parent = screen.nodes[position].parent
    while parent is not None:
        if _is_collection(screen.nodes[parent]):
            return True
        parent = screen.nodes[parent].parent
    return False


def _node_shape(screen: Screen, position: int, *, with_text: bool) -> str:
    node = screen.nodes[position]
    flags = "".join(
        letter
        for letter, on in (
            ("c", node.clickable),
            ("l", node.long_clickable),
            ("s", node.scrollable and node.short_class not in _COLLECTION_CLASSES),
            ("k", node.checkable),
            ("e", node.editable),
        )
        if on
    )
    label = ""
    if with_text and not node.editable:
        label = _DIGITS.sub("#", (node.text or node.content_desc).strip())[:40]
        label = "#state" if _STATE_WORD.match(label) else label
    return f"{node.depth}:{node.short_class}:{_short_id(node.resource_id)}:{flags}:{label}"


def _subtree_shape(screen: Screen, position: int) -> str:
    node = screen.nodes[position]
    inner = ",".join(_subtree_shape(screen, c) for c in node.children)
    return _node_shape(screen, position, with_text=False) + (f"({inner})" if inner else "")


def _short_id(resource_id: str) -> str:
    return resource_id.split(":id/", 1)[-1]


def _quote(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > 60:
        text = text[:57] + "..."
    return '"' + text.replace('"', "'") + '"'
