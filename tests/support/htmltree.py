"""A small element tree built with the standard library's HTML parser, for structure tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"meta", "link", "br", "hr", "img", "input", "area", "base", "col", "source", "wbr"}


@dataclass
class Node:
    """One element: tag, attributes, children and the text directly inside it."""

    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    parts: list[str | Node] = field(default_factory=list)

    def iter(self) -> Iterator[Node]:
        """Yield this node and every descendant, in document order."""
        yield self
        for child in self.children:
            yield from child.iter()

    def find_all(self, tag: str, cls: str | None = None, **attrs: str) -> list[Node]:
        """Return descendants with ``tag`` (``*`` for any), a class, and attribute values."""
        return [
            node
            for node in self.iter()
            if (tag == "*" or node.tag == tag)
            and (cls is None or cls in node.attrs.get("class", "").split())
            and all(node.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def find(self, tag: str, cls: str | None = None, **attrs: str) -> Node:
        """Return the first match of :meth:`find_all`; fail the test when there is none."""
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag} class={cls} {attrs}>"
        return found[0]

    def text(self) -> str:
        """Return all text inside, whitespace collapsed."""
        pieces = [part if isinstance(part, str) else part.text() for part in self.parts]
        return " ".join(" ".join(pieces).split())


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        self.stack[-1].parts.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        self.stack[-1].parts.append(node)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return
        raise AssertionError(f"</{tag}> closes nothing")

    def handle_data(self, data: str) -> None:
        self.stack[-1].parts.append(data)


def parse(html: str) -> Node:
    """Parse ``html`` and return the document node; fail on unclosed elements."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    open_tags = [node.tag for node in builder.stack[1:]]
    assert not open_tags, f"unclosed elements: {open_tags}"
    return builder.root
