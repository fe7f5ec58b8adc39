"""Changes to the order that point at lines already in it, resolved against the session.

"make the milk 3", "remove the limes", "6 caramel not vanilla", "the same but telera",
"lids for those": reading says what kind of change and which words name the earlier line
(`reading.types.Change`); here the words find the line in the session, and the new line is
built from the old one's own text, so "lids for those" after "2 cs 16oz cold cups" asks
the matcher for lids of that size, then keeps the candidate whose size fits the cups.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from decimal import Decimal

from agent.packs import selling_quantity
from agent.turn import Turn
from db.models import OrderSessionItem
from matching.catalog import CatalogItem
from matching.resolve import MatchResult
from reading.changes import complete_replacement
from reading.references import accessory_line, like_line, same_count_line
from reading.types import Change, ChangeKind

Match = Callable[[str], Awaitable[MatchResult]]
# kinds that add a new line modelled on an earlier one: applied after the message's items,
# so "2 cs cups ... lids for those" finds the cups
ADDING = frozenset({ChangeKind.ADD_LIKE, ChangeKind.ADD_FOR, ChangeKind.SAME_COUNT})
FIT_CANDIDATES = 5
# a size, or a range of sizes, an accessory is made for: "16oz", "12-24oz", "9x9", "98mm"
_SIZE = re.compile(r"(\d+(?:\.\d+)?)(?:\s*-\s*(\d+(?:\.\d+)?))?\s*(oz|in|mm|\")(?![a-z])", re.I)
_GENERIC = frozenset({"cs", "case", "ct", "pk", "each", "for", "the", "with", "and", "de"})


def text_of(item: OrderSessionItem) -> str:
    """An ordered line as the customer wrote it (else the product's name)."""
    return (item.item_metadata or {}).get("text") or item.product_name


def last_lines(turn: Turn) -> list[OrderSessionItem]:
    """"those", "them", "the same": the read lines of the message that added lines last."""
    read = [i for i in turn.live_items if i.product_id is not None]
    if not read:
        return []
    newest = read[-1].source_message_id
    return [i for i in read if i.source_message_id == newest]


def _is_ranged(name: str) -> bool:
    """A product made to fit a range of sizes ("Sleeve Hot Cup 12-20oz")."""
    return any(lo != hi for lo, hi, _ in _sizes(name))


def _sizes(text: str) -> list[tuple[Decimal, Decimal, str]]:
    unit = {"\"": "in"}
    return [(Decimal(m[1]), Decimal(m[2] or m[1]), unit.get(m[3].lower(), m[3].lower()))
            for m in _SIZE.finditer(text)]


def size_fit(accessory: CatalogItem, target: str) -> float:
    """+1 when the accessory is made for the line's size, -1 for another size, 0 unsaid."""
    mine, theirs = _sizes(accessory.name), _sizes(target)
    if not (mine and theirs):
        return 0.0
    return 1.0 if any(lo <= t_lo and t_hi <= hi and u == tu for lo, hi, u in mine
                      for t_lo, t_hi, tu in theirs) else -1.0


def fits(accessory: CatalogItem, target: str) -> float:
    """How well an accessory fits a line: its size fit, plus a little for each word the
    two share ("hot", "PET", "foam")."""
    size = size_fit(accessory, target)
    words = {w for w in re.findall(r"[a-z]+", target.lower()) if w not in _GENERIC}
    shared = words & {w for w in re.findall(r"[a-z]+", accessory.name.lower())}
    return size + 0.1 * len(shared)


def _names(accessory: str, item: CatalogItem) -> bool:
    """Whether the item's name carries a word of the accessory ("lids" -> "Lid Dome ...")."""
    name = {w.rstrip("s") for w in re.findall(r"[a-z]+", item.name.lower())}
    return any(w.rstrip("s") in name for w in re.findall(r"[a-z]+", accessory.lower())
               if len(w) > 2 and w not in _GENERIC)


def best_fitting(results: list[MatchResult], target: OrderSessionItem,
                 accessory: str = "") -> MatchResult | None:
    """The accessory that fits `target` best among the matcher's candidates for it.

    An accessory is never the product it is for ("lids 16oz hot" must not be the 16oz hot
    cup), so the target's own sku is out; then the best size fit, then the matcher's order.
    """
    words = f"{text_of(target)} {target.product_name}"
    pool: dict[str, tuple[CatalogItem, float]] = {}
    for result in results:
        if result.item is not None:
            pool.setdefault(result.item.sku, (result.item, result.confidence))
        for item, conf in result.alternatives[:FIT_CANDIDATES]:
            pool.setdefault(item.sku, (item, conf))
    same = {target.product_code}
    ranked = sorted(((fits(item, words) + 0.5 * _names(accessory, item), conf, n, item)
                     for n, (item, conf) in enumerate(pool.values()) if item.sku not in same),
                    key=lambda r: (r[0] > 0, r[0], -r[2]), reverse=True)
    if not ranked:
        return None
    _, conf, _, item = ranked[0]
    first = next(r for r in results if r.item is not None) if any(
        r.item is not None for r in results) else results[0]
    if first is results[0] and first.item is not None and first.item.sku == item.sku:
        return first
    # the fit is the evidence for this one: as sure as the matcher was of its first choice
    return MatchResult(item=item, confidence=max(conf, first.confidence), method=first.method,
                       score=first.score,
                       alternatives=[(i, c) for i, c in pool.values() if i.sku != item.sku],
                       parsed=results[0].parsed, needs_review=first.needs_review)


async def _add_line(turn: Turn, line: str, result: MatchResult) -> None:
    sold = selling_quantity(result.parsed, result.item, turn.catalog.family(result.item))
    if sold.item is not None:  # "half case": the half-case variant
        result = replace(result, item=sold.item)
    await turn.add(line, result, sold.quantity, note=sold.note)


async def _add_for(turn: Turn, change: Change, match: Match) -> bool:
    """An accessory for earlier lines: the one whose size fits each of them."""
    accessory = change.replacement or change.said or ""
    if not accessory:
        return False
    named = turn.find(change.target) if change.target else None
    targets = [named] if named is not None else [] if change.target else last_lines(turn)
    if not targets:
        # "napkins for the dining room": a purpose, not a line of the order
        qty = f"{change.quantity} {change.unit or ''} " if change.quantity is not None else ""
        line = f"{qty}{accessory}".strip()
        await _add_line(turn, line, await match(line))
        return True
    fitted = []
    alone = await match(accessory)
    for target in targets:
        line = accessory_line(accessory, text_of(target), change.quantity, change.unit)
        result = best_fitting([await match(line), alone], target, accessory)
        if result is None:
            continue
        fitted.append((size_fit(result.item, target.product_name) if result.item else -9,
                       fits(result.item, target.product_name) if result.item else -9, line,
                       result, target))
    # "lids for those" after cups and bread: the lines whose size a lid fits, else those it
    # shares words with, else the last one; a
    # line that is itself made to fit a range of sizes (sleeves 12-20oz) is an accessory
    # too, and lids are not for it while a line of one size is there
    keep = [f for f in fitted if f[0] > 0] or [f for f in fitted if f[1] > 0] or fitted[-1:]
    keep = [f for f in keep if not _is_ranged(f[4].product_name)] or keep
    for _, _, line, result, _ in keep:
        await _add_line(turn, line, result)
    return True


async def _add_like(turn: Turn, change: Change, match: Match) -> bool:
    """A new line modelled on an earlier one ("the same but telera", "1 cs 24oz")."""
    said = change.said or change.replacement
    target = turn.find(change.target) if change.target else (last_lines(turn) or [None])[-1]
    if not said or target is None:
        return False
    line = like_line(said, text_of(target), change.quantity, change.unit)
    await _add_line(turn, line, await match(line))
    return True


def _replacement_lines(change: Change, target: OrderSessionItem | None) -> list[str]:
    """Ways to write the new line: the old line with the new words in, then as said."""
    out = []
    if target is not None and change.said:
        original = text_of(target)
        try:
            out.append(complete_replacement(change.said, original, target=change.target))
        except TypeError:  # reading without the target= keyword
            out.append(complete_replacement(change.said, original))
    out.append(change.replacement or change.said or "")
    if target is not None and change.said and change.target \
            and change.said.lower() not in text_of(target).lower():
        # "make the mangoes organic": the line becomes a kind of itself, its words all kept
        out.append(f"{text_of(target)} {change.said}")
    return [line for line in dict.fromkeys(out) if line]


def _changes(result: MatchResult, target: OrderSessionItem | None) -> bool:
    """Whether a replacement reading names another product than the line has now."""
    return result.item is not None and (target is None or result.item.sku != target.product_code)


async def _replace(turn: Turn, change: Change, match: Match) -> bool:
    """Swap a line's product, keeping its quantity unless a new one was said."""
    target = turn.find(change.target)
    best: tuple[str, MatchResult] | None = None
    for line in _replacement_lines(change, target):
        result = await match(line)
        # a reading that leaves the line as it was replaces nothing: any other goes first
        if best is None or (_changes(result, target), result.confidence) > (
                _changes(best[1], target), best[1].confidence):
            best = (line, result)
    if best is None:
        return False
    line, result = best
    ok = await turn.replace(change.target, line, result)
    if ok and change.quantity is not None:
        await turn.set_quantity(result.item.name if result.item else None, change.quantity,
                                delta=False)
    return ok


async def apply_change(turn: Turn, change: Change, match: Match) -> bool:
    """Apply one change to the session; False when the line it names is not there."""
    if change.kind == ChangeKind.REMOVE:
        return await turn.remove(change.target)
    if change.kind == ChangeKind.KEEP_ONLY:
        # "just the rye bread then": the line those words name stays, every other one goes
        kept = turn.find(change.target)
        if kept is None:
            return False
        for item in [i for i in turn.live_items if i is not kept]:
            await turn.drop(item)
        return True
    if change.kind == ChangeKind.REMOVE_IF_MISSING:
        # "skip X if you don't have it": a line read surely is in stock and stays; one we
        # could not read, or only guessed at, or one the catalog has out of stock, is what
        # they mean we lack
        item = turn.find(change.target)
        product = turn.catalog.by_sku.get(item.product_code or "") if item is not None else None
        if item is not None and (item.product_id is None
                                 or Decimal(item.ai_confidence or 0) < turn.threshold
                                 or (product is not None and not product.in_stock)):
            return await turn.remove(change.target)
        return True
    if change.kind == ChangeKind.MATCH_COUNT:
        # "make the soba the same as the ramen": the line takes the other line's count
        source = turn.find(change.said)
        if source is None or turn.find(change.target) in (None, source):
            return False
        return await turn.set_quantity(change.target, Decimal(source.quantity), delta=False)
    if change.kind in (ChangeKind.SET_QUANTITY, ChangeKind.ADD_MORE):
        ok = False
        if change.quantity is not None:
            ok = await turn.set_quantity(change.target, change.quantity,
                                         delta=change.kind == ChangeKind.ADD_MORE)
        if not ok and change.kind == ChangeKind.ADD_MORE and change.target:
            # "2 more of the salsa" with no salsa yet: a new line of 2
            await turn.add(change.target, await match(change.target), change.quantity)
            return True
        return ok
    if change.kind == ChangeKind.REPLACE and (change.replacement or change.said):
        return await _replace(turn, change, match)
    if change.kind == ChangeKind.ADD_FOR:
        return await _add_for(turn, change, match)
    if change.kind == ChangeKind.ADD_LIKE:
        return await _add_like(turn, change, match)
    if change.kind == ChangeKind.SAME_COUNT:
        # "and the same of the rye": the last line's count, another product
        target = (last_lines(turn) or [None])[-1]
        if target is None or not change.said:
            return False
        line = same_count_line(change.said, text_of(target))
        await _add_line(turn, line, await match(line))
        return True
    return False
