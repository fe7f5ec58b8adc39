"""The catalog: replace it (JSON or CSV, exactly as `orderagent load`), list and search it."""

from __future__ import annotations

import csv
import json
import uuid

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import String, case, cast, func, or_, select, tuple_

from api import pagination
from api.base import Ctx, Op, Route
from api.conversations import like
from api.models import (
    CatalogOut,
    ProductOut,
    ProductPage,
    ProductQuery,
    VariantOut,
)
from api.review import reapply_learned
from core.distributor_file import (
    CategorySpec,
    DistributorFile,
    DistributorFileError,
    DistributorSpec,
    ProductSpec,
    parse_catalog_csv,
    parse_distributor_json,
)
from core.errors import BadInput
from db.loader import load_distributor
from db.models import Distributor, Product, ProductCategory, ProductVariant

WHERE = "<body>"
CATALOG_KEYS = {"categories", "products"}


def _spec(dist: Distributor) -> DistributorSpec:
    """The distributor as it is now, so a catalog upload changes none of its settings."""
    return DistributorSpec(
        slug=dist.slug, business_name=dist.business_name, currency=dist.currency,
        locale=dist.locale, timezone=dist.timezone,
        ai_confidence_threshold=float(dist.ai_confidence_threshold),
        monthly_ai_budget_usd=dist.monthly_ai_budget_usd, contact_name=dist.contact_name,
        contact_email=dist.contact_email, contact_phone=dist.contact_phone,
        billing_email=dist.billing_email, address=dist.address, ai_enabled=dist.ai_enabled,
        ai_model_preference=dist.ai_model_preference,
        auto_close_timeout_minutes=dist.auto_close_timeout_minutes,
        data_retention_days=dist.data_retention_days)


INT_MAX = 2**31 - 1  # the integer columns are PostgreSQL `integer`


def _check_ranges(file: DistributorFile) -> None:
    """Integers the database cannot hold are bad input, named like the file's other errors."""
    for i, product in enumerate(file.products):
        specs = [(f"products[{i}]", product)] + [
            (f"products[{i}].variants[{j}]", v) for j, v in enumerate(product.variants)]
        for where, spec in specs:
            for name, value in spec:
                if isinstance(value, int) and not isinstance(value, bool) \
                        and abs(value) > INT_MAX:
                    raise BadInput(f"{WHERE}: {where}.{name}: out of range")


