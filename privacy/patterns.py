"""Presidio's own pattern recognisers, made safe offline and stricter where they are loose."""

from __future__ import annotations

from functools import cache

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import (
    EmailRecognizer,
    IpRecognizer,
    UsSsnRecognizer,
)

from privacy.cards import card_spans
from privacy.ibans import iban_spans


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


class AnyCaseIbanRecognizer(EntityRecognizer):
    """IBANs in any case, grouped or not, broken over lines (see `privacy.ibans`)."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["IBAN_CODE"], name="IbanRecognizer", context=[])

    def load(self) -> None:
        """Nothing to load."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """IBANs in `text`, score 1.0 (length and mod-97 checked)."""
        metadata = {
            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
        }
        return [
            RecognizerResult("IBAN_CODE", start, end, 1.0, recognition_metadata=dict(metadata))
            for start, end in iban_spans(text)
        ]


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
