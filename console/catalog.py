"""The catalog: search (the API's), the matcher on a customer's wording, aliases, quality."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError
from rapidfuzz import fuzz, process
from sqlalchemy import select

from api.base import Ctx, Op
from api.catalog import list_products
from api.models import ProductQuery
from console.auth import Staff
from console.views import Result, back_to, form, view
from db.models import Distributor, Product
from db.models.enums import UserRole
from matching.resolve import MatchResult, match_line

LOOKALIKE = 92  # token-sort similarity of two names above which the matcher may confuse them
MAX_ISSUES = 60
MAX_ALIASES = 50


@dataclass(frozen=True, slots=True)
class Issue:
    """A product likely to match poorly, and why."""

    product: Product
    problems: tuple[str, ...]


def why(result: MatchResult) -> list[str]:
    """The matcher's reasons for its choice, in words staff can act on."""
    out = []
    p = result.parsed
    if p is not None:
        said = [f"product “{p.mention}”"] if p.mention else []
        if p.quantity is not None:
            said.append(f"quantity {p.quantity}" + (f" {p.unit}" if p.unit else ""))
        if p.size is not None:
            said.append(f"size {p.size}")
        out.append("Read as " + ", ".join(said) + "." if said else "Nothing to match.")
    best = result.candidates[0] if result.candidates else None
    if best is not None:
        out.append(f"Best candidate: name similarity {best.text:.2f}, words covered "
                   f"{best.coverage:.2f}, recall {best.recall:.2f}"
                   + (", exact name or alias" if best.exact else "")
                   + ("" if best.size_fit == 0 else
                      ", size fits" if best.size_fit > 0 else ", size differs") + ".")
    out.append(f"Method {result.method}; "
               + ("sure enough to use without a person." if result.matched
                  else "below the threshold: it would go to review."))
    return out


def quality(products: list[Product]) -> list[Issue]:
    """Products likely to match poorly: no aliases, look-alike names, no unit or price."""
    problems: dict = {p.id: [] for p in products}
    for p in products:
        if not p.aliases:
            problems[p.id].append("no aliases")
        if p.unit_price is None:
            problems[p.id].append("no price")
        if not p.unit or (p.unit == "each" and not any(
                w in p.name.lower() for w in ("each", "ea", "pc"))):
            problems[p.id].append("no unit (sold as “each”)")
    names = [p.name.lower() for p in products]
    if len(names) > 1:
        scores = process.cdist(names, names, scorer=fuzz.token_sort_ratio,
                               score_cutoff=LOOKALIKE, workers=1)
        for i, j in zip(*scores.nonzero(), strict=True):
            if i < j:
                problems[products[i].id].append(f"looks like “{products[j].name}”")
                problems[products[j].id].append(f"looks like “{products[i].name}”")
    issues = [Issue(p, tuple(problems[p.id])) for p in products if problems[p.id]]
    issues.sort(key=lambda x: (-len(x.problems), x.product.name))
    return issues[:MAX_ISSUES]


@view(UserRole.MANAGER)
async def catalog(ctx: Ctx, staff: Staff) -> Result:
    """Search products, try the matcher on a wording, see what will match poorly."""
    q = ctx.request.query.get("q", "").strip()[:200].replace("\x00", "")
    wording = ctx.request.query.get("try", "").strip()[:300].replace("\x00", "")
    try:
        ctx.query = ProductQuery(q=q or None, limit=50)
    except ValidationError:
        ctx.query = ProductQuery(limit=50)
    page = await list_products(ctx)
    dist = await ctx.db.get(Distributor, ctx.tenant)
    result = None
    if wording:
        cat = await ctx.catalogs.get(ctx.db, ctx.tenant)
        result = match_line(cat.index, wording, threshold=float(dist.ai_confidence_threshold))
    products = list((await ctx.db.execute(select(Product).where(Product.active)
                                          .order_by(Product.name))).scalars())
    await ctx.audit("products", Op.SELECT, [], search=bool(q), tried=bool(wording))
    return "catalog.html", {"page": page, "q": q, "wording": wording, "result": result,
                            "why": why(result) if result else [], "issues": quality(products),
                            "threshold": float(dist.ai_confidence_threshold)}


@view(UserRole.MANAGER)
async def aliases(ctx: Ctx, staff: Staff) -> Result:
    """Replace a product's aliases (one per line); workers rebuild their match index."""
    product = await ctx.get(Product, lock=True)
    data = await form(ctx.request)
    seen: dict[str, None] = {}
    for line in data.get("aliases", "").splitlines():
        alias = " ".join(line.split()).lower()[:200]
        if alias:
            seen.setdefault(alias, None)
    new = list(seen)[:MAX_ALIASES]
    if new != list(product.aliases or []):
        product.aliases = new
        dist = await ctx.db.get(Distributor, ctx.tenant, with_for_update=True)
        dist.catalog_version += 1  # every worker rebuilds its match index
        await ctx.audit("products", Op.UPDATE, [product.id], aliases=len(new))
    return back_to("/app/catalog", q=data.get("q", "")[:200],
                   notice=f"Aliases of {product.sku} saved.")
