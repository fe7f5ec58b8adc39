"""Questions, handoff requests and one-word answers (confirm, cancel, thanks)."""

from __future__ import annotations

import re

from reading.changes import _change
from reading.fillers import _strip_trailing
from reading.grammar import _IT, _rx
from reading.lexicon import fold, load, patterns, words
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
    # Portuguese, French, Italian: "quanto custa a burrata", "combien coûte le brie"
    (QuestionKind.PRICE, _rx(
        r"^(?:quanto (?:custa|custam|[eé]|sai|saem|est[aá]|costa|costano|viene|vengono)"
        r"|combien (?:co[uû]te|co[uû]tent|pour|est|sont)|qual (?:[eé] )?o pre[cç]o d[eoa]s?"
        r"|quel est le prix d[eu]s?|qual (?:[eè] )?il prezzo d(?:el|ella|ello|ei|egli|elle)?)"
        r"\s*(?:o |a |os |as |le |la |les |l'|il |lo |i |gli |du |de la |des )?(?P<m>.*?)"
        + _Q_TAIL + r"$")),
    (QuestionKind.DELIVERY, _rx(
        r"\b(?:deliver|delivers|delivery|deliveries|arrive|arrives|arriving|eta|ship|shipping"
        r"|truck|driver|get here|be here|coming|cutoff|cut-off|cut off|entrega|entregan|entregas"
        r"|reparto|llega|llegan|llegar[aá]|env[ií]an|cami[oó]n|repartidor|entregam|chega"
        r"|livr(?:ez|er|aison|ent)|consegn(?:a|ate|ano)|arriva)\b")),
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
    (QuestionKind.STOCK, _rx(
        r"^(?:(?:(?:voc[eê]s?|o senhor|a senhora) )?(?:t[eê]m|teriam|vendem)"
        r"|avez-vous|vous avez|est-ce que vous avez|auriez-vous|vous auriez"
        r"|avete|hai|c'[eè]|ci sono|vendete)"
        r"(?:\s+(?:o|a|os|as|du|de la|des|de l'|il|la|lo|i|gli|le|del|della|dei|degli|delle"
        r"|ancora|encore|ainda))*\s+(?P<m>.+?)" + _Q_TAIL + r"$")),
]
# Stock questions without a question word ("any scallops", "hay burrata") need their "?".
_BARE_STOCK = re.compile(r"(any|got any|you have|u have|you got|have you got|you guys have"
                         r"|u got|hay|habr[aá]|t[eê]m|hai|c'[eè]|ci sono|vous avez)\b", re.I)
_INTERROGATIVE = re.compile(
    r"^(¿|what|when|where|who|why|how|which|do|does|did|is|are|can|could|will|would|should"
    r"|any|qu[eé]|cu[aá]ndo|d[oó]nde|c[oó]mo|cu[aá]l|qui[eé]n|por qu[eé]|pueden|puedes"
    r"|tienen|hay|quando|onde|quanto|qual|quand|o[uù]|combien|quel|quelle|dove|quale|come"
    r"|perch[eé]|porque|pourquoi)\b",
    re.I,
)
# "the gloves are the nitrile ones right?": a statement asked back for a yes
_TAG_QUESTION = re.compile(r"\b(?:right|correct|yeah|yes|no|isn'?t (?:it|that)"
                           r"|aren'?t (?:they|those)|is (?:it|that)|are (?:they|those)|ok|okay"
                           r"|verdad|cierto|no es as[ií])"
                           r"\s*\?+\s*$", re.I)
# "whats the weight", "how many per box": a question though its "?" was left off
_WH_QUESTION = re.compile(r"^(?:what'?s|whats|wats|what is|what are|how many|how much|how big"
                          r"|how long|what size|which size|which one|cu[aá]ntos?|qu[eé] tama[nñ]o)"
                          r"\b", re.I)
