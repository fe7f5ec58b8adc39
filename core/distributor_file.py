"""The distributor file (`orderagent load`, `--catalog`): parsing and validation only.

The format is `shared/specs/formats.md`: one JSON object, or a CSV catalog as distributors
export it from their ERP. Unknown keys are errors so typos never pass silently; every
error names the file and the place in it (a JSON path or a CSV line).
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

# counts stored in INTEGER columns: larger numbers are input errors, not overflows
Count = Annotated[int, Field(ge=0, le=2_147_483_647)]
Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=4)]
VariantType = Literal["SIZE", "COLOR", "VOLUME", "WEIGHT", "FLAVOR", "STYLE"]
Provider = Literal["twilio", "meta_whatsapp", "sendgrid", "mailgun", "postmark", "smtp"]


class DistributorFileError(ValueError):
    """A bad distributor file; the message names the file and the place in it."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DistributorSpec(_Strict):
    slug: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    business_name: str = Field(min_length=1, max_length=255)
    currency: str = Field(default="USD", min_length=3, max_length=3)
    locale: str = "en"
    timezone: str = "UTC"
    ai_confidence_threshold: float = Field(default=0.8, ge=0, le=1)
    monthly_ai_budget_usd: Money | None = None
    api_key: str | None = Field(default=None, min_length=16)
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    billing_email: str | None = None
    address: str | None = None
    ai_enabled: bool = True
    ai_model_preference: str | None = None
    auto_close_timeout_minutes: int = Field(default=120, ge=1, le=525_600)  # a year
    data_retention_days: int | None = Field(default=None, ge=1, le=36_500)


class IntegrationSpec(_Strict):
    provider: Provider
    display_name: str | None = None
    config: dict[str, object] = Field(default_factory=dict)
    credentials: dict[str, str] = Field(default_factory=dict)
    status: Literal["ACTIVE", "INACTIVE"] = "ACTIVE"


class CategorySpec(_Strict):
    name: str = Field(min_length=1)
    parent: str | None = None
    description: str | None = None
    ai_keywords: list[str] = Field(default_factory=list)


class VariantSpec(_Strict):
    sku: str = Field(min_length=1, max_length=100)
    variant_name: str = Field(min_length=1)
    variant_type: VariantType = "SIZE"
    unit_price: Money | None = None
    ai_aliases: list[str] = Field(default_factory=list)
    stock_quantity: Count | None = None
    active: bool = True


class ProductSpec(_Strict):
    sku: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=500)
    brand: str | None = None
    category: str | None = None
    unit: str = "each"
    unit_price: Money | None = None
    description: str | None = None
    aliases: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    common_misspellings: list[str] = Field(default_factory=list)
    ai_training_examples: list[str] = Field(default_factory=list)
    minimum_order_quantity: Count | None = None
    maximum_order_quantity: Count | None = None
    in_stock: bool = True
    stock_quantity: Count | None = None
    active: bool = True
    seasonal: bool = False
    lead_time_days: int | None = Field(default=None, ge=0, le=3650)
    variants: list[VariantSpec] = Field(default_factory=list)


class DistributorFile(_Strict):
    distributor: DistributorSpec
    integrations: list[IntegrationSpec] = Field(default_factory=list)
    categories: list[CategorySpec] = Field(default_factory=list)
    products: list[ProductSpec]

    @field_validator("products")
    @classmethod
    def _unique_skus(cls, products: list[ProductSpec]) -> list[ProductSpec]:
        seen: set[str] = set()
        for i, product in enumerate(products):
            for sku in [product.sku, *(v.sku for v in product.variants)]:
                if sku in seen:
                    raise ValueError(f"duplicate sku {sku!r} (products[{i}])")
                seen.add(sku)
        return products


