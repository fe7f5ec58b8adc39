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
    "hold hang checking if whether confirm confirmation receipt substitution substitutions "
    "approve approved approval process"
)
_TIME_ONLY = re.compile(
    r"^(before|by|at|after|around|until|till|from|between|antes|despu[eé]s|a las|para las"
    r"|delivery|deliver|entrega|po|p\.o\.|invoice|inv|ref|acct|account|order|pedido)\b"
    r"|^\d{1,2}(:\d\d)?\s*(am|pm|hrs|h)?$|^#?\d{3,}$|^\d{1,2}/\d{1,2}"
    r"(/\d{2,4})?$",
    re.I,
)
# "PO 55120 - north campus", "Ship to: 12 Elm St", "bill to cost center 88": where
# an order goes and who pays for it, never an order line.
_ADDRESSED = re.compile(r"^(?:(?:ship|bill|sold|deliver|delivery|charge(?: it)?)\s+to\b"
                        r"|cost cent(?:er|re)\b|attn\b|attention\s*:)", re.I)
_NUMBERED_DOC = re.compile(r"^(?:p\.?\s?o\.?|purchase order|order|invoice|inv|acct|account|ref|job)"
                           r"\s*(?:#|no\.?|number|:)?\s*[a-z-]*\d[\w-]{2,}", re.I)
# "Sending the list for Monday, bill to unit 7:": a line that only
# announces the list below it.
_ANNOUNCES = re.compile(r":\s*$")
# a count before a word: an order line's ("2 cs", "3x limes"), not an id's ("#4410")
_COUNTED = re.compile(r"(?<![\w#/.:-])\d{1,3}(?:\.\d+)?\s*(?:x\s*)?[^\W\d_]", re.I)


def is_admin_line(sentence: str) -> bool:
    """A line of delivery or billing detail ("Ship to: 12 Elm St", "PO 77421 - kitchen"),
    or one announcing the list below it; none holds an order line."""
    text = sentence.strip()
    if _ADDRESSED.match(text):
        return True
    if m := _NUMBERED_DOC.match(text):
        return not _COUNTED.search(text[m.end():])
    return bool(_ANNOUNCES.search(text)) and not _COUNTED.search(text)


_HEADER_PREFIX = re.compile(
    r"^[^:\d]{0,40}\b(order|pedido|list|lista|items|week|semana|for|para|here|truck|delivery"
    r"|deliver|today|tomorrow|tonight|add)\b[^:\d]{0,20}:\s*",
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
    text = _balanced(_strip_trailing(_strip_leading(text)).strip(" \"'[]"))
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
    if _TIME_ONLY.match(text) or len(words) > _MAX_LINE_WORDS \
            or (not has_qty and (lowered & _CHATTER or len(words) > 6)):
        return None, text
    return front_quantity(text), None


def _balanced(text: str) -> str:
    """Drop a parenthesis left open or closed by a cut: "(2 cs X" -> "2 cs X"; "X (the 3kg
    one)" keeps its note."""
    while text.startswith("(") and text.count("(") > text.count(")"):
        text = text[1:].strip()
    while text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1].strip()
    return text


# "2 cs cola (1 regular, 1 diet)": counts in parentheses share out the line.
_SHARED = re.compile(r"^(?P<head>[^()]*?)\s*\((?P<inner>[^()]+)\)\s*(?P<tail>[^()]*)$")


def _shares(text: str) -> list[str] | None:
    """The lines a count split in parentheses stands for, or None."""
    m = _SHARED.match(text)
    if not m or not re.search(r"[^\W\d_]", m["head"]):
        return None
    parts = [run for p in re.split(r"\s*[,;/]\s*|\s+(?:and|y|&|\+)\s+", m["inner"])
             for run in split_run_on(p.strip()) if run]
    counts = [parse_line(p).quantity for p in parts]
    if len(parts) < 2 or None in counts or not all(re.match(r"\d", p) for p in parts):
        return None
    head = parse_line(m["head"])
    if head.quantity is not None and head.quantity != sum(c for c in counts if c):
        return None  # "2 cs X (12 per case, 6 ct)": no share-out
    name = re.sub(r"^\s*\d+(?:\.\d+)?\s*(?:x\s+)?", "", m["head"]).strip()
    return [f"{p.split(maxsplit=1)[0]} {name} {p.split(maxsplit=1)[1] if ' ' in p else ''} "
            f"{m['tail']}".strip() for p in parts]


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