# "can i get 2 cs milk?" is an order that happens to end in a question mark.
_REQUEST = re.compile(
    r"^(?:(?:hi|hey|hello|ok|so|also|and|hola|y)[\s,]+)*(?:(?:can|could|may|would|will)\s+"
    r"(?:i|we|you|u|ya)\s+(?:please\s+|pls\s+|also\s+|kindly\s+)*(?:get|have|order|send|add"
    r"|bring|grab|put in|deliver|put together|prepare|prep|pack|pull|ship|set aside|include"
    r"|have ready|throw in|book)\b"
    r"|(?:me|nos)\s+(?:puedes|pueden|podr[ií]as|podr[ií]an|mandas|mandan"
    r"|env[ií]as|traes|agregas)\b"
    # "pourriez-vous nous livrer ...", "podem mandar ...", "potete mandarci ..."
    r"|(?:pourriez|pouvez)[- ]vous\s+(?:nous\s+|me\s+|m')?(?:livrer|envoyer|mettre|ajouter)"
    r"|(?:pode|podem|poderia|poderiam)\s+(?:me\s+|nos\s+)?(?:mandar|enviar|entregar)"
    r"|(?:potete|puoi|potreste|potresti)\s+(?:mandar|inviar|consegnar|portar)\w*)",
    re.I,
)


# "could you switch the white napkins for brown?": a change asked politely, not a question.
_CHANGE_REQUEST = re.compile(
    r"^(?:(?:hi|hey|hello|ok|okay|so|oh|and|also|sorry|actually)[\s,.!\-–—]+)*"
    r"(?:can|could|would|will)\s+(?:you|u|ya)\s+(?:please\s+|pls\s+|just\s+|also\s+)*"
    r"(?:change|switch|swap|replace|make|update|remove|take|drop|cancel|delete|substitute|sub"
    r"|increase|reduce|bump|lower|raise|exchange)\b", re.I)
# "and price on X?", "also, any X?": a second question joined to the first.
_JOINED_Q = re.compile(r"^(?:and|also|plus|oh and|and also|y|tambi[eé]n)[\s,]+", re.I)
# "can you remove the tilapia?": a change asked politely, when the rest reads as one
_POLITE_ASK = re.compile(r"^(?:(?:ok|so|and|also)[\s,]+)*(?:can|could|would|will)\s+"
                         r"(?:you|u|ya)\s+(?:please\s+|pls\s+|also\s+)*(?P<rest>.+)$", re.I)


def _question(sentence: str) -> tuple[QuestionKind, str | None] | None:
    """The kind and product mention of a question, or None when the sentence asks nothing."""
    s = sentence.strip().lstrip("¿").strip()
    asks = sentence.rstrip().endswith("?") or sentence.lstrip().startswith("¿")
    if _REQUEST.match(s) or _CHANGE_REQUEST.match(s):
        return None
    if (m := _POLITE_ASK.match(s)) and (_change(m["rest"].rstrip("?!. "), None) or (
            _whole_message(m["rest"]) or (None,))[0] is Intent.CANCEL):
        return None
    body = _JOINED_Q.sub("", s.rstrip("?!. "))
    for kind, rule in _QUESTION_RULES:
        m = rule.search(body) if kind is QuestionKind.DELIVERY else rule.match(body)
        # A bare "any"/"hay" line needs its question mark to be a question.
        if m and (asks or kind is not QuestionKind.STOCK or not _BARE_STOCK.match(body)):
            if kind is QuestionKind.DELIVERY and not (asks or _INTERROGATIVE.match(body)):
                continue
            mention = _strip_trailing(m.groupdict().get("m") or "") or None
            return kind, None if mention and mention.lower() in _IT | {"that", "it"} else mention
    if asks and (_INTERROGATIVE.match(s) or (_TAG_QUESTION.search(s)
                 and not any(c.isdigit() for c in s))):
        return QuestionKind.OTHER, None
    if _WH_QUESTION.match(s) and not any(c.isdigit() for c in s):
        return QuestionKind.OTHER, None  # "whats the weight and how many per box"
    return None


