"""The conversation runtime: state machine, turns, workers, replies, suggestions, the LLM.

Where new code goes: what happens to a stored message until its reply is queued. Reading
the text belongs in `reading/`, catalog matching in `matching/`, storage in `mailroom/`;
this package never imports `channels/` (the outbox is the boundary).
"""
