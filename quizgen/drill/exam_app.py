"""The full-screen exam (``quizgen exam``): Textual screens over the exam model (exam.py).

Layout, like the real test's: the header shows the question number and the time left; the
item navigator on the left marks each question answered, unanswered, flagged or locked; the
question pane in the middle scrolls (stem, exhibits as tables, then the answer widgets); the
topology tree can be shown on the right. The footer lists the keys. Everything works from the
keyboard: Tab moves between the answer widgets, the arrow keys and Space/Enter choose.

Answer widgets per item type: radio buttons (single choice, fix-it), check boxes (multiple
choice, exactly ``select``), Yes/No per statement (locked once answered and left), a drop-down
per hotspot blank, a reorderable list (ordering), and a case study's questions one under the
other. Each change is handed to the exam model at once, which records it in the store.

The app's return value says how it ended: ``"submitted"``, ``"paused"`` (q: quit, resume
later) or ``"interrupted"`` (Ctrl-C, also resumable).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Footer,
    Header,
    Label,
    OptionList,
    RadioButton,
    RadioSet,
    Select,
    SelectionList,
    Static,
)
from textual.widgets.option_list import Option

from quizgen.drill.exam import Exam, ExamError, Item, Report, clock_text, report_lines
from quizgen.drill.grading import AnswerError

Doc = dict[str, Any]
TreeLines = Callable[[Doc], Sequence[str]]


# -- answer widgets -------------------------------------------------------------------------


class Answer(Vertical):
    """The answer widgets of one question. ``value`` is the complete response in the grading
    module's form, or None while incomplete; ``draft`` keeps what was chosen so far, so a
    half-answered item looks the same when the learner comes back to it."""

    DEFAULT_CSS = """
    Answer { height: auto; }
    Answer SelectionList, Answer OptionList { height: auto; max-height: 200; }
    """

    class Changed(Message):
        def __init__(self, answer: Answer) -> None:
            super().__init__()
            self.answer = answer

    def __init__(self, doc: Doc, value: Any, draft: Any = None, *, disabled: bool = False):
        super().__init__(disabled=disabled)
        self.doc = doc
        self.value = value
        self.draft = draft

    def changed(self) -> None:
        self.post_message(self.Changed(self))


class ChoiceAnswer(Answer):
    """Single choice and fix-it: one radio button per option."""

    def compose(self) -> ComposeResult:
        with RadioSet():
            for option in self.doc["options"]:
                label = Text(f"{option['key']}. {option['text']}")
                yield RadioButton(label, value=option["key"] == self.value)

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self.value = self.doc["options"][event.index]["key"]
        self.changed()


class MultiAnswer(Answer):
    """Multiple choice: a check box per option; the answer counts when exactly ``select``
    are checked."""

    def compose(self) -> ComposeResult:
        picked = self.draft if self.draft is not None else (self.value or [])
        yield Label(self._hint(len(picked)), classes="hint")
        yield SelectionList[str](
            *(
                (Text(f"{o['key']}. {o['text']}"), o["key"], o["key"] in picked)
                for o in self.doc["options"]
            )
        )

    def _hint(self, count: int) -> str:
        select = self.doc["select"]
        return f"Select {select} (Space checks or unchecks): {count} checked"

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        selected = set(event.selection_list.selected)
        picked = [o["key"] for o in self.doc["options"] if o["key"] in selected]
        self.draft = picked
        self.query_one(".hint", Label).update(self._hint(len(picked)))
        self.value = picked if len(picked) == self.doc["select"] else None
        self.changed()


class YesNoAnswer(Answer):
    """A yes/no series: Yes or No for each statement; complete when every one has one."""

    DEFAULT_CSS = """
    YesNoAnswer .statement { height: auto; margin-bottom: 1; }
    YesNoAnswer .statement Static { width: 1fr; }
    YesNoAnswer RadioSet { layout: horizontal; width: auto; }
    """

    def compose(self) -> ComposeResult:
        statements = self.doc["statements"]
        self.draft = list(self.value or self.draft or [None] * len(statements))
        for number, (statement, choice) in enumerate(zip(statements, self.draft, strict=True)):
            with Horizontal(classes="statement"):
                yield Static(Text(f"{number + 1}. {statement['text']}"))
                with RadioSet(name=str(number)):
                    yield RadioButton("Yes", value=choice is True)
                    yield RadioButton("No", value=choice is False)

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self.draft[int(event.radio_set.name or 0)] = event.index == 0
        self.value = list(self.draft) if None not in self.draft else None
        self.changed()


class HotspotAnswer(Answer):
    """A hotspot: a drop-down per blank; complete when every blank has a choice."""

    DEFAULT_CSS = "HotspotAnswer Select { margin-bottom: 1; }"

    def compose(self) -> ComposeResult:
        blanks = self.doc["blanks"]
        self.draft = list(self.value or self.draft or [None] * len(blanks))
        for number, (blank, choice) in enumerate(zip(blanks, self.draft, strict=True)):
            yield Label(Text(f"{number + 1}. {blank['prompt']}"))
            yield Select(
                [(choice_text, choice_text) for choice_text in blank["choices"]],
                prompt="Choose...",
                value=choice if choice is not None else Select.NULL,
                type_to_search=False,
                name=str(number),
            )

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        chosen = None if event.value is Select.NULL else event.value
        self.draft[int(event.select.name or 0)] = chosen
        self.value = list(self.draft) if None not in self.draft else None
        self.changed()


class StepList(OptionList):
    """The steps of an ordering item; the highlighted step moves with u/d or Shift+arrows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("u,shift+up", "move(-1)", "Step up"),
        Binding("d,shift+down", "move(1)", "Step down"),
    ]

    class Moved(Message):
        pass

    def action_move(self, by: int) -> None:
        answer = self.parent
        assert isinstance(answer, OrderingAnswer)
        at = self.highlighted
        if at is None or not 0 <= at + by < len(answer.order):
            return
        order = answer.order
        order[at], order[at + by] = order[at + by], order[at]
        self.post_message(self.Moved())
        self.set_options(answer.lines())
        self.highlighted = at + by


