"""Street addresses without NER: US-style lines and Spanish/Latin/European street forms."""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

_SUFFIX = (
    # "ct" and "dr" only capitalised: "24 ct" is a count and "dr" too easily a typo.
    r"street|st|avenue|ave|av|road|rd|boulevard|blvd|drive|(?-i:Dr|DR)|lane|ln|way|court"
    r"|(?-i:Ct|CT)|place|pl"
    r"|terrace|ter|parkway|pkwy|highway|hwy|circle|cir|square|sq|trail|trl|plaza|plz|loop"
    r"|pike|alley|aly|expressway|expy|freeway|fwy|crescent|cres|row|walk|turnpike|tpke"
    r"|causeway|cswy|broadway"
)
_DIRECTION = r"(?:north|south|east|west|[NSEW]|NE|NW|SE|SW)\.?"
# Words that follow a number in an order line ("2 cs", "12 bags of") and so cannot start
# a street name; they keep "5 cases Dr Pepper" and "10 of those in the way" out.
_NOT_NAME = (
    r"(?:cs|case|cases|caja|cajas|bag|bags|bolsa|bolsas|box|boxes|lb|lbs|libras|oz|gal|gallon"
    r"|gallons|ct|count|pk|pack|packs|dz|dozen|ea|each|unit|units|btl|bottle|bottles|kg|g"
    r"|more|of|the|a|an|in|on|at|for|to|by|and|or|is|are|my|your|our|this|that|those|these"
    r"|it|them|pm|am|min|mins|hours|hrs|days|de|del|la|el|los|las|por|con|y|x|pcs|pieces"
    r"|rolls|trays|cans|jars|tubs|sleeves|cups|lids|items|orders|dollars|usd|percent)\b"
)
_NAME_WORD = rf"(?!{_NOT_NAME})[^\W_][\w'’.\-]*"
_UNIT = (
    r"(?:,?\s*(?:suite|ste|unit|apt|apartment|#|fl|floor|bldg|building|rm|room|dock|door)"
    r"\.?\s*#?\s*[A-Za-z0-9\-]{1,6}\b)"
)
_CITY = r"(?:[A-Z][a-zA-Z.'\-]+(?:\s[A-Z][a-zA-Z.'\-]+){0,2})"
_ZIP = r"\d{5}(?:-\d{4})?"
_STATE = r"(?:[A-Z]{2})"
_CITY_STATE_ZIP = rf"(?:,?\s*{_CITY},?\s+(?:{_STATE}\b(?:\s*,?\s*{_ZIP})?|{_ZIP}))"

US_STREET = re.compile(
    rf"(?<![\w#$.:,\-/])\d{{1,6}}[A-Za-z]?(?:-\d{{1,5}})?\s+"
    rf"(?:{_DIRECTION}\s+)?(?:{_NAME_WORD}\s+){{0,3}}(?:{_NAME_WORD}\s+|(?=broadway))"
    rf"(?:{_SUFFIX})\b\.?(?:\s+{_DIRECTION}(?![\w']))?{_UNIT}?",
    re.IGNORECASE,
)
# The city/state/zip tail is matched case-sensitively, so "123 Main St, side door ok"
# does not take "side door" for a city and "ok" for a state.
_TAIL = re.compile(_CITY_STATE_ZIP)
# In lower case only a tail that ends in a ZIP code is taken: "..., miami fl 33131".
_TAIL_ZIP = re.compile(
    rf",?\s*[a-z][a-z.'\-]+(?:\s[a-z][a-z.'\-]+){{0,2}},?(?:\s+[a-z]{{2}})?,?\s+{_ZIP}\b"
)

