"""What the agent says back, rendered from the versioned templates in `prompts/`.

Replies are short enough for SMS: one line per item, the total, and how to confirm.
"""

from __future__ import annotations

from decimal import Decimal

import prompts
from agent.orders import line_total
from agent.turn import Outcome
from db.models import OrderSessionItem
from matching.catalog import CatalogItem

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "MXN": "$", "CAD": "$"}
WORDS = {
    "en": {"check": "please check", "not_found": "Not found in our catalog",
           "unavailable": "Out of stock right now, not on your order",
           "in_stock": "in stock", "out_of_stock": "out of stock right now",
           "review": " Our team will double-check the marked lines.",
           "did_you_mean": "did you mean {options}?", "or": "or",
           "unknown_target": "I could not tell which line you meant",
           "left_out_ask": " (our team will check the lines I could not find)",
           "left_out_done": "\nNot found in our catalog, our team will check: {lines}.",
           "pack": "you asked for {asked}; it is sold by the {selling_unit} of {per_unit} "
                   "{unit}: how many {selling_unit}s?",
           "fraction": "you asked for {asked}; it is sold by the whole {selling_unit}: how "
                       "many {selling_unit}s?",
           "large": "{asked} is far more than one order usually takes: is that right?"},
    "es": {"check": "por favor confirma", "not_found": "No encontrado en el catálogo",
           "unavailable": "Agotado por ahora, no va en tu pedido",
           "in_stock": "disponible", "out_of_stock": "agotado por ahora",
           "review": " Nuestro equipo revisará las líneas marcadas.",
           "did_you_mean": "¿quisiste decir {options}?", "or": "o",
           "unknown_target": "No supe a qué línea te referías",
           "left_out_ask": " (nuestro equipo revisará lo que no encontré)",
           "left_out_done": "\nNo está en el catálogo, nuestro equipo lo revisará: {lines}.",
           "pack": "pediste {asked}; se vende por {selling_unit} de {per_unit} {unit}: "
                   "¿cuántos quieres?",
           "fraction": "pediste {asked}; se vende por {selling_unit} completo: ¿cuántos "
                       "quieres?",
           "large": "{asked} es mucho más de lo habitual en un pedido: ¿es correcto?"},
    "pt": {"check": "por favor confira", "not_found": "Não encontrado no catálogo",
           "unavailable": "Esgotado no momento, fora do seu pedido",
           "in_stock": "disponível", "out_of_stock": "esgotado no momento",
           "review": " Nossa equipe vai revisar as linhas marcadas.",
           "did_you_mean": "você quis dizer {options}?", "or": "ou",
           "unknown_target": "Não entendi a qual linha você se referia",
           "left_out_ask": " (nossa equipe vai verificar o que não encontrei)",
           "left_out_done": "\nNão está no catálogo, nossa equipe vai verificar: {lines}.",
           "pack": "você pediu {asked}; é vendido por {selling_unit} de {per_unit} {unit}: "
                   "quantos você quer?",
           "fraction": "você pediu {asked}; é vendido por {selling_unit} inteiro: quantos "
                       "você quer?",
           "large": "{asked} é muito mais do que um pedido costuma ter: está certo?"},
    "fr": {"check": "à vérifier", "not_found": "Introuvable dans notre catalogue",
           "unavailable": "En rupture pour le moment, pas dans votre commande",
           "in_stock": "en stock", "out_of_stock": "en rupture pour le moment",
           "review": " Notre équipe vérifiera les lignes marquées.",
           "did_you_mean": "vouliez-vous dire {options} ?", "or": "ou",
           "unknown_target": "Je n'ai pas compris de quelle ligne vous parliez",
           "left_out_ask": " (notre équipe vérifiera ce que je n'ai pas trouvé)",
           "left_out_done": "\nIntrouvable dans le catalogue, notre équipe vérifiera : {lines}.",
           "pack": "vous avez demandé {asked} ; c'est vendu par {selling_unit} de {per_unit} "
                   "{unit} : combien en voulez-vous ?",
           "fraction": "vous avez demandé {asked} ; c'est vendu par {selling_unit} entier : "
                       "combien en voulez-vous ?",
           "large": "{asked}, c'est bien plus qu'une commande habituelle : est-ce correct ?"},
    "it": {"check": "da verificare", "not_found": "Non trovato nel catalogo",
           "unavailable": "Esaurito al momento, non è nel tuo ordine",
           "in_stock": "disponibile", "out_of_stock": "esaurito al momento",
           "review": " Il nostro team controllerà le righe segnate.",
           "did_you_mean": "intendevi {options}?", "or": "o",
           "unknown_target": "Non ho capito a quale riga ti riferivi",
           "left_out_ask": " (il nostro team controllerà quello che non ho trovato)",
           "left_out_done": "\nNon è nel catalogo, il nostro team controllerà: {lines}.",
           "pack": "hai chiesto {asked}; si vende a {selling_unit} da {per_unit} {unit}: "
                   "quanti ne vuoi?",
           "fraction": "hai chiesto {asked}; si vende a {selling_unit} intero: quanti ne "
                       "vuoi?",
           "large": "{asked} è molto più di quanto preveda di solito un ordine: è corretto?"},
}
# what the code fills into each reply template: tests/agent/test_replies.py holds every
# template's variables to this, so a template and its caller cannot drift apart
VARIABLES: dict[str, frozenset[str]] = {
    "summary": frozenset({"lines", "problems", "total", "left_out"}),
    "confirmed": frozenset({"lines", "total", "left_out", "review"}),
    "unresolved": frozenset({"problems"}),
    "unavailable": frozenset({"lines"}),
    "referred": frozenset(),
    "help": frozenset({"summary"}),
    "product_info": frozenset({"name", "availability", "price", "unit"}),
    "cancelled": frozenset(), "handoff": frozenset(), "nothing": frozenset(),
    "card_notice": frozenset(), "timeout": frozenset(), "reminder": frozenset({"count", "total"}),
}
MAX_OPTIONS = 3


