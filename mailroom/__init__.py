"""The pipe through PostgreSQL that agent and channels share: inbox, outbox, events.

Where new code goes: storing or queueing a message or an event, in the caller's
transaction. Neither `agent/` nor `channels/` imports the other; both import this.

    inbox.store_inbound_many / store_inbound   a provider message stored once
    outbox.queue_reply / message_created       a reply queued for the senders
    events.enqueue_event / EventType           an event for the distributor's systems
"""
