"""Reading the pages' HTML in tests: forms, controls and their labels, buttons, links, scripts.

A small ``html.parser`` walk, enough to check what the pages promise: every control has a
label, every POST form a CSRF token, no inline script or style anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"input", "br", "img", "meta", "link", "hr", "source", "area", "col", "wbr", "base"}
CONTROLS = {"input", "select", "textarea"}
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    in_label: bool = False
    form: int | None = None  # index of the enclosing form

    def get(self, name: str, default: str = "") -> str:
        return self.attrs.get(name, default)


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)


class Page(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.elements: list[Element] = []
        self.forms: list[Form] = []
        self.label_for: set[str] = set()
        self.ids: dict[str, Element] = {}
        self.inline_scripts = 0
        self.style_elements = 0
        self._open: list[Element] = []
        self._form: int | None = None
        self._labels = 0
        self.feed(html)

    # --- parsing ---------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v if v is not None else "" for k, v in attrs}
        element = Element(tag, values, in_label=self._labels > 0, form=self._form)
        self.elements.append(element)
        if "id" in values:
            self.ids[values["id"]] = element
        if tag == "form":
            self.forms.append(Form(values.get("method", "get").lower(), values.get("action", "")))
            self._form = len(self.forms) - 1
        if tag == "label":
            self._labels += 1
            if values.get("for"):
                self.label_for.add(values["for"])
        if tag == "script" and "src" not in values:
            self.inline_scripts += 1
        if tag == "style":
            self.style_elements += 1
        if tag in CONTROLS and self._form is not None and values.get("name"):
            fields = self.forms[self._form].fields
            fields.setdefault(values["name"], []).append(values.get("value", ""))
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        if tag == "label":
            self._labels = max(0, self._labels - 1)
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i].tag == tag:
                del self._open[i:]
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data

    # --- questions -------------------------------------------------------------------------
    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if e.tag == tag and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def buttons(self) -> list[str]:
        return [" ".join(e.text.split()) for e in self.elements if e.tag == "button"]

    def links(self) -> list[tuple[str, str]]:
        return [(" ".join(e.text.split()), e.get("href")) for e in self.elements if e.tag == "a"]

    def by_testid(self, testid: str) -> list[Element]:
        return [e for e in self.elements if e.attrs.get("data-testid") == testid]

    def style_attributes(self) -> list[Element]:
        return [e for e in self.elements if "style" in e.attrs]

    def label_text(self, control_id: str) -> str:
        """The text of ``<label for=control_id>``."""
        for e in self.elements:
            if e.tag == "label" and e.get("for") == control_id:
                return " ".join(e.text.split())
        return ""

    def unlabelled(self) -> list[str]:
        """Controls a screen reader could not name: no label, aria-label or aria-labelledby."""
        missing = []
        for e in self.elements:
            if e.tag not in CONTROLS or e.get("type") in UNLABELLED_TYPES:
                continue
            if e.in_label or e.get("id") in self.label_for or e.get("aria-label").strip():
                continue
            refs = e.get("aria-labelledby").split()
            if refs and all(r in self.ids and self.ids[r].text.strip() for r in refs):
                continue
            missing.append(f"<{e.tag} name={e.get('name')!r} id={e.get('id')!r}>")
        for e in self.elements:
            if e.tag == "button" and not (e.text.strip() or e.get("aria-label")):
                missing.append(f"<button {e.attrs}>")
        return missing

    def duplicate_ids(self) -> list[str]:
        seen: dict[str, int] = {}
        for e in self.elements:
            if e.get("id"):
                seen[e.get("id")] = seen.get(e.get("id"), 0) + 1
        return sorted(i for i, n in seen.items() if n > 1)

    def post_forms_without_csrf(self) -> list[str]:
        return [f.action for f in self.forms if f.method == "post" and "csrf_token" not in f.fields]


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "the page carries a CSRF token"
    return match.group(1)
