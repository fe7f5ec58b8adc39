"""What the agent says back, rendered from the versioned templates in `prompts/`.

Replies are short enough for SMS: one line per item, the total, and how to confirm.
"""

from __future__ import annotations

from decimal import Decimal

import prompts
from agent.turn import Outcome, line_total
from db.models import OrderSessionItem
from matching.catalog import CatalogItem

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "MXN": "$", "CAD": "$"}
WORDS = {
    "en": {"check": "please check", "not_found": "Not found in our catalog",
           "in_stock": "in stock", "out_of_stock": "out of stock right now",
           "review": " Our team will double-check the marked lines."},
    "es": {"check": "por favor confirma", "not_found": "No encontrado en el catálogo",
           "in_stock": "disponible", "out_of_stock": "agotado por ahora",
           "review": " Nuestro equipo revisará las líneas marcadas."},
}


def language(lang: str | None) -> str:
    """The reply language: Spanish or English (the default)."""
    return "es" if (lang or "").lower().startswith("es") else "en"


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


def summary_lines(items: list[OrderSessionItem], threshold: Decimal, currency: str,
                  lang: str) -> tuple[str, Decimal]:
    """One line per item ("2 x Whole Milk 1 Gallon - $55.00") and the order total."""
    words = WORDS[language(lang)]
    lines, total = [], Decimal(0)
    for item in items:
        if item.product_id is None:
            continue
        amount = line_total(item)
        total += amount or 0
        unsure = Decimal(item.ai_confidence or 0) < threshold
        mark = f" ({words['check']})" if unsure else ""
        lines.append(f"- {_qty(item.quantity)} x {item.product_name} - "
                     f"{money(amount, currency)}{mark}")
    return "\n".join(lines), total


def summary(items: list[OrderSessionItem], outcome: Outcome, threshold: Decimal, currency: str,
            lang: str) -> tuple[str, str]:
    """The order summary with what was not understood and how to confirm."""
    lines, total = summary_lines(items, threshold, currency, lang)
    words = WORDS[language(lang)]
    missing = [i.item_metadata.get("text") or i.product_name for i in items
               if i.product_id is None]
    missing += outcome.unknown_targets
    problems = f"\n{words['not_found']}: {', '.join(missing)}" if missing else ""
    return render("summary", lang, lines=lines, problems=problems, total=money(total, currency))


def product_info(item: CatalogItem, currency: str, lang: str) -> str:
    """A grounded answer about one catalog item: availability and price."""
    words = WORDS[language(lang)]
    text, _ = render("product_info", lang, name=item.name,
                     availability=words["in_stock" if item.in_stock else "out_of_stock"],
                     price=money(item.unit_price, currency), unit=item.unit)
    return text


def confirmed(count: int, total: Decimal, needs_review: bool, currency: str, lang: str
              ) -> tuple[str, str]:
    """The confirmation of a placed order."""
    review = WORDS[language(lang)]["review"] if needs_review else ""
    return render("confirmed", lang, count=count, total=money(total, currency), review=review)
