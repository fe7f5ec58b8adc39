"""Rule-based reading of one customer message: intent, order lines, changes, questions, handoff.

Pure and fast (no I/O). Line-level parsing (quantity, unit, product mention) belongs to
`matching.parse`; here a message becomes order-line strings ready for it. `confidence` says
how sure the rules are, so the optional LLM is asked only about the unsure.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import replace

from matching.parse import parse_line
from reading.changes import _change
from reading.corrections import drop_self_corrections
from reading.fillers import _ADD_END, _ADD_START, _CHIT_CHAT, _strip_leading
from reading.grammar import _number, _rx
from reading.intents import (
    _complaint,
    _handoff,
    _question,
    _whole_message,
    asks_to_wait,
    bare_yes,
    cancel_reason,
    explicit_confirm,
    leading_cancel,
    remedy_asked,
)
from reading.lines import (
    _HANDOFF_CONFIDENCE,
    _INSTEAD_FIRST,
    _INTRO,
    MAX_CHARS,
    _compounds,
    _is_bare,
    _is_size_tail,
    _read_clause,
    _sentences,
    _strip_closing_name,
    is_admin_line,
    spell_size,
    strip_request,
)
from reading.references import accessory_line, like_line, same_count_line
from reading.segment import LineName, LineScore, carry_label, rejoin
from reading.signature import strip_contact_block
from reading.tables import read_tables
from reading.text import (
    Language,
    detect_language,
    dictated_twos,
    front_quantity,
    is_greeting_line,
    is_sign_off,
    normalize,
    split_clauses,
    split_run_on,
    strip_greetings,
    strip_name_lines,
    strip_quoted,
    strip_signature,
)
from reading.types import Change, ChangeKind, Extraction, HandoffReason, Intent, QuestionKind

# A removal whose target is the order itself is a cancellation.
_WHOLE_ORDER = re.compile(r"^(?:the |my |our |this |that )?(?:whole |entire )?(?:order|everything"
                          r"|all of it|all|whole thing|thing|pedido|todo|orden)\b", re.I)


# "proceed without the mangoes", "está bien sin el queso": a yes that carries a removal.
_GO_WITHOUT = re.compile(r"^(?P<go>.+?)\s+(?P<rest>(?:without|minus|except|but no|but without|sin"
                         r"|pero sin|menos|excepto|sans|senza|sem)\s.+)$", re.I)


# "Jarritos: 5 mandarin, 5 lime": a label over several counted lines names each of them.
_LABEL = re.compile(r"^(?P<label>[^\W\d][^:\d]{1,30}):\s*(?P<rest>(?:\d|[^\W\d]{1,3}\s*x\s?\d).*)$")
_NOTE_AFTER = re.compile(r"\s*\((?:the |los |las |el |la )?(?P<note>[^()\d]{2,40})\)\s*$", re.I)
# "Black beans, dry: 2 bags": a product, its modifier, then the count.
# "Lamb shoulder, boneless - 30 lbs", "Ham, smoked, sliced - 2 cases" too.
_MODIFIER_PAIR = re.compile(r"^(?P<a>[^\W\d][^\d,:;]{1,40})(?P<b>(?:,\s*[^\d,:;-]{1,30}){1,3}?)"
                            r"\s*(?P<sep>:|\s-)\s*(?=\d)")


def _label_pairs(sentence: str) -> str:
    """Rewrite "label: 5 a, 5 b" as "5 a label, 5 b label"; join "A, modifier: qty"."""
    sentence = _MODIFIER_PAIR.sub(
        lambda m: f"{m['a']} {m['b'].replace(',', ' ').strip()}{m['sep']} ", sentence)
    m = _LABEL.match(sentence)
    # "we need cups: 2 cs A, 1 cs B": the request words are no part of the label
    label = strip_request(m["label"].strip()) if m else ""
    if not m or not label or _HEADER_WORDS.search(label):
        return sentence
    rest = m["rest"]
    if note := _NOTE_AFTER.search(rest):
        # "gloves: S x1, M x2 (the black nitrile)": a closing note qualifies every line
        label, rest = f"{label} {note['note']}", rest[: note.start()]
    # "syrups: 2 mint 3 peach", "gloves: S x1, M x2"
    parts = [front_quantity(spell_size(run, labelled=True))
             for p in re.split(r"\s*[,;]\s*|\s+(?:and|y|&)\s+", rest)
             for run in split_run_on(p.strip())]
    if len(parts) < 2 or not all(re.match(r"\d", p) for p in parts):
        return sentence
    return ", ".join(f"{p} {label}" for p in parts)


_HEADER_WORDS = re.compile(r"\b(order|pedido|list|lista|items|week|semana|for|para|here|below"
                           r"|following|siguiente|send|enviar|need|necesito|please|delivery"
                           r"|entrega|truck|add|today|tomorrow|tonight|ma[nñ]ana|hoy)\b"
                           # "to friday's truck: 2 cs A": where the lines go names no product
                           r"|^(?:to|on|at|by|in|with|from|a|de|pour|per)\b", re.I)


def _join_list_line(clauses: list[str]) -> list[str]:
    """Glue a bare count back to the product before it: "Large eggs, 10 cases"; and a bare
    size after a line to it: "3 cs aprons, medium", "6 cs deli tubs, 32 oz"."""
    out: list[str] = []
    for clause in clauses:
        if out and not _is_bare(out[-1]) and _is_size_tail(clause):
            out[-1] = f"{out[-1]} {clause.strip()}"
        elif out and _is_bare(clause) and parse_line(out[-1]).unit in (None, "lb", "kg", "gal") \
                and not _is_bare(out[-1]) and re.search(r"[^\W\d_]{2}", out[-1]):
            out[-1] = f"{out[-1]} - {clause}"
        else:
            out.append(clause)
    return out


_SAME_FIRST = re.compile(r"^(?:and\s+|y\s+)?(?:the\s+)?(?:same|lo mismo|igual)\b", re.I)
_SAME_COUNT = _rx(r"^(?:the same|same|las mismas|los mismos|mismas|mismos)\s+(?P<q>{NUM})\s*"
                  r"(?:{UNIT})?$|^(?P<q2>{NUM})\s*(?:{UNIT})?\s+(?:the same|las mismas"
                  r"|los mismos)$")


_IF_UNAVAILABLE = re.compile(
    r"\bif (?:you )?(?:don'?t|do not|can'?t|cannot) (?:have|get|find)\b|\bif (?:it'?s |they'?re )?"
    r"(?:not available|unavailable|out of stock|out)\b|\bsi no (?:hay|tienen|tienes|hubiera"
    r"|est[aá] disponible)\b", re.I)


# "how much is the X? and the Y?": the second asks the same about another product.
_FOLLOW_UP = _rx(r"^(?:and|y|or|o|also|tambi[eé]n|what about|how about|qu[eé] tal|and what about)"
                 r"\s+{ART}(?P<m>[^\d?]{1,40})\?$")


def _corrected_count(sentence: str) -> bool:
    """ "no wait, 3", "sorry, 4": a new count for the line just ordered, commas and all."""
    change = _change(sentence.strip(" .!"), None)
    return change is not None and change.kind is ChangeKind.SET_QUANTITY \
        and change.target is None and len(sentence) < 40


# "its Minh from Golden Bowl need 5 cs ...", "soy Ana de La Palma": who writes, not a line
_WHO = (r"(?:this is|it'?s|its|i'?m|im|soy|habla|le escribe|te escribe|c'?est|sono|aqui [eé])\s+"
        r"[^\d,.!?:;]{1,40}?\s+(?:from|de|at|with|of|del|here|da|di)\b[^\d,.!?:;]{0,40}?")
_INTRO_ONLY = re.compile(rf"^{_WHO}[\s.!]*$", re.I)
_INTRO_LEAD = re.compile(
    rf"^{_WHO}\s+(?=(?:and\s+|,\s*)?(?:(?:i|we)\s+)?(?:need|needs|want|would like|'?d like"
    r"|can i|could i|can we|could we|can you|could you|order|pls|please|send|necesito"
    r"|necesitamos|quiero|queremos|para|me mandas|nos mandas)\b)", re.I)
# "ok, just the X then": agreeing, keeping one line, done
_SETTLED = re.compile(r"^(?:\w+[\s,]+)?(?:ok|okay|fine|alright|all right|oh well)\b.*"
                      r"\bthen[\s.!]*$", re.I)
# "Confirmed - bill the uptown store": the go-ahead, then a note
_ANSWER_HEAD = re.compile(r"\s*[:;–—]\s+|\s+-\s+")
_DURATION = re.compile(r"^(?:a|an|one|two|three|four|few|couple|\d+)\s*(?:more\s+)?(?:weeks?|wks?"
                       r"|days?|months?|hours?|hrs?|mins?|minutes?|semanas?|d[ií]as?|meses)$",
                       re.I)
_SKIP_IT = re.compile(r"^(?:(?:ok|okay|then|so|fine|np)[\s,]+)*(?:skip|drop|remove|leave|forget"
                      r"|cancel|scratch|no need)(?:\s+(?:it|that|them|those|out|then))*$", re.I)
_USE_INSTEAD = re.compile(r"^(?:(?:ok|okay|then|so|fine)[\s,]+)*(?:use|take|send|give me|get"
                          r"|do|try|go with)\s+(?P<r>[^\W\d][^\d]*?)(?:\s+instead)?$", re.I)


def _lacking(sentence: str) -> bool:
    """ "squid no stock?": the customer read that we lack a line (a change, not a question)."""
    change = _change(sentence.strip(), None)
    return change is not None and change.kind is ChangeKind.REMOVE_IF_MISSING


def _questions(sentences: list[str]) -> list[tuple[QuestionKind, str | None] | None]:
    """The question each sentence asks, a follow-up "and the Y?" taking the one before's kind."""
    out: list[tuple[QuestionKind, str | None] | None] = []
    for sentence in sentences:
        q = _question(sentence)
        if q is None and out and out[-1] and (m := _FOLLOW_UP.match(sentence.strip())):
            q = (out[-1][0], m["m"].strip())
        out.append(q)
    return out


