"""Fixtures of the operations tests: the demo catalog wired to a local Twilio."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from tests.channels.samples import TWILIO_ACCOUNT, TWILIO_TOKEN
from tests.channels.webhook_env import integrations, load
from tests.fakes.twilio_api import FakeTwilioAPI


@pytest.fixture
async def twilio_api() -> AsyncIterator[FakeTwilioAPI]:
    """A local Twilio Messages API (its URL in `.base`)."""
    fake = FakeTwilioAPI(TWILIO_ACCOUNT, TWILIO_TOKEN)
    async with fake.serve() as base:
        fake.base = base  # type: ignore[attr-defined]
        yield fake


@pytest.fixture
async def shop(database, twilio_api) -> uuid.UUID:
    """A distributor with the demo catalog whose Twilio numbers send to the local fake."""
    return await load(database, demo_catalog=True,
                      integration_list=integrations(twilio_base=twilio_api.base))
