"""Check-in on arrival and calling the next holder: each one transaction with its audit entry.

Numbers are given under a lock on the programme's row, so parallel check-ins get unique numbers without gaps;
a card checking in again the same day gets its number back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from .. import audit
from ..audit import current_actor_id, printable
from ..cards import services as cards
from ..clock import today, utcnow
from ..errors import Conflict, NotFound
from ..extensions import db
from ..programs.models import Program
from ..rules import N_, refuse
from ..rules.identity import mask_name
from .models import QueueEntry, QueueStatus

# action: (states it applies to, the state it leaves, why not)
_MOVES = {
    "recall": ({QueueStatus.CALLED, QueueStatus.SKIPPED}, QueueStatus.CALLED,
               N_("Only a number that was called or skipped can be called again.")),
    "skip": ({QueueStatus.CALLED}, QueueStatus.SKIPPED, N_("Only a called number can be skipped.")),
    "serve": ({QueueStatus.CALLED}, QueueStatus.SERVED, N_("Only a called number can be marked served.")),
}


def _program(code: str | None, *, lock: bool = False) -> Program:
    query = select(Program).where(Program.code == str(code or "").upper())
    program = db.session.scalar(query.with_for_update() if lock else query)
    if program is None:
        raise NotFound(refuse("program_not_found", N_("No programme has the code %(code)s."), code=code or ""))
    return program


def check_in(code: str, program_code: str | None) -> tuple[QueueEntry, bool]:
    """The holder arrived: the card must be usable at this programme today; it gets the day's next number, or the
    number it already has. Returns (entry, new)."""
    program = _program(program_code, lock=True)  # one number at a time per programme
    card = cards.card_for_code(code)
    verdict = cards.verdict_for(card, program.code, for_use=True)
    if not verdict.ok:
        raise Conflict(verdict, card_status=card.status.value if card else None)
    day = today()
    entry = db.session.scalar(select(QueueEntry).where(QueueEntry.program_id == program.id, QueueEntry.day == day,
                                                       QueueEntry.public_id == card.public_id))
    if entry is not None:
        return entry, False
    number = (db.session.scalar(select(func.max(QueueEntry.number)).where(
        QueueEntry.program_id == program.id, QueueEntry.day == day)) or 0) + 1
    entry = QueueEntry(program=program, day=day, number=number, card=card, public_id=card.public_id,
                       status=QueueStatus.WAITING, checked_in_at=utcnow(), checked_in_by_id=current_actor_id())
    db.session.add(entry)
    db.session.flush()
    audit.record("queue.checked_in", entry, {"program": program.code, "number": number, "card": card.number})
    db.session.commit()
    return entry, True


def entries(program_code: str | None) -> list[QueueEntry]:
    program = _program(program_code)
    return list(db.session.scalars(select(QueueEntry).where(QueueEntry.program_id == program.id,
                                                            QueueEntry.day == today()).order_by(QueueEntry.number)))


def call_next(program_code: str | None, station: str | None = None) -> QueueEntry:
    """The lowest waiting number becomes called, at this desk."""
    program = _program(program_code, lock=True)  # two desks calling at once call two different numbers
    entry = db.session.scalar(select(QueueEntry).where(
        QueueEntry.program_id == program.id, QueueEntry.day == today(), QueueEntry.status == QueueStatus.WAITING)
        .order_by(QueueEntry.number).limit(1))
    if entry is None:
        raise Conflict(refuse("queue_empty", N_("Nobody is waiting.")))
    entry.status, entry.called_at, entry.called_by_id = QueueStatus.CALLED, utcnow(), current_actor_id()
    entry.station = printable(station, 60)
    audit.record("queue.called", entry, {"program": program.code, "number": entry.number, "station": entry.station})
    db.session.commit()
    return entry


def move(entry_id: int, action: str, station: str | None = None) -> QueueEntry:
    """Recall, skip or serve a called number."""
    entry = db.session.scalar(select(QueueEntry).where(QueueEntry.id == entry_id).with_for_update()
                              .execution_options(populate_existing=True))
    if entry is None:
        raise NotFound(refuse("queue_entry_not_found", N_("No queue entry has the number %(id)s."), id=entry_id))
    states, to, message = _MOVES[action]
    if entry.status not in states:
        raise Conflict(refuse("queue_move_not_allowed", message))
    entry.status = to
    if to is QueueStatus.CALLED:
        entry.called_at, entry.called_by_id, entry.finished_at = utcnow(), current_actor_id(), None
        entry.station = printable(station, 60) or entry.station
    else:
        entry.finished_at = utcnow()
    audit.record(f"queue.{action}", entry, {"number": entry.number, "status": to.value})
    db.session.commit()
    return entry


def dump_entry(entry: QueueEntry) -> dict[str, Any]:
    card = entry.card
    return {"id": entry.id, "queue_number": entry.number, "program": entry.program.code, "day": entry.day.isoformat(),
            "status": entry.status.value, "holder_masked": mask_name(card.member.name), "card": card.number,
            "checked_in_at": entry.checked_in_at.isoformat(),
            "called_at": entry.called_at.isoformat() if entry.called_at else None, "station": entry.station}