_PRICE_REQUEST = re.compile(
    r"\b(?:send|give|get|email|quote)\s+(?:me|us)\s+(?:the\s+|your\s+|some\s+)?(?:pricing|prices"
    r"|price list|a quote|quotes|a price)\b|\bpricing (?:for|on) the following\b"
    r"|\b(?:cot[ií]zame|cot[ií]zanos|me pasas? (?:los )?precios|p[aá]same (?:los )?precios)\b",
    re.I)
# "quote and hold the following": reserve it, the lines stand
_HOLD = re.compile(r"\b(?:hold|reserve|set aside|put aside|ap[aá]rtame|reserva)\b", re.I)
_ADDING = frozenset({ChangeKind.ADD_FOR, ChangeKind.ADD_LIKE, ChangeKind.SAME_COUNT})


# "2 cs 12oz cold cups, 2 cs lids": a lid named alone, right after a line, is that line's lid
_BARE_ACCESSORY = re.compile(r"^(?:lids?|sleeves?|tapas?|couvercles?|tampas?|coperchi|tapitas)$",
                             re.I)


def _bare_accessories(items: list[str]) -> list[str]:
    """Each bare accessory line ("3 cs lids") made the accessory of the line before it."""
    out: list[str] = []
    for item in items:
        parsed = parse_line(item)
        if out and parsed.quantity is not None and parsed.size is None \
                and _BARE_ACCESSORY.match(parsed.mention.strip()):
            item = accessory_line(parsed.mention.strip(), out[-1], parsed.quantity, parsed.unit)
        out.append(item)
    return out


