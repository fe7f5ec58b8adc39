"""Suggested replies are grounded: replayed over every turn of the whole transcript set.

At every customer turn of `bench/transcripts/dev.jsonl`, the suggestions are asked for
through the API and checked against the catalog, independently of how they were built:
every product named is a catalog name (and the ones listed are the ones named), every
price is the catalog price of the product it follows (or quantity x price on an order
line, or the sum of the lines on the total), and no in-stock claim is made for an
out-of-stock product (nor the reverse). The customer's own words, in “quotes”, are
exempt: they are quoted, not claimed.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

from core.messages import Channel
from evaluation.local import say
from matching.catalog import CatalogItem
from tests.api.conftest import auth

TRANSCRIPTS = Path(__file__).parents[2] / "bench" / "transcripts" / "dev.jsonl"
PRICE = re.compile(r"\$([\d,]+\.\d{2})")
IN_STOCK = ("in stock", "disponible")
OUT_OF_STOCK = ("out of stock", "agotado")
ITEM_LINE = re.compile(r"^- ([\d.]+) x ")
PAREN = re.compile(r"(?P<before>[^\n]*?) \((?:in stock|out of stock right now|disponible|"
                   r"agotado por ahora), ")


def _occurrences(line: str, by_name: dict[str, list[CatalogItem]]
                 ) -> list[tuple[int, int, list[CatalogItem]]]:
    """Catalog names in a line, longest first, not overlapping: (start, end, items)."""
    taken: list[tuple[int, int, list[CatalogItem]]] = []
    for name in sorted(by_name, key=len, reverse=True):
        for m in re.finditer(re.escape(name), line):
            if not any(m.start() < e and s < m.end() for s, e, _ in taken):
                taken.append((m.start(), m.end(), by_name[name]))
    return sorted(taken, key=lambda t: t[0])


def _before(occ, pos: int):
    found = [items for s, e, items in occ if e <= pos]
    return found[-1] if found else None


def check(text: str, products: list[dict], by_name: dict[str, list[CatalogItem]],
          by_sku: dict[str, CatalogItem]) -> list[str]:
    """Every way `text` could claim something the catalog does not say."""
    problems: list[str] = []
    plain = re.sub(r"“[^”]*”", "“”", text)  # the customer's words are quoted, not claimed
    named: set[str] = set()
    line_totals: list[Decimal] = []
    for line in plain.split("\n"):
        occ = _occurrences(line, by_name)
        named.update(items[0].name for _, _, items in occ)
        for m in PAREN.finditer(line):
            if not any(m.group("before").endswith(n) for n in by_name):
                problems.append(f"availability not after a catalog name: {line!r}")
        qty = ITEM_LINE.match(line)
        for m in PRICE.finditer(line):
            value = Decimal(m.group(1).replace(",", ""))
            if line.startswith("Total:"):
                if value != sum(line_totals, Decimal(0)):
                    problems.append(f"total {value} != sum of lines {line_totals}")
                continue
            items = _before(occ, m.start())
            if not items:
                problems.append(f"price {value} names no catalog product: {line!r}")
                continue
            prices = {Decimal(i.unit_price) for i in items if i.unit_price is not None}
            if qty:
                prices |= {(Decimal(qty.group(1)) * p).quantize(Decimal("0.01")) for p in prices}
            if value not in prices:
                problems.append(f"price {value} is not {items[0].name}'s ({prices})")
        if qty:
            last = PRICE.findall(line)
            line_totals.append(Decimal(last[-1].replace(",", "")) if last else Decimal(0))
        for phrases, want in ((IN_STOCK, True), (OUT_OF_STOCK, False)):
            for phrase in phrases:
                for m in re.finditer(re.escape(phrase), line):
                    items = _before(occ, m.start())
                    if not items:
                        problems.append(f"{phrase!r} about no catalog product: {line!r}")
                    elif all(i.in_stock != want for i in items):
                        problems.append(f"{items[0].name} is not {phrase!r}")
    listed = set()
    for p in products:
        item = by_sku.get(p["sku"])
        if item is None or item.name != p["name"] or item.in_stock != p["in_stock"] \
                or (p["unit_price"] is not None
                    and Decimal(p["unit_price"]) != Decimal(item.unit_price)):
            problems.append(f"listed product {p} is not the catalog's")
        listed.add(p["name"])
    if listed != named:
        problems.append(f"names in the text {sorted(named)} != listed {sorted(listed)}")
    return problems


def _sender(n: int, channel: Channel) -> str:
    return f"t{n}@grounding.example" if channel == Channel.EMAIL else f"+1305777{n:04d}"


async def test_every_suggestion_over_the_transcript_set_is_grounded(
        client, database, agent, demo) -> None:
    """Replay every transcript; at every customer turn, every suggestion is grounded."""
    async with database.transaction(tenant=demo) as s:
        catalog = await agent.catalogs.get(s, demo)
    by_sku = catalog.by_sku
    by_name: dict[str, list[CatalogItem]] = {}
    for item in by_sku.values():
        by_name.setdefault(item.name, []).append(item)
    transcripts = [json.loads(line) for line in TRANSCRIPTS.read_text().splitlines() if line]
    kinds: Counter[str] = Counter()
    turns = 0
    failures: list[str] = []
    for n, t in enumerate(transcripts):
        channel = Channel(t["channel"].upper())
        for turn in t["turns"]:
            exchange = await say(database, agent, demo, sender=_sender(n, channel),
                                 text=turn["text"], channel=channel)
            resp = await client.get(f"/api/conversations/{exchange.conversation_id}/suggestions",
                                    headers=auth())
            assert resp.status == 200, await resp.text()
            body = await resp.json()
            assert 1 <= len(body["suggestions"]) <= 3
            turns += 1
            for sug in body["suggestions"]:
                kinds[sug["kind"]] += 1
                for problem in check(sug["text"], sug["products"], by_name, by_sku):
                    failures.append(f"{t['id']} {turn['text']!r} {sug['kind']}: {problem}\n"
                                    f"{sug['text']}")
    assert not failures, "\n\n".join(failures[:10])
    assert turns == sum(len(t["turns"]) for t in transcripts)
    assert kinds["SUMMARY"] and kinds["CLARIFY"] and kinds["ANSWER"], kinds


def test_the_checker_catches_ungrounded_text() -> None:
    """The checker itself: a wrong price, an invented product, a false stock claim."""
    milk = CatalogItem("p1", None, "DY-1001", "Whole Milk 1 Gallon", unit="case",
                       unit_price=Decimal("27.50"))
    burrata = CatalogItem("p2", None, "CH-2007", "Burrata 4 oz", unit="case",
                          unit_price=Decimal("62.00"), in_stock=False)
    by_sku = {i.sku: i for i in (milk, burrata)}
    by_name = {i.name: [i] for i in (milk, burrata)}
    ref = [{"sku": "DY-1001", "name": "Whole Milk 1 Gallon", "unit_price": "27.50",
            "in_stock": True}]
    assert check("Whole Milk 1 Gallon is in stock at $27.50 per case.", ref, by_name,
                 by_sku) == []
    assert check("Whole Milk 1 Gallon is in stock at $25.00 per case.", ref, by_name, by_sku)
    assert check("Oat Milk is in stock at $27.50 per case.", ref, by_name, by_sku)
    assert check("Burrata 4 oz is in stock at $62.00 per case.", [
        {"sku": "CH-2007", "name": "Burrata 4 oz", "unit_price": "62.00", "in_stock": False}],
        by_name, by_sku)
    assert check("- 2 x Whole Milk 1 Gallon ($27.50 per case) - $55.00\nTotal: $55.00", ref,
                 by_name, by_sku) == []
    assert check("- 2 x Whole Milk 1 Gallon ($27.50 per case) - $56.00\nTotal: $56.00", ref,
                 by_name, by_sku)
    assert check("Sorry, no “Oat Milk at $3.00” here.", [], by_name, by_sku) == []
