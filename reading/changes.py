"""Changes to lines already ordered: add more, set a quantity, remove, replace."""

from __future__ import annotations

import re
from decimal import Decimal

from reading.fillers import _strip_trailing
from reading.grammar import (
    _ART,
    _IT,
    _NUM,
    _SIZE_ONLY,
    _SIZE_UNIT,
    _SIZED,
    _UNIT,
    _number,
    _rx,
    _words,
)
from reading.types import Change, ChangeKind

# --- Changes to lines already ordered -----------------------------------------------------

_ADD_VERBS = (r"(?:add|and|also|plus|send|give me|i need|we need|i'?ll need|agrega|agregar"
              r"|agr[eé]game|a[nñ]ade|a[nñ]adir|a[nñ][aá]deme|suma|s[uú]male|ponme|pon|manda"
              r"|m[aá]ndame|y|tambi[eé]n)")
_SET_VERBS = (r"(?:make|change|update|set|bump|raise|lower|increase|reduce|up|drop|adjust"
              r"|correct|cambia|cambiar|c[aá]mbiame|ponle|deja|d[eé]jame|sube|baja"
              r"|ajusta|modifica|muda|mude|mudar|coloca|coloque|p[oõ]e|metti|mettete|mets"
              r"|mettez|passez|passe|modifiez|modifie|aumenta|diminui|diminuisci)")
_REMOVE_VERBS = (
    r"(?:remove|take off|take out|take away|drop|delete|cancel|scratch|skip|forget|nix"
    r"|leave out|get rid of|hold off on|hold(?:\s+on)?|no need for|never\s*mind|nvm"
    r"|(?:(?:i|we)\s+)?(?:don'?t|do not)\s+"
    r"(?:need|want|send)|quita|quitar|qu[ií]tame|qu[ií]tale|quiten|saca|sacar|s[aá]came"
    r"|elimina|eliminar|elim[ií]name|borra|borrar|b[oó]rrame|cancela|cancelar|canc[eé]lame"
    r"|olvida|olv[ií]date de|ya no (?:quiero|necesito|mandes|me mandes)"
    r"|no (?:quiero|necesito|mandes|me mandes|manden)"
    # Portuguese, Italian, French
    r"|tira|tirar|retira|retirar|remova|cancela|togli|toglimi|togliere|rimuovi|leva|elimina"
    r"|cancella|enl[eè]ve|enlevez|enlever|retire[sz]?|supprime[sz]?|annule[sz]?)"
)
_FROM_ORDER = (r"(?:\s+(?:from|off|out of|del|de la|de mi|de)\s+(?:the\s+|my\s+|our\s+|el\s+"
               r"|la\s+)?(?:order|list|cart|pedido|orden))?(?:\s+(?:anymore|any more|ya|please"
               r"|pls|por favor|porfa|thanks|gracias))*")

# Tried in order on a clause; the first that matches wins. Groups: t target, q quantity,
# u unit, r replacement.
_LACK = (r"(?:don'?t|do not|dont|can'?t|cannot|no)\s+(?:have|carry|stock|sell|get|find"
         r"|tienen|tienes|hay|manejan|venden|consiguen)")
