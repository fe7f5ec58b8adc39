"""The ground every layer stands on: settings, the error tree, the distributor file, messages.

Where new code goes: only what every layer needs and that imports nothing of ours —
channel-neutral types (`messages.py`), configuration (`settings.py`), errors (`errors.py`).
"""