_HANDOFF_RULES: list[tuple[HandoffReason, re.Pattern[str]]] = [
    (HandoffReason.REQUESTED_HUMAN, re.compile(
        r"\b(talk|speak|chat)\s+(to|with)\s+(a |an |the |some |your |someone |somebody )?"
        r"(real |actual |live )?(person|human|someone|somebody|manager|rep|representative|agent"
        r"|owner|sales ?rep|salesperson|sales person|anyone|staff|boss)\b"
        r"|\b(real|actual|live) (person|human)\b|\b(call me|give me a call|can (someone|somebody"
        r"|you) call)\b|\bis this a (bot|robot|machine)\b|^(human|agent|operator|representative"
        r"|person)( please| pls)?$|\bhablar con (alguien|una persona|un humano|el encargado"
        r"|la encargada|el gerente|un asesor|una persona real|el due[nñ]o|ventas|un vendedor)\b"
        r"|\b(persona real|ll[aá]mame|ll[aá]menme|me (pueden|puedes) llamar|es un (bot|robot))\b",
        re.I)),
    # Asking to be contacted, in other words than the rule above.
    (HandoffReason.REQUESTED_HUMAN, re.compile(
        r"\b(need|want|get me) (a |an )?(human|person|real person|manager|rep)\b"
        r"|\b(have|get|ask) (a |an |my |the |your |our )?(rep|representative|salesperson"
        r"|sales ?rep|account manager|manager|someone|somebody|person|one of your \w+)"
        r"( from \w+)?( \w+)? (to )?(call|contact|phone|ring|reach out|get in touch|get back)\b"
        r"|\b(someone|somebody|anyone|a person)( from [\w ]{1,20})? (to |can |could |please )?"
        r"(call|contact|phone|reach out to|get back to|give) me\b"
        r"|\b(someone|somebody|a person|a human) (i|we) can (speak|talk) (to|with)\b"
        r"|\bcomunica(r|rme|rnos)? con\b|\b(falar|parlare|parler) (com|con|avec)\b"
        r"|\bhablar con (una|un|el|la|alg[uú]n)\b"
        r"|\bwho (do|should|can|could) (i|we) (talk|speak|reach out) (to|with)\b"
        r"|\b(talk|speak) (to|with) (him|her|them)\b|\bcon qui[eé]n (hablo|puedo hablar)\b",
        re.I)),
    # Being put through, a visit or call from a rep, who one's rep is, a new account.
    (HandoffReason.REQUESTED_HUMAN, re.compile(
        r"\b(put|patch|transfer|connect|forward) (me|us) (through |over )?(to|with) "
        r"(a |an |the |my |our |your |someone|somebody)?"
        r"(real |actual |live )?(person|human|manager|supervisor|rep|representative|agent|owner"
        r"|sales ?rep|salesperson|account manager|someone|somebody|boss|staff|team)\b"
        r"|\b(can|could|would|will|have|get|ask|send|please have) (a |an |my |the |your |our "
        r"|one of your )?(account |sales |territory )?(rep|representative|salesperson|sales ?rep"
        r"|account manager|manager|someone|somebody|person)( from \w+)?( please| pls)? (to )?"
        r"(come (by|out|in|over)|stop by|swing by|drop by|pop by|visit|reach out|get in touch"
        r"|give (me|us) a (call|ring)|call|contact|phone|ring|meet)\b"
        r"|\bwho('?s| is| are) (my|our|the) (account |sales )?(rep|representative|salesperson"
        r"|account manager|sales ?rep|contact)\b"
        r"|\b(need|want|would like|'?d like|have) to (talk|speak|chat) (about|regarding|re)\b"
        # "need Sam or whoever our rep is to swing by": the rep named, then the visit
        r"|\b(rep|reps|representative|salesman|saleswoman|salesperson|sales ?rep|sales guy"
        r"|sales lady|account manager|account rep)\b[^.?!\n]{0,40}\b(come (by|out|in|over)"
        r"|stop by|swing by|drop by|pop by|pass by|visit|call (me|us)|reach out|meet)\b"
        r"|\b(go over|discuss|talk about|talk over|review|renegotiate|negotiate) (the |our |my )?"
        r"(pricing|prices|price list|contract|terms|account|rates)\b"
        r"|\b(set up|open|start|create) (an |a new |a |our )?(new )?(account|credit account"
        r"|wholesale account)\b"
        # the same in French, Portuguese, Italian and Spanish
        r"|\b(ouvrir|cr[eé]er|abrir|aprire) (un|uma|una) (compte|conta|cuenta|conto)\b"
        r"|\b(un|une|um|uma|una) (commercial|commerciale|repr[eé]sentant|vendedor|vendedora"
        r"|venditore|agente|rappresentante|representante)\b.{0,30}\b(m'appeler|me rappeler"
        r"|me contacter|nous contacter|me ligar|ligar-me|me contatar|chiamarmi|richiamarmi"
        r"|contattarmi|llamarme|contactarme|passer|visitar|passare)",
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
        r"( me| us)? (the )?wrong|wrong (item|items|product|products|delivery|stuff)"
        # "wrong order" is a complaint about what came, not "wrong order sorry, cancel"
        r"|(got|received|came|arrived|delivered|is|was|that'?s|this is) (us |me )?(the |a )?"
        r"wrong order"
        r"|(missing|short) (from|on|in) (my|our|the) (order|delivery)|was (missing|short)"
        r"|(shorted|short-?shipped|short-?changed|shortchanged) (us|me)"
        r"|(we|i) (were|was|got) shorted"
        r"|(smell(s|ed)?|smelt|smelling|tast(es|ed|ing)) (off|bad|funny|sour|weird|rotten|spoiled)"
        r"|slimy|wilted|freezer[- ]burn(ed|t)?"
        r"|(want|need|like|get|issue|request|requesting|expect) (a |us a |me a )?(credit|refund)"
        r"(?! card| terms| application)"
        r"|(delivery|order|truck|driver|shipment|stuff) (is|was|were|came|arrived|showed up"
        r"|got here|'s) (late|really late|late again|so late)|late again"
        r"|queja|reclamo|reclamaci[oó]n|reembolso|nota de cr[eé]dito|(lleg[oó]|vino|llegaron"
        r"|vinieron) (mal|rot[oa]s?|da[nñ]ad[oa]s?|podrid[oa]s?|vencid[oa]s?|incomplet[oa]s?|tarde)"
        r"|no (me |nos )?(lleg[oó]|llegaron)|falt(ó|o|aron) (en|del|de mi) (pedido|entrega)"
        r"|vencid[oa]s?|podrid[oa]s?"
        r"|echado a perder|(mandaron|enviaron|trajeron) (mal|lo que no)"
        # billing disputes: a charge, a surcharge or an invoice the customer contests
        r"|(been|was|were|got|get|being) (over|double|wrongly |incorrectly )?charged"
        r"|(charge|charged|bill|billed|invoice|invoiced) (me|us) for\b[^.?!\n]{0,60}"
        r"\b(only|but|never|didn'?t|did not|not)\b"
        r"|\bbut only (\w+ ){0,3}(came|arrived|showed up|got here|were delivered|delivered"
        r"|received)"
        r"|overcharged?|surcharges?|(wrong|incorrect|duplicate) (invoice|bill|charge|price)s?"
        r"|(invoice|bill|charge|statement)s? (is|are|was|were) (wrong|incorrect)"
        r"|me (cobraron|cobraste|cobran) (de m[aá]s|mal|doble)|cobro (indebido|doble)"
        r"|factura (mal|incorrecta|equivocada))\b",
        re.I)),
]