_CHANGE_RULES: list[tuple[ChangeKind, re.Pattern[str]]] = [
    # "you don't have quince?", "no tienen membrillo": what the summary showed is not it
    (ChangeKind.REMOVE_IF_MISSING, _rx(
        r"^(?:(?:oh|ah|so|hmm+|ok|okay|wait|entonces|ah|oh)[\s,]+)*(?:(?:you|u|y'?all|ya)"
        r"(?: guys)?\s+)?" + _LACK + r"\s+(?:any\s+|de\s+)?{ART}(?P<t>[^\d]+?)[?!.]*$")),
    # "squid no stock?", "mint not have?", "tofu u dont have?": the customer read that we
    # lack what they ordered (asked back in the summary's words, often in learner's English)
    (ChangeKind.REMOVE_IF_MISSING, _rx(
        r"^{ART}(?P<t>[^\W\d][^\d?]*?)\s+(?:(?:you|u|y'?all)\s+)?(?:no|not|don'?t|dont"
        r"|do not|doesn'?t|is not|isn'?t|are not|aren'?t|out of|sold out|no more)\s*(?:have|has"
        r"|got|stock|in stock|available|carry|any|left)?(?:\s+(?:it|them|any|anymore))?"
        r"(?:\s+(?:ah|ka|a|la|ne|po|nha|right))?\s*\?+$")),
    # "make the soba the same as the ramen", "soba same amount as the rice"
    (ChangeKind.MATCH_COUNT, _rx(
        r"^(?:(?:make|change|set|put|do)\s+)?{ART}(?P<t>[^\d]+?)\s+(?:the\s+)?same(?:\s+(?:amount"
        r"|quantity|qty|count|number))?\s+(?:as|like)\s+{ART}(?P<r>[^\d]+?)(?:\s+(?:one|ones))?$")),
    # "sesame oil only 2", "the limes just 2 cs": a new count for a line already there
    (ChangeKind.SET_QUANTITY, _rx(
        r"^(?:but\s+|and\s+)?{ART}(?P<t>[^\W\d][^\d]*?)\s+(?:only|just|solo|s[oó]lo)\s+"
        r"(?P<q>{NUM})\s*(?P<u>{UNIT})?(?:\s+(?:please|pls|plz|then|thanks|por favor))*$")),
    # "just the rye bread then", "only the limes", "solo las limas entonces"
    (ChangeKind.KEEP_ONLY, _rx(
        r"^(?:(?:ok|okay|fine|then|so|bueno|entonces|vale|pues|damn|dang|darn|shoot|ugh|oh"
        r"|ah|aw|aww|oh well|alright|hmm+|meh|sigh|welp)[\s,]+)*(?:just|only|solo|s[oó]lo"
        r"|nom[aá]s|apenas|seulement|juste|solo|soltanto)\s+{ART}(?P<t>[^\d]+?)"
        r"(?:\s+(?:then|please|pls|entonces|por favor|alors|allora|ent[aã]o))*[?!.]*$")),
    # "leave out the figs if you don't have any", "sin el queso si no hay"
    (ChangeKind.REMOVE_IF_MISSING, _rx(
        r"^(?:skip|drop|leave out|remove|forget|omit|no|sin|quita|s[aá]came|olvida)\s+{ART}"
        r"(?P<t>[^\d]+?),?\s+(?:if|si)\s+(?:you\s+|u\s+)?(?:" + _LACK +
        r"|(?:it'?s|they'?re|is|are)\s+(?:not available|unavailable|out of stock|out)"
        r"|(?:no\s+)?(?:est[aá]n?|est[aá]n)\s+(?:agotad[oa]s?|disponibles?))"
        r"(?:\s+(?:it|them|any|one|those|that|de eso))?[?!.]*$")),
    # "if you don't have the limes, skip them" (the skip may be the next clause)
    (ChangeKind.REMOVE_IF_MISSING, _rx(
        r"^(?:if|si)\s+(?:you\s+)?" + _LACK + r"\s+(?:any\s+)?{ART}(?P<t>[^\d,]+?)(?:,?\s+"
        r"(?:skip|drop|leave|forget|no|sin|omit|qu[ií]t)\w*\b.*)?$")),
    # "6 caramel not vanilla", "white not black", "2 cs limes instead of the lemons"
    (ChangeKind.REPLACE, _rx(
        r"^(?:(?:sorry|actually|oops|wait|correction|i meant|i mean|perd[oó]n|mejor|no)[\s,:]+)*"
        r"(?:(?P<q>{NUM})\s*(?P<u>{UNIT})?\s+(?:of\s+|de\s+)?)?(?P<r>[^\W\d][^\d]*?)\s+"
        r"(?:not|instead of|rather than|en vez de|en lugar de"
        r"|au lieu de|invece di|em vez de|ao inv[eé]s de|y no)\s+(?:the\s+|el\s+|la\s+"
        r"|los\s+|las\s+)?(?P<t>[^\W\d][^\d]*?)$")),
    # "make the lime ones pineapple", "haz las de piña de mango"
    (ChangeKind.REPLACE, _rx(
        r"^(?:make|change|switch|turn)\s+{ART}(?P<t>[^\d]+?)\s+ones?\s+(?:to\s+|into\s+)?"
        r"(?P<r>[^\d]+)$")),
    (ChangeKind.ADD_MORE, _rx(
        rf"^{_ADD_VERBS}?\s*(?P<q>{{NUM}})\s+(?:more|m[aá]s)(?:\s+(?P<u>{{UNIT}}))?\s*(?:of\s+"
        r"|de\s+)?{ART}(?P<t>.*?)$")),
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
        rf"^{_SET_VERBS}\s+{{ART}}(?P<t>.+?)\s+(?:to|at|=|->|a|en|para|pra|[aà])?\s*"
        rf"(?P<q>{{NUM}})\s*"
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
        r"^(?:(?:no|nope|actually|sorry|oops|correction|wait|i meant|i mean"
        r"|mejor(?: que sean)?|que sean|perd[oó]n|espera|corrijo|make that|make it)[\s,:]+)+"
        r"(?P<q>{NUM})\s*(?P<u>{UNIT})?(?:\s+(?:of\s+|de\s+)?"
        r"{ART}(?P<t>.+?))?(?:\s+(?:not|instead of|en vez de|no)\s+{NUM}.*)?$")),
    (ChangeKind.SET_QUANTITY, _rx(
        r"^(?:(?:finalement|finalmente|afinal|al final|en fait|in fact|actually|so|alors"
        r"|entonces|ent[aã]o)[\s,]+)?"
        r"(?P<q>{NUM})\s*(?P<u>{UNIT})?\s+(?:of\s+|de\s+)?{ART}(?P<t>.+?)\s+(?:instead of|not"
        r"|rather than|en vez de|en lugar de"
        r"|au lieu de|invece di|em vez de|ao inv[eé]s de|no)\s+{NUM}\b.*$")),
    # "tilapia 3 instead of 2", "milk 4 not 3"
    (ChangeKind.SET_QUANTITY, _rx(
        r"^{ART}(?P<t>[^\W\d][^\d]*?)\s+(?P<q>{NUM})\s*(?P<u>{UNIT})?\s+(?:instead of|not"
        r"|rather than|en vez de|en lugar de"
        r"|au lieu de|invece di|em vez de|ao inv[eé]s de|no)\s+{NUM}\b.*$")),
    (ChangeKind.REPLACE, _rx(
        r"^(?:change|switch|swap|replace|substitute|sub|exchange|cambia|cambiar|c[aá]mbiame"
        r"|reemplaza|sustituye|cambien|troca|troque|trocar|substitui|sostituisci|remplacez"
        r"|remplace|changez)\s+(?:out\s+)?{ART}(?P<t>.+?)\s+(?:to|for|with|into|by"
        r"|->|→|por|a|pelo|pela|con|par|contre)\s+{ART}(?P<r>.+)$")),
    (ChangeKind.REPLACE, _rx(
        r"^(?:instead of|en vez del?|en lugar del?)\s+{ART}(?P<t>.+?)(?:,\s*(?:_V_\s+)?|\s+_V_\s+)"
        r"(?P<r>.+)$".replace("_V_", r"(?:send|give me|do|get|i'?ll take|we'?ll take|mejor|manda"
                                   r"|m[aá]ndame|pon|ponme)"))),
    (ChangeKind.REPLACE, _rx(
        r"^(?P<r>.+?)\s+(?:instead of|rather than|en vez de|en lugar de"
        r"|au lieu de|invece di|em vez de|ao inv[eé]s de)\s+{ART}(?P<t>.+)$")),
    (ChangeKind.REMOVE, _rx(rf"^{_REMOVE_VERBS}\s+{{ART}}(?P<t>.+?){_FROM_ORDER}$")),
    (ChangeKind.REMOVE, _rx(
        r"^(?:take|leave)\s+{ART}(?P<t>.+?)\s+(?:off|out)(?:\s+of\s+(?:the\s+|my\s+)?"
        r"(?:order|list))?$")),
    (ChangeKind.REMOVE, _rx(
        r"^(?:no|sin|without|minus|except|nada de|sem|senza|sans)\s+(?:more\s+|m[aá]s\s+)?{ART}"
        r"(?P<t>.+)$")),
    (ChangeKind.REMOVE, _rx(
        r"^{ART}(?P<t>.+?)\s+(?:not needed|no longer needed|is not needed|isn'?t needed"
        r"|not anymore|no more|off the order|ya no|no)$")),
    # "make the aprons medium", "make the tea the green one": the line's word, then what it
    # becomes; the agent tries the new words in the old line and as said
    (ChangeKind.REPLACE, _rx(
        r"^(?:make|change|switch)\s+(?:the|my|our|those|these|el|la|los|las)\s+"
        r"(?!(?:delivery|order|invoice|truck|driver|drop|time|payment|bill|date)\b)(?P<t>[^\W\d]"
        r"[\w'-]*)\s+(?:(?:the|a|an)\s+)?(?P<r>[^\d]+?)(?:\s+ones?)?$")),
    # "tilapia - remove", "salmon: 0", "feta x0": the line, then what to do with it
    (ChangeKind.REMOVE, _rx(
        r"^{ART}(?P<t>[^\W\d][^\d:]*?)\s*(?:[-:=–]\s*|\s+|x\s*)(?:remove|delete|cancel|drop"
        r"|none|zero|0|quitar|quita|eliminar|nada)$")),
]
# "coke with no ice" and "tacos sin cebolla" describe one line; they swap nothing.
_DESCRIBES = re.compile(r"\b(?:with|without|con|sin|w/o|no)\b", re.I)
# Targets that make a "remove"/"no" clause something else ("no thanks", "cancel my order").
_NOT_TARGETS = re.compile(
    r"^(thanks?|thank you|thx|problem|problema|worries|rush|prob|need|order|the order|pedido"
    r"|el pedido|orden|everything|todo|all|nada|whole order|whole thing|gracias|way|sir|se[nñ]or"
    r"|it|that|eso|esto|lo|anything|hurry|pasa|te preocupes|needed|necessary|required|available"
    r"|on|off|up|out|back|down|over|in|it off|it up"
    r"|yet|sure|too much|so much|hace falta|necesario|following|the following|below|siguiente"
    r"|lo siguiente|(?:anything|nothing|any of (?:it|that|this|them))(?: \w+){0,3})$",
    re.I,
)


