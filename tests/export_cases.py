"""Question sets for the export tests: every item type, and a hostile copy whose texts hold
HTML, CDATA terminators, GIFT's special characters and line breaks."""

from __future__ import annotations

import copy
from functools import cache
from html.parser import HTMLParser
from typing import Any

from quizgen.questions import ITEM_TYPES
from quizgen.questions.generate import generate

Doc = dict[str, Any]

#: Everything that could break a format that is not escaped: markup, entities, the CDATA end,
#: GIFT's ~ = # { } : and backslash, quotes and a line break.
HOSTILE = ' <b>bold</b> &amp; ]]> ~=#{}: \\ "q\' \nnext'

#: Fields whose strings are identifiers or values the exports key on, left as they are.
KEEP = {"id", "family", "item_type", "key", "misconception", "objective", "topology", "checks",
        "claim", "command", "field", "rules"}


@cache
def _questions() -> tuple[Doc, ...]:
    found: list[Doc] = []
    for item_type in ITEM_TYPES:
        found += generate(2, 5, item_type=item_type)
    return tuple(found)


def questions() -> list[Doc]:
    """Two questions of each item type (case studies hold yes/no, single choice and fix-it)."""
    return copy.deepcopy(list(_questions()))


def _spoil(value: Any) -> Any:
    if isinstance(value, str):
        return value + HOSTILE
    if isinstance(value, list):
        return [_spoil(v) for v in value]
    if isinstance(value, dict):
        return {k: v if k in KEEP else _spoil(v) for k, v in value.items()}
    return value


def hostile_questions() -> list[Doc]:
    """The same questions with HOSTILE appended to every text a learner reads (stems, exhibit
    cells, options, statements, blanks and their choices, steps, explanations). Keys are
    unchanged: a blank's answer and its choices, and an ordering's steps and answer, get the
    same suffix."""
    return [_spoil(doc) for doc in questions()]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(fragment: str) -> str:
    """The text an HTML fragment shows (tags dropped, entities decoded)."""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.parts)


def html_tags(fragment: str) -> set[str]:
    """The element names an HTML fragment opens (a hostile "<b>" must never be one of them)."""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    return set(parser.tags)
