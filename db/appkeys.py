"""Typed keys for what the aiohttp app shares (one place, imported by every route module)."""

from __future__ import annotations

import asyncio

from aiohttp import web

from core.settings import Settings
from db.crypto import Keyring
from db.engine import Database

SETTINGS = web.AppKey("settings", Settings)
DATABASE = web.AppKey("database", Database)
KEYRING = web.AppKey("keyring", Keyring)
# background tasks (workers, senders) kept in a set so none is lost or garbage-collected
BACKGROUND = web.AppKey("background", set[asyncio.Task[None]])
