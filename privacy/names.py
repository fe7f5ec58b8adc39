"""Person names without NER: names that follow a cue a customer writes around them.

Cues: signatures ("-- Linda", "Thanks, Mike", "Saludos, Carlos"), "ask for Maria",
"deliver to John at ...", "this is Tom from ...", "Tony here", titles ("Mrs. Ortiz").
A capitalised name is taken after a cue; a lower-case one only if it is a common first
name (`data/first_names.txt`). A name nobody cues is not found: that is the price of
having no NER model.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

_UP = "A-ZÁÉÍÓÚÑÜÄÖ"
_LOW = "a-záéíóúñüçãõâêôèàïäöß"
# A capitalised word ("Ana", "O'Brien", "McKay", "Jean-Luc") or an initial ("G.").
_CAP = (
    rf"(?-i:(?:Mc|Mac|O['’])?[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)?(?![{_LOW}{_UP}'’])"
    rf"|[A-Z]\.)"
)
_PARTICLE = r"(?-i:(?:de|del|de\s+la|da|dos|van|von|di|le)[ \t]+)"
# Tokens are joined by spaces or tabs only: a line break ends a signature name.
NAME = re.compile(rf"{_CAP}(?:[ \t]+{_PARTICLE}?{_CAP}){{0,2}}")
LOWER_NAME = re.compile(r"[a-záéíóúñ]+(?![\w'’])")
# A courtesy title before the name is skipped: "pregunta por doña Carmen".
_TITLE = re.compile(
    r"(?:mr|mrs|ms|miss|sr|sra|srta|señor|señora|don|doña|chef|dr|lic|ing|arq|prof)\.?[ \t]+",
    re.IGNORECASE,
)
_ROLE = (
    r"(?:manager|accountant|bookkeeper|chef|sous\s+chef|owner|partner|buyer|driver|son"
    r"|daughter|wife|husband|brother|sister|boss|cook|assistant|gerente|contador|contadora"
    r"|encargad[oa]|jef[ea]|soci[oa]|espos[oa]|hij[oa]|herman[oa]|cociner[oa]|chofer"
    r"|comprador[a]?|dueñ[oa]|asistente)"
)

_STRONG_CUES = [
    r"\bask(?:ing)?\s+for\s+",
    r"\bpregunt(?:a|ar|en|e)\s+por\s+",
    r"\bbusc(?:a|ar|en|que)\s+a\s+",
    r"\b(?:attn|attention|atención|atencion|a/a|c/o|care\s+of)\s*[:.]?\s*(?:[^/\n]{0,30}/\s*)?",
    r"\b(?:have|let|get)\s+(?=\S+\s+(?:sign|receive|check|count|call|pick))",
    r"\b(?:les|te|le)\s+saluda\s+",
    # "deliver to John", "leave it with Ana", "send Thursday's order to Sam".
    r"\b(?:deliver|send|ship|give|hand|leave|drop)(?:\s+[\w'’/]+){0,3}?\s+(?:to|with)\s+",
    r"\b(?:entreg(?:ar|a|ue|uen|en)(?:lo|la|los|las|selo|sela|selos)?|dej(?:ar|a|e|en)"
    r"(?:lo|la|los|las)?|d(?:a|ar|e)(?:selo|sela|le))\s+(?:con|a)\s+",
    r"\b(?:this\s+is|my\s+name\s+is|me\s+llamo|mi\s+nombre\s+es|le\s+escribe|les\s+escribe"
    r"|te\s+escribe|habla|soy)\s+",
    # "contact: Ana", "the buyer will be Sam"; "our accountant Paula", "mi hijo Luis".
    rf"\b(?:contact(?:\s+person)?|contacto|persona\s+de\s+contacto|recibe|receiver|recipient"
    rf"|{_ROLE})\s*(?:is|es|will\s+be|ser[aá]|:|-)\s*",
    rf"\b(?:my|our|the|mi|mis|nuestr[oa]|el|la)\s+(?:new\s+|nuev[oa]\s+)?{_ROLE}\s+",
    r"\b(?:titular|account\s+holder|cardholder|card\s+holder|beneficiary|beneficiario)"
    r"\s*:?\s*",
    r"\b(?:name|nombre)\s*:\s*",
    r"\b(?:call|text|ring|talk\s+to|speak\s+(?:to|with)|check\s+with|llam(?:a|e|ar|en)\s+a"
    r"|habl(?:a|e|ar|en)\s+con|avis(?:a|e|ar|en)(?:le)?\s+a|escrib(?:e|ir|an)(?:le)?\s+a"
    r"|pregunt(?:a|e|ar)(?:le)?\s+a)\s+",
    r"(?-i:\b(?:Mr|Mrs|Ms|Miss|Sr|Sra|Srta|Señor|Señora|Doña|Chef))\.?\s+",
    # Greetings to the distributor's people: "Hi Maria,", "Dear Mr. Smith".
    r"(?:^|\n)[ \t]*(?:hi|hello|hey|dear|hola|estimad[oa]|querid[oa]|buenos\s+d[ií]as|buenas)"
    r"[ \t,]+(?=\S+[ \t]*(?:\S+[ \t]*)?[,!\n])",
]
_SIGN_CUES = [
    r"(?:^|\n|\s)(?:--+|—|–|~)\s*",
    r"(?:^|\n)[ \t]*-[ \t]*",
    r"\s-[ \t]*(?=\S+(?:[ \t]+\S+)?[ \t]*$)",
    r"\b(?:thanks|thank\s+you|thank\s+u|thanks\s+u|thx|thnx|tks|ty|tnx|regards|best\s+regards"
    r"|kind\s+regards|best|talk\s+soon|see\s+ya|ttyl|nos\s+vemos|hasta\s+luego"
    r"|cheers|sincerely|gracias|muchas\s+gracias|mil\s+gracias|saludos|un\s+saludo|atentamente"
    r"|atte|cordialmente|bendiciones|abrazos|obrigad[oa]|merci|danke|grazie|bye|take\s+care)"
    r"(?:\s+(?:cordiales|so\s+much|again|a\s+lot|very\s+much|in\s+advance|de\s+nuevo"
    r"|de\s+antemano))?\b[ \t,!.:\-]*(?:\n\s*)?",
]
_WEAK_CUES = [r"\b(?:it'?s|its|i'?m|im|i\s+am|aqu[ií]\s+(?:es\s+)?)\s+"]

# One regex per cue: joined in one alternation, a cue would hide another that overlaps it
# ("our new buyer will be Sam").
_CUES = [
    *(("strong", re.compile(c, re.IGNORECASE)) for c in _STRONG_CUES),
    *(("sign", re.compile(c, re.IGNORECASE)) for c in _SIGN_CUES),
    *(("weak", re.compile(c, re.IGNORECASE)) for c in _WEAK_CUES),
]
# Cues after the name: "Tony here", "Maria will sign for it", "Ana va a recibir".
_BEFORE = re.compile(
    rf"(?:^|(?<=[.!?\n])\s*|\b(?:hi|hey|hello|hola|buenas|good\s+morning)\b[,!]?\s+|\s)"
    rf"(?P<name>{_CAP}(?:[ \t]+{_CAP})?)[ \t]+(?:here\b|aqu[ií]\b|(?:will|can|is\s+going\s+to"
    rf"|va\s+a|puede|podr[aá])[ \t]+(?:sign|receive|be\s+there|pick|accept|take|recibir"
    rf"|firmar|estar))",
    re.IGNORECASE,
)
# After a signature or a weak cue the name must end the phrase.
_END = re.compile(
    r"\s*(?:$|[\n,.!?;:)(\-—–@/]|(?:from|de|del|at|for|here|with|con|y|and|@)\b)",
    re.IGNORECASE,
)
_WEAK_END = re.compile(
    r"\s*(?:$|[\n,.!]|w/|(?:from|de|del|with|con|at|here|@)\b)", re.IGNORECASE
)
# "Dana Whitaker <dana@...>": the display name of an email address.
_DISPLAY_NAME = re.compile(rf"(?P<name>{_CAP}(?:[ \t]+{_CAP}){{1,2}})[ \t]*<[^<>@\s]+@")
# "Greg from the produce team": only a listed first name, "Milk from Hillside" is not one.
_FROM = re.compile(rf"(?:^|(?<=[.!?\n])\s*)(?P<name>{_CAP})[ \t]+(?:from|de|del)\b")

_SCORE = {"strong": 0.75, "sign": 0.7, "weak": 0.6, "lower": 0.6}


def _words(filename: str) -> frozenset[str]:
    """The lower-cased words of a bundled list (`#` starts a comment line)."""
    text = resources.files("privacy").joinpath(f"data/{filename}").read_text("utf-8")
    return frozenset(
        w.lower() for line in text.splitlines() if not line.startswith("#") for w in line.split()
    )


@cache
def first_names() -> frozenset[str]:
    """Common first names: a lower-case word after a cue is a name only if listed here."""
    return _words("first_names.txt")


@cache
def _not_names() -> frozenset[str]:
    """Words that follow our cues but are not names ("thanks again", "call Monday")."""
    return _words("not_names.txt")


@cache
def _business_words() -> frozenset[str]:
    """Words of business names: "this is Harbor Grill" names no person."""
    return _words("business_words.txt")


_NEXT_WORD = re.compile(r"[ \t]+([\w&'’.]+)")
_PARTICLES = frozenset({"de", "del", "la", "da", "dos", "van", "von", "di", "le"})


def _trim(match: re.Match[str]) -> int:
    """End of the name, cut at the first word that is no name; match.start() if none is."""
    kept: list[re.Match[str]] = []
    for token in re.finditer(r"\S+", match.group()):
        word = token.group().lower().strip(".")
        if word in _business_words():
            # "Daniela de Café Luna": the person is before the particle; "Harbor Grill"
            # has none, so it is all business.
            particle = next((i for i, t in enumerate(kept) if t.group().lower() in _PARTICLES), 0)
            kept = kept[:particle]
            break
        if word in _not_names() or (len(word) > 1 and token.group().isupper()):
            break
        kept.append(token)
    # A trailing particle ("Carlos de") is not part of the name.
    while kept and kept[-1].group().lower() in _PARTICLES:
        kept.pop()
    return match.start() + kept[-1].end() if kept else match.start()


def _business_follows(text: str, end: int) -> bool:
    """True when the word after a name makes it a business: "Brauhaus Schmidt GmbH"."""
    following = _NEXT_WORD.match(text, end)
    return bool(following) and following.group(1).lower().strip(".") in _business_words()


def _result(start: int, end: int, score: float, recognizer: EntityRecognizer) -> RecognizerResult:
    return RecognizerResult("PERSON", start, end, score, recognition_metadata={
        RecognizerResult.RECOGNIZER_NAME_KEY: recognizer.name,
        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id,
    })


class PersonNameRecognizer(EntityRecognizer):
    """Presidio recogniser for names that a cue points at."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["PERSON"], name="PersonNameRecognizer", context=[])

    def load(self) -> None:
        """Nothing to load: the word lists are read on first use."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Names in `text` that a cue points at."""
        spans: dict[tuple[int, int], float] = {}
        for kind, cue in _CUES:
            for match in cue.finditer(text):
                found = self._name_at(text, match.end(), kind)
                if found:
                    spans[found[:2]] = max(spans.get(found[:2], 0.0), found[2])
        for match in _FROM.finditer(text):
            if match.group("name").lower() in first_names():
                spans.setdefault(match.span("name"), _SCORE["weak"])
        for match in (*_BEFORE.finditer(text), *_DISPLAY_NAME.finditer(text)):
            named = NAME.fullmatch(text, match.start("name"), match.end("name"))
            end = _trim(named) if named else match.start("name")
            if end > match.start("name") and not _business_follows(text, end):
                spans.setdefault((match.start("name"), end), _SCORE["strong"])
        return [_result(start, end, score, self) for (start, end), score in spans.items()]

    def _name_at(self, text: str, pos: int, kind: str) -> tuple[int, int, float] | None:
        """(start, end, score) of a name starting at `pos`, or None."""
        title = _TITLE.match(text, pos)
        if title and (NAME.match(text, title.end()) or LOWER_NAME.match(text, title.end())):
            pos = title.end()
        match = NAME.match(text, pos)
        score = _SCORE[kind]
        if match:
            end = _trim(match)
            if end == pos:
                return None
            if text[pos:end].split()[0].lower() in first_names():
                score += 0.1
        else:
            match = LOWER_NAME.match(text, pos)
            if not match or match.group() not in first_names():
                return None
            end, score = match.end(), _SCORE["lower"]
        if _business_follows(text, end):
            return None
        # match(text, end), not match(text[end:]): a copy of the tail per cue made a long
        # text quadratic.
        if kind == "sign" and not _END.match(text, end):
            return None
        if kind == "weak" and not _WEAK_END.match(text, end):
            return None
        return pos, end, min(score, 0.9)
