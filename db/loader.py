"""Create or update one distributor from a distributor file, in one transaction.

Loading the same file twice changes nothing: every row is matched by its natural key
(slug, sku, category name, provider + routing key) and only fields that differ are
written; secrets are re-encrypted only when their clear value changed. Products that
disappear from the file are deactivated, not deleted, since past orders refer to them.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.distributor_file import DistributorFile, DistributorFileError, IntegrationSpec
from db.crypto import Keyring, hash_api_key
from db.models import (
    Distributor,
    ExternalIntegration,
    Product,
    ProductCategory,
    ProductVariant,
)
from db.models.enums import IntegrationStatus, VariantType
from db.tenant import scope

# provider -> (config key that routes inbound webhooks, required config, required credentials)
PROVIDERS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "twilio": ("phone_number", ("account_sid", "phone_number"), ("auth_token",)),
    "meta_whatsapp": ("phone_number_id", ("phone_number_id",),
                      ("app_secret", "verify_token", "access_token")),
    "mailgun": ("address", ("address",), ("signing_key",)),
    "sendgrid": ("address", ("address",), ("webhook_secret",)),
    "postmark": ("address", ("address",), ("webhook_secret",)),
    "smtp": ("address", ("address", "smtp_host"), ()),
}


@dataclass
class LoadResult:
    """What a load changed, for the one-line summary the CLI prints."""

    distributor_id: Any = None
    slug: str = ""
    created: bool = False
    changes: dict[str, int] = field(default_factory=dict)

    def count(self, what: str) -> None:
        """Count one change of kind `what`."""
        self.changes[what] = self.changes.get(what, 0) + 1

    @property
    def changed(self) -> bool:
        """True when anything was written."""
        return self.created or any(self.changes.values())


def _assign(obj: object, values: dict[str, Any]) -> bool:
    """Set the attributes that differ; True if any did."""
    changed = False
    for key, value in values.items():
        current = getattr(obj, key)
        if isinstance(value, float):
            value = Decimal(str(value))
        if isinstance(current, Decimal) and value is not None and not isinstance(value, Decimal):
            value = Decimal(str(value))
        if current != value:
            setattr(obj, key, value)
            changed = True
    return changed


def slugify(name: str) -> str:
    """A URL- and CLI-friendly slug from a business name."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:63] or "distributor"


def route_key(spec: IntegrationSpec, where: str) -> str:
    """The value inbound webhooks are routed by, checked and normalised."""
    key_name, config_keys, credential_keys = PROVIDERS[spec.provider]
    for key in config_keys:
        if not spec.config.get(key):
            raise DistributorFileError(f"{where}.config.{key}: required for {spec.provider}")
    for key in credential_keys:
        if not spec.credentials.get(key):
            raise DistributorFileError(f"{where}.credentials.{key}: required for {spec.provider}")
    value = str(spec.config[key_name]).strip()
    if key_name == "phone_number":
        value = value.removeprefix("whatsapp:")
        if not re.fullmatch(r"\+[1-9]\d{6,14}", value):
            raise DistributorFileError(f"{where}.config.phone_number: not an E.164 number")
    if key_name == "address":
        value = value.lower()
        if "@" not in value:
            raise DistributorFileError(f"{where}.config.address: not an email address")
    return value


async def _claim_routes(session: AsyncSession, data: DistributorFile, slug: str,
                        path: str) -> uuid.UUID | None:
    """The distributor's id (None if new), after checking that no integration's route
    belongs to another distributor: the one look across tenants a load needs."""
    found = (await session.execute(select(Distributor.id).where(Distributor.slug == slug))
             ).scalar_one_or_none()
    for i, integ in enumerate(data.integrations):
        where = f"{path}: integrations[{i}]"
        key = route_key(integ, where)
        owner = (await session.execute(select(ExternalIntegration.distributor_id).where(
            ExternalIntegration.provider == integ.provider,
            ExternalIntegration.route_key == key))).scalar_one_or_none()
        if owner is not None and owner != found:
            raise DistributorFileError(
                f"{where}.config: {integ.provider} {key} already belongs to another "
                "distributor")
    return found


async def load_distributor(session: AsyncSession, data: DistributorFile, keyring: Keyring,
                           *, path: str = "<input>") -> LoadResult:
    """Create or update the distributor described by `data` (the caller commits).

    Called in a session scoped `ALL`, it looks across tenants only for the slug and the
    integrations' routes, then scopes the session to the distributor: every write is
    that tenant's, behind PostgreSQL's wall."""
    spec = data.distributor
    slug = spec.slug or slugify(spec.business_name)
    result = LoadResult(slug=slug)
    found = await _claim_routes(session, data, slug, path)
    await scope(session, found or (new_id := uuid.uuid4()))
    dist = None if found is None else (await session.execute(
        select(Distributor).where(Distributor.id == found))).scalar_one()
    if dist is None:
        dist = Distributor(id=new_id, slug=slug, business_name=spec.business_name)
        session.add(dist)
        await session.flush()
        result.created = True
    result.distributor_id = dist.id
    values = spec.model_dump(exclude={"slug", "api_key", "auto_close_timeout_minutes"},
                             exclude_none=True)
    values["auto_close_timeout_minutes"] = spec.auto_close_timeout_minutes
    if spec.api_key is not None:
        values["api_key_hash"] = hash_api_key(spec.api_key)
    if _assign(dist, values) and not result.created:
        result.count("distributor")

    for i, integ in enumerate(data.integrations):
        await _load_integration(session, dist, integ, keyring, f"{path}: integrations[{i}]",
                                result)
    catalog_changed = await _load_catalog(session, dist, data, result)
    if catalog_changed and not result.created:
        dist.catalog_version += 1
    await session.flush()
    return result