def _where(loc: tuple[object, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _unstorable(text: str) -> bool:
    """A NUL or an unpaired surrogate: PostgreSQL's text holds neither."""
    return "\x00" in text or any("\ud800" <= ch <= "\udfff" for ch in text)


def _first_unstorable(value: object, loc: tuple[object, ...] = ()) -> tuple[object, ...] | None:
    """Where the first string that cannot be stored is, or None."""
    if isinstance(value, str):
        return loc if _unstorable(value) else None
    items = value.items() if isinstance(value, dict) else \
        enumerate(value) if isinstance(value, list) else ()
    for key, inner in items:
        if (found := _first_unstorable(inner, (*loc, key))) is not None:
            return found
    return None


_UNSTORABLE = "text holds a NUL or an unpaired surrogate character"


def _raise_validation(path: str, err: ValidationError) -> None:
    first = err.errors()[0]
    where = _where(first["loc"])
    if first["type"] == "extra_forbidden":
        raise DistributorFileError(f"{path}: unknown key {where}") from None
    raise DistributorFileError(f"{path}: {where}: {first['msg']}") from None


def parse_distributor_json(text: str, path: str = "<input>") -> DistributorFile:
    """Parse and validate a distributor JSON document."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DistributorFileError(f"{path}: line {exc.lineno}: invalid JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise DistributorFileError(f"{path}: the top level must be a JSON object")
    if (loc := _first_unstorable(data)) is not None:
        raise DistributorFileError(f"{path}: {_where(loc)}: {_UNSTORABLE}")
    try:
        return DistributorFile.model_validate(data)
    except ValidationError as exc:
        _raise_validation(path, exc)
        raise  # unreachable: _raise_validation always raises


CSV_COLUMNS = (
    "sku", "name", "brand", "category", "unit", "unit_price",
    "aliases", "keywords", "parent_sku", "variant_name", "variant_type",
)


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split("|") if part.strip()]


def parse_catalog_csv(
    text: str, path: str = "<input>"
) -> tuple[list[CategorySpec], list[ProductSpec]]:
    """Parse a CSV catalog (one row per product or variant) into categories and products."""
    for line_no, line in enumerate(text.splitlines(), 1):
        if _unstorable(line):
            raise DistributorFileError(f"{path}: line {line_no}: {_UNSTORABLE}")
    # newline="": the csv module then handles \r\n, \n and a bare \r the way ERPs write them
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        raise DistributorFileError(f"{path}: line 1: unknown column {unknown[0]!r}")
    for required in ("sku", "name"):
        if required not in header:
            raise DistributorFileError(f"{path}: line 1: missing column {required!r}")
    products: dict[str, dict] = {}
    categories: list[str] = []
    pending_variants: list[tuple[int, dict]] = []
    for line_no, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if None in raw:
            raise DistributorFileError(f"{path}: line {line_no}: more fields than columns")
        if not row.get("sku") and not row.get("name"):
            continue
        if row.get("parent_sku"):
            pending_variants.append((line_no, row))
            continue
        if row["sku"] in products:
            raise DistributorFileError(f"{path}: line {line_no}: duplicate sku {row['sku']!r}")
        product = {
            "sku": row["sku"], "name": row.get("name", ""),
            "aliases": _split_list(row.get("aliases", "")),
            "keywords": _split_list(row.get("keywords", "")),
        }
        for key in ("brand", "category", "unit"):
            if row.get(key):
                product[key] = row[key]
        if row.get("unit_price"):
            product["unit_price"] = row["unit_price"]
        if row.get("category") and row["category"] not in categories:
            categories.append(row["category"])
        product["_line"] = line_no
        products[row["sku"]] = product
    for line_no, row in pending_variants:
        parent = products.get(row["parent_sku"])
        if parent is None:
            raise DistributorFileError(
                f"{path}: line {line_no}: parent_sku {row['parent_sku']!r} is not a product"
            )
        variant = {
            "sku": row["sku"], "variant_name": row.get("variant_name") or row.get("name", ""),
            "ai_aliases": _split_list(row.get("aliases", "")),
        }
        if row.get("variant_type"):
            variant["variant_type"] = row["variant_type"].upper()
        if row.get("unit_price"):
            variant["unit_price"] = row["unit_price"]
        variant["_line"] = line_no
        parent.setdefault("variants", []).append(variant)
    out: list[ProductSpec] = []
    for product in products.values():
        line_no = product.pop("_line")
        variant_lines = [v.pop("_line") for v in product.get("variants", [])]
        try:
            out.append(ProductSpec.model_validate(product))
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = first["loc"]
            if loc[:1] == ("variants",) and len(loc) > 1 and isinstance(loc[1], int):
                line_no, loc = variant_lines[loc[1]], loc[2:]
            raise DistributorFileError(
                f"{path}: line {line_no}: {_where(loc)}: {first['msg']}"
            ) from None
    try:
        DistributorFile._unique_skus(out)
    except ValueError as exc:
        raise DistributorFileError(f"{path}: {exc}") from None
    return [CategorySpec(name=c) for c in categories], out


def read_distributor_file(path: str | Path) -> DistributorFile:
    """Read a distributor JSON file, or a CSV catalog (the distributor named after the file)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DistributorFileError(f"{path}: cannot read: {exc}") from None
    if path.suffix.lower() == ".csv":
        categories, products = parse_catalog_csv(text, str(path))
        slug = "".join(c if c.isalnum() else "-" for c in path.stem.lower()).strip("-") or "csv"
        return DistributorFile(
            distributor=DistributorSpec(slug=slug[:63], business_name=path.stem),
            categories=categories, products=products,
        )
    return parse_distributor_json(text, str(path))