class OrderingAnswer(Answer):
    """An ordering item: the steps in a list the learner rearranges. The order counts as an
    answer from the first move (or Enter, to keep the order shown)."""

    def compose(self) -> ComposeResult:
        steps = self.doc["ordering"]["steps"]
        self.order = list(self.value or self.draft or range(len(steps)))
        yield Label(
            "Arrange the steps: u or Shift+Up moves the highlighted step up, d or Shift+Down "
            "down; Enter keeps the order shown.",
            classes="hint",
        )
        yield StepList(*self.lines())

    def lines(self) -> list[Option]:
        steps = self.doc["ordering"]["steps"]
        return [Option(Text(f"{n}. {steps[i]}")) for n, i in enumerate(self.order, 1)]

    def _answer(self) -> None:
        self.value = self.draft = list(self.order)
        self.changed()

    def on_step_list_moved(self, event: StepList.Moved) -> None:
        event.stop()
        self._answer()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._answer()


class CaseStudyAnswer(Answer):
    """A case study: its questions one under the other, each with its own widgets. The
    response lists one answer per question (None where not answered yet)."""

    DEFAULT_CSS = "CaseStudyAnswer .subquestion { margin-top: 1; text-style: bold; }"

    def compose(self) -> ComposeResult:
        questions = self.doc["questions"]
        values = self.value or [None] * len(questions)
        drafts = self.draft or [None] * len(questions)
        for number, (sub, value, draft) in enumerate(zip(questions, values, drafts, strict=True)):
            yield Static(
                Text(f"Question {number + 1} of {len(questions)}: {sub['stem']}"),
                classes="subquestion",
            )
            yield answer_widget(sub, value, draft, disabled=self.disabled)

    def parts(self) -> list[Answer]:
        return [child for child in self.children if isinstance(child, Answer)]

    def on_answer_changed(self, event: Answer.Changed) -> None:
        if event.answer is self:
            return
        event.stop()
        values = [part.value for part in self.parts()]
        self.draft = [part.draft for part in self.parts()]
        self.value = values if any(v is not None for v in values) else None
        self.changed()


ANSWERS: dict[str, type[Answer]] = {
    "single-choice": ChoiceAnswer,
    "fix-it": ChoiceAnswer,
    "multi-choice": MultiAnswer,
    "yes-no-series": YesNoAnswer,
    "hotspot": HotspotAnswer,
    "ordering": OrderingAnswer,
    "case-study": CaseStudyAnswer,
}


def answer_widget(doc: Doc, value: Any, draft: Any = None, *, disabled: bool = False) -> Answer:
    return ANSWERS[doc["item_type"]](doc, value, draft, disabled=disabled)


def exhibit_table(exhibit: Doc) -> Table:
    """An exhibit as a table whose long cells wrap inside the pane."""
    table = Table(title=exhibit["title"], title_justify="left", expand=False, show_lines=False)
    for column in exhibit["columns"]:
        table.add_column(str(column), overflow="fold")
    for row in exhibit["rows"]:
        table.add_row(*(Text(str(cell)) for cell in row))
    return table


