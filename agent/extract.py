"""Rule-based reading of one customer message: intent, order lines, changes, questions, handoff.

Pure and fast (no I/O). Line-level parsing (quantity, unit, product mention) belongs to
`matching.parse`; here a message becomes order-line strings ready for it. `confidence` says
how sure the rules are, so the optional LLM is asked only about the unsure.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from agent.corrections import drop_self_corrections
from agent.text import (
    Language,
    compound_pattern,
    detect_language,
    front_quantity,
    is_greeting_line,
    is_sign_off,
    normalize,
    split_clauses,
    split_run_on,
    split_sentences,
    strip_greetings,
    strip_name_lines,
    strip_quoted,
    strip_signature,
)
from matching.parse import parse_line


class Intent(StrEnum):
    """What the customer means by a message."""

    ORDER = "ORDER"
    ADD = "ADD"
    MODIFY = "MODIFY"
    REMOVE = "REMOVE"
    CONFIRM = "CONFIRM"
    CANCEL = "CANCEL"
    QUESTION = "QUESTION"
    GREETING = "GREETING"
    HANDOFF = "HANDOFF"
    OTHER = "OTHER"


class QuestionKind(StrEnum):
    """What a question is about."""

    STOCK = "STOCK"
    PRICE = "PRICE"
    DELIVERY = "DELIVERY"
    OTHER = "OTHER"


class HandoffReason(StrEnum):
    """Why a person must take over."""

    REQUESTED_HUMAN = "REQUESTED_HUMAN"
    ANGRY = "ANGRY"
    COMPLAINT = "COMPLAINT"


class ChangeKind(StrEnum):
    """How a change alters a line already in the order."""

    SET_QUANTITY = "SET_QUANTITY"
    ADD_MORE = "ADD_MORE"
    REMOVE = "REMOVE"
    REPLACE = "REPLACE"


@dataclass(frozen=True, slots=True)
class Change:
    """One modification: `target` names the line already ordered (None: "it", the last one).

    SET_QUANTITY sets `quantity`; ADD_MORE adds `quantity` to it; REMOVE drops the line;
    REPLACE swaps it for `replacement` (the new line, filled in from `target`: "20oz cups"),
    with `quantity` when one was given. `said` is the replacement as written ("20oz"): pass
    it to `complete_replacement` with the ordered line's own text for a sharper new line.
    """

    kind: ChangeKind
    target: str | None
    quantity: Decimal | None = None
    unit: str | None = None
    replacement: str | None = None
    said: str | None = None


@dataclass(frozen=True, slots=True)
class Extraction:
    """What the rules read in one message; `unparsed` holds sentences they could not place."""

    intent: Intent
    items: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    question: str | None = None
    question_kind: QuestionKind | None = None
    question_mention: str | None = None
    handoff: bool = False
    handoff_reason: HandoffReason | None = None
    language: Language = Language.EN
    confidence: float = 0.0
    unparsed: list[str] = field(default_factory=list)
    text: str = ""


# --- Numbers and the building blocks of the rules -----------------------------------------

_WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4,
    "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11,
    "doce": 12, "quince": 15, "veinte": 20, "treinta": 30, "half": Decimal("0.5"),
}
_NUM = r"(?:\d+(?:\.\d+)?|\d+/\d+|" + "|".join(w for w in _WORD_NUMBERS if len(w) > 2) + ")"
_UNIT = (r"(?:cs|cse|cases?|bags?|boxes|box|bx|each|ea|lbs?|pounds?|kg|kilos?|gallons?|gal"
         r"|dozen|dz|packs?|pk|bundles?|bottles?|cans?|jugs?|trays?|cajas?|bolsas?|paquetes?"
         r"|libras?|docenas?|unidad(?:es)?|botellas?|latas?)")
_SIZE_UNIT = re.compile(r"oz|ounces?|lbs?|gal|gallons?|qt|l|liters?|ml|kg|g|in|inch|ct", re.I)
_SIZED = re.compile(rf"\d+(?:[.,/]\d+)?(?:{_SIZE_UNIT.pattern})", re.I)
_SIZE_ONLY = re.compile(rf"\d+(?:[.,/]\d+)?\s*(?:{_SIZE_UNIT.pattern})", re.I)
_ART = r"(?:(?:the|my|our|those|these|that|el|la|los|las|lo|mi|mis)\s+(?:de\s+)?)?"
_IT = {"it", "that", "them", "this", "those", "lo", "la", "eso", "esa", "ese", "one", ""}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _number(text: str) -> Decimal | None:
    """A quantity written as digits, a fraction or a small number word."""
    text = text.lower().strip()
    if text in _WORD_NUMBERS:
        return Decimal(_WORD_NUMBERS[text])
    if m := re.fullmatch(r"(\d+)/(\d+)", text):
        return Decimal(m[1]) / Decimal(m[2]) if int(m[2]) else None
    return Decimal(text) if re.fullmatch(r"\d+(\.\d+)?", text) else None


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(
        pattern.replace("{NUM}", _NUM).replace("{UNIT}", _UNIT).replace("{ART}", _ART), re.I
    )


# --- Changes to lines already ordered -----------------------------------------------------

_ADD_VERBS = (r"(?:add|and|also|plus|send|give me|i need|we need|i'?ll need|agrega|agregar"
              r"|agr[eé]game|a[nñ]ade|a[nñ]adir|a[nñ][aá]deme|suma|s[uú]male|ponme|pon|manda"
              r"|m[aá]ndame|y|tambi[eé]n)")
_SET_VERBS = (r"(?:make|change|update|set|bump|raise|lower|increase|reduce|up|drop|adjust"
              r"|correct|cambia|cambiar|c[aá]mbiame|ponle|deja|d[eé]jame|sube|baja"
              r"|ajusta|modifica)")
_REMOVE_VERBS = (
    r"(?:remove|take off|take out|take away|drop|delete|cancel|scratch|skip|forget|nix"
    r"|leave out|get rid of|hold off on|hold|no need for|(?:(?:i|we)\s+)?(?:don'?t|do not)\s+"
    r"(?:need|want|send)|quita|quitar|qu[ií]tame|qu[ií]tale|quiten|saca|sacar|s[aá]came"
    r"|elimina|eliminar|elim[ií]name|borra|borrar|b[oó]rrame|cancela|cancelar|canc[eé]lame"
    r"|olvida|olv[ií]date de|ya no (?:quiero|necesito|mandes|me mandes)"
    r"|no (?:quiero|necesito|mandes|me mandes|manden))"
)
_FROM_ORDER = (r"(?:\s+(?:from|off|out of|del|de la|de mi|de)\s+(?:the\s+|my\s+|our\s+|el\s+"
               r"|la\s+)?(?:order|list|cart|pedido|orden))?(?:\s+(?:anymore|any more|ya|please"
               r"|pls|por favor|porfa|thanks|gracias))*")

# Tried in order on a clause; the first that matches wins. Groups: t target, q quantity,
# u unit, r replacement.
_CHANGE_RULES: list[tuple[ChangeKind, re.Pattern[str]]] = [
    (ChangeKind.ADD_MORE, _rx(
        rf"^{_ADD_VERBS}?\s*(?P<q>{{NUM}})\s+(?:more|m[aá]s)\s+(?P<u>{{UNIT}})?\s*(?:of\s+|de\s+)?"
        r"{ART}(?P<t>.*?)$")),
    (ChangeKind.ADD_MORE, _rx(
        rf"^{_ADD_VERBS}?\s*(?P<q>{{NUM}})\s+(?P<u>{{UNIT}})\s+(?:more|m[aá]s)\s+(?:of\s+|de\s+)?"
        r"{ART}(?P<t>.*?)$")),
    (ChangeKind.ADD_MORE, _rx(
        rf"^{_ADD_VERBS}?\s*(?P<q>{{NUM}})\s+(?P<u>{{UNIT}})?\s*(?:of\s+|de\s+)?{{ART}}(?P<t>.+?)"
        r"\s+(?:more|m[aá]s)$")),
    (ChangeKind.ADD_MORE, _rx(
        rf"^{_ADD_VERBS}?\s*(?P<q>another|one more|an extra|otra|otro|una m[aá]s|uno m[aá]s)\s+"
        r"(?P<u>{UNIT})?\s*(?:more\s+|m[aá]s\s+)?(?:of\s+|de\s+)?{ART}(?P<t>.+?)(?:\s+m[aá]s)?$")),
    (ChangeKind.ADD_MORE, _rx(
        r"^(?:add|increase|bump up|bump|up|raise|sube|aumenta)\s+{ART}(?P<t>.+?)\s+(?:by|en)\s+"
        r"(?P<q>{NUM})\s*(?P<u>{UNIT})?$")),
    (ChangeKind.ADD_MORE, _rx(
        r"^(?:add|agrega|a[nñ]ade|suma|s[uú]male)\s+(?P<q>{NUM})\s*(?P<u>{UNIT})?\s+"
        r"(?:to|onto|a)\s+{ART}(?P<t>.+)$")),
    (ChangeKind.SET_QUANTITY, _rx(
        rf"^{_SET_VERBS}\s+{{ART}}(?P<t>.+?)\s+(?:to|at|=|->|a|en)?\s*(?P<q>{{NUM}})\s*"
        r"(?P<u>{UNIT})?(?:\s+(?:instead|not\s+{NUM}.*))?$")),
    (ChangeKind.SET_QUANTITY, _rx(
        r"^(?:make|change|update|set|make that|make it)\s+(?:it|that|them|this|those)?\s*"
        r"(?:to\s+)?(?P<q>{NUM})\s*(?P<u>{UNIT})?(?:\s+(?:of\s+)?{ART}(?P<t>.+?))?"
        r"(?:\s+(?:instead|not\s+{NUM}).*)?$")),
    (ChangeKind.SET_QUANTITY, _rx(
        r"^{ART}(?P<t>.+?)\s+(?:should be|needs to be|need to be|has to be|to be|->|=>|→|to"
        r"|que sean|ser[ií]an|mejor)\s*(?P<q>{NUM})\s*(?P<u>{UNIT})?"
        r"(?:\s+(?:not|instead of|rather than|no|en vez de)\s+{NUM}\b.*)?$")),
    (ChangeKind.SET_QUANTITY, _rx(
        r"^(?:(?:i|we) (?:need|want|meant|mean) |make it |make that |i meant |quise decir "
        r"|que sean )?(?P<q>{NUM})\s*(?P<u>{UNIT})?\s+(?:not|instead of|rather than|no"
        r"|en vez de)\s+{NUM}$")),
    (ChangeKind.SET_QUANTITY, _rx(
        r"^(?:actually|sorry|oops|correction|wait|i meant|i mean|mejor(?: que sean)?|que sean"
        r"|perd[oó]n"
        r"|corrijo|make that|make it)[\s,:]+(?P<q>{NUM})\s*(?P<u>{UNIT})?(?:\s+(?:of\s+|de\s+)?"
        r"{ART}(?P<t>.+?))?(?:\s+(?:not|instead of|en vez de|no)\s+{NUM}.*)?$")),
    (ChangeKind.SET_QUANTITY, _rx(
        r"^(?P<q>{NUM})\s*(?P<u>{UNIT})?\s+(?:of\s+|de\s+)?{ART}(?P<t>.+?)\s+(?:instead of|not"
        r"|rather than|en vez de|en lugar de|no)\s+{NUM}\b.*$")),
    (ChangeKind.REPLACE, _rx(
        r"^(?:change|switch|swap|replace|substitute|sub|exchange|cambia|cambiar|c[aá]mbiame"
        r"|reemplaza|sustituye|cambien)\s+(?:out\s+)?{ART}(?P<t>.+?)\s+(?:to|for|with|into|by"
        r"|->|→|por|a)\s+{ART}(?P<r>.+)$")),
    (ChangeKind.REPLACE, _rx(
        r"^(?:instead of|en vez de|en lugar de)\s+{ART}(?P<t>.+?)(?:,\s*(?:_V_\s+)?|\s+_V_\s+)"
        r"(?P<r>.+)$".replace("_V_", r"(?:send|give me|do|get|i'?ll take|we'?ll take|mejor|manda"
                                   r"|m[aá]ndame|pon|ponme)"))),
    (ChangeKind.REPLACE, _rx(
        r"^(?P<r>.+?)\s+(?:instead of|rather than|en vez de|en lugar de)\s+{ART}(?P<t>.+)$")),
    (ChangeKind.REMOVE, _rx(rf"^{_REMOVE_VERBS}\s+{{ART}}(?P<t>.+?){_FROM_ORDER}$")),
    (ChangeKind.REMOVE, _rx(
        r"^(?:take|leave)\s+{ART}(?P<t>.+?)\s+(?:off|out)(?:\s+of\s+(?:the\s+|my\s+)?"
        r"(?:order|list))?$")),
    (ChangeKind.REMOVE, _rx(
        r"^(?:no|sin|without|minus|except|nada de)\s+(?:more\s+|m[aá]s\s+)?{ART}(?P<t>.+)$")),
    (ChangeKind.REMOVE, _rx(
        r"^{ART}(?P<t>.+?)\s+(?:not needed|no longer needed|is not needed|isn'?t needed"
        r"|not anymore|no more|off the order|ya no|no)$")),
]
# Targets that make a "remove"/"no" clause something else ("no thanks", "cancel my order").
_NOT_TARGETS = re.compile(
    r"^(thanks?|thank you|thx|problem|problema|worries|rush|prob|need|order|the order|pedido"
    r"|el pedido|orden|everything|todo|all|nada|whole order|whole thing|gracias|way|sir|se[nñ]or"
    r"|it|that|eso|esto|lo|anything|hurry|pasa|te preocupes)$",
    re.I,
)


_VERB_LED = re.compile(r"(please|pls|can|could|change|make|set|update|i|we|quiero)\b", re.I)


def complete_replacement(short: str, full: str) -> str:
    """Fill a short replacement from the line it replaces: ("20oz", "16oz cups") → "20oz cups"."""
    s_toks, f_toks = short.split(), full.split()
    if _SIZE_ONLY.fullmatch(short):
        for i, tok in enumerate(f_toks):
            nxt = f_toks[i + 1] if i + 1 < len(f_toks) else ""
            # The ordered line's own size: "16oz", or "16" followed by "oz".
            if _SIZED.fullmatch(tok):
                return " ".join([*f_toks[:i], short, *f_toks[i + 1 :]])
            if re.fullmatch(r"\d+(?:[.,/]\d+)?", tok) and _SIZE_UNIT.fullmatch(nxt):
                return " ".join([*f_toks[:i], short, *f_toks[i + 2 :]])
        return f"{short} {full}"
    if len(s_toks) == 1 and len(f_toks) >= 2:
        return " ".join([short, *f_toks[1:]])  # "skim" for "whole milk": the modifier changes
    return short


def _change(clause: str, previous: Change | None) -> Change | None:
    """The change a clause asks for, if any; a bare clause after one continues it."""
    for kind, rule in _CHANGE_RULES:
        m = rule.match(clause)
        if not m:
            continue
        groups = m.groupdict()
        target = _strip_trailing(groups.get("t") or "")
        if _VERB_LED.match(target):
            continue  # "pls change the mozz" is a request, not a product
        if kind is ChangeKind.REMOVE and (not target or _NOT_TARGETS.match(target)):
            continue
        if kind is not ChangeKind.REMOVE and _NOT_TARGETS.match(target) and target.lower() \
                not in _IT:
            continue
        q = groups.get("q")
        quantity = _number(q) if q and q.lower() not in {"another", "one more", "an extra"} \
            and not q.lower().startswith(("otr", "una m", "uno m")) else None
        if kind is ChangeKind.ADD_MORE and quantity is None:
            quantity = Decimal(1)
        unit = (groups.get("u") or "").lower() or None
        replacement = said = None
        if kind is ChangeKind.REPLACE:
            r = _strip_trailing(groups["r"])
            m2 = re.match(rf"^({_NUM})\s+(?:({_UNIT})\s+)?(?:of\s+|de\s+)?(.+)$", r, re.I)
            if m2 and not _SIZE_ONLY.fullmatch(r):  # "2 liter" is a size, not two of them
                quantity, unit, r = _number(m2[1]), (m2[2] or "").lower() or None, m2[3]
            if _number(r) is not None:
                kind, quantity, replacement = ChangeKind.SET_QUANTITY, _number(r), None
            elif re.fullmatch(r"[\d.,/]+\s*(oz|lb|gal|qt|l|ml|kg|g|ct|in|%)?", target, re.I):
                target, replacement, said = complete_replacement(target, r), r, r
            else:
                replacement, said = complete_replacement(r, target), r
        return Change(kind, None if target.lower() in _IT else target, quantity, unit,
                      replacement, said)
    if previous and previous.kind in (ChangeKind.REMOVE, ChangeKind.SET_QUANTITY):
        # "remove the coke and the sprite", "make the milk 3 and the mozz 2"
        m = _rx(r"^{ART}(?P<t>[^\d]+?)(?:\s+(?:to\s+|a\s+)?(?P<q>{NUM}))?$").match(clause)
        if m and (previous.kind is ChangeKind.REMOVE) == (m["q"] is None) and \
                re.match(_ART + r"\S", clause, re.I) and not _NOT_TARGETS.match(m["t"]):
            has_article = bool(re.match(r"(the|el|la|los|las)\s", clause, re.I))
            if previous.kind is ChangeKind.SET_QUANTITY or has_article:
                return Change(previous.kind, _strip_trailing(m["t"]),
                              _number(m["q"]) if m["q"] else None)
    return None


# --- Fillers around order lines -----------------------------------------------------------

_DAYS = (r"(?:today|tomorrow|tmrw|tmr|tmw|2morrow|tonight|this week|next week|the week|monday"
         r"|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun"
         r"|the weekend|ma[nñ]ana|hoy|el (?:lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado"
         r"|domingo)|this morning|am|pm)(?:'s)?(?: delivery| truck| drop)?")
_ADD_MARKER = (r"(?:add|also|plus|and also|and|i forgot|forgot|one more thing|another thing"
               r"|can you (?:also )?add|could you (?:also )?add|please add|pls add|agrega|agregar"
               r"|agr[eé]game|agregue|a[nñ]ade|a[nñ]adir|a[nñ][aá]deme|suma|tambi[eé]n"
               r"|adem[aá]s|se me olvid[oó]|me falt[oó]|otra cosa|y)")
_LEAD = re.compile(
    r"^(?:" + _ADD_MARKER + r"|oh|ok|okay|yes|yeah|yep|sure|great|perfect|cool|actually|sorry"
    r"|oops|wait|hey|hi|hello|please|pls|plz|kindly|so|then|ah|um|btw|and then|hola|s[ií]"
    r"|no problem|no worries|no prob|hmm+|ok so|no(?=\s*[,.!]|$)|throw in|if so|if you do|if yes"
    r"|if you have (?:it|them|some|any)|si (?:hay|tienen|s[ií])"
    r"|dale|porfa|por favor|oye|bueno|pues|entonces|i also need|also need"
    r"|(?:can|could|may|would) (?:i|we) (?:also |please |pls )?(?:get|have|order|grab|do)"
    r"|(?:i|we)(?:'d| would)? (?:also )?like(?: to order)?|(?:i|we)(?:'ll| will)? ?(?:also )?"
    r"need|need|(?:i|we) (?:want|wanna)(?: to order)?|(?:i|we)(?:'ll| will) (?:take|have)"
    r"|give me|gimme|get me|let me (?:get|have)|lemme get|put me down for|(?:send|bring) over"
    r"|(?:can|could|would|will) (?:you|u|ya) (?:please |pls |also )?(?:send|bring|get|put in"
    r"|throw in|include|add"
    r"|drop off)(?: over)?(?: me| us)?|(?:please |pls )?send(?: over)?(?: me| us)?"
    r"|(?:i |we )?need to order"
    r"|(?:my|our) order(?: is)?|order|the following(?: items)?|following"
    r"|for (?:next |this )?" + _DAYS + r"|me (?:puedes|pueden|podr[ií]as|podr[ií]an) "
    r"(?:mandar|enviar|traer|dar|poner|agregar|a[nñ]adir|sumar)"
    r"|(?:me|nos) (?:mandas|mandan|env[ií]as|env[ií]an"
    r"|traes|traen|das|dan|pones|agregas)|m[aá]ndame|m[aá]ndanos|env[ií]ame|env[ií]anos"
    r"|tr[aá]eme|dame|danos|p[oó]nme|quiero|queremos|necesito|necesitamos|quisiera"
    r"|quisi[eé]ramos|ocupo|ocupamos|pon|manda|mande|manden|env[ií]a|env[ií]en"
    r"|(?:el |mi )?pedido(?: es| ser[ií]a)?|lo siguiente|para " + _DAYS + r")(?:[\s,:!.]+|$)",
    re.I,
)
_TRAIL = re.compile(
    r"(?:[\s,]+|^)(?:please|pls|plz|thanks|thank you|thx|ty|thanks so much|por favor|porfa"
    r"|gracias|muchas gracias|that'?s all|that is all|that'?s it|that will be all"
    r"|that'?ll be all|eso es todo|es todo|eso ser[ií]a todo|nada m[aá]s|as well|too"
    r"|tambi[eé]n|asap|if possible|if you can|si se puede|(?:for|para) (?:delivery )?"
    + _DAYS + r"|(?:to|on|for) (?:my|the|our) order|al pedido|a mi pedido|today|tomorrow"
    r"|ma[nñ]ana|hoy|🙏|👍|ok|okay|:\)|as usual|like usual|como siempre|instead)[\s.,!?:;)]*$",
    re.I,
)
_CHIT_CHAT = re.compile(r"^(?:(?:oh|ok|okay|yes|yeah|hey|hi|sorry|oops|wait|hmm+|actually"
                        r"|please|pls|ah|so|s[ií]|oye|perd[oó]n)[\s,!.]+)+", re.I)
_ADD_START = re.compile(rf"^(?:\+|{_ADD_MARKER}\b)", re.I)
_ADD_END = re.compile(r"\b(too|as well|tambi[eé]n)[\s.!]*$", re.I)


def _strip_leading(text: str) -> str:
    while (m := _LEAD.match(text)) and m.end() > 0:
        text = text[m.end() :]
    return text


def _strip_trailing(text: str) -> str:
    text = text.strip(" .,!:;-")
    while (m := _TRAIL.search(text)) and m.start() < len(text):
        text = text[: m.start()].strip(" .,!:;-")
    return text


# --- Questions, handoff, and one-word answers ---------------------------------------------

_Q_TAIL = r"(?:\s+(?:today|tomorrow|right now|now|this week|in stock|available|hoy|ma[nñ]ana))*"
_QUESTION_RULES: list[tuple[QuestionKind, re.Pattern[str]]] = [
    (QuestionKind.PRICE, _rx(
        r"^how much (?:is|are|for|does|do|would|'s|will)?\s*(?:it be for\s+|be for\s+)?"
        r"(?:the |a |one |your )?(?P<m>.*?)(?: cost| go for| run| be)?" + _Q_TAIL + r"$")),
    (QuestionKind.PRICE, _rx(
        r"^(?:what'?s|what is|whats|what are|wat is) (?:the |your )?(?:price|prices|cost|pricing)"
        r"(?: of| for| on)? ?(?:the |your )?(?P<m>.*?)" + _Q_TAIL + r"$")),
    (QuestionKind.PRICE, _rx(r"^(?:price|prices|pricing) (?:of|for|on) (?:the )?(?P<m>.+?)$")),
    (QuestionKind.PRICE, _rx(r"^what (?:does|do) (?:the |a )?(?P<m>.+?) cost$")),
    (QuestionKind.PRICE, _rx(
        r"^(?:cu[aá]nto|a c[oó]mo|qu[eé] precio|en cu[aá]nto)\s*(?:cuesta|cuestan|est[aá]"
        r"|est[aá]n|vale|valen|sale|salen|es|son|tiene|tienen|me sale)?\s*(?:el |la |los |las )?"
        r"(?P<m>.*?)" + _Q_TAIL + r"$")),
    (QuestionKind.PRICE, _rx(r"^(?:precio|precios) (?:de|del) (?:la |los |las |el )?(?P<m>.+)$")),
    (QuestionKind.DELIVERY, _rx(
        r"\b(?:deliver|delivers|delivery|deliveries|arrive|arrives|arriving|eta|ship|shipping"
        r"|truck|driver|get here|be here|coming|cutoff|cut-off|cut off|entrega|entregan|entregas"
        r"|reparto|llega|llegan|llegar[aá]|env[ií]an|cami[oó]n|repartidor)\b")),
    (QuestionKind.STOCK, _rx(
        r"^(?:do|does) (?:you|u|y'?all|ya)(?: guys| all)? (?:have|carry|sell|stock|got|get"
        r"|still have)(?: any| some)? (?P<m>.+?)" + _Q_TAIL + r"$")),
    (QuestionKind.STOCK, _rx(
        r"^(?:is|are) (?:there )?(?:any )?(?:the )?(?P<m>.+?) (?:in stock|available|back in stock"
        r"|back)" + _Q_TAIL + r"$")),
    (QuestionKind.STOCK, _rx(
        r"^(?:any|got any|you have|u have|you got|have you got|you guys have|u got)\s+(?P<m>.+?)"
        + _Q_TAIL + r"$")),
    (QuestionKind.STOCK, _rx(
        r"^(?:tienen|tiene|tienes|les queda|te queda|manejan|venden|tendr[aá]n|hay|habr[aá])"
        r"(?: algo de| de)? (?P<m>.+?)" + _Q_TAIL + r"$")),
]
# Stock questions without a question word ("any scallops", "hay burrata") need their "?".
_BARE_STOCK = re.compile(r"(any|got any|you have|u have|you got|have you got|you guys have"
                         r"|u got|hay|habr[aá])\b", re.I)
_INTERROGATIVE = re.compile(
    r"^(¿|what|when|where|who|why|how|which|do|does|did|is|are|can|could|will|would|should"
    r"|any|qu[eé]|cu[aá]ndo|d[oó]nde|c[oó]mo|cu[aá]l|qui[eé]n|por qu[eé]|pueden|puedes"
    r"|tienen|hay)\b",
    re.I,
)
# "can i get 2 cs milk?" is an order that happens to end in a question mark.
_REQUEST = re.compile(
    r"^(?:(?:hi|hey|hello|ok|so|also|and|hola|y)[\s,]+)*(?:(?:can|could|may|would|will)\s+"
    r"(?:i|we|you|u|ya)\s+(?:please\s+|pls\s+|also\s+)*(?:get|have|order|send|add|bring|grab"
    r"|put in)\b|(?:me|nos)\s+(?:puedes|pueden|podr[ií]as|podr[ií]an|mandas|mandan|env[ií]as"
    r"|traes|agregas)\b)",
    re.I,
)


def _question(sentence: str) -> tuple[QuestionKind, str | None] | None:
    """The kind and product mention of a question, or None when the sentence asks nothing."""
    s = sentence.strip().lstrip("¿").strip()
    asks = sentence.rstrip().endswith("?") or sentence.lstrip().startswith("¿")
    if _REQUEST.match(s):
        return None
    body = s.rstrip("?!. ")
    for kind, rule in _QUESTION_RULES:
        m = rule.search(body) if kind is QuestionKind.DELIVERY else rule.match(body)
        # A bare "any"/"hay" line needs its question mark to be a question.
        if m and (asks or kind is not QuestionKind.STOCK or not _BARE_STOCK.match(body)):
            if kind is QuestionKind.DELIVERY and not (asks or _INTERROGATIVE.match(body)):
                continue
            mention = _strip_trailing(m.groupdict().get("m") or "") or None
            return kind, None if mention and mention.lower() in _IT | {"that", "it"} else mention
    if asks and _INTERROGATIVE.match(s):
        return QuestionKind.OTHER, None
    return None


_HANDOFF_RULES: list[tuple[HandoffReason, re.Pattern[str]]] = [
    (HandoffReason.REQUESTED_HUMAN, re.compile(
        r"\b(talk|speak|chat)\s+(to|with)\s+(a |an |the |some |your |someone |somebody )?"
        r"(real |actual |live )?(person|human|someone|somebody|manager|rep|representative|agent"
        r"|owner|sales ?rep|salesperson|sales person|anyone|staff|boss|dana)\b"
        r"|\b(real|actual|live) (person|human)\b|\b(call me|give me a call|can (someone|somebody"
        r"|you) call)\b|\bis this a (bot|robot|machine)\b|^(human|agent|operator|representative"
        r"|person)( please| pls)?$|\bhablar con (alguien|una persona|un humano|el encargado"
        r"|la encargada|el gerente|un asesor|una persona real|el due[nñ]o|ventas|un vendedor)\b"
        r"|\b(persona real|ll[aá]mame|ll[aá]menme|me (pueden|puedes) llamar|es un (bot|robot))\b",
        re.I)),
    (HandoffReason.ANGRY, re.compile(
        r"\b(wrong again|again wrong|every (single )?time|always wrong|unacceptable|ridiculous"
        r"|terrible|horrible|worst|fed up|sick of|wtf|what the hell|what the heck|pissed"
        r"|otra vez mal|siempre (mal|lo mismo)|inaceptable|p[eé]simo|harto|harta|qu[eé] desastre"
        r"|una verg[uü]enza|no puede ser)\b|😡|😠",
        re.I)),
    (HandoffReason.COMPLAINT, re.compile(
        r"\b(complaint|complain|complaining|refund|damaged|spoiled|spoilt|expired|rotten|moldy"
        r"|mouldy|leaking|never (came|arrived|showed up|got here)|(didn'?t|did not|never) "
        r"(get|receive|arrive|come)|not delivered|(you|they|driver) (sent|delivered|brought|gave)"
        r"( me| us)? (the )?wrong|wrong (order|item|items|product|delivery|stuff)"
        r"|(missing|short) (from|on|in) (my|our|the) (order|delivery)|was (missing|short)"
        r"|queja|reclamo|reclamaci[oó]n|reembolso|nota de cr[eé]dito|(lleg[oó]|vino|llegaron"
        r"|vinieron) (mal|rot[oa]s?|da[nñ]ad[oa]s?|podrid[oa]s?|vencid[oa]s?|incomplet[oa]s?|tarde)"
        r"|no (me |nos )?(lleg[oó]|llegaron)|falt(ó|o|aron) (en|del|de mi) (pedido|entrega)"
        r"|vencid[oa]s?|podrid[oa]s?"
        r"|echado a perder|(mandaron|enviaron|trajeron) (mal|lo que no))\b",
        re.I)),
]


def _handoff(text: str) -> HandoffReason | None:
    """Why this message needs a person, decided by rules alone."""
    return next((reason for reason, rule in _HANDOFF_RULES if rule.search(text)), None)


def _tokens(text: str, phrases: list[tuple[re.Pattern[str], str]]) -> list[str]:
    text = text.lower()
    for rule, token in phrases:
        text = rule.sub(f" {token} ", text)
    return re.findall(r"[\w']+|[👍👌✅❌👎🙏]", text.replace("’", "'"))


_POLITE = _words(
    "please pls plz thanks thank you u thx ty so much very 🙏 gracias muchas mil por favor porfa "
    "señor sir man bro guys team"
)
_CONFIRM_STRONG = _words(
    "yes yess yesss yep yup yeah yea ya ye ok okay okey oki okie k kk sure confirm confirmed "
    "confirming confirmo confirmado confirmada confirmar confírmalo confirmalo send ahead good "
    "great perfect perfecto perfecta correct correcto correcta right fine 👍 👌 ✅ si sí sii sip "
    "claro dale va vale listo bien acuerdo adelante mándalo mandalo envíalo envialo sale órale "
    "orale ándale andale genial excelente lgtm approved approve submit exactly cool awesome nice "
    "super sweet amazing yessir bet _go_"
)
_CONFIRM_WEAK = _words(
    "it that that's thats is all looks look sounds go do the order for me everything as and "
    "just to todo está esta es así asi de eso lo place it's its all's _closing_ with now let's "
    "lets"
)
_CANCEL_STRONG = _words(
    "cancel cancelled canceled cancelar cancela cancelalo cancélalo cancelen cancelado cancele "
    "_cancel_ ❌ anula anular anúlalo anulalo olvídalo olvidalo olvídenlo olvidenlo forget"
)
_CANCEL_WEAK = _words(
    "the order my our it that this everything all whole thing sorry actually ok okay yes no just "
    "el la mi pedido orden todo mejor lo eso today for now we i please entire ya sabes qué que "
    "know what"
)
_PHRASES = [
    (re.compile(r"\bnever\s*mind\b|\bnvm\b|\bnevermind\b"), "_cancel_"),
    (re.compile(r"\b(?:(?:we|i)\s+)?(?:don'?t|do not|no longer)\s+(?:need|want)\s+(?:it|anything"
                r"|the order|that|this)(?:\s+any\s*more)?\b"), "_cancel_"),
    (re.compile(r"\b(?:don'?t|do not) send (?:it|anything|the order)\b"), "_cancel_"),
    (re.compile(r"\bya no (?:lo |la )?(?:quiero|necesito|hace falta)\b|\bno (?:lo |la )?mandes"
                r"(?: nada)?\b|\bforget (?:it|about it|the order|everything|the whole thing)\b"),
     "_cancel_"),
    (re.compile(r"\bthat'?s all\b|\bthat is all\b|\bthat'?s it\b|\bthat'?ll be all\b"
                r"|\bthat will be all\b|\bthat'?s everything\b|\beso es todo\b|\bes todo\b"
                r"|\beso ser[ií]a todo\b|\bnada m[aá]s\b|\bser[ií]a todo\b"), "_closing_"),
    (re.compile(r"\bgo ahead\b|\bgo for it\b|\bsend it\b|\bdo it\b|\bplace it\b"), "_go_"),
]


def _whole_message(text: str) -> tuple[Intent, float] | None:
    """CONFIRM or CANCEL when the whole text is a yes/no-style answer and nothing else."""
    toks = _tokens(text, _PHRASES)
    if not toks:
        return None
    if set(toks) <= _CANCEL_STRONG | _CANCEL_WEAK | _POLITE and _CANCEL_STRONG & set(toks):
        return Intent.CANCEL, 0.95
    if set(toks) <= {"no", "nah", "nope", "no,"} | _POLITE and set(toks) - {"no", "nah", "nope"}:
        return Intent.CANCEL, 0.7  # "no thanks": declining the order as summarised
    if set(toks) <= {"no", "nah", "nope"}:
        return Intent.OTHER, 0.5  # a bare "no" to a summary: cancel or change? Ask.
    if set(toks) <= _CONFIRM_STRONG | _CONFIRM_WEAK | _POLITE:
        if _CONFIRM_STRONG & set(toks):
            return Intent.CONFIRM, 0.95
        if "_closing_" in toks:
            return Intent.CONFIRM, 0.6  # "that's all": done ordering, agreeing by implication
    return None


# --- Order lines --------------------------------------------------------------------------

# Words of conversation, not of a product: a quantity-less clause containing one is chatter.
_CHATTER = _words(
    "i i'm im we we're our you your you're u hope thanks thank following below above attached "
    "order ordering deliver delivery delivered driver week weekly today tomorrow tonight monday "
    "tuesday wednesday thursday friday saturday sunday let know call text is are was be will "
    "would should has had it this that there here usual invoice account pay payment time am pm "
    "me please can could yo nosotros nuestro usted ustedes espero gracias siguiente pedido "
    "entrega entregar semana hoy mañana lunes martes miércoles jueves viernes sábado domingo "
    "factura cuenta pago es son está están favor saludos puedes pueden po ref thx cheers "
    "regards best sent iphone android just i'll we'll i've we've they them elsewhere get closed "
    "qty quantity item items description cantidad producto no nope nah same last usual"
)
_TIME_ONLY = re.compile(
    r"^(before|by|at|after|around|until|till|from|between|antes|despu[eé]s|a las|para las"
    r"|delivery|deliver|entrega|po|p\.o\.|invoice|inv|ref|acct|account|order|pedido)\b"
    r"|^\d{1,2}(:\d\d)?\s*(am|pm|hrs|h)?$|^#?\d{3,}$|^\d{1,2}/\d{1,2}"
    r"(/\d{2,4})?$",
    re.I,
)
_HEADER_PREFIX = re.compile(
    r"^[^:\d]{0,40}\b(order|pedido|list|lista|items|week|semana|for|para|here)\b[^:\d]{0,20}:\s*",
    re.I,
)


def _item(clause: str) -> tuple[str | None, str | None]:
    """(order line, None), or (None, text the rules could not read), or (None, None) for filler."""
    text = _strip_trailing(_strip_leading(_HEADER_PREFIX.sub("", clause.strip())))
    text = _strip_trailing(_strip_leading(text)).strip(" \"'()[]")
    words = re.findall(r"[^\W\d_][\w'%&./-]*", text)
    if text.endswith(":") or not re.search(r"[^\W_]", text):
        return None, None
    if _is_bare(text):
        return None, text  # "2 cs" names no product: left for context (a question) to fill
    # "our chef wants 20 cs spring water": talk before the quantity is no part of the line.
    m = re.search(rf"(?<!\S)(?:{_NUM}|\d+x)\s", text, re.I)
    prefix = _strip_trailing(_strip_leading(text[: m.start()])) if m else ""
    if m and m.start() > 0 and _CHATTER & {w.lower() for w in re.findall(r"[\w']+",
                                                                           text[: m.start()])}:
        line, _ = _item(text[m.start() :])
        # Talk the rules drop is reported unless it was only fillers ("we need").
        return line, prefix if prefix and _CHATTER & set(prefix.lower().split()) else None
    # matching.parse knows every way of writing a quantity ("a couple bags", "media caja").
    has_qty = parse_line(text).quantity is not None
    lowered = {w.lower() for w in words}
    if _TIME_ONLY.match(text) or len(words) > 12 \
            or (not has_qty and (lowered & _CHATTER or len(words) > 6)):
        return None, text
    return front_quantity(text), None


def _is_bare(text: str) -> bool:
    """A quantity with no product: "2", "2 cs", "5 bags"."""
    parsed = parse_line(text)
    return parsed.quantity is not None and not parsed.mention.strip()


@lru_cache(maxsize=32)
def _compounds(names: frozenset[str]) -> re.Pattern[str]:
    return compound_pattern(names)


# Longer than any order typed by hand; the cap keeps a pasted document's latency bounded.
MAX_CHARS = 20_000
_SOFT_LEAD = re.compile(
    r"^(?:(?:and|also|oh|ok|okay|yes|yeah|please|pls|plz|hey|hi|hola|y|so|can you|could you"
    r"|would you|can u|puedes|podr[ií]as|por favor|porfa|tambi[eé]n|i want to|i'?d like to"
    r"|i would like to|we need to|i need to|quiero|need to|actually|sorry|oops|wait|oh|hmm"
    r"|correction|perd[oó]n)[\s,]+)+",
    re.I,
)
_QUESTION_AFTER_COMMA = re.compile(
    r"(?<=[,;])\s+(?=(?:what|when|where|how|do you|does|is there|are there|can you deliver"
    r"|will it|cu[aá]ndo|cu[aá]nto|tienen|hay|a qu[eé] hora)\b)",
    re.I,
)
_INSTEAD_FIRST = re.compile(r"^(?:instead of|en vez de|en lugar de)\s", re.I)
_INTRO = re.compile(r"^(this is|it'?s|its|i'?m|soy|habla|le escribe|te escribe|les escribe)\s"
                    r"[^\d]{1,50}$", re.I)
_HANDOFF_CONFIDENCE = {HandoffReason.REQUESTED_HUMAN: 0.95, HandoffReason.COMPLAINT: 0.85,
                       HandoffReason.ANGRY: 0.8}


def _sentences(text: str) -> list[str]:
    # "yes, when will it arrive?" and "2 cs milk, do you have oat milk?" hold two sentences.
    return [part for s in split_sentences(text) for part in
            (_QUESTION_AFTER_COMMA.split(s, maxsplit=1) if s.endswith("?") else [s])]


def _strip_closing_name(text: str) -> str:
    """Drop a closing name ("\n\nKevin"); a block under a "Please send:" header is items."""
    blocks = text.split("\n\n")
    if len(blocks) > 1 and not blocks[-2].rstrip().endswith(":") \
            and blocks[-1].count("\n") < 2:
        return strip_name_lines(text)
    return text


def _read_clause(clause: str, previous: Change | None) -> tuple[Change | None, list[str],
                                                                  str | None]:
    """One clause as a change, or as order lines, or as text the rules could not read."""
    for candidate in (_SOFT_LEAD.sub("", clause), clause):
        if change := _change(candidate.strip(" .!"), previous):
            return change, [], None
    lines: list[str] = []
    leftovers: list[str] = []
    for piece in split_run_on(_strip_leading(clause.strip())):
        line, leftover = _item(piece)
        lines += [line] if line else []
        leftovers += [leftover] if leftover else []
    return None, lines, " ".join(leftovers) or None


def extract(text: str, *, lang: str | None = None,
            known_names: Collection[str] = ()) -> Extraction:
    """Read one customer message: intent, order lines, changes, question and handoff."""
    body = strip_signature(strip_quoted(normalize(text[:MAX_CHARS])))
    cleaned = drop_self_corrections(strip_greetings(body))
    code = (lang or "")[:2].lower()
    language = Language(code) if code in {"en", "es"} else detect_language(body)
    reason = _handoff(body)
    common = {"language": language, "text": cleaned, "handoff": reason is not None,
              "handoff_reason": reason}
    if not cleaned:
        greeting = bool(body) and all(is_greeting_line(ln) for ln in body.split("\n") if ln)
        return Extraction(Intent.GREETING if greeting else Intent.OTHER,
                          confidence=0.95 if greeting else 0.3, **common)

    sentences = _sentences(_strip_closing_name(cleaned))
    asked = [(s, q) for s in sentences if (q := _question(s))]
    rest = [s for s in sentences if not _question(s)]
    question = {}
    if asked:
        (q_text, (kind, mention)) = asked[0]
        question = {"question": q_text, "question_kind": kind, "question_mention": mention}
    # "Yes, go ahead.\n\nMaria": a reply's closing name is no part of the answer.
    short = _sentences(strip_name_lines(cleaned))
    whole = _whole_message(" ".join(s for s in short if not _question(s) and not is_sign_off(s)))\
        if not reason else None
    if whole:
        return Extraction(whole[0], confidence=whole[1], **question, **common)

    compounds = _compounds(frozenset(known_names))
    items: list[str] = []
    changes: list[Change] = []
    unparsed: list[str] = []
    cancelled = confirmed = False
    adding = bool(_ADD_START.match(_CHIT_CHAT.sub("", cleaned)))
    for sentence in rest:
        if is_sign_off(sentence):
            continue  # "Thanks, Rob" closing a one-paragraph email
        adding = adding or bool(_ADD_END.search(sentence))
        sentence = sentence.rstrip("?")
        clauses = [sentence] if _INSTEAD_FIRST.match(sentence) else \
            split_clauses(sentence, compounds)
        previous: Change | None = None
        for clause in clauses:
            if reason and _handoff(clause):
                unparsed.append(clause)  # "can I talk to someone" names no product
                continue
            answer = (_whole_message(clause) or (None,))[0]
            if answer is Intent.CANCEL:
                cancelled = True  # "we're closed tomorrow, cancel the order please"
                continue
            if answer is Intent.CONFIRM and not (items or changes or unparsed):
                confirmed = True  # "yes, and please deliver before 10"
                continue
            change, lines, leftover = _read_clause(clause, previous)
            previous = change
            changes += [change] if change else []
            items += lines
            unparsed += [leftover] if leftover else []

    if question.get("question_mention"):
        # "do you have burrata? if so I'll take 2": the line's product is the one asked about
        items += [f"{u} {question['question_mention']}" for u in unparsed if _is_bare(u)]
        unparsed = [u for u in unparsed if not _is_bare(u)]
    if reason:
        intent, confidence = Intent.HANDOFF, _HANDOFF_CONFIDENCE[reason]
    elif cancelled and not items and not changes:
        intent, confidence = Intent.CANCEL, 0.8
    elif confirmed and not items and not changes:
        intent, confidence = Intent.CONFIRM, 0.7  # a yes plus a note: sure enough to ask
    elif changes:
        kinds = {c.kind for c in changes}
        intent = Intent.REMOVE if kinds == {ChangeKind.REMOVE} and not items else \
            Intent.ADD if kinds == {ChangeKind.ADD_MORE} else Intent.MODIFY
        confidence = 0.85
    elif items:
        intent, confidence = (Intent.ADD if adding else Intent.ORDER), 0.9
    elif asked:
        intent = Intent.QUESTION
        confidence = 0.6 if question["question_kind"] is QuestionKind.OTHER else 0.85
    elif unparsed and all(_INTRO.match(u) for u in unparsed):
        intent, confidence, unparsed = Intent.GREETING, 0.8, []
    else:
        intent, confidence = Intent.OTHER, 0.3
    if unparsed and intent in (Intent.ORDER, Intent.ADD, Intent.MODIFY, Intent.REMOVE):
        confidence -= 0.2
    return Extraction(intent, items, changes, **question, confidence=confidence,
                      unparsed=unparsed, **common)