async def _load_integration(session: AsyncSession, dist: Distributor, spec: IntegrationSpec,
                            keyring: Keyring, where: str, result: LoadResult) -> None:
    key = route_key(spec, where)
    row = (await session.execute(select(ExternalIntegration).where(
        ExternalIntegration.provider == spec.provider, ExternalIntegration.route_key == key,
    ))).scalar_one_or_none()
    if row is not None and row.distributor_id != dist.id:
        raise DistributorFileError(
            f"{where}.config: {spec.provider} {key} already belongs to another distributor")
    if row is None:
        row = ExternalIntegration(distributor_id=dist.id, provider=spec.provider, route_key=key)
        session.add(row)
        result.count("integrations")
        created = True
    else:
        created = False
    changed = _assign(row, {
        "config": spec.config, "display_name": spec.display_name,
        "status": IntegrationStatus(spec.status),
    })
    current = await keyring.decrypt_json(session, dist.id, row.credentials or {})
    if current != spec.credentials:
        row.credentials = await keyring.encrypt_json(session, dist.id, spec.credentials)
        changed = True
    if changed and not created:
        result.count("integrations")


async def _load_catalog(session: AsyncSession, dist: Distributor, data: DistributorFile,
                        result: LoadResult) -> bool:
    before = sum(result.changes.get(k, 0) for k in ("categories", "products", "variants"))
    categories = {c.name: c for c in (await session.execute(
        select(ProductCategory).where(ProductCategory.distributor_id == dist.id))).scalars()}
    for cat in data.categories:
        row = categories.get(cat.name)
        if row is None:
            row = categories[cat.name] = ProductCategory(distributor_id=dist.id, name=cat.name)
            session.add(row)
            result.count("categories")
        if _assign(row, {"description": cat.description, "ai_keywords": cat.ai_keywords}):
            result.count("categories")
    for product in data.products:  # categories named only by products
        if product.category and product.category not in categories:
            categories[product.category] = ProductCategory(distributor_id=dist.id,
                                                           name=product.category)
            session.add(categories[product.category])
            result.count("categories")
    await session.flush()
    for i, cat in enumerate(data.categories):
        parent_id = None
        if cat.parent:
            if cat.parent not in categories:
                raise DistributorFileError(
                    f"categories[{i}].parent: no category named {cat.parent!r}")
            parent_id = categories[cat.parent].id
        if _assign(categories[cat.name], {"parent_category_id": parent_id}):
            result.count("categories")

    products = {p.sku: p for p in (await session.execute(
        select(Product).where(Product.distributor_id == dist.id))).scalars()}
    variants = {v.sku: v for v in (await session.execute(
        select(ProductVariant).where(ProductVariant.distributor_id == dist.id))).scalars()}
    seen: set[str] = set()
    for spec in data.products:
        seen.add(spec.sku)
        seen.update(v.sku for v in spec.variants)
        row = products.get(spec.sku)
        if row is None:
            row = products[spec.sku] = Product(distributor_id=dist.id, sku=spec.sku,
                                               name=spec.name)
            session.add(row)
            result.count("products")
            new = True
        else:
            new = False
        values = spec.model_dump(exclude={"sku", "variants"})
        values["category_id"] = categories[spec.category].id if spec.category else None
        values["size_variants"] = [v.variant_name for v in spec.variants]
        if _assign(row, values) and not new:
            result.count("products")
        if new:
            await session.flush()
        for order, vspec in enumerate(spec.variants):
            vrow = variants.get(vspec.sku)
            if vrow is None:
                vrow = variants[vspec.sku] = ProductVariant(
                    distributor_id=dist.id, product_id=row.id, sku=vspec.sku,
                    variant_name=vspec.variant_name)
                session.add(vrow)
                result.count("variants")
                vnew = True
            else:
                vnew = False
            diff = None
            if vspec.unit_price is not None and spec.unit_price is not None:
                diff = vspec.unit_price - spec.unit_price
            vvalues = vspec.model_dump(exclude={"sku"})
            vvalues.update(product_id=row.id, variant_type=VariantType(vspec.variant_type),
                           price_difference=diff, sort_order=order)
            if _assign(vrow, vvalues) and not vnew:
                result.count("variants")
    for sku, gone in [*products.items(), *variants.items()]:
        if sku not in seen and gone.active:
            gone.active = False
            result.count("products")
    after = sum(result.changes.get(k, 0) for k in ("categories", "products", "variants"))
    return after != before
