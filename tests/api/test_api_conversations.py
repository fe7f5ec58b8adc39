"""Conversations through the API: inbox, thread, read, staff replies, suggestions, handback."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from core.messages import Channel
from db.models import AIResponse, Conversation, Customer, Message, OrderSessionEvent
from evaluation.local import say
from tests.api.conftest import PHONE, auth, chat

OTHER_PHONE = "+13055550102"


async def _get(client, path: str, **params):
    resp = await client.get(path, headers=auth(), params=params)
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def test_inbox_lists_newest_first_with_unread_and_last_message(client, database, agent,
                                                                      demo) -> None:
    """Two threads: the latest active first, each with its customer, unread count, preview."""
    await chat(database, agent, demo, "2 cs whole milk")
    await chat(database, agent, demo, "3 dozen eggs please", sender=OTHER_PHONE)
    page = await _get(client, "/api/conversations")
    first, second = page["items"]
    assert first["customer"]["phone"] == OTHER_PHONE and second["customer"]["phone"] == PHONE
    assert first["unread_count"] == 1 and first["channel"] == "WHATSAPP"
    assert first["last_message"]["is_from_customer"] is False  # the agent's summary
    assert page["next_cursor"] is None


async def test_inbox_filters_and_keyset_pages(client, database, agent, demo) -> None:
    """channel, q and unread filter; limit=1 pages through with the cursor, no repeats."""
    await chat(database, agent, demo, "2 cs whole milk")
    await say(database, agent, demo, sender="linda@marios.example", text="1 cs eggs",
              channel=Channel.EMAIL)
    await chat(database, agent, demo, "1 cs limes", sender=OTHER_PHONE)
    emails = await _get(client, "/api/conversations", channel="EMAIL")
    assert [c["customer"]["email"] for c in emails["items"]] == ["linda@marios.example"]
    found = await _get(client, "/api/conversations", q="0102")
    assert [c["customer"]["phone"] for c in found["items"]] == [OTHER_PHONE]
    by_text = await _get(client, "/api/conversations", q="LIMES")
    assert len(by_text["items"]) == 1
    seen, cursor = [], None
    while True:
        params = {"limit": "1", **({"cursor": cursor} if cursor else {})}
        page = await _get(client, "/api/conversations", **params)
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 3
    bad = await client.get("/api/conversations", headers=auth(), params={"cursor": "zzz"})
    assert bad.status == 400
    bad = await client.get("/api/conversations", headers=auth(), params={"limit": "0"})
    assert bad.status == 400 and "limit" in (await bad.json())["message"]


async def test_thread_read_and_staff_reply(client, database, agent, demo) -> None:
    """The thread is in order; read zeroes unread; a staff reply is queued on the channel."""
    await chat(database, agent, demo, "2 cs whole milk")
    await chat(database, agent, demo, "and 1 cs eggs")
    conv = (await _get(client, "/api/conversations"))["items"][0]
    thread = await _get(client, f"/api/conversations/{conv['id']}/messages")
    positions = [m["thread_position"] for m in thread["items"]]
    assert positions == sorted(positions) and len(positions) == 4
    assert thread["items"][0]["ai_extracted_products"][0]["sku"] == "DY-1001"
    older = await _get(client, f"/api/conversations/{conv['id']}/messages", limit="2")
    assert older["next_before"] == older["items"][0]["thread_position"]
    rest = await _get(client, f"/api/conversations/{conv['id']}/messages",
                      before=str(older["next_before"]))
    assert [m["id"] for m in rest["items"] + older["items"]] == [m["id"] for m in thread["items"]]

    resp = await client.post(f"/api/conversations/{conv['id']}/read", headers=auth())
    assert (await resp.json())["marked"] == 2
    assert (await _get(client, "/api/conversations"))["items"][0]["unread_count"] == 0

    resp = await client.post(f"/api/conversations/{conv['id']}/messages", headers=auth(),
                             json={"text": "Driver is on the way."})
    assert resp.status == 201
    sent = await resp.json()
    assert sent["sent_by"] == "staff" and sent["status"] == "QUEUED"
    async with database.transaction(tenant=demo) as s:
        msg = await s.get(Message, sent["id"])
        assert (msg.content, msg.is_from_customer, msg.sent_by) == \
            ("Driver is on the way.", False, "staff")
        assert msg.thread_position == 5
    for body in ({}, {"text": ""}, {"text": "x", "extra": 1}, {"text": "x", "suggestion_id": 5}):
        resp = await client.post(f"/api/conversations/{conv['id']}/messages", headers=auth(),
                                 json=body)
        assert resp.status == 400, body


async def test_a_retried_staff_reply_with_an_idempotency_key_is_queued_once(
        client, database, agent, demo) -> None:
    """A dashboard retrying after a timeout (also twice at once) gets the first reply
    back and the customer gets one message; the key on another reply is a 409."""
    await chat(database, agent, demo, "2 cs whole milk")
    await chat(database, agent, demo, "1 cs eggs", sender=OTHER_PHONE)
    first, other = (await _get(client, "/api/conversations"))["items"]
    url = f"/api/conversations/{first['id']}/messages"
    headers = {**auth(), "Idempotency-Key": "reply-7f3a"}
    body = {"text": "Driver is on the way."}
    answers = await asyncio.gather(*(client.post(url, headers=headers, json=body)
                                     for _ in range(3)))
    assert [r.status for r in answers] == [201] * 3
    assert len({(await r.json())["id"] for r in answers}) == 1
    async with database.transaction(tenant=demo) as s:
        sent = [str(i) for i in (await s.execute(select(Message.id).where(
            Message.content == body["text"]))).scalars()]
    assert sent == [(await answers[0].json())["id"]]
    changed = await client.post(url, headers=headers, json={"text": "Something else"})
    elsewhere = await client.post(f"/api/conversations/{other['id']}/messages",
                                  headers=headers, json=body)
    assert (changed.status, elsewhere.status) == (409, 409)
    fresh = await client.post(url, headers={**auth(), "Idempotency-Key": "reply-8"}, json=body)
    assert fresh.status == 201 and (await fresh.json())["id"] not in sent
    for bad in ("x" * 256, "caf\u00e9", "tab\there"):
        resp = await client.post(url, headers={**auth(), "Idempotency-Key": bad}, json=body)
        assert resp.status == 400, bad


async def test_staff_reply_refused_to_an_opted_out_customer(client, database, agent,
                                                            demo) -> None:
    """Consent: nothing is queued for a customer who sent STOP on this channel."""
    await chat(database, agent, demo, "2 cs whole milk")
    async with database.transaction(tenant=demo) as s:
        customer = (await s.execute(select(Customer))).scalar_one()
        customer.whatsapp_opted_out_at = datetime.now(UTC)
        conv = (await s.execute(select(Conversation))).scalar_one()
    resp = await client.post(f"/api/conversations/{conv.id}/messages", headers=auth(),
                             json={"text": "hello?"})
    assert resp.status == 409


async def test_using_a_suggestion_marks_it_used(client, database, agent, demo) -> None:
    """suggestion_id marks that ai_responses row used; one from another thread is a 400."""
    await chat(database, agent, demo, "2 cs whole milk and 1 cs buns")
    await chat(database, agent, demo, "1 cs eggs", sender=OTHER_PHONE)
    convs = (await _get(client, "/api/conversations"))["items"]
    mine = next(c for c in convs if c["customer"]["phone"] == PHONE)
    theirs = next(c for c in convs if c["customer"]["phone"] == OTHER_PHONE)
    suggestions = (await _get(client, f"/api/conversations/{mine['id']}/suggestions")
                   )["suggestions"]
    chosen = suggestions[0]
    resp = await client.post(f"/api/conversations/{theirs['id']}/messages", headers=auth(),
                             json={"text": chosen["text"], "suggestion_id": chosen["id"]})
    assert resp.status == 400
    resp = await client.post(f"/api/conversations/{mine['id']}/messages", headers=auth(),
                             json={"text": chosen["text"], "suggestion_id": chosen["id"]})
    assert resp.status == 201 and (await resp.json())["suggestion_used"]
    async with database.transaction(tenant=demo) as s:
        rows = {r.id: r for r in (await s.execute(select(AIResponse).where(
            AIResponse.agent_type == "REPLY_SUGGESTION"))).scalars()}
    assert [str(i) for i, r in rows.items() if r.was_used] == [chosen["id"]]


async def test_suggestions_are_stored_and_rebuilt_when_the_session_changes(
        client, database, agent, demo) -> None:
    """Stored on the message with ai_responses rows; the same until the state moves."""
    await chat(database, agent, demo, "2 cs whole milk and 1 cs buns")
    conv = (await _get(client, "/api/conversations"))["items"][0]
    path = f"/api/conversations/{conv['id']}/suggestions"
    first = await _get(client, path)
    kinds = [s["kind"] for s in first["suggestions"]]
    assert kinds == ["CLARIFY", "SUMMARY"]
    clarify = first["suggestions"][0]
    assert "“1 cs buns”" in clarify["text"] and "Hot Dog Buns" in clarify["text"]
    assert all(p["sku"].startswith("BK-") for p in clarify["products"])
    summary = first["suggestions"][1]["text"]
    assert "- 2 x Whole Milk 1 Gallon ($27.50 per case) - $55.00" in summary
    assert (await _get(client, path)) == first  # unchanged state: the same suggestions
    async with database.transaction(tenant=demo) as s:
        msg = await s.get(Message, first["message_id"])
        assert [x["id"] for x in msg.ai_suggested_responses] == \
            [x["id"] for x in first["suggestions"]]
        rows = (await s.execute(select(AIResponse).where(
            AIResponse.agent_type == "REPLY_SUGGESTION"))).scalars().all()
        assert {r.prompt_version.split("@")[0] for r in rows} == \
            {"suggest_clarify_en", "suggest_summary_en"}
    await chat(database, agent, demo, "do you have burrata?")
    again = await _get(client, path)
    assert again["message_id"] != first["message_id"]
    answer = again["suggestions"][0]
    assert answer["kind"] == "ANSWER"
    assert "Burrata 4 oz" in answer["text"] and "out of stock" in answer["text"]


async def test_handback_ends_the_handoff_and_the_agent_answers_again(client, database, agent,
                                                                     demo) -> None:
    """After handback: handoff off, HANDOFF_ENDED in the history, replies resume."""
    await chat(database, agent, demo, "can I talk to someone please")
    assert await chat(database, agent, demo, "2 cs whole milk") == ""
    conv = (await _get(client, "/api/conversations", handoff="true"))["items"][0]
    assert conv["handoff_active"]
    resp = await client.post(f"/api/conversations/{conv['id']}/handback", headers=auth())
    assert await resp.json() == {"conversation_id": conv["id"], "handoff_active": False,
                                 "ended": True}
    again = await client.post(f"/api/conversations/{conv['id']}/handback", headers=auth())
    assert (await again.json())["ended"] is False
    async with database.transaction(tenant=demo) as s:
        kinds = (await s.execute(select(OrderSessionEvent.event_type))).scalars().all()
    assert "HANDOFF_ENDED" in kinds
    assert "Whole Milk" in await chat(database, agent, demo, "2 cs whole milk")