def _complaint(text: str) -> bool:
    """True when the text complains about an earlier delivery or charge."""
    return any(rule.search(text) for reason, rule in _HANDOFF_RULES
               if reason is HandoffReason.COMPLAINT)


# What a complaint asks for: with none of it, a complaint beside a new order is a remark.
_REMEDY = re.compile(
    r"\b(credit|refund|replace|replacement|money back|reimburse|return|pick (it|them) up"
    r"|call|contact|manager|compensat\w*|discount|make (it|this) right|fix|what (are|will) you"
    r"|reembolso|cr[eé]dito|devoluci[oó]n|reponer|reposici[oó]n|cambio)\b", re.I)


def remedy_asked(text: str) -> bool:
    """True when a complaint asks for something: a credit, a replacement, a call."""
    return bool(_REMEDY.search(text))


def _handoff(text: str) -> HandoffReason | None:
    """Why this message needs a person, decided by rules alone."""
    return next((reason for reason, rule in _HANDOFF_RULES if rule.search(text)), None)


_LEX = load("intents.json")
_POLITE = words(_LEX["polite"])
_AGREE = words(_LEX["agree"])
_CONFIRM = words(_LEX["confirm"])
_YES = words({k: v for k, v in _LEX["yes"].items() if not k.startswith("_")})
_FILLER = words(_LEX["filler"])
_CANCEL = words(_LEX["cancel"])
_CANCEL_FILLER = words(_LEX["cancel_filler"])
# a multi-word form becomes one token: "_cancel_", "_thanks_", "dung_roi" (an agree word)
_PHRASES = [(patterns(rules), token) for token, rules in _LEX["phrases"].items()]
_CANCEL_REASON = patterns(_LEX["cancel_reasons"])
_CANCEL_PHRASE = patterns(_LEX["phrases"]["_cancel_"])
_HOLD = patterns(_LEX["hold"])
_NO = words({k: v for k, v in _LEX["no"].items() if not k.startswith("_")})
_MAX_ANSWER = 400  # characters: longer text is not a one-line answer
_MAX_REASON = 2_000  # a reason not to send is given near the top of a message


def _tokens(text: str) -> list[str]:
    text = fold(text).replace("’", "'")
    for rule, token in _PHRASES:
        text = rule.sub(f" {token} ", text)
    return re.findall(r"[\w']+|[👍👌✅❌👎🙏]", text)


