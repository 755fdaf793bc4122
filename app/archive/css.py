"""CSS read with tinycss2: the URLs a stylesheet loads, in a form that can be rewritten.

Public interface::

    decode_css(data: bytes, content_type: str = "") -> str
    parse_sheet(css: str) -> list[Node]                       # top-level rules
    declarations(css: str) -> list[Node]                      # a style="" attribute
    import_of(rule: Node) -> Import | None                    # an @import rule's URL and conditions
    url_slots(nodes: list[Node]) -> Iterator[UrlSlot]         # every URL a browser would load
    rule_slots(rule: Node) -> Iterator[UrlSlot]               # the same, for one rule
    is_font_face(rule: Node) -> bool
    serialize(nodes: list[Node]) -> str
    is_offline(css: str, *, declarations_only: bool = False) -> bool  # only data: URIs load

A URL is loaded from ``url(...)`` (quoted or not), ``src("...")``, and the bare strings of
``image-set()`` and ``image()``; ``@import`` is read by ``import_of``. A malformed ``url(``
and IE's ``expression()`` are slots too, with an empty URL, so that a rewrite removes them.
A slot can be replaced in place (``UrlSlot.replace``) and the nodes serialised again, which
is how the replay puts ``data:`` URIs where the live URLs were.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import tinycss2
from tinycss2.ast import IdentToken, StringToken, URLToken
from tinycss2.serializer import serialize_string_value

from app.archive.extract import decode

Node = Any  # a tinycss2 node; tinycss2 ships no type hints
_URL_FUNCTIONS = frozenset({"url", "src"})
# Old browsers ran script from these; they go wherever they are, like an unarchived URL.
_ACTIVE_FUNCTIONS = frozenset({"expression"})
_IMAGE_SET = frozenset({"image-set", "-webkit-image-set", "image"})
_BLOCKS = frozenset({"() block", "[] block", "{} block"})
_NESTED_RULES = frozenset({"media", "supports", "layer", "container", "document", "scope"})


def decode_css(data: bytes, content_type: str = "") -> str:
    """A stylesheet's text: BOM, then the Content-Type charset, then ``@charset``, then UTF-8."""
    declared = None
    _, _, params = content_type.partition(";")
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            declared = value.strip().strip("\"'")
    if declared is None and data.startswith(b'@charset "'):
        end = data.find(b'";', 10, 100)
        if end > 0:
            declared = data[10:end].decode("ascii", "replace")
    return decode(data, declared)


def parse_sheet(css: str) -> list[Node]:
    """The top-level rules of a stylesheet (comments and top-level whitespace dropped)."""
    return list(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))


def declarations(css: str) -> list[Node]:
    """The component values of a ``style`` attribute."""
    return list(tinycss2.parse_component_value_list(css, skip_comments=True))


def serialize(nodes: list[Node]) -> str:
    return str(tinycss2.serialize(nodes))


@dataclass
class UrlSlot:
    """One place in parsed CSS that names a URL to load."""

    parent: list[Node]
    index: int
    url: str
    bare_string: bool  # a string inside image-set(), not a url()
    active: bool = False  # not a URL at all but something that must go (IE's expression())

    def replace(self, url: str | None) -> None:
        """Put ``url`` here instead, or nothing a browser would load when ``url`` is None."""
        node = self.parent[self.index]
        line, column = node.source_line, node.source_column
        if self.bare_string:
            text = url or ""
            representation = f'"{serialize_string_value(text)}"'
            self.parent[self.index] = StringToken(line, column, text, representation)
        elif url is None:
            self.parent[self.index] = IdentToken(line, column, "none")
        else:
            representation = f'url("{serialize_string_value(url)}")'
            self.parent[self.index] = URLToken(line, column, url, representation)


