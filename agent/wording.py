"""Customer wording kept outside `messages.content` carries no PII.

The stored message keeps what the customer wrote (for the distributor, cards already
masked at store time). What the agent derives from it and keeps elsewhere (session lines
and events, AI logs, order lines) or quotes back in a reply is scrubbed first: each value
the detector found in the message, and anything PII-shaped left in a line, becomes its
type placeholder (`<PHONE_NUMBER>`), so "Not found in our catalog" never repeats a phone.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from privacy.findings import Finding, PIIType
from privacy.redact import redact
from reading.lexicon import fold
from reading.types import Change, Extraction

# only a line with a run of digits or an "@" is worth the detector's time: the values
# found in the whole message are replaced in every line already
_WORTH_A_LOOK = re.compile(r"\d[\d\s().+-]{5,}\d|@")


def scrub(text: str | None, findings: Sequence[Finding]) -> str | None:
    """`text` with the message's PII values, and any PII the detector finds in it, replaced."""
    if not text:
        return text
    out = text
    for f in findings:
        if len(f.value) >= 3:
            out = re.sub(re.escape(f.value), f"<{f.type.value}>", out, flags=re.IGNORECASE)
    if _WORTH_A_LOOK.search(out):
        out = redact(out)
    return out


def _change(change: Change, findings: Sequence[Finding]) -> Change:
    return dataclasses.replace(change, target=scrub(change.target, findings),
                               replacement=scrub(change.replacement, findings),
                               said=scrub(change.said, findings))


def _names_a_product(finding: Finding, vocabulary: frozenset[str]) -> bool:
    """A "name" made only of catalog words, in an order line, is the product's name."""
    words = [fold(w) for w in re.findall(r"[^\W\d_]+", finding.value)]
    return finding.type is PIIType.PERSON and bool(words) and all(w in vocabulary
                                                                 for w in words)


def scrub_extraction(ext: Extraction, findings: Sequence[Finding],
                     vocabulary: frozenset[str] = frozenset()) -> Extraction:
    """The extraction with every text field the agent may store or quote scrubbed; in order
    lines and changes, a "person" the detector found that is all catalog words stays."""
    in_lines = [f for f in findings if not _names_a_product(f, vocabulary)]
    return dataclasses.replace(
        ext, items=[scrub(i, in_lines) or "" for i in ext.items],
        changes=[_change(c, in_lines) for c in ext.changes],
        question=scrub(ext.question, findings),
        question_mention=scrub(ext.question_mention, findings),
        unparsed=[scrub(u, findings) or "" for u in ext.unparsed],
        text=scrub(ext.text, findings) or "")
