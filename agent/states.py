"""The order session state machine, as data: states, allowed transitions, outcomes.

    ACTIVE ──► COLLECTING ──► REVIEWING ──► CLOSED (CONFIRMED | CANCELLED)
       │            ▲  │          │ ▲
       │            └──┼──────────┘ │   a change while reviewing goes back to collecting
       └────────────── ┴────────────┴──► CLOSED (CANCELLED | TIMEOUT | ABANDONED)
"""

from __future__ import annotations

from datetime import UTC, datetime

from db.models import ConversationOrderSession, OrderSessionEvent
from db.models.enums import SessionEventType, SessionOutcome, SessionStatus

S = SessionStatus
TRANSITIONS: dict[SessionStatus, frozenset[SessionStatus]] = {
    S.ACTIVE: frozenset({S.COLLECTING, S.CLOSED}),
    S.COLLECTING: frozenset({S.REVIEWING, S.CLOSED}),
    S.REVIEWING: frozenset({S.COLLECTING, S.CLOSED}),
    S.CLOSED: frozenset(),
}
# an order can only be confirmed from review: the customer must have seen the summary
OUTCOMES_FROM: dict[SessionOutcome, frozenset[SessionStatus]] = {
    SessionOutcome.CONFIRMED: frozenset({S.REVIEWING}),
    SessionOutcome.CANCELLED: frozenset({S.ACTIVE, S.COLLECTING, S.REVIEWING}),
    SessionOutcome.TIMEOUT: frozenset({S.ACTIVE, S.COLLECTING, S.REVIEWING}),
    SessionOutcome.ABANDONED: frozenset({S.ACTIVE, S.COLLECTING, S.REVIEWING}),
}


class IllegalTransition(RuntimeError):
    """A transition the state machine does not allow."""


def event(session: ConversationOrderSession, kind: SessionEventType, data: dict | None = None,
          *, by: str = "agent", message_id=None) -> OrderSessionEvent:
    """A new audit-trail row for `session`."""
    return OrderSessionEvent(distributor_id=session.distributor_id, order_session_id=session.id,
                             event_type=kind, event_data=data or {}, triggered_by=by,
                             message_id=message_id)


def transition(session: ConversationOrderSession, to: SessionStatus, *, by: str = "agent",
               message_id=None, now: datetime | None = None) -> OrderSessionEvent:
    """Move `session` to `to` (not CLOSED: use `close`); returns the STATUS_CHANGED event."""
    if to == S.CLOSED:
        raise IllegalTransition("use close() to close a session with an outcome")
    if to not in TRANSITIONS[session.status]:
        raise IllegalTransition(f"{session.status} -> {to}")
    now = now or datetime.now(UTC)
    before = session.status
    session.status = to
    if to == S.COLLECTING and session.collecting_started_at is None:
        session.collecting_started_at = now
    if to == S.REVIEWING:
        session.review_started_at = now
    return event(session, SessionEventType.STATUS_CHANGED, {"from": before, "to": to}, by=by,
                 message_id=message_id)


def close(session: ConversationOrderSession, outcome: SessionOutcome, *, reason: str,
          by: str = "agent", message_id=None, now: datetime | None = None
          ) -> list[OrderSessionEvent]:
    """Close `session` with `outcome`; returns its STATUS_CHANGED and SESSION_CLOSED events."""
    if session.status not in OUTCOMES_FROM[outcome]:
        raise IllegalTransition(f"{session.status} -> CLOSED/{outcome}")
    before = session.status
    session.status = S.CLOSED
    session.outcome = outcome
    session.outcome_reason = reason
    session.closed_at = now or datetime.now(UTC)
    session.closed_by = by
    data = {"from": before, "to": S.CLOSED, "outcome": outcome, "reason": reason}
    return [event(session, SessionEventType.STATUS_CHANGED, data, by=by, message_id=message_id),
            event(session, SessionEventType.SESSION_CLOSED, data, by=by, message_id=message_id)]
