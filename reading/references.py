"""Lines that point at earlier lines: accessories ("lids for those") and look-alikes ("the same
in 24oz", "1 cs 24oz" right after cups).

Within one message the earlier line is known, so the reference becomes an order line here;
across messages it becomes a `Change` (ADD_FOR / ADD_LIKE) the agent resolves against the
session with `accessory_line` and `complete_replacement`.
"""

from __future__ import annotations

import re
from decimal import Decimal

from matching.parse import parse_line
from matching.units import fmt_number
from reading.changes import SIZE_WORDS, complete_replacement
from reading.grammar import _number, _rx
from reading.lexicon import fold, load, words
from reading.types import Change, ChangeKind

_POINTER = (r"(?:them|those|these|em|'em|it|that|this|those ones|these ones|the same|ellos|ellas"
            r"|esos|esas|estos|estas|esos mismos|esas mismas|estos mismos|estas mismas"
            r"|los mismos|las mismas|eso|esto)")
_QTY = r"(?:(?P<q>{NUM})\s*(?P<u>{UNIT})?\s+(?:of\s+|de\s+)?)?"
# "lids for the 12s same amount": the count is the line's, as it would be unsaid
_SAME_AMOUNT = (r"(?:[\s,]+(?:(?:the\s+)?same\s+(?:amount|qty|quantity|number|count)|same"
                r"|as many|la misma cantidad|lo mismo))?")
_ACCESSORY_RULES = [
    # "2 cs lids for those", "tapas para esos mismos", "black lids for the 12oz cups",
    # "lids for the 12s" (the 12oz ones)
    _rx(r"^" + _QTY + r"(?:the\s+|las\s+|los\s+)?(?P<acc>[^\d,]+?)\s+(?:for|that fit"
        r"|to fit|to match|para|que le queden a)\s+(?P<ref>" + _POINTER + r"|(?:the|las|los"
        r"|my|our)\s+(?:[^,:\d]+?|\d+(?:\.\d+)?(?:'?s|\s*(?:oz|in|\")(?:\s+ones)?)))"
        r"(?:\s+(?:too|as well|tambi[eé]n))?" + _SAME_AMOUNT + r"$"),
    # "the matching lids", "matching lids, 3 cs"
    _rx(r"^" + _QTY + r"(?:the\s+)?(?:matching|same-size|fitting|corresponding)\s+(?P<acc>[^\d,]+?)"
        r"(?:[\s,-]+(?P<q2>{NUM})\s*(?P<u2>{UNIT})?)?$"),
]
# Words that make a "for ..." tail a purpose, not an earlier line: "cups for the party".
_NOT_ACCESSORY = re.compile(r"\b(?:party|event|week|weekend|delivery|tomorrow|today|store"
                            r"|kitchen|location|restaurant|order)\b", re.I)
# A sentence, not an accessory: "we found a cheaper source for the X".
_TALK = re.compile(r"\b(?:i|we|you|they|he|she|it|found|got|have|has|had|need|want|is|are|was"
                   r"|were|will|would|can|could|looking|thanks|thank|process|following|below"
                   r"|attached|send|place|ordering)\b", re.I)
_SAME_RULES = [
    # "same scallops but the 20/30, 1 cs": another kind of a line named, with its own count
    _rx(r"^(?:and\s+|y\s+)?(?:the\s+)?same\s+(?!(?:as|like|again|thing|order|time|one|ones"
        r"|last|usual|amount|quantity)\b)(?P<t>[^\W\d][^\d,]*?)\s+(?:but|pero)\s+"
        r"(?:in\s+|with\s+|the\s+|de\s+|en\s+|con\s+)?(?P<said>[^,]+?)"
        r"(?:[\s,]+(?P<q>{NUM})\s*(?P<u>{UNIT})?)?$"),
    # "the same but in 24oz", "same again with oat milk", "lo mismo pero de 12"
    _rx(r"^(?:and\s+|y\s+)?(?:the\s+)?(?:same|lo mismo|igual)(?:\s+(?P<q>{NUM}))?"
        r"(?:\s+(?P<u>{UNIT}))?(?:\s+(?:thing|again|one|ones|order))?[\s,]+(?:but|only|just"
        r"|pero|solo)\s+(?:in\s+|with\s+|de\s+|en\s+|con\s+)?"
        r"(?P<said>[^\d].*?|\d+\s*(?:oz|lb|in|\"|gal|ct|l|ml|kg|g)\b.*?)$"),
]


# "and the same of the rye", "same amount for sourdough", "lo mismo de pan de centeno"
_SAME_COUNT = _rx(
    r"^(?:and\s+|y\s+|e\s+|et\s+)?(?:the\s+)?(?:same|lo mismo|la misma cantidad|igual"
    r"|o mesmo|la stessa|lo stesso|la m[eê]me chose)\s+(?:amount\s+|quantity\s+|number\s+"
    r"|count\s+)?(?:of|for|de|da|do|di|del|pour)\s+{ART}(?P<said>[^\W\d][^\d]*?)"
    r"(?:\s+(?:too|also|as well|tambi[eé]n|please|pls))*$")
_ROMANCE_LINKS = {"de", "del", "para", "con", "la", "el", "los", "las"}


