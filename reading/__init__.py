"""Reading one customer message: intents, order lines, changes, questions, handoff (pure).

Where new code goes: a new rule family in its own module, wired into `extract.py`; word
lists as data. No database, no HTTP; may use `matching/`.

    extract(text, lang=..., known_names=...) -> Extraction   (reading.extract)
"""

from reading.extract import extract
from reading.types import Change, ChangeKind, Extraction, HandoffReason, Intent, QuestionKind

__all__ = ["Change", "ChangeKind", "Extraction", "HandoffReason", "Intent", "QuestionKind",
           "extract"]