def language(lang: str | None) -> str:
    """The reply language: the customer's when we have its fixed phrases, else English."""
    code = (lang or "").lower()[:2]
    return code if code in WORDS else "en"


def money(amount: Decimal | None, currency: str) -> str:
    """A price as customers read it ($27.50)."""
    if amount is None:
        return "—"
    symbol = SYMBOLS.get(currency, currency + " ")
    return f"{symbol}{Decimal(amount):,.2f}"


def render(kind: str, lang: str, **values: object) -> tuple[str, str]:
    """Render template `reply_<kind>_<lang>`; returns the text and its `name@version`."""
    prompt = prompts.load(f"reply_{kind}_{language(lang)}")
    return prompt.render(**values), prompt.id


def _qty(q: Decimal) -> str:
    return f"{Decimal(q).normalize():f}"


def _options(alternatives: list[dict], lang: str) -> str:
    """ "A, B or C" from up to three alternatives stored with a line."""
    names = list(dict.fromkeys(a["name"] for a in alternatives if a.get("name")))[:MAX_OPTIONS]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {WORDS[language(lang)]['or']} {names[-1]}"


def summary_lines(items: list[OrderSessionItem], threshold: Decimal, currency: str,
                  lang: str) -> tuple[str, Decimal]:
    """One line per read item ("2 x Whole Milk 1 Gallon - $55.00") and the order total."""
    words = WORDS[language(lang)]
    lines, total = [], Decimal(0)
    for item in items:
        if item.product_id is None:
            continue
        amount = line_total(item)
        total += amount or 0
        note = (item.item_metadata or {}).get("quantity_note")
        unsure = Decimal(item.ai_confidence or 0) < threshold
        # an unsure line quotes the customer's words, so they see what it was read from
        said = (item.item_metadata or {}).get("text")
        check = f"{words['check']}: “{said}”" if said else words["check"]
        mark = f" ({words[note.get('kind', 'pack')].format(**note)})" if note else \
            f" ({check})" if unsure else ""
        lines.append(f"- {_qty(item.quantity)} x {item.product_name} - "
                     f"{money(amount, currency)}{mark}")
    return "\n".join(lines), total


