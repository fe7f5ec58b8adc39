"""Questions, handoff requests and one-word answers (confirm, cancel, thanks)."""

from __future__ import annotations

import re

from reading.fillers import _strip_trailing
from reading.grammar import _IT, _rx, _words
from reading.types import HandoffReason, Intent, QuestionKind

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
