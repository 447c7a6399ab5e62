"""Spaced repetition per question family and per misconception, with the FSRS algorithm.

Cards (the ``fsrs`` package's, without interval fuzzing so a seed and a clock decide everything):

- ``family:<name>``: reviewed at every answer to a question of the family - Again when every
  part was wrong, Hard when some were right, Good when all were;
- ``misconception:<T-id>``: made the first time the learner picks a wrong option standing for
  it (Again), reviewed again whenever a question offers it - Again when picked, Good when
  avoided. The card remembers the families it was seen in, so that when it falls due a fresh
  variant of one of them can be served.

Cards live in the store (``Store.save_card``) as JSON: ``{"card": <fsrs card>, "families":
[...]}``. They are read back at every call, so two sessions at once see each other's reviews.
"""

from __future__ import annotations

import json
import random
import zlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from fsrs import Card, Rating
from fsrs import Scheduler as Fsrs

from quizgen.drill.grading import Grade, offered
from quizgen.drill.store import Store

FAMILY = "family:"
MISCONCEPTION = "misconception:"
#: Why next_family chose a family.
WHY = ("due", "new", "weak", "random")


@dataclass(frozen=True, slots=True)
class Entry:
    """A card as stored, with the families a misconception was seen in."""

    card: Card
    families: tuple[str, ...] = ()

    def to_json(self) -> str:
        return json.dumps({"card": self.card.to_dict(), "families": list(self.families)})

    @staticmethod
    def from_json(text: str) -> Entry:
        data = json.loads(text)
        return Entry(Card.from_dict(data["card"]), tuple(data.get("families", ())))


class Scheduler:
    """Chooses the family of the next question and records how each answer went."""

    def __init__(self, store: Store, families: Sequence[str], rng: random.Random) -> None:
        self._store = store
        self._families = tuple(families)
        self._rng = rng
        self._fsrs = Fsrs(enable_fuzzing=False)
        self._last: str | None = None  # the family answered last: not served straight again

    def next_family(
        self, now: datetime | None = None, allowed: Collection[str] | None = None
    ) -> tuple[str, str]:
        """(family, why): the most overdue card's family ("due"), else a family never seen
        ("new"), else the family answered worst so far ("weak"), else any ("random"); ties are
        broken by the rng. ``allowed`` narrows the families (the drill's filters).

        The family answered last (see update) is not served again straight away unless it is
        the only one allowed: a family always answered wrongly would otherwise be due at every
        turn and crowd out everything else.
        """
        now = _utc(now)
        allowed_families = [f for f in self._families if allowed is None or f in allowed]
        if not allowed_families:
            raise ValueError("no question family to choose from")
        candidates = [f for f in allowed_families if f != self._last] or allowed_families
        cards = self.cards()
        due = self._due(cards, candidates, now)
        if due:
            return due, "due"
        new = [f for f in candidates if FAMILY + f not in cards]
        if new:
            return self._rng.choice(new), "new"
        tallies = self._store.tallies("family")
        answered = [(tallies[f].accuracy, f) for f in candidates if f in tallies]
        if answered:
            worst = min(accuracy for accuracy, _ in answered)
            if worst < 1.0:
                return self._rng.choice([f for a, f in answered if a == worst]), "weak"
        return self._rng.choice(candidates), "random"

    def _due(self, cards: dict[str, Entry], candidates: list[str], now: datetime) -> str | None:
        """The family of the most overdue card (a misconception's: one it was seen in)."""
        overdue: list[tuple[datetime, str, list[str]]] = []
        for key, entry in cards.items():
            if entry.card.due > now:
                continue
            if key.startswith(FAMILY) and key[len(FAMILY) :] in candidates:
                overdue.append((entry.card.due, key, [key[len(FAMILY) :]]))
            elif key.startswith(MISCONCEPTION):
                seen = [f for f in candidates if f in entry.families]
                if seen:
                    overdue.append((entry.card.due, key, seen))
        if not overdue:
            return None
        earliest = min(due for due, _, _ in overdue)
        _, _, families = min((o for o in overdue if o[0] == earliest), key=lambda o: o[1])
        return self._rng.choice(families)

    def update(self, doc: dict, grade: Grade, now: datetime | None = None) -> None:
        """Review the family's card and the misconception cards ``doc`` touches; persist them."""
        now = _utc(now)
        family = doc["family"]
        cards = self.cards()
        if grade.correct:
            rating = Rating.Good
        elif any(grade.parts):
            rating = Rating.Hard
        else:
            rating = Rating.Again
        self._review(FAMILY + family, cards.get(FAMILY + family), rating, now, ())
        for name in offered(doc):
            key = MISCONCEPTION + name
            entry = cards.get(key)
            picked = name in grade.misconceptions
            if entry is None and not picked:
                continue  # a trap the learner has never fallen into needs no card
            families = entry.families if entry is not None else ()
            if family not in families:
                families = (*families, family)
            self._review(key, entry, Rating.Again if picked else Rating.Good, now, families)
        self._last = family

    def _review(
        self,
        key: str,
        entry: Entry | None,
        rating: Rating,
        now: datetime,
        families: tuple[str, ...],
    ) -> None:
        card = entry.card if entry is not None else Card(card_id=zlib.crc32(key.encode()), due=now)
        reviewed, _ = self._fsrs.review_card(card, rating, review_datetime=now)
        self._store.save_card(key, Entry(reviewed, families).to_json(), reviewed.due)

    def cards(self) -> dict[str, Entry]:
        """Every card in the store, by key."""
        return {key: Entry.from_json(text) for key, text in self._store.load_cards().items()}

    def due(self, key: str) -> datetime | None:
        """When the card ``key`` ("family:<name>", "misconception:<T-id>") is due, if it exists."""
        entry = self.cards().get(key)
        return None if entry is None else entry.card.due


def _utc(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.now(UTC)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