_LATIN_KEY = (
    r"calle|c/|cl\.?|cll\.?|carrera|cra\.?|kra\.?|avenida|av\.|avda\.?|paseo|pº|plaza|pza\.?"
    r"|camino|carretera|ctra\.?|diagonal|transversal|rua|rúa|bulevar|calzada|calz\.?|ronda"
    r"|travesía|travesia|callejón|callejon|privada|prolongación|prolongacion|circuito"
    r"|blvd\.?|boulevard|via|viale|piazza|corso|rue|chemin|quai|allée"
)
_LATIN_NUMBER = (
    r"(?:#|no\.?|n[º°o]\.?|nro\.?|núm\.?|num\.?|número|numero)?\s*\d{1,5}[A-Za-z]?"
    r"(?:\s*(?:#|no\.?|n[º°]\.?)\s*\d{1,4}[A-Za-z]?)?(?:\s*[-–]\s*\d{1,4}[A-Za-z]?)?"
)
_LATIN_EXTRA = (
    r"(?:,?\s*(?:piso|int\.?|interior|local|depto\.?|dpto\.?|apto\.?|apt\.?|oficina|of\.?"
    r"|puerta|bajo|\d{1,2}\s*[º°ª])\s*\w{0,4}[º°ª]?(?:\s*[A-Z]\b)?)?"
    r"(?:,?\s*col(?:onia)?\.?\s+[A-ZÁÉÍÓÚÑ][\w.]*(?:\s+[A-ZÁÉÍÓÚÑ][\w.]*){0,3})?"
    r"(?:,?\s*(?:c\.?\s?p\.?|código postal|codigo postal)\s*\d{4,5})?"
)
# A number right after the street that is a quantity ("Plaza Norte 2 cajas") ends it.
_QUANTITY_AFTER = (
    r"(?!\s*(?:cajas?|cs|cases?|kg|kilos?|lbs?|libras?|bolsas?|pzas?|piezas?|unidades"
    r"|botellas?|latas?|paquetes?|bultos?|docenas?|x)\b)"
)
# "Calle 5 #12-34", "Av. 5 de Mayo 123": a number may open the street's name.
LATIN_STREET = re.compile(
    rf"(?<![\w])(?:{_LATIN_KEY})\s+(?:\d{{1,3}}\s+)?(?:(?:de\s+(?:la\s+|los\s+|las\s+)?"
    rf"|del\s+)?[^\W\d_][\w'’.\-]*,?\s+){{0,4}}{_LATIN_NUMBER}(?![\w/]){_QUANTITY_AFTER}"
    rf"{_LATIN_EXTRA}",
    re.IGNORECASE,
)
# "12 rue de Rivoli", "Hauptstraße 5".
EURO_STREET = re.compile(
    r"(?<![\w#$])\d{1,4}[a-z]?,?\s+(?:rue|avenue|boulevard|bd|place|chemin|allée|quai)\s+"
    r"(?:[\w'’\-]+\s+){0,3}?[A-ZÉ][\w'’\-]+"
    r"|\b[A-ZÄÖÜ][\wäöüß\-]*(?:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm)\s+\d{1,4}[a-z]?\b"
)
PO_BOX = re.compile(
    r"\b(?:p\.?\s?o\.?\s*box|apartado(?:\s+postal)?)\s*#?\s*\d{1,6}\b", re.IGNORECASE
)

_SCORE = 0.7
_SCORE_WITH_TAIL = 0.85


class StreetAddressRecognizer(EntityRecognizer):
    """Presidio recogniser for street addresses written by customers."""

    def __init__(self) -> None:
        super().__init__(
            supported_entities=["STREET_ADDRESS"], name="StreetAddressRecognizer", context=[]
        )

    def load(self) -> None:
        """Nothing to load."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Street addresses in `text`."""
        results = []
        for pattern in (US_STREET, LATIN_STREET, EURO_STREET, PO_BOX):
            for match in pattern.finditer(text):
                start = match.start()
                end = start + len(match.group().rstrip(" ,.-"))
                score = _SCORE
                tail = _TAIL.match(text, end) or _TAIL_ZIP.match(text, end)
                if tail and tail.end() > end:
                    end, score = tail.end(), _SCORE_WITH_TAIL
                elif re.search(r"\d{5}\s*$", text[start:end]):
                    score = _SCORE_WITH_TAIL
                results.append(
                    RecognizerResult(
                        "STREET_ADDRESS", start, end, score,
                        recognition_metadata={
                            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        },
                    )
                )
        return results
