"""Fixtures for agent tests: the demo distributor, the fake OpenAI-compatible server."""

import pytest

from core.distributor_file import read_distributor_file
from db.crypto import Keyring
from db.loader import load_distributor
from db.tenant import ALL
from orderagent.bootstrap import DEMO_FILE
from tests.conftest import TEST_MASTER_KEY
from tests.fakes.openai_server import fake_openai

__all__ = ["demo", "fake_openai"]


@pytest.fixture
async def demo(database):
    """The demo distributor's id, loaded into this test's database."""
    async with database.transaction(tenant=ALL) as s:
        result = await load_distributor(s, read_distributor_file(DEMO_FILE),
                                        Keyring(TEST_MASTER_KEY.encode()))
    return result.distributor_id