def problems(items: list[OrderSessionItem], outcome: Outcome, lang: str) -> str:
    """Each line that could not be read, with up to three catalog products it may mean."""
    words = WORDS[language(lang)]
    rows = []
    for item in items:
        if item.product_id is not None:
            continue
        meta = item.item_metadata or {}
        text = meta.get("text") or item.product_name
        options = _options(meta.get("alternatives") or [], lang)
        ask = f": {words['did_you_mean'].format(options=options)}" if options else ""
        rows.append(f"- “{text}”{ask}")
    if outcome.unknown_targets:
        rows.append(f"- {words['unknown_target']}: "
                    + ", ".join(f"“{t}”" for t in outcome.unknown_targets))
    return "\n".join(rows)


def unavailable_lines(unavailable: list[OrderSessionItem]) -> str:
    """One line per out-of-stock product asked for: its name and the customer's words."""
    rows = []
    for item in unavailable:
        said = (item.item_metadata or {}).get("text")
        rows.append(f"- {item.product_name}" + (f" (“{said}”)" if said else ""))
    return "\n".join(rows)


def summary(items: list[OrderSessionItem], outcome: Outcome, threshold: Decimal, currency: str,
            lang: str, unavailable: list[OrderSessionItem] | None = None) -> tuple[str, str]:
    """The order summary, a question about each line not read, the lines out of stock
    (never on the order), how to confirm.

    With no line read there is nothing to confirm: each line is asked about instead.
    """
    words = WORDS[language(lang)]
    gone = f"\n{words['unavailable']}:\n{unavailable_lines(unavailable)}" if unavailable \
        else ""
    if not any(i.product_id is not None for i in items):
        if unavailable and not items and not outcome.unknown_targets:
            return render("unavailable", lang, lines=unavailable_lines(unavailable))
        text, pid = unresolved(items, outcome, lang)
        return text + gone, pid
    lines, total = summary_lines(items, threshold, currency, lang)
    asked = problems(items, outcome, lang)
    heading = (f"\n{words['not_found']}:\n{asked}" if asked else "") + gone
    left_out = words["left_out_ask"] if any(i.product_id is None for i in items) else ""
    return render("summary", lang, lines=lines, problems=heading,
                  total=money(total, currency), left_out=left_out)


def unresolved(items: list[OrderSessionItem], outcome: Outcome, lang: str) -> tuple[str, str]:
    """No line could be read: ask about each, offer nothing to confirm."""
    return render("unresolved", lang, problems=problems(items, outcome, lang))


def product_info(item: CatalogItem, currency: str, lang: str) -> str:
    """A grounded answer about one catalog item: availability and price."""
    words = WORDS[language(lang)]
    text, _ = render("product_info", lang, name=item.name,
                     availability=words["in_stock" if item.in_stock else "out_of_stock"],
                     price=money(item.unit_price, currency), unit=item.unit)
    return text


def confirmed(items: list[OrderSessionItem], total: Decimal, needs_review: bool,
              left_out: list[str], currency: str, lang: str,
              unavailable: list[OrderSessionItem] | None = None) -> tuple[str, str]:
    """The confirmation of a placed order: what will ship, what staff will check, and
    what is out of stock and so not on it."""
    words = WORDS[language(lang)]
    lines, _ = summary_lines(items, Decimal(0), currency, lang)
    review = words["review"] if needs_review else ""
    gone = words["left_out_done"].format(lines=", ".join(f"“{t}”" for t in left_out)) \
        if left_out else ""
    if unavailable:
        names = ", ".join(i.product_name for i in unavailable)
        gone += f"\n{words['unavailable']}: {names}."
    return render("confirmed", lang, lines=lines, total=money(total, currency),
                  left_out=gone, review=review)
