"""Rendering: the one Jinja environment, and views that make the presentation decisions.

Templates (templates/) hold no logic beyond loops and flags; everything else (alignment, labels,
letters, shuffling for display) is decided in plain Python here, and tested there.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from quizgen.resources import templates_dir

Doc = dict[str, Any]


if TYPE_CHECKING:
    import jinja2


@cache
def environment() -> jinja2.Environment:
    """The one Jinja environment (Jinja is imported here, so that the stdlib-only renderers in
    this package - terminal text, diagrams - do not load it)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        # HTML templates are named *.html.j2: select_autoescape(["html"]) alone would not match
        # them (it looks at the last suffix), and text from banks and topologies would go into
        # the PDFs unescaped. Markdown and terminal templates (*.md.j2) are not escaped.
        autoescape=jinja2.select_autoescape(
            ["html", "htm", "xml", "svg", "html.j2", "htm.j2", "xml.j2", "svg.j2"]
        ),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def markdown_table(exhibit: Doc) -> list[str]:
    """An exhibit as a Markdown table (pipes in cells escaped)."""

    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|")

    head = [cell(c) for c in exhibit["columns"]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in exhibit["rows"]]
    return lines


def question_view(question: Doc, number: int, with_answer: bool) -> Doc:
    """What the text templates show of a question document."""
    return {
        "number": number,
        "id": question["id"],
        "item_type": question["item_type"],
        "title": ITEM_TITLES[question["item_type"]],
        "objective": question["objective"],
        "difficulty": question["difficulty"],
        "stem": question["stem"],
        "select": question.get("select"),
        "exhibits": [
            {"title": e["title"], "lines": markdown_table(e)} for e in question["exhibits"]
        ],
        "options": question.get("options", []),
        "statements": question.get("statements", []),
        "blanks": question.get("blanks", []),
        "steps": (question.get("ordering") or {}).get("steps", []),
        "with_answer": with_answer,
        "answer": question["answer"],
        "explanation": question["explanation"],
        "rules": ", ".join(question["rules"]),
        "questions": [
            {
                **question_view({**sub, "id": question["id"], "exhibits": []}, n, with_answer),
                "title": ITEM_TITLES[sub["item_type"]],
            }
            for n, sub in enumerate(question.get("questions", []), start=1)
        ],
    }


ITEM_TITLES = {
    "single-choice": "Single choice",
    "multi-choice": "Multiple choice",
    "yes-no-series": "Yes / No",
    "hotspot": "Hotspot",
    "ordering": "Ordering",
    "fix-it": "Fix it",
    "case-study": "Case study",
}


def markdown(questions: list[Doc], with_answers: bool = True) -> str:
    """A Markdown document of questions, each followed by its answer and explanation."""
    template = environment().get_template("text/questions.md.j2")
    views = [question_view(q, n, with_answers) for n, q in enumerate(questions, start=1)]
    return template.render(questions=views)