_MAX_LABEL_WORDS = 4
# "gloves 2 cs M", "aprons S x1": a capital S, M or L alone is a garment size (after a
# number it is a unit: "1.5 L").
_SIZE_LETTER = re.compile(r"(?<![\w&'-])(?:[SM]|(?<![\d.,]\s)L)(?![\w&'-])")
_SIZE_NAMES = {"S": "small", "M": "medium", "L": "large"}


def spell_size(line: str, *, labelled: bool = False) -> str:
    """The line with a garment size letter written out: "2 cs M gloves" -> "2 cs medium
    gloves", so the catalog's SMALL/MEDIUM/LARGE names are found. A letter alone is left
    alone unless a label will name the product ("gloves: M x2")."""
    if not labelled and not re.search(r"[^\W\d_]{2,}", line):
        return line
    return _SIZE_LETTER.sub(lambda m: _SIZE_NAMES[m[0]], line)
_MAX_LINE_WORDS = 12


def _before_run_on(text: str) -> tuple[str, str | None, str]:
    """(label, talk, run-on) for the words before a run of counted lines.

    "its Ana from Cafe Sol need 5 cs X 2 cs Y": an introduction or request before the counts
    is dropped, other talk ("start me off w/") is returned to report; "gloves 2 cs med 1 cs
    large": a short product word before them names every line. ("", None, text) otherwise.
    """
    toks = text.split()
    first = next((i for i, tok in enumerate(toks) if re.fullmatch(r"\d+(?:\.\d+)?", tok)), 0)
    if first == 0:
        return "", None, text
    prefix, rest = " ".join(toks[:first]), " ".join(toks[first:])
    if len(split_run_on(rest)) < 2 or len(split_run_on(text)) > 1:
        return "", None, text
    words = {w.lower() for w in re.findall(r"[\w']+", prefix)}
    if _INTRO.match(prefix) or not _strip_leading(prefix).strip() \
            or re.search(rf"\b(?:{_REQUEST_END})$", prefix, re.I):
        return "", None, rest
    if words & (_CHATTER | _TALK):
        return "", _strip_trailing(_strip_leading(prefix)) or None, rest
    if len(words) <= _MAX_LABEL_WORDS:
        return prefix, None, rest
    return "", None, text


# "... can I get", "... need", "... send us": a request ends right before its first count.
_REQUEST_END = r"need|needs|get|send|want|order|add|like|take|bring|pls|please|plz|us|me"


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
    if shares := _shares(text):
        return None, shares, None
    label, talk, text = _before_run_on(text)
    leftovers += [talk] if talk else []
    # a label names every line of the run-on, so the catalog reads each with it
    score = (lambda line: line_score(f"{line} {label}")) if line_score and label else line_score
    shaped = split_run_on(text)
    pieces = (best_split(text, score) if score else None) or shaped
    if len(pieces) < len(shaped) and any(len(p.split()) > _MAX_LINE_WORDS for p in pieces):
        pieces = shaped  # no product is named in so many words: the counts cut it
    if label:
        pieces = [f"{piece} {label}" for piece in pieces]
    for piece in pieces:
        ref = read_reference(piece) if lines else None
        if ref and ref.kind is ChangeKind.ADD_LIKE and ref.said:
            lines.append(like_line(ref.said, lines[-1], ref.quantity, ref.unit))
            continue  # "2 cs gloves lg 1 cs med": the medium gloves
        line, leftover = _item(piece)
        lines += [spell_size(line)] if line else []
        leftovers += [leftover] if leftover else []
    return None, lines, " ".join(leftovers) or None
