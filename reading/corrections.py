"""Customers correct themselves mid-message: "3 cs pita... no wait, 3 cs flour tortillas".

Only the corrected line is kept. The corrected part runs back from the marker to the
last separator, or to the last quantity ("2 cs feta 3 cs pita... no wait" drops only
"3 cs pita"); when the correction gives no quantity of its own it keeps the old one
("2 cs fish, I mean tilapia" -> "2 cs tilapia").
"""

from __future__ import annotations

import re

_MARKER = re.compile(
    r"\s*(?:\.{2,}|…)?\s*[,;-]?\s*\b(?:no wait|wait no|i mean|i meant|sorry,? no|no,? sorry"
    r"|sorry,? i meant|mejor dicho|perd[oó]n,? no|quise decir)\b[,:.]?\s*",
    re.IGNORECASE)
_QUANTITY = re.compile(r"(?<![\w.])\d+(?:[.,/]\d+)?(?:\s*[a-z#]{1,6}\b)?", re.IGNORECASE)


def _correct(line: str) -> str:
    for _ in range(5):  # a line rarely holds more than one; never loop forever
        m = _MARKER.search(line)
        if m is None or not line[m.end():].strip() or not line[:m.start()].strip(" .,;-…"):
            return line  # "no wait, 3" at the start corrects the conversation, not this line
        before, after = line[:m.start()], line[m.end():]
        start = max(before.rfind(","), before.rfind(";"), before.rfind(":")) + 1
        quantities = list(_QUANTITY.finditer(before, start))
        if quantities:
            start = quantities[-1].start()
        if quantities and not re.match(r"\s*\d", after):
            after = quantities[-1].group(0) + " " + after
        line = before[:start] + after
    return line


def drop_self_corrections(text: str) -> str:
    """The text with each self-corrected item replaced by its correction."""
    return "\n".join(_correct(line) for line in text.split("\n"))