def url_slots(nodes: list[Node]) -> Iterator[UrlSlot]:
    """Every URL in ``nodes`` (component values), in order, nested blocks included."""
    for index, node in enumerate(nodes):
        kind = node.type
        if kind == "url":
            yield UrlSlot(nodes, index, node.value, bare_string=False)
        elif kind == "error" and node.kind == "bad-url":  # never loaded, but never kept either
            yield UrlSlot(nodes, index, "", bare_string=False)
        elif kind == "function" and node.lower_name in _ACTIVE_FUNCTIONS:
            yield UrlSlot(nodes, index, "", bare_string=False, active=True)
        elif kind == "function" and node.lower_name in _URL_FUNCTIONS:
            argument = next((a for a in node.arguments if a.type != "whitespace"), None)
            if argument is not None and argument.type == "string":
                yield UrlSlot(nodes, index, argument.value, bare_string=False)
        elif kind == "function":
            if node.lower_name in _IMAGE_SET:
                for position, argument in enumerate(node.arguments):
                    if argument.type == "string":
                        yield UrlSlot(node.arguments, position, argument.value, bare_string=True)
            yield from url_slots(node.arguments)
        elif kind in _BLOCKS:
            yield from url_slots(node.content)


def rule_slots(rule: Node) -> Iterator[UrlSlot]:
    """The URLs of one rule: its prelude, then its block."""
    if rule.type not in ("qualified-rule", "at-rule"):
        return
    yield from url_slots(rule.prelude)
    if rule.content is not None:
        yield from url_slots(rule.content)


def is_font_face(rule: Node) -> bool:
    return bool(rule.type == "at-rule" and rule.lower_at_keyword == "font-face")


def nested_rules(rule: Node) -> list[Node] | None:
    """The rules inside a conditional group rule (``@media``, ``@supports``...), else None."""
    if rule.type != "at-rule" or rule.content is None:
        return None
    if rule.lower_at_keyword not in _NESTED_RULES:
        return None
    return list(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))


@dataclass(frozen=True)
class Import:
    """An ``@import``: its URL, and the conditions its sheet applies under (CSS text)."""

    url: str
    layer: str | None  # None: no layer; "": an anonymous layer
    supports: str | None
    media: str


def import_of(rule: Node) -> Import | None:
    """The ``@import`` in ``rule``, or None for any other rule or an @import without a URL."""
    if rule.type != "at-rule" or rule.lower_at_keyword != "import":
        return None
    prelude = [node for node in rule.prelude if node.type not in ("whitespace", "comment")]
    if not prelude:
        return None
    first, rest = prelude[0], prelude[1:]
    if first.type in ("url", "string"):
        url = first.value
    elif first.type == "function" and first.lower_name == "url":
        argument = next((a for a in first.arguments if a.type == "string"), None)
        if argument is None:
            return None
        url = argument.value
    else:
        return None
    layer = supports = None
    if rest and rest[0].type == "ident" and rest[0].lower_value == "layer":
        layer, rest = "", rest[1:]
    elif rest and rest[0].type == "function" and rest[0].lower_name == "layer":
        layer, rest = serialize(rest[0].arguments).strip(), rest[1:]
    if rest and rest[0].type == "function" and rest[0].lower_name == "supports":
        supports, rest = serialize(rest[0].arguments).strip(), rest[1:]
    media = " ".join(serialize([node]) for node in rest).replace(" ,", ",")
    return Import(url, layer, supports, media.strip())


def is_offline(css: str, *, declarations_only: bool = False) -> bool:
    """True when nothing in ``css`` loads anything but a ``data:`` URI (no @import either)."""
    if declarations_only:
        return all(_inline(slot) for slot in url_slots(declarations(css)))
    nodes = list(tinycss2.parse_component_value_list(css, skip_comments=True))
    return not _has_import(nodes) and all(_inline(slot) for slot in url_slots(nodes))


def _inline(slot: UrlSlot) -> bool:
    url = slot.url.strip()
    return not slot.active and (url.lower().startswith("data:") or not url)


def _has_import(nodes: list[Node]) -> bool:
    for node in nodes:
        if node.type == "at-keyword" and node.lower_value == "import":
            return True
        if node.type == "function" and _has_import(node.arguments):
            return True
        if node.type in _BLOCKS and _has_import(node.content):
            return True
    return False
