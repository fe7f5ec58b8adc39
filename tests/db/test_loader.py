"""`load`: a distributor file creates or updates one distributor, idempotently and atomically."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.distributor_file import (
    DistributorFileError,
    parse_catalog_csv,
    parse_distributor_json,
    read_distributor_file,
)
from db.crypto import Keyring, hash_api_key
from db.loader import load_distributor
from db.models import Distributor, ExternalIntegration, Product, ProductCategory, ProductVariant
from db.tenant import ALL
from tests.conftest import TEST_MASTER_KEY

HARBOR = {
    "distributor": {"slug": "harbor", "business_name": "Harbor Foods Wholesale",
                    "currency": "USD", "ai_confidence_threshold": 0.8,
                    "monthly_ai_budget_usd": 50, "api_key": "a-long-random-secret-0123"},
    "integrations": [
        {"provider": "twilio", "config": {"account_sid": "AC123", "phone_number": "+15550001111",
                                          "api_base_url": "http://127.0.0.1:9001"},
         "credentials": {"auth_token": "tok-harbor"}},
    ],
    "categories": [{"name": "Dairy", "parent": None}, {"name": "Milk", "parent": "Dairy"}],
    "products": [
        {"sku": "DY-1001", "name": "Whole Milk 1 Gallon", "brand": "Hillside Farms",
         "category": "Milk", "unit": "case", "unit_price": 27.5, "aliases": ["whole milk"],
         "variants": [{"sku": "DY-1001-HG", "variant_name": "Half Gallon",
                       "variant_type": "SIZE", "unit_price": 31.0,
                       "ai_aliases": ["half gal"]}]},
        {"sku": "CH-2003", "name": "Shredded Mozzarella 5 lb", "category": "Dairy",
         "unit": "bag", "unit_price": 18.25},
    ],
}


async def _load(database, data: dict, keyring: Keyring | None = None):
    keyring = keyring or Keyring(TEST_MASTER_KEY.encode())
    parsed = parse_distributor_json(json.dumps(data), "harbor.json")
    async with database.transaction(tenant=ALL) as session:
        return await load_distributor(session, parsed, keyring, path="harbor.json")


async def _snapshot(database) -> dict:
    async with database.transaction(tenant=ALL) as session:
        out = {}
        for model in (Distributor, ExternalIntegration, Product, ProductCategory, ProductVariant):
            rows = (await session.execute(select(model))).scalars().all()
            out[model.__tablename__] = sorted(
                (str(r.id), r.updated_at.isoformat()) for r in rows)
        return out


async def test_load_creates_the_distributor_with_catalog_and_encrypted_credentials(
        database) -> None:
    """Everything in the file lands; the API key is hashed and credentials are not in clear."""
    result = await _load(database, HARBOR)
    assert result.created
    async with database.transaction(tenant=ALL) as session:
        dist = (await session.execute(select(Distributor))).scalar_one()
        assert dist.slug == "harbor"
        assert dist.api_key_hash == hash_api_key("a-long-random-secret-0123")
        assert "a-long-random-secret" not in dist.api_key_hash
        products = {p.sku: p for p in (await session.execute(select(Product))).scalars()}
        assert set(products) == {"DY-1001", "CH-2003"}
        variant = (await session.execute(select(ProductVariant))).scalar_one()
        assert variant.product_id == products["DY-1001"].id
        assert float(variant.price_difference) == pytest.approx(3.5)
        cats = {c.name: c for c in (await session.execute(select(ProductCategory))).scalars()}
        assert cats["Milk"].parent_category_id == cats["Dairy"].id
        integ = (await session.execute(select(ExternalIntegration))).scalar_one()
        assert integ.route_key == "+15550001111"
        assert "tok-harbor" not in json.dumps(integ.credentials)
        keyring = Keyring(TEST_MASTER_KEY.encode())
        clear = await keyring.decrypt_json(session, dist.id, integ.credentials)
        assert clear == {"auth_token": "tok-harbor"}


async def test_loading_the_same_file_twice_changes_nothing(database) -> None:
    """The second load writes no row (updated_at untouched) and says unchanged."""
    await _load(database, HARBOR)
    before = await _snapshot(database)
    again = await _load(database, HARBOR)
    assert not again.changed
    assert await _snapshot(database) == before


async def test_reload_updates_prices_and_deactivates_dropped_products(database) -> None:
    """A changed file updates in place; a product no longer listed is deactivated, not lost."""
    await _load(database, HARBOR)
    changed = copy.deepcopy(HARBOR)
    changed["products"][0]["unit_price"] = 28.0
    del changed["products"][1]
    result = await _load(database, changed)
    assert result.changes.get("products") == 2
    async with database.transaction(tenant=ALL) as session:
        products = {p.sku: p for p in (await session.execute(select(Product))).scalars()}
        assert float(products["DY-1001"].unit_price) == 28.0
        assert products["CH-2003"].active is False
        dist = (await session.execute(select(Distributor))).scalar_one()
        assert dist.catalog_version == 2


async def test_a_bad_file_leaves_the_database_as_it_was(database) -> None:
    """An error found halfway (an integration without its number) rolls everything back."""
    bad = copy.deepcopy(HARBOR)
    bad["integrations"].append({"provider": "meta_whatsapp", "config": {},
                                "credentials": {"app_secret": "x"}})
    with pytest.raises(DistributorFileError, match=r"integrations\[1\]\.config\.phone_number_id"):
        await _load(database, bad)
    async with database.transaction(tenant=ALL) as session:
        assert (await session.execute(select(func.count(Distributor.id)))).scalar_one() == 0
        assert (await session.execute(select(func.count(Product.id)))).scalar_one() == 0


async def test_a_number_owned_by_another_distributor_is_refused(database) -> None:
    """Two distributors cannot claim the same inbound number (webhooks would be ambiguous)."""
    await _load(database, HARBOR)
    other = copy.deepcopy(HARBOR)
    other["distributor"]["slug"] = "other"
    other["distributor"]["api_key"] = "another-long-secret-key-99"
    with pytest.raises(DistributorFileError, match="another distributor"):
        await _load(database, other)


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d["distributor"].update(colour="red"), "unknown key distributor.colour"),
    (lambda d: d["products"][0].update(unit_price="cheap"), r"products\[0\]\.unit_price"),
    (lambda d: d["products"].append(dict(d["products"][1])), "duplicate sku 'CH-2003'"),
    (lambda d: d.pop("products"), "products: Field required"),
    (lambda d: d["products"][0]["variants"][0].update(variant_type="SHAPE"),
     r"products\[0\]\.variants\[0\]\.variant_type"),
])
def test_bad_files_name_the_place(mutate, message: str) -> None:
    """Every validation error names the key or element at fault."""
    data = copy.deepcopy(HARBOR)
    mutate(data)
    with pytest.raises(DistributorFileError, match=message):
        parse_distributor_json(json.dumps(data), "harbor.json")


def test_invalid_json_names_the_line() -> None:
    """Broken JSON says which line."""
    with pytest.raises(DistributorFileError, match=r"harbor\.json: line 3: invalid JSON"):
        parse_distributor_json('{\n "distributor": {},\n "products": [,]}', "harbor.json")


def test_csv_catalog_with_variants() -> None:
    """A CSV export: products, variants by parent_sku, lists split on |."""
    text = ("sku,name,brand,category,unit,unit_price,aliases,keywords,parent_sku,"
            "variant_name,variant_type\n"
            "DY-1001,Whole Milk 1 Gallon,Hillside,Milk,case,27.50,whole milk|leche,milk,,,\n"
            "DY-1001-HG,,,,,31.00,half gal,,DY-1001,Half Gallon,size\n")
    categories, products = parse_catalog_csv(text, "c.csv")
    assert [c.name for c in categories] == ["Milk"]
    assert products[0].aliases == ["whole milk", "leche"]
    assert products[0].variants[0].sku == "DY-1001-HG"
    assert products[0].variants[0].variant_type == "SIZE"


def test_csv_errors_name_the_line() -> None:
    """A bad CSV row is reported with its line number."""
    text = "sku,name,unit_price\nA,Milk,3\nB,Cream,lots\n"
    with pytest.raises(DistributorFileError, match=r"c\.csv: line 3: unit_price"):
        parse_catalog_csv(text, "c.csv")
    with pytest.raises(DistributorFileError, match="line 1: unknown column 'colour'"):
        parse_catalog_csv("sku,name,colour\n", "c.csv")
    with pytest.raises(DistributorFileError, match="line 2: parent_sku 'NOPE'"):
        parse_catalog_csv("sku,name,parent_sku\nX,Half,NOPE\n", "c.csv")


def test_the_demo_catalog_is_a_valid_distributor_file() -> None:
    """The catalog `serve` loads on an empty database passes the same validation."""
    data = read_distributor_file(Path(__file__).parents[2] / "orderagent/demo/demo.json")
    assert data.distributor.slug == "demo"
    assert len(data.products) >= 150


def test_csv_with_bare_carriage_returns_parses() -> None:
    """Old ERPs end lines with a bare CR: still two products, not an error."""
    _, products = parse_catalog_csv("sku,name\r\nA,Milk\rB,Cream\r\n", "c.csv")
    assert [p.sku for p in products] == ["A", "B"]


def test_numbers_too_large_for_the_database_are_bad_input() -> None:
    """A huge integer is a clear error naming the key, not a crash at insert time."""
    data = copy.deepcopy(HARBOR)
    data["products"][1]["stock_quantity"] = 10**15
    with pytest.raises(DistributorFileError, match=r"products\[1\]\.stock_quantity"):
        parse_distributor_json(json.dumps(data), "harbor.json")


@pytest.mark.parametrize("text", ["MILK\x00", "half \ud85a surrogate"])
def test_text_postgresql_cannot_store_is_bad_input(text: str) -> None:
    """A NUL or an unpaired surrogate in any text is a clear error naming the key (it was
    a 500 from the database on PUT /api/catalog)."""
    data = copy.deepcopy(HARBOR)
    data["products"][0]["variants"][0]["sku"] = text
    with pytest.raises(DistributorFileError, match=r"products\[0\]\.variants\[0\]\.sku: text"):
        parse_distributor_json(json.dumps(data), "harbor.json")
    with pytest.raises(DistributorFileError, match="line 2: text holds a NUL"):
        parse_catalog_csv(f"sku,name\nA1,{text}\n", "c.csv")
