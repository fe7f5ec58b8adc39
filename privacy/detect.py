"""The PII detector: presidio's analyzer on a no-op NLP engine, with our recognisers.

Offline by construction: the no-op engine loads no spaCy model, the email recogniser
checks domains against tldextract's bundled snapshot, and phonenumbers ships its
metadata. Building takes a second or two (imports), so build once and reuse:
`get_detector()` does that lazily.
"""

from __future__ import annotations

import os
import threading
from bisect import bisect_right
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

from privacy.context import SSN_WORDS, VERSION_WORDS, nearest_cue, words_before
from privacy.findings import PII_TYPES, Finding, PIIType

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine, RecognizerResult

DEFAULT_THRESHOLD = 0.4
# Which type wins when two overlapping findings score the same: the more specific one.
_PRIORITY = {
    PIIType.IBAN_CODE: 0, PIIType.CREDIT_CARD: 1, PIIType.EMAIL_ADDRESS: 2, PIIType.US_SSN: 3,
    PIIType.IP_ADDRESS: 4, PIIType.PHONE_NUMBER: 5, PIIType.STREET_ADDRESS: 6, PIIType.PERSON: 7,
}


class PIIDetector:
    """Finds PII in customer messages; build once, call `detect` from any thread."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self._engine: AnalyzerEngine | None = None
        self._lock = threading.Lock()

    def _build(self) -> AnalyzerEngine:
        """Create the analyzer on first use (imports spaCy and presidio: ~1.5 s)."""
        with self._lock:
            if self._engine is None:
                # Belt and braces: a tldextract created by anyone else after this point
                # will not try to download the public suffix list either.
                os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
                from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
                from presidio_analyzer.nlp_engine import NlpEngineProvider

                from privacy.addresses import StreetAddressRecognizer
                from privacy.names import PersonNameRecognizer
                from privacy.patterns import NoContextEnhancer, builtin_recognizers
                from privacy.phones import PhoneNumberRecognizer

                nlp = NlpEngineProvider(nlp_configuration={
                    "nlp_engine_name": "no_op",
                    "models": [{"lang_code": "en", "model_name": "no_op"}],
                }).create_engine()
                recognizers = [
                    *builtin_recognizers(), PhoneNumberRecognizer(),
                    StreetAddressRecognizer(), PersonNameRecognizer(),
                ]
                registry = RecognizerRegistry(recognizers=recognizers, supported_languages=["en"])
                self._engine = AnalyzerEngine(
                    nlp_engine=nlp, registry=registry, supported_languages=["en"],
                    context_aware_enhancer=NoContextEnhancer(),
                )
            return self._engine

    def warm_up(self) -> None:
        """Build the engine now (and load lazy data) instead of on the first message."""
        self.detect("warm up: call +1 305 555 0143, a@b.com, thanks Ana")

    def detect(self, text: str) -> list[Finding]:
        """The PII in `text`, non-overlapping, in text order."""
        if not text.strip():
            return []
        engine = self._engine or self._build()
        # Every language tag runs the same recognisers; "en" is only presidio's key.
        raw = engine.analyze(text, language="en", entities=list(PII_TYPES), score_threshold=0.01)
        scored = [(r, _adjust(text, r)) for r in raw]
        kept = [(r, s) for r, s in scored if s >= self.threshold]
        return [
            Finding(
                type=PIIType(r.entity_type), start=r.start, end=r.end, value=text[r.start : r.end],
                score=round(s, 3),
                recognizer=str((r.recognition_metadata or {}).get("recognizer_name", "")),
            )
            for r, s in _resolve_overlaps(kept)
        ]


def _adjust(text: str, result: RecognizerResult) -> float:
    """Context the no-op engine cannot give presidio: SSN cues, version numbers."""
    score = float(result.score)
    kind = result.entity_type
    if kind == PIIType.US_SSN:
        cue = nearest_cue(words_before(text, result.start, n=4), SSN_WORDS)
        if cue == "pos":
            return max(score, 0.85)
        return 0.0 if cue == "neg" else score
    if kind == PIIType.IP_ADDRESS:
        before = words_before(text, result.start, n=2)
        return 0.0 if any(w in VERSION_WORDS for w in before) else score
    # No reference exception for cards: a brand-shaped, Luhn-valid number is masked even
    # after "order #", since storing a real card in clear costs more than a masked reference.
    return score


def _resolve_overlaps(
    results: Iterable[tuple[RecognizerResult, float]],
) -> list[tuple[RecognizerResult, float]]:
    """Keep the best of overlapping findings: higher score, then longer, then more specific.

    Greedy in rank order, as before, but each candidate is checked against its two
    neighbours among the kept findings (disjoint, so sorted by start and by end) instead of
    against all of them: O(n log n) searches, where 10,000 card-like numbers once took
    seconds. Findings are never empty (end > start), which the neighbour check relies on.
    """
    ranked = sorted(
        results,
        key=lambda rs: (-rs[1], -(rs[0].end - rs[0].start), _PRIORITY[PIIType(rs[0].entity_type)]),
    )
    starts: list[int] = []
    ends: list[int] = []
    kept: list[tuple[RecognizerResult, float]] = []
    for result, score in ranked:
        i = bisect_right(starts, result.start)
        if i and ends[i - 1] > result.start:
            continue  # the kept finding starting at or before this one runs into it
        if i < len(starts) and starts[i] < result.end:
            continue  # this one runs into the next kept finding
        starts.insert(i, result.start)
        ends.insert(i, result.end)
        kept.insert(i, (result, score))
    return kept


@cache
def get_detector() -> PIIDetector:
    """The process-wide detector, built on first use."""
    return PIIDetector()


def detect(text: str) -> list[Finding]:
    """The PII in `text`, using the shared detector."""
    return get_detector().detect(text)
