"""What reading a message yields: intents, changes to earlier lines, the extraction."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from reading.text import Language


class Intent(StrEnum):
    """What the customer means by a message."""

    ORDER = "ORDER"
    ADD = "ADD"
    MODIFY = "MODIFY"
    REMOVE = "REMOVE"
    CONFIRM = "CONFIRM"
    CANCEL = "CANCEL"
    QUESTION = "QUESTION"
    GREETING = "GREETING"
    HANDOFF = "HANDOFF"
    OTHER = "OTHER"


class QuestionKind(StrEnum):
    """What a question is about."""

    STOCK = "STOCK"
    PRICE = "PRICE"
    DELIVERY = "DELIVERY"
    OTHER = "OTHER"


class HandoffReason(StrEnum):
    """Why a person must take over."""

    REQUESTED_HUMAN = "REQUESTED_HUMAN"
    ANGRY = "ANGRY"
    COMPLAINT = "COMPLAINT"


class ChangeKind(StrEnum):
    """How a change alters a line already in the order."""

    SET_QUANTITY = "SET_QUANTITY"
    ADD_MORE = "ADD_MORE"
    REMOVE = "REMOVE"
    REPLACE = "REPLACE"
    ADD_LIKE = "ADD_LIKE"
    ADD_FOR = "ADD_FOR"
    # "leave out the figs if you don't have any", "you don't have quince?": drop the line
    # only when it was not read surely (the customer sees we lack it)
    REMOVE_IF_MISSING = "REMOVE_IF_MISSING"
    # "just the rye bread then": every other line goes
    KEEP_ONLY = "KEEP_ONLY"
    # "and the same of the rye": a new line, `said`, counted like the last one
    SAME_COUNT = "SAME_COUNT"
    # "make the soba the same as the ramen": the line `target` takes the count of `said`
    MATCH_COUNT = "MATCH_COUNT"


@dataclass(frozen=True, slots=True)
class Change:
    """One modification: `target` names the line already ordered (None: "it", the last one).

    SET_QUANTITY sets `quantity`; ADD_MORE adds `quantity` to it; REMOVE drops the line;
    REPLACE swaps it for `replacement` (the new line, filled in from `target`: "20oz cups"),
    with `quantity` when one was given. `said` is the replacement as written ("20oz"): pass
    it to `complete_replacement` with the ordered line's own text for a sharper new line.
    ADD_LIKE adds a new line modelled on `target` ("the same but telera": `said` holds the
    words that differ); ADD_FOR adds `replacement` as an accessory that fits `target`
    ("lids for those"). Both leave `quantity` None when the customer gave none.
    """

    kind: ChangeKind
    target: str | None
    quantity: Decimal | None = None
    unit: str | None = None
    replacement: str | None = None
    said: str | None = None


@dataclass(frozen=True, slots=True)
class Extraction:
    """What the rules read in one message; `unparsed` holds sentences they could not place."""

    intent: Intent
    items: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    question: str | None = None
    question_kind: QuestionKind | None = None
    question_mention: str | None = None
    handoff: bool = False
    handoff_reason: HandoffReason | None = None
    language: Language = Language.EN
    confidence: float = 0.0
    unparsed: list[str] = field(default_factory=list)
    text: str = ""
    # The message also confirms, after its items and changes ("ok without the limes, go").
    confirm: bool = False
    # "let me check the cooler first": the customer asks us to wait; the order stays open
    hold: bool = False