def _within_message(change: Change, items: list[str]) -> str | None:
    """An accessory or look-alike of a line of this same message, as an order line."""
    if change.kind is ChangeKind.SAME_COUNT and items and change.said:
        return same_count_line(change.said, items[-1])
    if change.kind is ChangeKind.ADD_LIKE and items and change.target is None and change.said:
        return like_line(change.said, items[-1], change.quantity, change.unit)
    if change.kind is not ChangeKind.ADD_FOR or not change.replacement or not items:
        return None
    target = items[-1]
    if change.target:
        words = set(change.target.lower().split())
        named = next((i for i in reversed(items) if words & set(i.lower().split())), None)
        if named is None:  # "2 cs napkins for the dining room": a purpose, not a line
            qty = f"{change.quantity} {change.unit or ''} " if change.quantity else ""
            return f"{qty}{change.replacement}".strip()
        target = named
    # Replayed with the agent's ADD_FOR resolution too: the line built here matched the
    # fitting accessory more often, so a reference within one message is resolved here.
    return accessory_line(change.replacement, target, change.quantity, change.unit)


# "Mai", "- Tom": a lone capitalised word closing a short reply is its writer's name
_NAME_WORD = re.compile(r"^[-~–—\s]*[A-Z][a-z]+[.!]?$")
_PRODUCT_LIKE = 0.5