def _whole_message(text: str) -> tuple[Intent, float] | None:
    """CONFIRM or CANCEL when the whole text is a yes/no-style answer and nothing else."""
    if len(text) > _MAX_ANSWER:
        return None  # a pasted document is not a yes or a no
    toks = set(_tokens(text))
    if not toks:
        return None
    if toks == {"y"}:
        return Intent.CONFIRM, 0.8  # a lone "y" answers a summary; only inside a line is it "and"
    if toks <= _CANCEL | _CANCEL_FILLER | _POLITE | _AGREE and _CANCEL & toks:
        return Intent.CANCEL, 0.95
    if toks <= _NO | _POLITE and toks & _NO and toks - _NO:
        return Intent.CANCEL, 0.7  # "no thanks": declining the order as summarised
    if toks <= _NO:
        return Intent.OTHER, 0.5  # a bare "no" to a summary: cancel or change? Ask.
    if toks <= _AGREE | _CONFIRM | _FILLER | _POLITE:
        if (_AGREE | _CONFIRM) & toks:
            return Intent.CONFIRM, 0.95
        if "_closing_" in toks:
            return Intent.CONFIRM, 0.6  # "that's all": done ordering, agreeing by implication
    return None


def explicit_confirm(clause: str) -> bool:
    """True for a clause that says go ahead in so many words ("confirm", "the rest is fine").

    A bare "ok" or "yes" in front of new lines is agreement with the conversation, not a
    confirmation of the order; these words confirm even next to a change.
    """
    toks = set(_tokens(clause[:_MAX_ANSWER]))
    return bool(toks) and toks <= _AGREE | _CONFIRM | _FILLER | _POLITE and bool(_CONFIRM & toks)


def bare_yes(clause: str) -> bool:
    """True for a clause that is the word yes (and politeness) and nothing else."""
    toks = set(_tokens(clause[:_MAX_ANSWER]))
    return bool(toks & _YES) and toks <= _YES | _POLITE


def cancel_reason(text: str) -> bool:
    """True when the text gives a reason not to send anything ("already ordered elsewhere")."""
    return bool(_CANCEL_REASON.search(fold(text[:_MAX_REASON])))


# A new sentence about the customer ("nvm we're closed"), not a product to leave out.
_SUBJECT = re.compile(r"^(?:we|i|they|he|she|our|my|we'?re|i'?m|we'?ll|i'?ll|we'?ve|i'?ve"
                      r"|it'?s|its|nosotros|nos|nous|noi)\b", re.I)
_MAX_LEAD = 3  # words before a cancel phrase: "ugh", "Sam here", "oh sorry"


def leading_cancel(clause: str) -> bool:
    """True for a clause that opens with a cancel phrase and goes on with a reason, not a product.

    "nvm, picked some up at the store", "Sam here - kill the order", "never mind, we're
    closed": the phrase may follow a name, an interjection or an apology, and what follows it
    is a reason (or a new sentence about the customer). "never mind the limes" is not one: its
    rest names a line.
    """
    clause = clause[:_MAX_ANSWER]
    head = re.split(r"\s*[:;–—]\s+|\s+-\s+", clause, maxsplit=1)[0]
    if head != clause and (_whole_message(head) or (None,))[0] is Intent.CANCEL:
        return True  # "we have to cancel everything: the kitchen is closed"
    toks = _tokens(clause)
    if "_cancel_" not in toks:
        return False
    at = toks.index("_cancel_")
    before = [t for t in toks[:at] if t not in _CANCEL_FILLER | _POLITE | _AGREE | _FILLER]
    # one word of no list may lead only as a name: capitalised, first in the clause
    if at > _MAX_LEAD or len(before) > 1 or (before and not (
            toks[0] == before[0] and clause.lstrip()[:1].isupper())):
        return False
    rest = fold(clause).replace("’", "'")
    m = _CANCEL_PHRASE.search(rest)
    rest = (rest[m.end():] if m else rest).strip(" ,.;:!-–—")
    return not rest or bool(_SUBJECT.match(rest)) or cancel_reason(rest) \
        or set(_tokens(rest)) <= _CANCEL | _CANCEL_FILLER | _POLITE | _AGREE | _FILLER


def asks_to_wait(text: str) -> bool:
    """True when the customer asks us to wait: "let me check first", "more coming later"."""
    return bool(_HOLD.search(fold(text[:_MAX_ANSWER]).replace("’", "'")))
