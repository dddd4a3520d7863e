"""A service that is one state transition owns its transaction (app.extensions.transition)."""

import pytest
from sqlalchemy import func, select

from app import audit
from app.audit import AuditEntry
from app.errors import Conflict
from app.extensions import db, transition
from app.rules import refuse


def _entries() -> int:
    return db.session.scalar(select(func.count(AuditEntry.id)))


def test_a_transition_that_raises_after_writing_leaves_nothing_pending(app, ctx, make_user):
    """As in a CLI run or a job, where no request teardown would discard the half-made change."""
    user, before = make_user("admin"), _entries()

    @transition
    def half_done():
        audit.record("test.half_done", user, {"step": 1}, actor=user)
        db.session.flush()
        raise Conflict(refuse("test_refused", "refused after the first write"))

    with pytest.raises(Conflict):
        half_done()
    assert not db.session.new and _entries() == before


def test_a_transition_that_returns_has_committed(app, ctx, make_user):
    user, before = make_user("admin"), _entries()

    @transition
    def done():
        audit.record("test.done", user, {"step": 1}, actor=user)
        return "ok"

    assert done() == "ok"
    db.session.rollback()  # a rollback now cannot take back what the transition committed
    assert _entries() == before + 1
