"""Catalog upload (JSON and CSV, as `orderagent load`), product search, AI usage, feedback."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from db.models import AIResponse, AITrainingData, Distributor, Product
from db.models.enums import TrainingDataSource
from tests.api.conftest import auth, chat

CATALOG = {"categories": [{"name": "Dairy"}], "products": [
    {"sku": "DY-1001", "name": "Whole Milk 1 Gallon", "category": "Dairy", "unit": "case",
     "unit_price": 29.0, "aliases": ["whole milk"]},
    {"sku": "NEW-1", "name": "Oat Barista Blend", "unit": "case", "unit_price": 40}]}
CSV = ("sku,name,brand,category,unit,unit_price,aliases,keywords,parent_sku,variant_name,"
       "variant_type\n"
       "DY-1001,Whole Milk 1 Gallon,,Dairy,case,31.00,whole milk|leche,,,,\n"
       "DY-1001-HG,,,,,33.00,half gal,,DY-1001,Half Gallon,SIZE\n")


async def test_json_upload_replaces_the_catalog_and_keeps_settings(client, database,
                                                                   demo) -> None:
    """Prices change, new products appear, missing ones are deactivated; settings stay."""
    async with database.transaction(tenant=demo) as s:
        before = await s.get(Distributor, demo)
        settings = (before.currency, before.ai_confidence_threshold, before.timezone,
                    before.auto_close_timeout_minutes, before.catalog_version)
    resp = await client.put("/api/catalog", headers=auth(), json=CATALOG)
    assert resp.status == 200, await resp.text()
    out = await resp.json()
    assert out["active_products"] == 2 and out["catalog_version"] == settings[-1] + 1
    async with database.transaction(tenant=demo) as s:
        dist = await s.get(Distributor, demo)
        assert (dist.currency, dist.ai_confidence_threshold, dist.timezone,
                dist.auto_close_timeout_minutes) == settings[:-1]
        milk = (await s.execute(select(Product).where(Product.sku == "DY-1001"))).scalar_one()
        assert milk.unit_price == Decimal("29.0")
        gone = (await s.execute(select(Product).where(Product.sku == "CH-2003"))).scalar_one()
        assert not gone.active
    again = await (await client.put("/api/catalog", headers=auth(), json=CATALOG)).json()
    assert again["changes"] == {} and again["catalog_version"] == out["catalog_version"]


async def test_csv_upload_and_bad_uploads(client, database, demo) -> None:
    """CSV with a variant loads; bad input is a 400 naming the key or line."""
    resp = await client.put("/api/catalog", headers={**auth(), "Content-Type": "text/csv"},
                            data=CSV)
    assert resp.status == 200, await resp.text()
    found = await (await client.get("/api/products", headers=auth())).json()
    assert [p["sku"] for p in found["items"]] == ["DY-1001"]
    assert found["items"][0]["variants"][0]["sku"] == "DY-1001-HG"
    for body, ctype, where in [
        ("sku,name,colour\nX,Y,red\n", "text/csv", "unknown column 'colour'"),
        ("sku,name,unit_price\nX,Y,abc\n", "text/csv", "line 2"),
        ('{"products": [{"sku": "X"}]}', "application/json", "products[0].name"),
        ('{"products": [], "distributor": {"slug": "evil"}}', "application/json",
         "unknown key distributor"),
        ('{"products": []}', "application/json", "empty"),
        ("{not json", "application/json", "invalid JSON"),
        ("<xml/>", "application/xml", "application/json or text/csv"),
    ]:
        resp = await client.put("/api/catalog", headers={**auth(), "Content-Type": ctype},
                                data=body)
        assert resp.status == 400, (body, await resp.text())
        assert where in (await resp.json())["message"], (body, await resp.text())


async def test_learned_aliases_survive_an_upload(client, database, demo) -> None:
    """An ERP export does not know our learned aliases; they are put back after loading."""
    async with database.transaction(tenant=demo) as s:
        s.add(AITrainingData(distributor_id=demo, input_text="2 cs moo juice",
                             expected_output={"sku": "DY-1001", "alias": "moo juice"},
                             actual_output={}, data_source=TrainingDataSource.CORRECTED_AI_OUTPUT))
    await client.put("/api/catalog", headers=auth(), json=CATALOG)
    async with database.transaction(tenant=demo) as s:
        aliases = (await s.execute(select(Product.aliases).where(Product.sku == "DY-1001"))
                   ).scalar_one()
    assert aliases == ["whole milk", "moo juice"]


async def test_product_search_and_pages(client) -> None:
    """q finds by name (typos too), sku and alias; without q, pages by name."""
    async def skus(**params) -> list[str]:
        body = await (await client.get("/api/products", headers=auth(), params=params)).json()
        return [p["sku"] for p in body["items"]]

    async def names(**params) -> list[str]:
        body = await (await client.get("/api/products", headers=auth(), params=params)).json()
        return [p["name"] for p in body["items"]]

    assert all("Mozzarella" in n for n in (await names(q="mozzarella"))[:5])
    assert "Mozzarella" in (await names(q="mozarella"))[0]
    assert (await skus(q="DY-1001"))[0] == "DY-1001"
    assert "DY-1001" in await skus(q="leche entera")
    seen, cursor = [], None
    for _ in range(3):
        params = {"limit": "100", **({"cursor": cursor} if cursor else {})}
        body = await (await client.get("/api/products", headers=auth(), params=params)).json()
        seen += [p["sku"] for p in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) > 200


async def test_ai_usage_per_period_and_feedback(client, database, agent, demo) -> None:
    """Usage sums the hourly rows; feedback lands on the AI response."""
    await chat(database, agent, demo, "2 cs whole milk")
    await chat(database, agent, demo, "3 dozen eggs")
    body = await (await client.get("/api/ai/usage", headers=auth(),
                                   params={"period": "hour"})).json()
    assert body["totals"]["requests"] == 2 and len(body["periods"]) == 1
    assert 0 < body["totals"]["avg_confidence"] <= 1
    assert body["monthly_budget_usd"] == "50.00"
    resp = await client.get("/api/ai/usage", headers=auth(),
                            params={"from": "2030-01-02T00:00:00Z", "to": "2030-01-01T00:00:00Z"})
    assert resp.status == 400
    empty = await (await client.get("/api/ai/usage", headers=auth(), params={
        "from": "2001-01-01T00:00:00Z", "to": "2001-02-01T00:00:00Z"})).json()
    assert empty["periods"] == [] and empty["totals"]["requests"] == 0

    async with database.transaction(tenant=demo) as s:
        response_id = (await s.execute(select(AIResponse.id).limit(1))).scalar_one()
    resp = await client.post(f"/api/ai/responses/{response_id}/feedback", headers=auth(),
                             json={"feedback": "NOT_HELPFUL", "notes": "wrong size"})
    assert resp.status == 200
    assert (await resp.json())["human_feedback"] == "NOT_HELPFUL"
    async with database.transaction(tenant=demo) as s:
        row = await s.get(AIResponse, response_id)
        assert (row.human_feedback, row.human_feedback_notes) == ("NOT_HELPFUL", "wrong size")
    bad = await client.post(f"/api/ai/responses/{response_id}/feedback", headers=auth(),
                            json={"feedback": "MEH"})
    assert bad.status == 400
