"""Presidio's own pattern recognisers, made safe offline and stricter where they are loose."""

from __future__ import annotations

import re
import string
from functools import cache

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import (
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    UsSsnRecognizer,
)

from privacy.cards import card_spans


class CardNumberRecognizer(EntityRecognizer):
    """Card numbers: brand prefix, brand length and Luhn, every card of every digit run.

    Presidio's `CreditCardRecognizer` misses Mastercard's 2-series and Diners' 4-6-4
    grouping, takes its regex match whole (a trailing "12/27" hides the card) and finds
    one card where several were typed back to back.
    """

    def __init__(self) -> None:
        super().__init__(
            supported_entities=["CREDIT_CARD"], name="CreditCardRecognizer", context=[]
        )

    def load(self) -> None:
        """Nothing to load."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Card numbers in `text`, score 1.0 (they passed Luhn)."""
        metadata = {
            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
        }
        return [
            RecognizerResult("CREDIT_CARD", start, end, 1.0, recognition_metadata=dict(metadata))
            for start, end in card_spans(text)
        ]


@cache
def _offline_tld_extractor() -> object:
    """A TLD extractor on the bundled suffix snapshot: no download, no disk cache."""
    import tldextract

    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's email recogniser, validating domains without touching the network."""

    def __init__(self) -> None:
        super().__init__(name="EmailRecognizer")

    def validate_result(self, pattern_text: str) -> bool:
        """The domain must end in a public suffix (from the bundled snapshot)."""
        return _offline_tld_extractor()(pattern_text).fqdn != ""  # type: ignore[operator]


_UPPER_ASCII = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
_LOWER_IBAN_START = re.compile(r"\b[a-z]{2}\d{2}[ -]?[a-z0-9]{4}")


class AnyCaseIbanRecognizer(IbanRecognizer):
    """Presidio's IBAN recogniser, also for IBANs typed in lower case ("es91 2100 ...")."""

    def __init__(self) -> None:
        super().__init__(name="IbanRecognizer")

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """IBANs in `text`, as written and, if one may be in lower case, upper-cased."""
        found = super().analyze(text, entities, nlp_artifacts, regex_flags)
        if _LOWER_IBAN_START.search(text):
            # A second pass only: upper-casing the whole text glues words onto a real IBAN
            # ("... 7890 TITULAR") and breaks its match. ASCII-only keeps offsets in place.
            upper = text.translate(_UPPER_ASCII)
            found += super().analyze(upper, entities, nlp_artifacts, regex_flags)
        return found


_TLD = r"(?:com|net|org|edu|gov|io|co|us|mx|es|uk|ca|br|fr|de|it|ar|cl|pe|info|biz)"
_USER = r"(?<![\w.+-])(?!(?:me|us|you|him|her|them|it)\b)[\w.+-]+"
_AT, _DOT = r"[(\[{]at[)\]}]", r"(?:[(\[{]dot[)\]}]|\.)"
# "mike at gmail dot com", "ana(at)sol.com.mx": addresses written to dodge spam filters.
_SPELLED_EMAIL = [
    Pattern("(at) form", rf"{_USER}\s*{_AT}\s*[\w-]+(?:\s*{_DOT}\s*[\w-]+)*\s*{_DOT}\s*{_TLD}\b",
            0.6),
    Pattern("at-dot form", rf"{_USER}\s+at\s+[\w-]+(?:\s+dot\s+[\w-]+)*\s+dot\s+{_TLD}\b", 0.6),
]


class NoContextEnhancer(ContextAwareEnhancer):
    """Leaves scores alone: our recognisers weigh context themselves.

    Presidio's lemma enhancer has no tokens under the no-op engine, and says so in an
    INFO log line for every message.
    """

    def __init__(self) -> None:
        super().__init__(0.0, 0.0, 0, 0)

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        """The results unchanged."""
        return raw_results


def builtin_recognizers() -> list[EntityRecognizer]:
    """The presidio recognisers we use as they come (or nearly)."""
    return [
        OfflineEmailRecognizer(),
        PatternRecognizer(
            "EMAIL_ADDRESS", name="SpelledEmailRecognizer", patterns=_SPELLED_EMAIL
        ),
        CardNumberRecognizer(),
        AnyCaseIbanRecognizer(),
        IpRecognizer(),
        UsSsnRecognizer(),
    ]