def _quantity(m: re.Match[str]) -> tuple[Decimal | None, str | None]:
    groups = m.groupdict()
    q = groups.get("q") or groups.get("q2")
    u = groups.get("u") or groups.get("u2")
    return (_number(q) if q else None), (u.lower() if u else None)


def read_reference(clause: str) -> Change | None:
    """The ADD_FOR or ADD_LIKE change a clause asks for, or None."""
    text = clause.strip(" .!")
    if m := _SAME_COUNT.match(text):
        return Change(ChangeKind.SAME_COUNT, None, None, None, None, m["said"].strip())
    for rule in _ACCESSORY_RULES:
        if (m := rule.match(text)) and not _NOT_ACCESSORY.search(m.groupdict().get("ref") or "") \
                and len(m["acc"].split()) <= 4 and not _TALK.search(m["acc"]):
            ref = (m.groupdict().get("ref") or "").strip()
            target = None if not ref or re.fullmatch(_POINTER, ref, re.I) else \
                re.sub(r"^(?:the|las|los|my|our)\s+", "", ref, flags=re.I)
            quantity, unit = _quantity(m)
            return Change(ChangeKind.ADD_FOR, target, quantity, unit, m["acc"].strip(), None)
    for rule in _SAME_RULES:
        if m := rule.match(text):
            quantity, unit = _quantity(m)
            target = (m.groupdict().get("t") or "").strip() or None
            if target and target.lower() in {"thing", "again", "one", "ones", "order"}:
                continue
            return Change(ChangeKind.ADD_LIKE, target, quantity, unit, None, m["said"].strip())
    parsed = parse_line(text)
    if parsed.quantity is not None and parsed.mention.strip().lower() in SIZE_WORDS:
        # "1 cs med" after "2 cs gloves lg": the same product in another size
        return Change(ChangeKind.ADD_LIKE, None, parsed.quantity, parsed.unit, None,
                      parsed.mention.strip())
    if parsed.quantity is not None and parsed.size is not None and not parsed.mention.strip():
        # "1 cs 24oz" after a line of cups: the same product in another size
        size = re.search(r"\d+(?:[.,/]\d+)?\s*(?:oz|lb|in|\"|gal|ct|l|ml|kg|g|qt)\b", text, re.I)
        if size:
            return Change(ChangeKind.ADD_LIKE, None, parsed.quantity, parsed.unit, None,
                          size[0])
    return None


def same_count_line(said: str, target_line: str) -> str:
    """ "the same of rye" after "3 cs sourdough" -> "3 cs rye": the earlier line's count."""
    counted, _ = _head(target_line)
    return f"{counted} {said}".strip()


def _head(line: str) -> tuple[str, str]:
    """(the quantity and unit as written, the rest) of an order line."""
    m = _rx(r"^(?P<qu>{NUM}\s*(?:{UNIT})?)\s+(?:of\s+|de\s+)?(?:the\s+)?(?P<rest>.*)$").match(line)
    return (m["qu"], m["rest"]) if m else ("", line)


def accessory_line(accessory: str, target_line: str, quantity: Decimal | None = None,
                   unit: str | None = None) -> str:
    """The order line for an accessory that fits an ordered line.

    ("lids", "2 cs 12oz hot cups") → "2 cs lids 12oz hot": the accessory, the target's
    count when none was given, and the target's size and modifiers (not its head noun), so
    the matcher picks the lid that fits.
    """
    counted, rest = _head(target_line)
    words = rest.split()
    # The head noun goes ("cups", "vasitos"): last in English, first before "de" in Spanish.
    spanish = len(words) > 2 and words[1].lower() in _ROMANCE_LINKS
    kept = words[1:] if spanish else words[:-1]
    modifiers = " ".join(w for w in kept if w.lower() not in _ROMANCE_LINKS)
    if quantity is not None:
        counted = f"{fmt_number(quantity)} {unit or ''}".strip()
    acc = accessory.strip()
    return " ".join(p for p in (counted, acc, modifiers) if p)


def like_line(said: str, target_line: str, quantity: Decimal | None = None,
              unit: str | None = None) -> str:
    """The order line for "the same but <said>": the target line with `said` swapped in."""
    counted, rest = _head(target_line)
    if quantity is not None:
        counted = f"{fmt_number(quantity)} {unit or ''}".strip()
    return " ".join(p for p in (counted, complete_replacement(said, rest)) if p)


_POINTING = frozenset({"of", "the", "de", "la", "las", "los", "el", "those", "them", "these",
                       "ones", "one"})
_PACKAGING = words({k: v for k, v in load("packaging.json").items() if not k.startswith("_")})


def unit_named(line: str) -> tuple[str, str] | None:
    """(the count as written, the unit words) for a line that names only how many and in
    what unit or pack ("6 loose packets", "a bunch", "6 each"): it means a product said
    before, in that unit; None for a line that names a product."""
    m = re.match(r"^\s*(\S+)\s+(.+)$", line)
    if not m or _number(m[1]) is None:
        return None
    said = re.findall(r"[^\W\d_]+", m[2].lower())
    if not said or not all(fold(w) in _PACKAGING for w in said):
        return None
    unit = " ".join(w for w in said if fold(w) not in _POINTING)
    return (m[1], unit) if unit else None
