"""PII through the pipeline: cards never stored in clear, findings sealed, replies say so."""

from __future__ import annotations

import logging

from sqlalchemy import select, text

from agent.context import AgentContext
from db.crypto import Keyring
from db.models import Message, PIIDetectionResult
from evaluation.local import say
from tests.conftest import TEST_MASTER_KEY

CARD = "4111 1111 1111 1111"
MESSAGE = f"2 cs whole milk. Card for the invoice: {CARD}. My cell is (305) 555-0143"


async def _all_text(database) -> str:
    """Every row of every table as text: what an attacker with a dump would read."""
    chunks = []
    async with database.engine.connect() as conn:
        tables = (await conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))).scalars().all()
        for table in tables:
            rows = (await conn.execute(text(f'SELECT t::text FROM "{table}" t'))).scalars()
            chunks.extend(rows)
    return "\n".join(chunks)


async def test_a_card_number_is_nowhere_in_clear(database, demo, caplog) -> None:
    """After a message with a card: not in any table, not in the logs; the reply says why."""
    caplog.set_level(logging.DEBUG)
    ctx = AgentContext(keyring=Keyring(TEST_MASTER_KEY.encode()))
    exchange = await say(database, ctx, demo, sender="+13055550101", text=MESSAGE)
    dump = await _all_text(database)
    digits = CARD.replace(" ", "")
    assert CARD not in dump and digits not in dump
    assert "**** **** **** 1111" in dump  # the stored message keeps the masked form
    assert CARD not in caplog.text and digits not in caplog.text
    assert "removed the card number" in exchange.replies[0]
    assert "Whole Milk" in exchange.replies[0]  # the order itself still goes on


async def test_findings_are_recorded_sealed(database, demo) -> None:
    """Each finding is a row whose value is encrypted and opens with the distributor's key."""
    keyring = Keyring(TEST_MASTER_KEY.encode())
    await say(database, AgentContext(keyring=keyring), demo, sender="+13055550101",
              text=MESSAGE)
    async with database.transaction(tenant=demo) as s:
        rows = {r.pii_type: r for r in (await s.execute(select(PIIDetectionResult))).scalars()}
        assert {"PHONE", "CREDIT_CARD"} <= set(rows)
        phone = rows["PHONE"]
        assert "555" not in phone.detected_value
        assert await keyring.decrypt(s, demo, phone.detected_value) == "(305) 555-0143"
        card = await keyring.decrypt(s, demo, rows["CREDIT_CARD"].detected_value)
        assert card == "**** **** **** 1111"  # even sealed, only the masked form is kept
        assert rows["CREDIT_CARD"].action_taken == "REDACTED"
        msg = (await s.execute(select(Message).where(Message.is_from_customer))).scalar_one()
        start, end = phone.start_offset, phone.end_offset
        assert msg.content[start:end] == "(305) 555-0143"  # the distributor keeps the original


async def test_every_card_in_a_run_and_any_separator_is_masked(database, demo) -> None:
    """Two cards typed as one run, and a card written with dots: none stored in clear."""
    cards = ["4111 1111 1111 1111", "5555 5555 5555 4444", "4012.8888.8888.1881"]
    ctx = AgentContext(keyring=Keyring(TEST_MASTER_KEY.encode()))
    await say(database, ctx, demo, sender="+13055550102",
              text=f"2 cs whole milk. cards {cards[0]} {cards[1]} or {cards[2]}")
    dump = await _all_text(database)
    for card in cards:
        digits = "".join(ch for ch in card if ch.isdigit())
        assert card not in dump and digits not in dump
        assert digits[:12] not in dump.replace(" ", "").replace(".", "")


async def test_no_customer_pii_is_kept_or_quoted_outside_the_message(database, demo) -> None:
    """A line holding a phone, an email and an IBAN cannot be read: the reply asks about it
    without repeating them, and no table but the message itself holds them."""
    secrets = ["(305) 555-0188", "rosa.m@example.com", "DE89 3704 0044 0532 0130 00"]
    ctx = AgentContext(keyring=Keyring(TEST_MASTER_KEY.encode()))
    exchange = await say(database, ctx, demo, sender="+13055550104", text=(
        f"2 cs whole milk\n1 cs labels {secrets[0]}\n3 cs stickers {secrets[1]}\n"
        f"1 cs tags {secrets[2]}"))
    for secret in secrets:
        assert secret not in exchange.replies[0]
    async with database.engine.connect() as conn:
        outside = (await conn.execute(text(
            "SELECT t::text FROM order_session_items t UNION ALL "
            "SELECT t::text FROM order_session_events t UNION ALL "
            "SELECT t::text FROM ai_responses t UNION ALL "
            "SELECT content FROM messages WHERE NOT is_from_customer"))).scalars().all()
    dump = "\n".join(outside)
    assert "Whole Milk" in dump  # the order itself is there
    for secret in secrets:
        assert secret not in dump and secret.replace(" ", "") not in dump.replace(" ", "")