def parse_upload(raw: bytes, content_type: str, dist: Distributor) -> DistributorFile:
    """The uploaded catalog as a distributor file for this distributor (400 naming the place)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(f"{WHERE}: not UTF-8 text") from None
    if "\x00" in text:
        raise BadInput(f"{WHERE}: NUL characters are not accepted")
    try:
        if content_type == "text/csv":
            try:
                categories, products = parse_catalog_csv(text, WHERE)
            except csv.Error as exc:  # e.g. a bare CR inside a field
                raise BadInput(f"{WHERE}: not a CSV file: {exc}") from None
            return DistributorFile(distributor=_spec(dist), categories=categories,
                                   products=products)
        if content_type != "application/json":
            raise BadInput(f"{WHERE}: send application/json or text/csv")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BadInput(f"{WHERE}: line {exc.lineno}: invalid JSON: {exc.msg}") from None
        if not isinstance(data, dict):
            raise BadInput(f"{WHERE}: the top level must be a JSON object")
        extra = sorted(set(data) - CATALOG_KEYS)
        if extra:
            raise BadInput(f"{WHERE}: unknown key {extra[0]} (only categories and products "
                           "are uploaded here; settings go through `orderagent load`)")
        data["distributor"] = _spec(dist).model_dump(mode="json", exclude_none=True)
        return parse_distributor_json(json.dumps(data), WHERE)
    except DistributorFileError as exc:
        raise BadInput(str(exc)) from None


async def put_catalog(ctx: Ctx) -> CatalogOut:
    """Replace the catalog; products missing from the upload are deactivated, not deleted."""
    dist = await ctx.db.get(Distributor, ctx.tenant, with_for_update=True)
    file = parse_upload(await ctx.request.read(), ctx.request.content_type, dist)
    _check_ranges(file)
    if not file.products:
        raise BadInput(f"{WHERE}: products: empty (an upload replaces the whole catalog)")
    try:
        result = await load_distributor(ctx.db, file, ctx.keyring, path=WHERE)
    except DistributorFileError as exc:
        raise BadInput(str(exc)) from None
    catalog = await ctx.catalogs.get(ctx.db, ctx.tenant)
    if await reapply_learned(ctx.db, ctx.tenant, catalog):
        dist.catalog_version += 1
    await ctx.db.flush()
    active = (await ctx.db.execute(select(func.count(Product.id)).where(Product.active))
              ).scalar_one()
    await ctx.audit("products", Op.UPDATE, [], changes=result.changes)
    return CatalogOut(catalog_version=dist.catalog_version, changes=result.changes,
                      active_products=active)


async def list_products(ctx: Ctx) -> ProductPage:
    """Products with their variants; `q` searches names, skus and aliases (pg_trgm)."""
    q: ProductQuery = ctx.query
    category = select(ProductCategory.name).where(
        ProductCategory.id == Product.category_id,
        ProductCategory.distributor_id == ctx.tenant).correlate(Product).scalar_subquery()
    stmt = select(Product, func.coalesce(category, Product.category))
    if not q.include_inactive:
        stmt = stmt.where(Product.active)
    score = None
    if q.q:
        text = q.q.lower()
        score = func.greatest(func.word_similarity(text, func.lower(Product.name)),
                              func.similarity(func.lower(Product.name), text),
                              case((func.lower(Product.sku) == text, 1.0), else_=0.0))
        stmt = stmt.add_columns(score).where(or_(
            score > 0.3, Product.sku.ilike(like(q.q), escape="\\"),
            cast(Product.aliases, String).ilike(like(text), escape="\\")))
        # ties (every name containing the word) go to the closest whole name
        stmt = stmt.order_by(score.desc(), func.similarity(func.lower(Product.name), text)
                             .desc(), Product.name, Product.id).limit(q.limit)
    else:
        if q.cursor:
            key, last_id = pagination.decode(q.cursor, as_time=False)
            stmt = stmt.where(tuple_(Product.name, Product.id) > tuple_(key, last_id))
        stmt = stmt.order_by(Product.name, Product.id).limit(q.limit + 1)
    rows = (await ctx.db.execute(stmt)).all()
    more = q.q is None and len(rows) > q.limit
    rows = rows[:q.limit]
    ids = [r[0].id for r in rows]
    variants: dict[uuid.UUID, list[ProductVariant]] = {}
    if ids:
        for v in (await ctx.db.execute(select(ProductVariant).where(
                ProductVariant.product_id.in_(ids)).order_by(ProductVariant.sort_order))
                ).scalars():
            variants.setdefault(v.product_id, []).append(v)
    items = []
    for row in rows:
        p, cat = row[0], row[1]
        items.append(ProductOut(
            id=p.id, sku=p.sku, name=p.name, brand=p.brand, category=cat, unit=p.unit,
            unit_price=p.unit_price, in_stock=p.in_stock, stock_quantity=p.stock_quantity,
            active=p.active, aliases=p.aliases or [],
            score=round(float(row[2]), 4) if score is not None else None,
            variants=[VariantOut(id=v.id, sku=v.sku, variant_name=v.variant_name,
                                 unit_price=v.unit_price, active=v.active,
                                 ai_aliases=v.ai_aliases or [])
                      for v in variants.get(p.id, []) if q.include_inactive or v.active]))
    cursor = pagination.encode(rows[-1][0].name, rows[-1][0].id) if more else None
    return ProductPage(items=items, next_cursor=cursor)


CSV_SCHEMA = {"type": "string", "description": "one row per product or variant: sku,name,"
              "brand,category,unit,unit_price,aliases,keywords,parent_sku,variant_name,"
              "variant_type (lists separated by |)"}


class CatalogUpload(BaseModel):
    """The JSON upload: the distributor file's `categories` and `products` (formats.md)."""

    model_config = ConfigDict(extra="forbid")
    categories: list[CategorySpec] = Field(default_factory=list)
    products: list[ProductSpec] = Field(min_length=1)


ROUTES = [
    Route("PUT", "/api/catalog", put_catalog, "Replace the catalog", "catalog", CatalogOut,
          raw_body={"application/json": CatalogUpload, "text/csv": CSV_SCHEMA},
          errors=(400, 401),
          description="The same semantics as `orderagent load`: products matched by sku, "
                      "changed fields written, products missing from the upload deactivated. "
                      "Distributor settings are not touched. Learned aliases are kept."),
    Route("GET", "/api/products", list_products, "List or search products", "catalog",
          ProductPage, query=ProductQuery, errors=(400, 401),
          description="Without `q`: by name, keyset-paginated. With `q`: best matches first "
                      "(trigram similarity on the name; sku and alias substrings)."),
]
