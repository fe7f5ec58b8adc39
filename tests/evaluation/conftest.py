"""Fixtures for evaluation tests: the demo distributor and catalog, the fake OpenAI server."""

from tests.agent.conftest import demo, fake_openai
from tests.matching.conftest import demo_index, demo_items

__all__ = ["demo", "demo_index", "demo_items", "fake_openai"]
