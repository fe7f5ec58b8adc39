"""Order lines: a clause becomes an order-line string ready for `matching.parse`."""

from __future__ import annotations

import re
from functools import lru_cache

from matching.parse import parse_line
from reading.changes import SIZE_WORDS, _change
from reading.fillers import _strip_leading, _strip_trailing
from reading.grammar import _NUM, _SIZE_ONLY, _words
from reading.references import like_line, read_reference
from reading.segment import LineScore, best_split
from reading.text import (
    compound_pattern,
    front_quantity,
    split_run_on,
    split_sentences,
    strip_name_lines,
)
from reading.types import Change, ChangeKind, HandoffReason

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
    "qty quantity item items description cantidad producto no nope nah same last usual "
    "mi mis te le les nos aviso avisamos déjame dejame espérame esperame ahorita luego después "
    "despues pregunto preguntarle preguntar check ask let more come stuff things understood "
    "noted entendido ver sec second minute moment momento quote quoted pricing prices "
    "hold hang checking if whether"
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


# "salsa to go with them, 2 cs": what the line is for is no part of its product.
_PURPOSE = re.compile(
    r"\s+(?:to go|to serve|to pair|to have|to use|para acompa[nñ]ar)(?: along| together)?"
    r"(?: with| con)? (?:it|them|that|those|these|this|the [^\W\d][\w' ]{0,30}?|lo|los|las)"
    r"(?=\s*(?:[-,:;]|$))", re.I)


# Words that make talk of a "label: count" cell ("our order for friday: 3 cs ...").
_TALK = _words("i i'm im we we're our you your you're u me please can could would should will "
               "is are was be let hope thanks thank order ordering deliver delivery following "
               "below here this that these those for para pedido")
_MAX_CELL_WORDS = 5


def _named_cell(prefix: str) -> bool:
    """ "Sunset Call lime mix: 2 cs": a product named before its count, though one of its
    words is also a word of conversation; a sentence before a count is not one."""
    words = re.findall(r"[\w']+", prefix.lower())
    return bool(re.search(r"[:\-–—]\s*$", prefix)) and 0 < len(words) <= _MAX_CELL_WORDS \
        and not _TALK & set(words) and len(_CHATTER & set(words)) <= 1


def _item(clause: str) -> tuple[str | None, str | None]:
    """(order line, None), or (None, text the rules could not read), or (None, None) for filler."""
    clause = _PURPOSE.sub("", clause)
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
                                                                           text[: m.start()])} \
            and not _named_cell(text[: m.start()]):
        line, _ = _item(text[m.start() :])
        # Talk the rules drop is reported unless it was only fillers ("we need").
        return line, prefix if prefix and _CHATTER & set(prefix.lower().split()) else None
    # matching.parse knows every way of writing a quantity ("a couple bags", "media caja").
    has_qty = parse_line(text).quantity is not None
    lowered = {w.lower() for w in words}
    if has_qty and not re.search(r"\d", text) and lowered & _CHATTER \
            and re.match(r"(?:a|an)\s", text, re.I):
        has_qty = False  # "a ver si ...", "a reminder that ...": an article, not a count
    if _TIME_ONLY.match(text) or len(words) > 12 \
            or (not has_qty and (lowered & _CHATTER or len(words) > 6)):
        return None, text
    return front_quantity(text), None


def _is_size_tail(clause: str) -> bool:
    """A clause that is only a size: "large", "med", "32 oz"."""
    clause = clause.strip()
    return clause.lower() in SIZE_WORDS or bool(_SIZE_ONLY.fullmatch(clause))


def strip_request(text: str) -> str:
    """The text without its leading request words ("we need", "please send")."""
    return _strip_leading(text)


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
    r"|lol|lmao|haha|ugh|welp|meh|ah"
    r"|would you|can u|puedes|podr[ií]as|por favor|porfa|tambi[eé]n|i want to|i'?d like to"
    r"|i would like to|we need to|i need to|quiero|need to|actually|sorry|oops|wait|oh|hmm"
    r"|correction|perd[oó]n|correcci[oó]n|que sean|mejor que sean)[\s,:]+)+",
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


def _read_clause(clause: str, previous: Change | None, line_score: LineScore | None = None,
                 ) -> tuple[Change | None, list[str], str | None]:
    """One clause as a change, or as order lines, or as text the rules could not read."""
    for candidate in (_SOFT_LEAD.sub("", clause), clause):
        if change := _change(candidate.strip(" .!"), previous):
            return change, [], None
    if change := read_reference(_strip_leading(_SOFT_LEAD.sub("", clause)).strip(" .!")):
        return change, [], None
    lines: list[str] = []
    leftovers: list[str] = []
    text = _strip_leading(clause.strip())
    pieces = (best_split(text, line_score) if line_score else None) or split_run_on(text)
    for piece in pieces:
        ref = read_reference(piece) if lines else None
        if ref and ref.kind is ChangeKind.ADD_LIKE and ref.said:
            lines.append(like_line(ref.said, lines[-1], ref.quantity, ref.unit))
            continue  # "2 cs gloves lg 1 cs med": the medium gloves
        line, leftover = _item(piece)
        lines += [line] if line else []
        leftovers += [leftover] if leftover else []
    return None, lines, " ".join(leftovers) or None
