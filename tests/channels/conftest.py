"""Fixtures of the channel tests: local provider servers the outbound side talks to."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.channels.samples import META_PHONE_NUMBER_ID, TWILIO_ACCOUNT, TWILIO_TOKEN
from tests.channels.webhook_env import META_TOKEN
from tests.fakes.graph_api import FakeGraphAPI
from tests.fakes.smtp import FakeSMTPServer
from tests.fakes.twilio_api import FakeTwilioAPI


@pytest.fixture
async def twilio_api() -> AsyncIterator[FakeTwilioAPI]:
    """A local Twilio Messages API (its URL in `.base`)."""
    fake = FakeTwilioAPI(TWILIO_ACCOUNT, TWILIO_TOKEN)
    async with fake.serve() as base:
        fake.base = base  # type: ignore[attr-defined]
        yield fake


@pytest.fixture
async def graph_api() -> AsyncIterator[FakeGraphAPI]:
    """A local Graph API (its URL in `.base`)."""
    fake = FakeGraphAPI(META_TOKEN, META_PHONE_NUMBER_ID)
    async with fake.serve() as base:
        fake.base = base  # type: ignore[attr-defined]
        yield fake


@pytest.fixture
def smtp() -> Iterator[FakeSMTPServer]:
    """A local SMTP server."""
    with FakeSMTPServer() as server:
        yield server
