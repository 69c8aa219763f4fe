"""Headed sections of a Markdown card, classified by the words of their headings.

Model cards and data cards both declare facts under ``##`` headings ("Intended uses",
"Personal and sensitive information"). :func:`headed_sections` splits a card's text at its
headings and names each section by the table entry whose words come first in the heading, so
"Bias, risks and limitations" goes to the field of "bias" and "Limitations and bias" to the
field of "limitations".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    """One classified section: the field it fills, its text (whitespace folded), its line."""

    field: str
    body: str
    line: int


def headed_sections(
    text: str, start: int, table: Mapping[str, str], deepest: int, max_chars: int
) -> Iterator[Section]:
    """Yield the sections of ``text`` after offset ``start`` whose heading names a field.

    Headings of level 2 to ``deepest`` split the text; a heading that holds none of the
    ``table``'s words, and a section with no text, are skipped. Bodies are cut to
    ``max_chars`` characters; lines count from 1.
    """
    heading = re.compile(rf"^#{{2,{deepest}}}\s+(.+?)\s*$", re.MULTILINE)
    matches = list(heading.finditer(text, start))
    for index, match in enumerate(matches):
        title = match.group(1).lower()
        hits = sorted((title.find(words), name) for words, name in table.items() if words in title)
        if not hits:
            continue
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        body = " ".join(text[match.end() : end].split())[:max_chars]
        if body:
            yield Section(hits[0][1], body, text.count("\n", 0, match.start()) + 1)
