"""Fixtures for the matcher tests: the demo catalog's index, and the fake OpenAI server."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.distributor_file import read_distributor_file
from matching.catalog import CatalogItem, items_from_file
from matching.index import CatalogIndex, build_index
from tests.fakes.openai_server import fake_openai
from tests.matching.erp_catalog import erp_index as _erp_index

__all__ = ["fake_openai"]

DEMO = Path(__file__).resolve().parents[2] / "orderagent" / "demo" / "demo.json"


@pytest.fixture(scope="session")
def demo_items() -> list[CatalogItem]:
    """Every sellable item of the demo distributor file."""
    return items_from_file(read_distributor_file(DEMO))


@pytest.fixture(scope="session")
def demo_index(demo_items: list[CatalogItem]) -> CatalogIndex:
    """The demo catalog's match index (built once)."""
    return build_index(demo_items)


@pytest.fixture(scope="session")
def erp_index() -> CatalogIndex:
    """An invented ERP-style catalog's index (caps, pack notation, no aliases)."""
    return _erp_index()