# -- screens --------------------------------------------------------------------------------


def _status(item: Item) -> str:
    if item.locked:
        return "locked"
    if item.answered:
        return "answered"
    return "partly answered" if item.started else "unanswered"


class ConfirmScreen(ModalScreen[bool]):
    """Yes or no to one question (submit the exam?)."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 64; height: auto; border: thick $accent; padding: 1 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question))
            yield Static("y: yes    n or Esc: no")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ReviewScreen(Screen[int | str | None]):
    """The review before submitting: every item with its state. Enter goes to the item,
    s submits (after a confirmation), Esc goes back to the question."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back to the question"),
        Binding("s", "submit", "Submit the exam"),
    ]

    def __init__(self, exam: Exam) -> None:
        super().__init__()
        self.exam = exam

    def compose(self) -> ComposeResult:
        review = self.exam.review()
        yield Header()
        yield Static(
            Text(
                f"Review: {len(review.answered)} of {len(self.exam.items)} answered, "
                f"{len(review.unanswered)} unanswered, {len(review.flagged)} flagged. "
                "Enter opens a question; s submits the exam."
            ),
            id="summary",
        )
        lines = []
        for item in self.exam.items:
            flag = "  flagged" if item.flagged else ""
            text = Text(f"Question {item.number:>3}  {_status(item):<15}{flag}  ")
            text.append(item.doc["stem"][:70], style="dim")
            lines.append(Option(text))
        review_list = OptionList(*lines, id="review")
        review_list.highlighted = self.exam.position
        yield review_list
        yield Footer()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        unanswered = len(self.exam.review().unanswered)
        question = "Submit the exam? You cannot change any answer afterwards."
        if unanswered:
            question += f" {unanswered} question(s) are unanswered."

        def done(yes: bool | None) -> None:
            if yes:
                self.dismiss("submit")

        self.app.push_screen(ConfirmScreen(question), done)