# "hold on, let me check": a pause, not a removal of "let me check".
_PARTICLE = re.compile(r"^(?:off|on|up|back|down|over)\b", re.I)
# Size words a line may be told apart by ("gloves lg" / "gloves med"), both languages.
SIZE_WORDS = _words(
    "xs s sm sml small m md med medium l lg lrg large xl xxl xlarge x-large jumbo chica chico "
    "chicas chicos mediana mediano medianas medianos grande grandes")
_VERB_LED = re.compile(r"(please|pls|can|could|change|make|set|update|i|we|quiero|let|lemme"
                       r"|a sec|one sec|a second|a minute|a moment|one moment|tight|up)\b", re.I)


def complete_replacement(short: str, full: str, target: str | None = None) -> str:
    """Fill a short replacement from the line it replaces: ("20oz", "16oz cups") → "20oz cups".

    With `target` (the words the customer used for the old line), those words are swapped
    for `short` in place: ("caramel", "2 cs vanilla syrup", "vanilla") → "2 cs caramel syrup".
    """
    s_toks, f_toks = short.split(), full.split()
    if short.lower() in SIZE_WORDS:
        # "med" for "2 cs gloves lg": the size word changes, wherever it stands
        for i, tok in enumerate(f_toks):
            if tok.lower() in SIZE_WORDS:
                return " ".join([*f_toks[:i], short, *f_toks[i + 1 :]])
        return f"{full} {short}"
    if target and (m := re.search(rf"(?<!\w){re.escape(target)}(?!\w)", full, re.I)) \
            and len(s_toks) <= 3:
        return f"{full[: m.start()]}{short}{full[m.end() :]}"
    if _GRADE.fullmatch(short) and any(_GRADE.fullmatch(t) for t in f_toks):
        # "16/20" for "scallops 10/20": a count grade swaps for the line's own grade
        return " ".join(short if _GRADE.fullmatch(t) else t for t in f_toks)
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


