"""Cleaning what the agent reads: unicode, quoted email history, signatures, greetings.

Every function is pure and line-oriented. `clean` is the usual entry point; the parts are
public so the extractor can look at the text between steps (a message that is only a
greeting must still be seen as one before greeting lines are dropped).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from enum import StrEnum

from reading.lexicon import load
from reading.signature import is_sign_off_line


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


class Language(StrEnum):
    """Languages the agent understands and answers in."""

    EN = "en"
    ES = "es"
    PT = "pt"
    FR = "fr"
    IT = "it"


# Emoji that carry meaning for an order conversation; every other pictograph is decoration.
_KEPT_EMOJI = {
    "👍": "👍", "👌": "👌", "✅": "✅", "✔": "✅", "☑": "✅", "🆗": "👌", "🙏": "🙏",
    "❌": "❌", "✖": "❌", "👎": "👎", "😡": "😡", "🤬": "😡", "😠": "😡",
}
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\U0001f1e6-\U0001f1ff]"
)
# Skin tones, variation selectors and joiners only modify a preceding emoji.
_EMOJI_MODIFIERS = re.compile("[\U0001f3fb-\U0001f3ff\ufe0e\ufe0f\u200d\u20e3]")
_INVISIBLE = re.compile("[\u200b\u200c\u2060\ufeff\u00ad]")
_PUNCT_MAP = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
    "\u2212": "-", "\u00d7": "x", "\u2022": "•", "\u00b7": "•", "\u2044": "/",
})


def normalize(text: str) -> str:
    """Unicode-normalise, straighten punctuation, drop decorative emoji, tidy whitespace."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = _EMOJI_MODIFIERS.sub("", text)
    text = _EMOJI.sub(lambda m: f" {_KEPT_EMOJI[m[0]]} " if m[0] in _KEPT_EMOJI else " ", text)
    # NFKC folds full-width digits, ligatures and non-breaking spaces; it keeps accents.
    text = unicodedata.normalize("NFKC", text).translate(_PUNCT_MAP)
    lines = [re.sub(r"[ \t\f\v]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# A line that starts a quoted reply; everything from it to the end is history.
_QUOTE_HEADERS = [
    re.compile(r"^-{2,}\s*(original message|mensaje original|forwarded message"
               r"|mensaje reenviado)\s*-{2,}", re.I),
    re.compile(r"^_{10,}$"),
    re.compile(r"^(begin forwarded message|inicio del mensaje reenviado)\s*:", re.I),
]
# "On Tue, Mar 3, 2025 at 9:14 AM Harbor <x@y> wrote:" often wraps onto a second line.
_WROTE_START = re.compile(r"^(on|el)\s.{3,}", re.I)
_WROTE_END = re.compile(r"(wrote|escribió|escribio)\s*:\s*$", re.I)
_HEADER_FROM = re.compile(r"^\*?(from|de)\s*:\*?\s+\S", re.I)
_HEADER_NEXT = re.compile(r"^\*?(sent|date|to|subject|enviado|fecha|para|asunto)\s*:", re.I)


def _quote_start(lines: list[str], i: int) -> bool:
    line = lines[i]
    if any(p.match(line) for p in _QUOTE_HEADERS):
        return True
    if _WROTE_START.match(line):
        joined = " ".join(lines[i : i + 3])
        # The attribution ends within three lines; an order line never ends in "wrote:".
        return any(_WROTE_END.search(" ".join(lines[i : j + 1])) for j in range(i, i + 3)) \
            and len(joined) < 400
    if _HEADER_FROM.match(line):
        return any(_HEADER_NEXT.match(nxt) for nxt in lines[i + 1 : i + 5])
    return False


def strip_quoted(text: str) -> str:
    """Drop quoted email history: attributions, forwarded headers and '>' lines."""
    lines = text.split("\n")
    kept: list[str] = []
    for i, line in enumerate(lines):
        if _quote_start(lines, i):
            break
        if not line.startswith(">"):
            kept.append(line)
    return "\n".join(kept).strip()


_SIGNATURE_MARKERS = re.compile(
    r"^(--\s*|sent from my .*|enviado desde mi .*|get outlook for .*|sent via .*"
    r"|obtener outlook para .*|enviado con .*)$",
    re.I,
)
_SIGN_OFF = re.compile(
    r"^(thanks|thank you|thx|ty|many thanks|thanks again|best|best regards|regards|kind regards"
    r"|warm regards|cheers|sincerely|respectfully|talk soon|gracias|muchas gracias|saludos"
    r"|un saludo|atentamente|cordialmente|mil gracias|besos|abrazos)"
    r"( (so much|a lot|again|mucho|cordiales))?[\s,.!🙏]*(\s*-?\s*[A-Z][\w.']*( [A-Z][\w.']*)?)?$",
    re.I,
)
_MAX_SIGNATURE_LINES = 6
# A line after a sign-off that still looks like an order line ("3 bags mozz", "- eggs x2").
_ORDER_LINE = re.compile(
    r"^\s*[-*•]|^\s*\d+\s*(x\s*)?(cs|case|cases|bags?|box|boxes|bx|pk|packs?|ea|each|dz|dozen"
    r"|lbs?|cajas?|bolsas?|paquetes?)\b|\bx\s?\d+\s*$",
    re.I,
)


def is_sign_off(line: str) -> bool:
    """True for a sign-off line or sentence: "Thanks,", "Best regards, Maria", "Saludos"."""
    return bool(_SIGN_OFF.match(line.strip())) or is_sign_off_line(line)


_NAME_LINE = re.compile(
    r"^[-~–—]*\s*[A-Z][\w.'&-]*(\s+([A-Z&|][\w.'&-]*|of|de|del|la|y|and))*\s*$"
    r"|^[\w .:]*\+?\(?\d[\d\s().-]{6,}$|^\S+@\S+$"
)


def strip_name_lines(text: str) -> str:
    """Drop up to three trailing name, title or phone lines after a blank line ("\n\nMaria")."""
    blocks = text.rstrip().split("\n\n")
    last = blocks[-1].split("\n")
    if len(blocks) > 1 and len(last) <= 3 and all(len(ln) <= 40 and _NAME_LINE.match(ln)
                                                   for ln in last):
        return "\n\n".join(blocks[:-1]).strip()
    return text


def strip_signature(text: str) -> str:
    """Drop signatures: '-- ' blocks, 'Sent from my iPhone', and sign-off + name/phone lines."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if _SIGNATURE_MARKERS.match(line):
            lines = lines[:i]
            break
    content = [i for i, line in enumerate(lines) if line]
    for i in content[1:]:
        tail = [line for line in lines[i + 1 :] if line]
        # A sign-off ends the message only when what follows is short: a name, a title, a phone.
        if _SIGN_OFF.match(lines[i]) and len(tail) <= _MAX_SIGNATURE_LINES \
                and not any(len(line) > 60 or _ORDER_LINE.search(line) for line in tail):
            lines = lines[:i]
            break
    return "\n".join(lines).strip()


_OTHER_GREETINGS = "|".join(
    re.escape(g) for forms in load("signoffs.json")["greetings"].values() for g in forms)
_GREETING = (
    r"(hi+|hey+|heya|hello|helo|hiya|yo|howdy|dear|good (morning|afternoon|evening|day)"
    r"|morning|afternoon|hola|buenos d[ií]as|buen d[ií]a|buenas( tardes| noches)?"
    r"|qu[eé] tal|saludos|estimad[oa]s?|greetings|" + _OTHER_GREETINGS + ")"
)
# Words that start a request, so they never belong to a greeting's form of address.
_REQUEST_WORDS = _words(
    "can could i i'm we we'd i'd need send get want please pls do you have is are how what when "
    "quiero necesito me mandas manda puedes tienen hay cuanto cuánto add"
)
_GREETING_HEAD = re.compile(rf"^{_GREETING}\b(?P<rest>.*)$", re.I)
_PLEASANTRY = re.compile(
    r"^((i )?hope (you|you're|your|you are|all|everyone|this|things|the)\b[^,.!?\d\n]*"
    r"|how are (you|u|things)\b[^,.!?\d\n]*|how's it going|how is it going"
    r"|espero que [^,.!?\d\n]*|c[oó]mo (est[aá]n?|va|les va)\b[^,.!?\d\n]*"
    r"|happy (monday|tuesday|wednesday|thursday|friday|weekend)|(i )?hope all is well)"
    r"([,.!?]+\s*|\s*$)",
    re.I,
)


def _strip_greeting_prefix(line: str) -> str:
    """Remove leading greetings ("Hi Mike,", "Hola!", "Olá, bom dia!") and their address."""
    for _ in range(3):
        shorter = _strip_one_greeting(line)
        if shorter == line:
            break
        line = shorter
    return line


def _strip_one_greeting(line: str) -> str:
    m = _GREETING_HEAD.match(line)
    if not m:
        return line
    rest = m["rest"]
    address = re.match(r"^([^,.!:?\d]{0,30}?)([,.!:]+|$)\s*", rest)
    words = address[1].lower().split() if address else []
    # "Hi team," / "Hola Juan!" drop the address too; "hi can i get" keeps the request.
    if address and len(words) <= 3 and not _REQUEST_WORDS.intersection(words):
        return rest[address.end() :]
    # "Hey guys can you..." drops the vocative with the greeting.
    return re.sub(r"^[\s,.!:]*((guys|team|all|there|folks|y'all|everyone|amigos?|chicos|jefe)"
                  r"\b[\s,.!:]*)?", "", rest, flags=re.I)


def _strip_pleasantries(line: str) -> str:
    while (m := _PLEASANTRY.match(line)) and m.end() > 0:
        line = line[m.end() :]
    return line


def is_greeting_line(line: str) -> bool:
    """True for a line that is only greetings and pleasantries ("Hi team,", "Hope you're well")."""
    return bool(line.strip()) and not _strip_pleasantries(
        _strip_greeting_prefix(_strip_pleasantries(line.strip()))
    ).strip(" ,.!?:")


def strip_greetings(text: str) -> str:
    """Drop greeting and pleasantry lines and line prefixes, which carry no items."""
    kept: list[str] = []
    for line in text.split("\n"):
        if not line:
            kept.append(line)
            continue
        rest = _strip_pleasantries(_strip_greeting_prefix(_strip_pleasantries(line))).strip()
        if rest.strip(" ,.!?:"):
            kept.append(rest)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def clean(text: str) -> str:
    """The text the agent should read: normalised, without history, signature or greetings."""
    return strip_greetings(strip_signature(strip_quoted(normalize(text))))


# Function words (plus a few trade words) whose presence is strong evidence of a language.
_EN_WORDS = _words(
    "the and of an to for please pls can could i we you me my our need want get send "
    "have do is are it this that with more make remove add change thanks thank yes yeah no "
    "cases case bags bag box boxes milk eggs cheese cups lids how much when what deliver "
    "tomorrow today order some also instead of just all hi hello morning"
)
_ES_WORDS = _words(
    "el la los las de del y o un una unos unas que por para con sin mas más quiero necesito "
    "mandas manda mándame mandame envía envia puedes pueden tienen hay cuánto cuanto cuándo "
    "cuando cajas caja bolsas bolsa paquetes leche huevos queso vasos tapas pan pollo aceite "
    "gracias favor porfa hola buenos buenas días dias sí si dale quita quitar cambia agrega "
    "añade también tambien mañana hoy pedido es está esta son otra otro eso todo nada "
    "confirmo listo perfecto vale cancela olvídalo olvidalo lo al"
)
_ES_MARKS = re.compile(r"[ñáéíóú¿¡]", re.I)


_OTHER_WORDS = {Language(code): _words(text) for code, text in load("languages.json").items()
                if not code.startswith("_")}


def detect_language(text: str, default: Language = Language.EN) -> Language:
    """Guess the language from function words (and Spanish letters); `default` when there
    is no sign or the signs tie, so a bare "ok" keeps the conversation's language."""
    tokens = re.findall(r"[^\W\d_]+", text.lower())
    scores = {Language.EN: float(sum(t in _EN_WORDS for t in tokens)),
              Language.ES: sum(t in _ES_WORDS for t in tokens)
              + 0.5 * len(_ES_MARKS.findall(text))}
    elided = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", text.lower().replace("’", "'"))
    for lang, lexicon in _OTHER_WORDS.items():
        scores[lang] = float(sum(t in lexicon for t in elided))
    best = max(scores.values())
    leaders = [lang for lang, score in scores.items() if score == best]
    if best == 0 or len(leaders) > 1:
        return default
    return leaders[0]


# --- Splitting a message into order lines -------------------------------------------------

_NUMBER_WORDS = _words(
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty "
    "forty fifty uno una dos tres cuatro cinco seis siete ocho nueve diez once doce quince "
    "veinte treinta cuarenta cincuenta"
)
# Units that make a number a size of the product ("16 oz", "5 lb"), not how many to send.
_SIZE_UNITS = _words(
    'oz ounce ounces fl floz gal gallon gallons qt quart quarts l lt ltr liter liters litre '
    'litres ml kg kgs kilo kilos g gr gram grams lb lbs pound pounds # in inch inches " ct '
    "count pack pk pc dozen dz doz % onzas litro litros galon galón galones libra libras mm cm "
    "bushel ply ft slice slices sli"
)
_WEIGHTS = _words("lb lbs pound pounds kg kgs kilo kilos libra libras")
# Selling units that may follow a trailing quantity ("mozz - 3 bags").
QTY_UNITS = (
    r"(cs|cse|case|cases|bag|bags|bg|box|boxes|bx|each|ea|unit|units|pc|pcs|piece|pieces|tray"
    r"|trays|sleeve|sleeves|bucket|buckets|tub|tubs|jug|jugs|bundle|bundles|bdl|packs|pkg|pkgs"
    r"|caja|cajas|bolsa|bolsas|paquete|paquetes|unidad|unidades|pieza|piezas|bulto|bultos)"
)
_SIZED_TOKEN = re.compile(r"^\d+([.,/]\d+)?(oz|lb|lbs|gal|qt|l|ml|kg|g|ct|pk|in|%|\"|dz|x\d+)$",
                          re.I)
_QTY_TOKEN = re.compile(r"^(\d+(\.\d+)?|\d+/\d+|\d+x|x\d+)$", re.I)
_NUMBERED = re.compile(r"^(\d{1,2})[.)]\s+")
_BULLET = re.compile(r"^(?:[-*•+~>]+|\(\d{1,2}\)|[a-z]\))\s*", re.I)
_SEPARATORS = re.compile(
    r"\s*[,;]\s*(?:and|y|&|plus|also)\s+|\s*;\s*|(?<!\d)\s*,\s*|,(?!\d{3}\b)\s*"
    r"|\s+(?:and|y|&|\+|plus|also|as well as|but|pero|además"
    r"|ademas|and also|n)\s+|\s+\|\s+"
    # "and" in Portuguese, French, Italian: only before a count, "e" being a letter too
    r"|\s+(?:et|ed)\s+(?=\d)",
    re.I,
)
DEFAULT_COMPOUNDS = (
    "half and half", "mac and cheese", "macaroni and cheese", "salt and pepper",
    "sweet and sour", "sweet and low", "bread and butter", "oil and vinegar", "pork and beans",
    "franks and beans", "fish and chips", "chips and salsa", "cookies and cream",
    "surf and turf", "black and white", "ham and cheese", "spinach and artichoke",
    "broccoli and cheddar", "rice and beans", "beans and rice", "shrimp and grits",
    "biscuits and gravy", "pot and pan", "tubes and tentacles", "a and w", "pb and j",
    "peanut butter and jelly", "sal y pimienta", "hot and sour", "lemon and lime",
)
_JOINERS = r"(?:and|&|n|'n'|'n|y)"


def compound_pattern(known_names: Collection[str] = ()) -> re.Pattern[str]:
    """A regex matching product names with a joiner inside ("half & half", catalog names)."""
    pairs: set[tuple[str, str]] = set()
    for name in (*DEFAULT_COMPOUNDS, *known_names):
        words = name.lower().split()
        for i, word in enumerate(words[1:-1], start=1):
            if re.fullmatch(_JOINERS, word):
                pairs.add((words[i - 1], words[i + 1]))
    alts = "|".join(
        rf"{re.escape(a)}\s*{_JOINERS}\s*{re.escape(b)}" for a, b in sorted(pairs)
    )
    return re.compile(rf"\b(?:{alts})\b", re.I)


def split_sentences(text: str) -> list[str]:
    """Lines, without bullets, cut at sentence ends (decimals and "oz." stay whole)."""
    lines = [line for line in text.split("\n") if line.strip()]
    numbers = [int(m[1]) for line in lines if (m := _NUMBERED.match(line))]
    # "1. 2 cs milk" is a numbered list only when the numbers run 1, 2, 3...
    numbered = len(numbers) >= 2 and numbers == list(range(1, len(numbers) + 1))
    out: list[str] = []
    for line in lines:
        if numbered:
            line = _NUMBERED.sub("", line, count=1)
        line = _BULLET.sub("", line, count=1)
        # "...en lugar de 20. El resto": a number ends a sentence when a capital follows
        parts = [s for s in re.split(r"(?<=[^\d\s][.!?])\s+|(?<=[?!])\s*(?=¿)"
                                     r"|(?<=\d[.!?])\s+(?=[A-ZÁÉÍÓÚÑ¿¡])", line) if s.strip()]
        out += _rejoin_abbreviations(parts)
    return out


# Words that start a new sentence even in lower case ("2 cs milk. thanks", "ok. also 3 eggs").
_STARTERS = _words(
    "i i'm im we we're our you u and also plus pls please plz thanks thank thx ty can could "
    "need add oh ok okay sorry no yes yeah yep but then that's that this it it's its just "
    "send what when how is are do does will would should let gracias por y tambien también")


# Abbreviations written with a period in product names and addresses (units are left out:
# "5 lb. eggs 3" ends a line at the period).
_ABBREVIATIONS = _words(
    "rect sq rd st ave blvd dr ln pkwy hwy ste pkg blk wht lrg reg org frz ctn cont asst approx "
    "incl vs wt sz std hd dk choc van str bnls sknls slcd shrd chpd dcd grnd whl brn yel grn")


def _rejoin_abbreviations(parts: list[str]) -> list[str]:
    """ "Black rect. container 24 oz", "(Main St. kitchen)": a short word and a period before
    a lower-case word is an abbreviation, not the end of a sentence."""
    out: list[str] = []
    for part in parts:
        first = part.split()[0]
        if out and out[-1].endswith(".") and first[:1].islower() \
                and first.lower().strip(",") not in _STARTERS \
                and (m := re.search(r"(?<![^\W\d_])([^\W\d_]{1,6})\.$", out[-1])) \
                and m[1].lower() in _ABBREVIATIONS:
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out


_E_AND = re.compile(r"\s+e\s+(?=\d)")


def _split_e(part: str) -> list[str]:
    """Cut at "e" before a count when a count came before it in the same part."""
    out, start = [], 0
    for m in _E_AND.finditer(part):
        if re.search(r"\d", part[start:m.start()]):
            out.append(part[start:m.start()])
            start = m.end()
    return [*out, part[start:]]


# Dictation writes "two" as "to" or "too": "mozzarella to bags of flour". Before a plural
# selling unit it is a count, unless a change of unit is being asked ("switch it to cases").
_DICTATED_TWO = re.compile(
    r"(?<![\w'])(?P<before>[^\W\d_][\w']*)\s+(?:to|too)\s+(?=(?:cases|bags|boxes|cans|jugs|pails"
    r"|buckets|bundles|packs|trays|bottles|gallons|pounds|lbs|dozen|sacks|tubs|cartons)\b)", re.I)
_NOT_A_COUNT = _words(
    "it them that this those these back over up down cases case bags bag boxes box cans jugs "
    "pails buckets bundles packs trays bottles gallons pounds lbs dozen sacks tubs cartons cs "
    "each ea from instead sell sold comes come go going went")
_UNIT_CHANGE = re.compile(r"\b(?:change|changed|switch|switched|make|made|move|moved|convert"
                          r"|converted|swap|swapped|increase|bump|reduce|upgrade|instead)\b", re.I)


def dictated_twos(text: str) -> str:
    """ "4 cases of X to bags of Y" → "4 cases of X 2 bags of Y": a dictated "two"."""
    def two(m: re.Match[str]) -> str:
        if m["before"].lower() in _NOT_A_COUNT or _UNIT_CHANGE.search(text, 0, m.start()):
            return m[0]
        return f"{m['before']} 2 "
    return _DICTATED_TWO.sub(two, text)


_PARENS = re.compile(r"\([^()]{1,80}\)")


def split_clauses(sentence: str, compounds: re.Pattern[str]) -> list[str]:
    """Cut a sentence at commas, semicolons and "and"/"y"/"&"/"+", keeping compound names."""
    protected = compounds.sub(lambda m: m[0].replace(" ", "\x00").replace("&", "\x01"), sentence)
    # "(1450 Elm Pkwy, dock 2)", "(1 regular, 1 sugar free)": a note in parentheses is one
    protected = _PARENS.sub(lambda m: m[0].replace(" ", "\x00").replace(",", "\x02")
                            .replace("&", "\x01").replace(";", "\x03"), protected)
    parts = _SEPARATORS.split(protected)
    # "2 caixas de leite e 3 de queijo": "e" is "and" between counted lines (alone,
    # "vitamin e" is a name)
    parts = [q for p in parts for q in _split_e(p)]
    return [p.replace("\x00", " ").replace("\x01", "&").replace("\x02", ",").replace("\x03", ";")
            .strip() for p in parts if p and p.strip()]


def _is_qty(tok: str, words: bool) -> bool:
    return bool(_QTY_TOKEN.match(tok)) or (words and tok.lower() in _NUMBER_WORDS)


def _is_size(tok: str | None) -> bool:
    return tok is not None and (tok.lower().strip(".") in _SIZE_UNITS or tok.startswith("#"))


def _is_word(tok: str) -> bool:
    low = tok.lower()
    return bool(re.fullmatch(r"[^\W\d_][\w'&-]+", tok)) and low not in _NUMBER_WORDS \
        and low not in {"the", "a", "an", "some", "el", "la", "los", "las", "del", "my"} \
        and low not in _SIZE_UNITS and low not in {"of", "de", "x"} \
        and not re.fullmatch(QTY_UNITS, low)


# "2 cs L 1 cs XL": a glove or apron size names a line as a word does.
SIZE_LETTERS = frozenset({"s", "m", "l"})


def is_size_letter(toks: list[str], i: int) -> bool:
    """toks[i] is a size letter ("2 cs L"), not a unit after a count ("1.5 L")."""
    return toks[i].lower() in SIZE_LETTERS and not (i and _QTY_TOKEN.match(toks[i - 1]))


# "3cs", "2bags", "4sacos": a count glued to its selling unit.
_GLUED = re.compile(r"(?<![\w./-])(\d+(?:\.\d+)?)(cs|cse|cases?|bags?|bx|box(?:es)?|ea|pks?"
                    r"|sacks?|sacos?|cajas?|bolsas?|dz|doz|bdls?|ctns?|pails?)\b", re.I)


# "40# mozz": pounds written as "#" after the count (a "2/5#" pack stays whole).
_POUNDS = re.compile(r"(?<![\w./#-])(\d+(?:\.\d+)?)#(?=\s|$)")


def unglue(text: str) -> str:
    """Separate a count glued to its unit: "3cs limes" → "3 cs limes", "40# mozz" →
    "40 lb mozz"."""
    return _POUNDS.sub(r"\1 lb", _GLUED.sub(r"\1 \2", text))


def split_run_on(clause: str) -> list[str]:
    """Split "2 cs whole milk 3 mozz" or "milk 2 eggs 3" into one line per quantity."""
    toks = unglue(clause).split()
    if len(toks) < 3:
        return [clause]
    # "10 lb carne molida 3 cs tortillas": a weight in front is a quantity, not a size.
    leading = _is_qty(toks[0], words=True) and (not _is_size(toks[1])
                                                 or toks[1].lower() in _WEIGHTS)
    pieces: list[list[str]] = [[]]
    has_word = False  # whether the current piece names a product yet
    for i, tok in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        after = toks[i + 2] if i + 2 < len(toks) else None
        prev = pieces[-1]
        if leading and has_word and _is_qty(tok, words=True) and nxt \
                and prev[-1].lower() not in {"x", "of", "de", "by", "#"} \
                and (not _is_size(nxt) or (nxt.lower() in _WEIGHTS and after and _is_word(after))):
            # A new quantity after a product starts a new line; "16 oz" after one is its size,
            # but "5 lb ham" after one is a weighed line of its own.
            pieces.append([])
            has_word = False
        pieces[-1].append(tok)
        has_word = has_word or _is_word(tok) or is_size_letter(toks, i)
        if not leading and _QTY_TOKEN.match(tok) and i > 0 and nxt and _is_word(nxt):
            # Trailing style: the quantity closes the line; "16/20 x 4" does not.
            pieces.append([])
        elif not leading and re.fullmatch(QTY_UNITS, tok, re.I) and i > 1 \
                and _QTY_TOKEN.match(toks[i - 1]) and nxt:
            pieces.append([])
    lines = [" ".join(p) for p in pieces if p]
    # Trailing style holds only when every piece ends in its quantity ("milk 2 eggs 3");
    # "we need 20 cs spring water" is one line with its quantity inside.
    if not leading and not all(_TRAILING_QTY.search(line) for line in lines):
        return [clause]
    return lines


# Searched, not matched from the start: anchored at the end it stays linear on long text.
_TRAILING_QTY = re.compile(
    # "31-40" and "16/20" are count ranges (shrimp per pound), never a count of 40 or 20
    rf"(?<!\d-)(?:(?<=\s)|(?<=[-:=(*]))(?:x\s*|\*\s*)?(?P<q>\d+(?:\.\d+)?|\d+/\d+)\s*(?:x\s*)?"
    rf"(?P<u>{QTY_UNITS})?\s*\)?\s*[.!]*$",
    re.I,
)
_WEIGHED = re.compile(r"^\d+(?:\.\d+)?(?:lbs?|kgs?|#)$", re.I)
_LEADING_X = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:x|-|\*)\s+(?=[^\d\s])|^x\s?(\d+)\s+", re.I)


def front_quantity(line: str) -> str:
    """Put a trailing quantity first: "milk x2" → "2 milk", "mozz - 3 bags" → "3 bags mozz"."""
    line = _LEADING_X.sub(lambda m: f"{m[1] or m[2]} ", line, count=1)
    if _is_qty(line.split()[0], words=True) or _WEIGHED.match(line.split()[0]) \
            if line.split() else True:
        return line  # "10lb 31-40": a weight leads the line already
    if (note := re.search(r"\s+\([^()]*[^\W\d_][^()]*\)$", line)) and not line.startswith("(") \
            and not _TRAILING_QTY.search(line):
        # "tahini 3 tubs (the 2kg one)": the count moves, the note stays at the end
        front = front_quantity(line[: note.start()])
        return f"{front}{note[0]}" if front != line[: note.start()] else line
    m = _TRAILING_QTY.search(line)
    # Four-digit trailing numbers are order or PO numbers, not quantities.
    if not m or len(m["q"]) > 3 or not re.search(r"[^\W\d_]", line[: m.start()]):
        return line
    prod = re.sub(r"(\s+x)?[\s\-:=(*]*$", "", line[: m.start()])
    return " ".join(p for p in (m["q"], m["u"], prod) if p)
