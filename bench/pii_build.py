"""Helpers to write labelled PII messages with exact offsets (used by the corpus scripts).

A message is written as parts: plain strings and `(TYPE, value)` pairs; offsets are
computed by concatenation, so they cannot drift. Also valid IBAN and card generators.
"""

from __future__ import annotations

import json
import string
from pathlib import Path

Part = str | tuple[str, str]

TYPES = {
    "P": "PHONE_NUMBER", "E": "EMAIL_ADDRESS", "C": "CREDIT_CARD", "I": "IBAN_CODE",
    "S": "US_SSN", "IP": "IP_ADDRESS", "A": "STREET_ADDRESS", "N": "PERSON",
}


def msg(ident: str, channel: str, *parts: Part) -> dict[str, object]:
    """One corpus line from parts; ("P", "...") is a phone, ("N", "...") a name, etc."""
    text, entities = "", []
    for part in parts:
        if isinstance(part, str):
            text += part
            continue
        kind, value = part
        entities.append({"type": TYPES.get(kind, kind), "start": len(text),
                         "end": len(text) + len(value), "value": value})
        text += value
    return {"id": ident, "channel": channel, "text": text, "entities": entities}


def iban(country: str, bban: str, sep: str = " ") -> str:
    """A valid IBAN for `country` and `bban` (check digits computed), grouped by 4."""
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(digits) % 97
    raw = f"{country}{check:02d}{bban}"
    return sep.join(raw[i : i + 4] for i in range(0, len(raw), 4)) if sep is not None else raw


def luhn_complete(prefix_and_body: str) -> str:
    """The digits plus the Luhn check digit that makes them valid."""
    for d in string.digits:
        candidate = prefix_and_body + d
        total = 0
        for i, ch in enumerate(reversed(candidate)):
            n = int(ch)
            if i % 2:
                n = n * 2 - 9 if n > 4 else n * 2
            total += n
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


def group(digits: str, sizes: tuple[int, ...] = (4, 4, 4, 4), sep: str = " ") -> str:
    """Digits split into groups of `sizes` joined by `sep`."""
    out, i = [], 0
    for size in sizes:
        out.append(digits[i : i + size])
        i += size
    return sep.join(x for x in out if x)


def write(messages: list[dict[str, object]], path: Path) -> None:
    """Write messages as JSON Lines, checking offsets and unique ids first."""
    ids = [m["id"] for m in messages]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for m in messages:
        for e in m["entities"]:  # type: ignore[attr-defined]
            assert m["text"][e["start"] : e["end"]] == e["value"]  # type: ignore[index]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for m in messages:
            fh.write(json.dumps(m, ensure_ascii=False) + "\n")