def _signed_name(sentence: str, line_score: LineScore | None) -> bool:
    """True for a last sentence that is only a name (and not a product of the catalog)."""
    return bool(_NAME_WORD.match(sentence.strip())) and (
        line_score is None or line_score(sentence.strip(" -~–—.!")) < _PRODUCT_LIKE)


def extract(text: str, *, lang: str | None = None, known_names: Collection[str] = (),
            line_score: LineScore | None = None, default_lang: str | None = None,
            line_name: LineName | None = None) -> Extraction:
    """Read one customer message: intent, order lines, changes, question and handoff.

    `line_score`, when given, says how well a candidate line names one catalog product
    (0..1); it decides between readings of run-ons and of "a and b"; `line_name`, the name
    of the product a line reads as, tells "sal y pimienta" (one name) from two lines.
    `default_lang` is the
    conversation's language so far: a message with no sign of its own ("ok", "2 cs") keeps it.
    """
    # tables first: their columns are lined up with spaces that normalising tidies away
    body = strip_contact_block(strip_signature(strip_quoted(normalize(read_tables(
        text[:MAX_CHARS])))))
    cleaned = drop_self_corrections(strip_greetings(body))
    code = (lang or "")[:2].lower()
    known = {str(lang) for lang in Language}
    default = (default_lang or "")[:2].lower()
    language = Language(code) if code in known else detect_language(
        body, Language(default) if default in known else Language.EN)
    reason = _handoff(body)
    common = {"language": language, "text": cleaned, "handoff": reason is not None,
              "handoff_reason": reason}
    if not cleaned:
        greeting = bool(body) and all(is_greeting_line(ln) for ln in body.split("\n") if ln)
        return Extraction(Intent.GREETING if greeting else Intent.OTHER,
                          confidence=0.95 if greeting else 0.3, **common)

    sentences = _sentences(_strip_closing_name(cleaned))
    kinds = _questions(sentences)
    asked = [(s, q) for s, q in zip(sentences, kinds, strict=True) if q]
    rest = [s for s, q in zip(sentences, kinds, strict=True) if not q]
    question = {}
    if asked:
        (q_text, (kind, mention)) = asked[0]
        question = {"question": q_text, "question_kind": kind, "question_mention": mention}
    # "Yes, go ahead.\n\nMaria": a reply's closing name is no part of the answer.
    short = [s for s in _sentences(strip_name_lines(cleaned))
             if not _question(s) and not is_sign_off(s)]
    if len(short) > 1 and _signed_name(short[-1], line_score):
        short = short[:-1]  # "Yes that is right. Mai": the answer, then who gave it
    whole = _whole_message(" ".join(short)) if not reason else None
    if whole:
        return Extraction(whole[0], confidence=whole[1], **question, **common,
                          confirm=whole[0] is Intent.CONFIRM)

    compounds = _compounds(frozenset(known_names))
    items: list[str] = []
    changes: list[Change] = []
    unparsed: list[str] = []
    complaints: list[str] = []
    cancelled = confirmed = explicit = False
    lacking: Change | None = None
    loose: list[str] = []
    introduced = False
    adding = bool(_ADD_START.match(_CHIT_CHAT.sub("", cleaned)))
    for n, sentence in enumerate(rest):
        if is_sign_off(sentence):
            continue  # "Thanks, Rob" closing a one-paragraph email
        if reason and _complaint(sentence):
            # "we were shorted a case of X", "the X tasted sour": what a complaint names is
            # not an order, nor a change to one; the other sentences may still order
            complaints.append(sentence)
            unparsed.append(sentence)
            continue
        if is_admin_line(sentence):
            continue  # "Ship to: 12 Elm St", "Please send the following:"
        if asked and sentence.rstrip().endswith("?") and not any(c.isdigit() for c in sentence) \
                and not _lacking(sentence):
            # "do you carry X? white and yellow?": the asking goes on; no count, no line
            unparsed.append(sentence)
            continue
        if _INTRO_ONLY.match(sentence.strip()):
            introduced = True  # "soy Ana de La Palma": the writer, not a line
            continue
        sentence = _INTRO_LEAD.sub("", sentence.strip())
        if _lacking(sentence):
            # "squid no stock?": drop the line if we lack it; "ok skip" / "use X" may follow
            changes.append(change := _change(sentence.strip(), None))
            lacking = change
            continue
        adding = adding or bool(_ADD_END.search(sentence))
        sentence = sentence.rstrip("?")
        clauses = [sentence] if _INSTEAD_FIRST.match(sentence) or _SAME_FIRST.match(sentence) \
            or _corrected_count(sentence) else \
            _join_list_line(split_clauses(_label_pairs(dictated_twos(sentence)), compounds))
        if line_score is not None and len(clauses) > 1:
            clauses = rejoin(clauses, sentence, line_score, line_name)
        previous: Change | None = lacking
        talk = False
        for clause in clauses:
            if lacking is not None and _SKIP_IT.match(clause.strip(" .!")):
                continue  # "tofu u dont have? ok skip": said already
            if lacking is not None and lacking in changes and not _whole_message(clause) and (
                    m := _USE_INSTEAD.match(clause.strip(" .!"))):
                # "mint not have? ok use basil": the missing line becomes another product
                changes[changes.index(lacking)] = previous = Change(
                    ChangeKind.REPLACE, lacking.target, replacement=m["r"], said=m["r"])
                lacking = None
                continue
            if reason and (_handoff(clause) or (talk and parse_line(clause).quantity is None)):
                # "can I talk to someone" names no product, nor does what the talk is about
                # ("to go over prices on cups and lids")
                unparsed.append(clause)
                talk = True
                continue
            if (m := _GO_WITHOUT.match(clause)) and (_whole_message(m["go"]) or (None,))[0] \
                    is Intent.CONFIRM:
                # "ok proceed without the X": a go-ahead and a removal; "ok, so without the
                # X" only agrees, and a later "confirm" decides
                explicit, clause = explicit or explicit_confirm(m["go"]), m["rest"]
            head, note = ([*_ANSWER_HEAD.split(clause, maxsplit=1), ""])[:2]
            if note and explicit_confirm(head):
                explicit, clause = True, note  # "Confirmed - please invoice the other site"
            if _IF_UNAVAILABLE.search(clause):
                # "skip the X if you don't have it": the agent drops X only if it was not read
                if (change := _change(_strip_leading(clause).strip(" .!"), None)) \
                        and change.kind is ChangeKind.REMOVE_IF_MISSING:
                    changes.append(change)
                    previous = change
                continue
            answer = (_whole_message(clause) or (None,))[0]
            if answer is Intent.CANCEL:
                cancelled = True  # "we're closed tomorrow, cancel the order please"
                continue
            if answer is None and leading_cancel(clause):
                cancelled = True  # "nvm, picked some up at the store": the rest is the reason
                continue
            if answer is Intent.CONFIRM and explicit_confirm(clause):
                explicit = True  # "drop the limes, the rest is fine": change, then confirm
                continue
            if changes and not items and clause == sentence and n == len(rest) - 1 \
                    and bare_yes(clause):
                explicit = True  # "only the rye bread then. yes": the change, then the answer
                continue
            if answer is Intent.CONFIRM:
                # "yes, and please deliver before 10"; after a change ("no kale? ok, the rest
                # is fine") an agreeing word only agrees: never an order line
                confirmed = confirmed or not (items or changes or unparsed)
                continue
            if previous and previous.kind is ChangeKind.REPLACE and (m := _SAME_COUNT.match(
                    clause)):
                # "instead of the bolillo, telera - the same 4 cases": the new line's count
                changes[-1] = previous = replace(previous, quantity=_number(m["q"] or m["q2"]))
                continue
            change, lines, leftover = _read_clause(clause, previous, line_score)
            if change and change.kind is ChangeKind.REMOVE and change.target is None \
                    and previous and previous.kind is ChangeKind.REMOVE_IF_MISSING:
                continue  # "if you don't have the figs, skip them": said already
            if change and (line := _within_message(change, items)):
                items.append(line)  # "2 cs 12oz cups and lids for those": both known here
                continue
            if change and change.kind is ChangeKind.KEEP_ONLY and _SETTLED.match(clause.strip()):
                explicit = True  # "ok just the brie then": the choice made, the rest goes
            previous = change
            changes += [change] if change else []
            items += lines
            if not any(c.isdigit() for c in clause) and not _ADD_START.match(
                    _CHIT_CHAT.sub("", clause.strip())):
                loose += lines  # no count, no "add": perhaps a note, not a line
            unparsed += [leftover] if leftover else []

    if line_score is not None and len(items) > 1:
        items = carry_label(items, line_score)
    items = _bare_accessories(items)
    if question.get("question_mention"):
        # "do you have burrata? if so I'll take 2": the line's product is the one asked about
        items += [f"{u} {question['question_mention']}" for u in unparsed if _is_bare(u)]
        unparsed = [u for u in unparsed if not _is_bare(u)]
    whole_order = [c for c in changes if c.kind is ChangeKind.REMOVE and c.target
                   and _WHOLE_ORDER.match(c.target)]
    if whole_order and len(whole_order) == len(changes):
        changes, cancelled = [], True  # "hold off on the whole order for now"
    if explicit and not changes and items and all(i in loose for i in items):
        # "Confirmed, deliver to the back door": what follows a go-ahead without a count is
        # a note for the delivery, no new line
        unparsed, items = unparsed + items, []
    if cancelled or cancel_reason(cleaned):
        # "we're shut for repairs 3 days": a stretch of time is no order line
        unparsed += [i for i in items if _DURATION.match(i)]
        items = [i for i in items if not _DURATION.match(i)]
    if (cancelled or cancel_reason(cleaned)) and not changes and not explicit \
            and all(parse_line(i).quantity is None for i in items):
        unparsed, items = unparsed + items, []  # "forget it, we got it elsewhere": no lines
    if items and not changes and _PRICE_REQUEST.search(cleaned) and not _HOLD.search(cleaned):
        # "send me pricing for the following: ...": a list to price, not yet an order
        question = {"question": cleaned, "question_kind": QuestionKind.PRICE,
                    "question_mention": None}
        asked, unparsed, items = [(cleaned, (QuestionKind.PRICE, None))], unparsed + items, []
    if reason is HandoffReason.ANGRY:
        unparsed, items, changes = unparsed + items, [], []
    if reason is HandoffReason.COMPLAINT and items and not remedy_asked(cleaned):
        # "the eggs came cracked last time, btw. 2 cs eggs": a remark beside a new order, asking for
        # nothing: the order goes on, and the remark is passed on to staff as a question
        reason = None
        common |= {"handoff": False, "handoff_reason": None}
        unparsed = [u for u in unparsed if u not in complaints]
        question = question or {"question": " ".join(complaints),
                                "question_kind": QuestionKind.OTHER, "question_mention": None}
    if reason:
        intent, confidence = Intent.HANDOFF, _HANDOFF_CONFIDENCE[reason]
    elif not items and not changes and not explicit and (cancelled or cancel_reason(cleaned)):
        intent, confidence = Intent.CANCEL, 0.8
    elif (confirmed or explicit) and not items and not changes:
        intent, confidence = Intent.CONFIRM, 0.7  # a yes plus a note: sure enough to ask
    elif changes and {c.kind for c in changes} <= _ADDING and items:
        # "cups and the lids for them": lines, and an accessory the agent adds after them
        intent, confidence = (Intent.ADD if adding else Intent.ORDER), 0.85
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
    elif (unparsed or introduced) and all(_INTRO.match(u) for u in unparsed):
        intent, confidence, unparsed = Intent.GREETING, 0.8, []
    else:
        intent, confidence = Intent.OTHER, 0.3
    if unparsed and intent in (Intent.ORDER, Intent.ADD, Intent.MODIFY, Intent.REMOVE):
        confidence -= 0.2
    confirm = intent is Intent.CONFIRM or (explicit and intent is not Intent.HANDOFF)
    # "let me check the freezer first": nothing to do but keep the order open
    hold = intent in (Intent.OTHER, Intent.GREETING) and asks_to_wait(cleaned)
    if hold:
        intent, confidence, unparsed = Intent.OTHER, 0.8, []
    return Extraction(intent, items, changes, **question, confidence=confidence,
                      unparsed=unparsed, **common, confirm=confirm, hold=hold)