class ReportScreen(Screen[None]):
    """The final report: score, verdict, objectives, misconceptions, missed items."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("q,escape,ctrl+c", "app.finish", "Quit")]

    def __init__(self, lines: list[str], note: str = "") -> None:
        super().__init__()
        self.lines = lines
        self.note = note

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="report"):
            if self.note:
                yield Static(Text(self.note, style="bold"))
            yield Static(Text("\n".join(self.lines)))
        yield Footer()


class ExamApp(App[str]):
    """The exam screen: navigator, question pane, optional topology tree, timer."""

    TITLE = "quizgen exam"
    CSS = """
    #body { height: 1fr; }
    #navigator { width: 20; }
    #question { width: 1fr; padding: 0 1; }
    #question > Static { margin-bottom: 1; }
    #topology { width: 50; display: none; border-left: solid $accent; }
    #topology.shown { display: block; }
    #status { height: 1; padding: 0 1; background: $panel; }
    .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next", "Next"),
        Binding("p", "prev", "Previous"),
        Binding("f", "flag", "Flag"),
        Binding("g", "navigator", "Go to"),
        Binding("t", "topology", "Topology"),
        Binding("r", "review", "Review"),
        Binding("s", "review", "Submit", show=False),
        Binding("q", "pause", "Quit (resume later)", priority=True),
        Binding("ctrl+c", "pause('interrupted')", "Quit", show=False, priority=True),
    ]

    def __init__(
        self,
        exam: Exam,
        tree_lines: TreeLines | None = None,
        report: Callable[[Report], list[str]] = report_lines,
    ) -> None:
        super().__init__()
        self.exam = exam
        self.report = report
        self.tree_lines = tree_lines
        self.drafts: dict[int, Any] = {}
        self.answer: Answer | None = None
        self.ended = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield OptionList(*self._navigator_lines(), id="navigator")
            yield VerticalScroll(id="question")
            with VerticalScroll(id="topology"):
                yield Static(id="tree")
        yield Static(id="status")
        yield Footer()

    async def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)
        self._tick()
        await self._show()

    #: Actions of the exam screen, not of the review or report screens on top of it.
    EXAM_ACTIONS = frozenset({"next", "prev", "flag", "navigator", "topology", "review"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.EXAM_ACTIONS:
            return not self.ended and len(self.screen_stack) == 1
        return True

    # -- drawing --------------------------------------------------------------------------

    def _navigator_lines(self) -> list[Option]:
        lines = []
        for item in self.exam.items:
            mark = (
                "L" if item.locked else ("x" if item.answered else ("~" if item.started else " "))
            )
            flag = " F" if item.flagged else ""
            lines.append(Option(Text(f"{item.number:>3} [{mark}]{flag}")))
        return lines

    def _refresh_navigator(self) -> None:
        navigator = self.query_one("#navigator", OptionList)
        navigator.set_options(self._navigator_lines())
        navigator.highlighted = self.exam.position

    def _refresh_status(self, note: str = "") -> None:
        item, review = self.exam.current, self.exam.review()
        parts = [
            f"{len(review.answered)}/{len(self.exam.items)} answered",
            f"{len(review.flagged)} flagged",
            f"this question: {_status(item)}" + (", flagged" if item.flagged else ""),
        ]
        if note:
            parts.append(note)
        self.query_one("#status", Static).update(Text("  |  ".join(parts)))

    def _tick(self) -> None:
        item = self.exam.current
        self.sub_title = (
            f"Question {item.number} of {len(self.exam.items)}  -  "
            f"Time left {clock_text(self.exam.time_left())}"
        )
        if self.exam.expired and not self.exam.submitted and not self.ended:
            self._submit(note="Time is up: the exam was submitted.")

    async def _show(self) -> None:
        """Draw the current item in the question pane."""
        item = self.exam.current
        pane = self.query_one("#question", VerticalScroll)
        await pane.remove_children()
        doc = item.doc
        widgets: list[Static | Answer] = [
            Static(
                Text(
                    f"Question {item.number} of {len(self.exam.items)}  -  "
                    f"{doc['item_type']}  -  {doc['objective']}",
                    style="bold",
                )
            ),
            Static(Text(doc["stem"])),
        ]
        widgets += [Static(exhibit_table(exhibit)) for exhibit in doc.get("exhibits", ())]
        if item.locked:
            widgets.append(
                Static(
                    Text(
                        "Locked: a yes/no series cannot be changed once answered and left "
                        "(as on the real exam).",
                        style="bold",
                    )
                )
            )
        self.answer = answer_widget(
            doc,
            item.response,
            self.drafts.get(item.position),
            disabled=not self.exam.can_answer(item),
        )
        widgets.append(self.answer)
        await pane.mount_all(widgets)
        pane.scroll_home(animate=False)
        self._refresh_navigator()
        self._refresh_status()
        self._show_tree()
        self._tick()
        self._focus_answer()

    def _focus_answer(self) -> None:
        if self.answer is None or self.answer.disabled:
            return
        for widget in self.answer.query("*"):
            if widget.focusable:
                widget.focus()
                return

    def _show_tree(self) -> None:
        topology = self.query_one("#topology")
        if not topology.has_class("shown"):
            return
        doc = self.exam.current.doc
        if self.tree_lines is None or "topology" not in doc:
            text = "No topology view for this question."
        else:
            text = "\n".join(self.tree_lines(doc["topology"]))
        self.query_one("#tree", Static).update(Text(text))

    # -- answering ------------------------------------------------------------------------

    def on_answer_changed(self, event: Answer.Changed) -> None:
        item = self.exam.current
        self.drafts[item.position] = event.answer.draft
        if event.answer.value == item.response:
            return
        try:
            self.exam.answer(event.answer.value)
        except (ExamError, AnswerError) as error:
            self._refresh_status(str(error))
            return
        self._refresh_navigator()
        self._refresh_status()

    # -- actions --------------------------------------------------------------------------

    async def _go(self, position: int) -> None:
        if position != self.exam.position:
            self.exam.goto(position)
            await self._show()

    async def action_next(self) -> None:
        await self._go(min(self.exam.position + 1, len(self.exam.items) - 1))

    async def action_prev(self) -> None:
        await self._go(max(self.exam.position - 1, 0))

    def action_flag(self) -> None:
        self.exam.flag()
        self._refresh_navigator()
        self._refresh_status()

    def action_navigator(self) -> None:
        self.query_one("#navigator", OptionList).focus()

    def action_topology(self) -> None:
        self.query_one("#topology").toggle_class("shown")
        self._show_tree()

    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "navigator":
            await self._go(event.option_index)

    def action_review(self) -> None:
        async def done(choice: int | str | None) -> None:
            if choice == "submit":
                self._submit()
            elif isinstance(choice, int):
                await self._go(choice)
            self._refresh_navigator()
            self._refresh_status()

        self.push_screen(ReviewScreen(self.exam), done)

    def _submit(self, note: str = "") -> None:
        result = self.exam.submit()
        self.ended = True
        self.push_screen(ReportScreen(self.report(result), note))

    def action_pause(self, how: str = "paused") -> None:
        """Quit; the answers are already in the store, so the exam can be resumed."""
        self.exit("submitted" if self.exam.submitted else how)

    def action_finish(self) -> None:
        self.exit("submitted")