# a count grade: pieces per pound ("21/25" prawns, "16/20" scallops)
_GRADE = re.compile(r"(?:u-?)?\d{1,3}/\d{1,3}", re.I)
_COUNT_ONLY = _rx(r"^{NUM}\s*(?:{UNIT})?$")


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
        if kind is ChangeKind.REPLACE and _DESCRIBES.search(groups.get("r") or ""):
            continue
        if kind is ChangeKind.REMOVE and (not target or _NOT_TARGETS.match(target)
                                          or _COUNT_ONLY.match(target)):
            continue  # "no, 3" corrects a count; it removes nothing
        if kind is not ChangeKind.REMOVE and _NOT_TARGETS.match(target) and target.lower() \
                not in _IT:
            continue
        if kind is ChangeKind.REMOVE and _PARTICLE.match(target):
            continue  # "hold off for now": a verb's particle, not a line
        if kind is ChangeKind.SET_QUANTITY and (groups.get("q") or "").lower() == "one" \
                and re.search(r"\s(?:the|a|an)\s", f"{target} "):
            continue  # "make the tea the green one": which one, not how many
        q = groups.get("q")
        quantity = _number(q) if q and q.lower() not in {"another", "one more", "an extra"} \
            and not q.lower().startswith(("otr", "una m", "uno m")) else None
        if kind is ChangeKind.ADD_MORE and quantity is None:
            quantity = Decimal(1)
        unit = (groups.get("u") or "").lower() or None
        replacement = said = None
        if kind is ChangeKind.MATCH_COUNT:
            said = _strip_trailing(groups["r"])
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
