"""The labelled PII corpus (JSON Lines, `shared/specs/formats.md`): loading and checking.

Strict, so a typo never passes as "no PII here": unknown keys, unknown types and
offsets that do not give back the value are errors naming the line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from privacy.findings import PII_TYPES

CHANNELS = frozenset({"sms", "whatsapp", "email"})
_MESSAGE_KEYS = frozenset({"id", "channel", "text", "entities"})
_ENTITY_KEYS = frozenset({"type", "start", "end", "value"})


class CorpusError(ValueError):
    """A bad corpus file; the message names the file and the line."""


@dataclass(frozen=True, slots=True)
class Entity:
    """One labelled piece of PII."""

    type: str
    start: int
    end: int
    value: str

    def as_dict(self) -> dict[str, object]:
        """The entity as in the corpus."""
        return {"type": self.type, "start": self.start, "end": self.end, "value": self.value}


@dataclass(frozen=True, slots=True)
class LabelledMessage:
    """One corpus line."""

    id: str
    channel: str | None
    text: str
    entities: tuple[Entity, ...]


def _entity(raw: object, text: str, where: str) -> Entity:
    """Check one labelled entity against its message text."""
    if not isinstance(raw, dict):
        raise CorpusError(f"{where}: an entity must be an object")
    if raw.keys() != _ENTITY_KEYS:
        extra, missing = raw.keys() - _ENTITY_KEYS, _ENTITY_KEYS - raw.keys()
        problem = f"unknown key {sorted(extra)[0]!r}" if extra else f"missing {sorted(missing)}"
        raise CorpusError(f"{where}: entity has {problem}")
    kind, start, end, value = raw["type"], raw["start"], raw["end"], raw["value"]
    if kind not in PII_TYPES:
        raise CorpusError(f"{where}: unknown type {kind!r} (one of {', '.join(PII_TYPES)})")
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
        raise CorpusError(f"{where}: start and end must be integers")
    if not 0 <= start < end <= len(text):
        raise CorpusError(f"{where}: span {start}:{end} is outside the text")
    if text[start:end] != value:
        raise CorpusError(
            f"{where}: text[{start}:{end}] is {text[start:end]!r}, not the value {value!r}"
        )
    return Entity(kind, start, end, value)


def _message(raw: object, where: str) -> LabelledMessage:
    """Check one corpus line."""
    if not isinstance(raw, dict):
        raise CorpusError(f"{where}: each line must be a JSON object")
    if unknown := raw.keys() - _MESSAGE_KEYS:
        raise CorpusError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    if missing := {"id", "text", "entities"} - raw.keys():
        raise CorpusError(f"{where}: missing {sorted(missing)}")
    ident, text, entities = raw["id"], raw["text"], raw["entities"]
    channel = raw.get("channel")
    if not isinstance(ident, str) or not ident:
        raise CorpusError(f"{where}: id must be a non-empty string")
    if not isinstance(text, str):
        raise CorpusError(f"{where}: text must be a string")
    if channel is not None and channel not in CHANNELS:
        raise CorpusError(f"{where}: channel must be one of {sorted(CHANNELS)}, not {channel!r}")
    if not isinstance(entities, list):
        raise CorpusError(f"{where}: entities must be a list ([] when there is no PII)")
    parsed = tuple(_entity(e, text, f"{where}, entity {i + 1}") for i, e in enumerate(entities))
    return LabelledMessage(ident, channel, text, parsed)


def load_corpus(path: Path) -> list[LabelledMessage]:
    """Every message of a corpus file; blank lines are skipped, an empty file is an error."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: cannot read: {exc}") from exc
    messages: list[LabelledMessage] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{where}: not valid JSON: {exc.msg} (column {exc.colno})") from exc
        message = _message(raw, where)
        if message.id in seen:
            raise CorpusError(f"{where}: id {message.id!r} already used on line {seen[message.id]}")
        seen[message.id] = number
        messages.append(message)
    if not messages:
        raise CorpusError(f"{path}: the corpus is empty")
    return messages
