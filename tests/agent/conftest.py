"""Fixtures for agent tests: the fake OpenAI-compatible server."""

from tests.fakes.openai_server import fake_openai

__all__ = ["fake_openai"]
