"""Check-in on arrival and calling the next holder: each one transaction with its audit entry.

Numbers are given under a lock on the programme's row, so parallel check-ins get unique numbers without gaps;
a card checking in again the same day gets its number back.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from .. import audit
from ..audit import actor_id, printable
from ..cards import services as cards
from ..cards.models import Card
from ..clock import today, utcnow
from ..errors import Conflict, NotFound
from ..extensions import db, transition
from ..members.services import find_by_any_id_number
from ..programs.models import Program
from ..rules import N_, refuse
from ..rules.identity import mask_name
from .models import CallScreen, LotteryDraw, QueueEntry, QueueStatus
from .schemas import DrawIn, HolderCheckIn, ScreenIn

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


@transition
def check_in(code: str, program_code: str | None, *, by) -> tuple[QueueEntry, bool]:
    """The holder arrived: the card must be usable at this programme today; it gets the day's next number, or the
    number it already has. Returns (entry, new)."""
    program = _program(program_code, lock=True)  # one number at a time per programme
    return _check_in(program, cards.card_for_code(code), by=by)


@transition
def check_in_holder(data: Mapping[str, Any], *, by) -> tuple[QueueEntry, bool]:
    """The card was left at home: the holder shows their ID, whose number finds them (the blind index, never a
    search of clear text); a phone number given as well must be theirs. Their card usable here today checks in."""
    spec = HolderCheckIn.read(data)
    program_code, id_number, phone = spec.program, spec.id_number, spec.phone
    program = _program(program_code, lock=True)
    member = find_by_any_id_number(id_number)
    if member is None or (phone and re.sub(r"\D", "", phone)[-11:] != re.sub(r"\D", "", member.phone)[-11:]):
        raise NotFound(refuse("holder_not_found", N_(
            "No holder has this ID number (and phone): check the ID document and the digits.")))
    held = [c for c in db.session.scalars(select(Card).where(Card.member_id == member.id,
                                                             Card.program_id == program.id).order_by(Card.id))
            if cards.verdict_for(c, program.code, for_use=True).ok]
    if not held:
        mine = db.session.scalar(select(Card).where(Card.member_id == member.id, Card.program_id == program.id)
                                 .order_by(Card.id.desc()).limit(1))
        raise Conflict(cards.verdict_for(mine, program.code, for_use=True) if mine else refuse(
            "no_card_here", N_("This holder has no card of this programme.")))
    entry, new = _check_in(program, held[0], by_holder=True, by=by)
    return entry, new


def _check_in(program: Program, card, *, by, by_holder: bool = False) -> tuple[QueueEntry, bool]:
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
                       status=QueueStatus.WAITING, checked_in_at=utcnow(), checked_in_by_id=actor_id(by))
    db.session.add(entry)
    db.session.flush()
    audit.record("queue.checked_in", entry, {"program": program.code, "number": number, "card": card.number,
                                             **({"by": "holder_id"} if by_holder else {})}, actor=by)
    return entry, True


def entries(program_code: str | None) -> list[QueueEntry]:
    """Today's arrivals in the order they are called: by the draw where there was one, else by arrival."""
    program = _program(program_code)
    return list(db.session.scalars(select(QueueEntry).where(QueueEntry.program_id == program.id,
                                                            QueueEntry.day == today())
                                   .order_by(QueueEntry.draw_position.is_(None), QueueEntry.draw_position,
                                             QueueEntry.number)))


@transition
def call_next(program_code: str | None, station: str | None = None, *, by) -> QueueEntry:
    """The lowest waiting number becomes called, at this desk."""
    program = _program(program_code, lock=True)  # two desks calling at once call two different numbers
    # After a lottery the drawn order decides; those who arrived after the draw follow, in their order of arrival.
    entry = db.session.scalar(select(QueueEntry).where(
        QueueEntry.program_id == program.id, QueueEntry.day == today(), QueueEntry.status == QueueStatus.WAITING)
        .order_by(QueueEntry.draw_position.is_(None), QueueEntry.draw_position, QueueEntry.number).limit(1))
    if entry is None:
        raise Conflict(refuse("queue_empty", N_("Nobody is waiting.")))
    entry.status, entry.called_at, entry.called_by_id = QueueStatus.CALLED, utcnow(), actor_id(by)
    entry.station = printable(station, 60)
    audit.record("queue.called", entry, {"program": program.code, "number": entry.number, "station": entry.station}, actor=by)
    return entry


@transition
def move(entry_id: int, action: str, station: str | None = None, *, by) -> QueueEntry:
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
        entry.called_at, entry.called_by_id, entry.finished_at = utcnow(), actor_id(by), None
        entry.station = printable(station, 60) or entry.station
    else:
        entry.finished_at = utcnow()
    audit.record(f"queue.{action}", entry, {"number": entry.number, "status": to.value}, actor=by)
    return entry


def dump_entry(entry: QueueEntry) -> dict[str, Any]:
    card = entry.card
    return {"id": entry.id, "queue_number": entry.number, "program": entry.program.code, "day": entry.day.isoformat(),
            "status": entry.status.value, "holder_masked": mask_name(card.member.name), "card": card.number,
            "checked_in_at": entry.checked_in_at.isoformat(),
            "called_at": entry.called_at.isoformat() if entry.called_at else None, "station": entry.station}


# Call screens ----------------------------------------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transition
def create_screen(program_code: str | None, data: Mapping[str, Any], *, by) -> tuple[CallScreen, str]:
    """A link for one display: (screen, the secret for its address, shown this once)."""
    spec = ScreenIn.read(data)
    name, english = spec.name, spec.english
    program = _program(program_code)
    secret = secrets.token_urlsafe(24)
    screen = CallScreen(program=program, name=name, token_hash=_token_hash(secret), english=bool(english),
                        created_at=utcnow(), created_by_id=actor_id(by))
    db.session.add(screen)
    db.session.flush()
    audit.record("call_screen.created", screen, {"program": program.code, "name": name}, actor=by)
    return screen, secret


def screens(program_code: str | None) -> list[CallScreen]:
    program = _program(program_code)
    return list(db.session.scalars(select(CallScreen).where(CallScreen.program_id == program.id)
                                   .order_by(CallScreen.id)))


@transition
def revoke_screen(screen_id: int, *, by) -> CallScreen:
    screen = db.session.get(CallScreen, screen_id)
    if screen is None:
        raise NotFound(refuse("call_screen_not_found", N_("No call screen has the number %(id)s."), id=screen_id))
    if screen.revoked_at is None:
        screen.revoked_at = utcnow()
        audit.record("call_screen.revoked", screen, {"name": screen.name}, actor=by)
    return screen


def screen_for(secret: str) -> CallScreen | None:
    """The live screen a link names; a revoked or unknown link names none."""
    if not secret or len(secret) > 100:
        return None
    screen = db.session.scalar(select(CallScreen).where(CallScreen.token_hash == _token_hash(secret)))
    return screen if screen is not None and screen.revoked_at is None else None


def board(screen: CallScreen, *, calling: int = 4, next_up: int = 8) -> dict[str, Any]:
    """What the hall sees: the numbers being called (latest first, with their desk) and the next ones waiting."""
    day = today()
    called = db.session.scalars(select(QueueEntry).where(
        QueueEntry.program_id == screen.program_id, QueueEntry.day == day, QueueEntry.status == QueueStatus.CALLED)
        .order_by(QueueEntry.called_at.desc(), QueueEntry.id.desc()).limit(calling))
    waiting = db.session.scalars(select(QueueEntry.number).where(
        QueueEntry.program_id == screen.program_id, QueueEntry.day == day, QueueEntry.status == QueueStatus.WAITING)
        .order_by(QueueEntry.draw_position.is_(None), QueueEntry.draw_position, QueueEntry.number).limit(next_up))
    return {"program": screen.program.project_name, "day": day.isoformat(), "english": screen.english,
            "calling": [{"number": e.number, "station": e.station} for e in called], "next": list(waiting)}


# Lottery (摇号) ---------------------------------------------------------------------------------------------------

ALGORITHM = "hmac-sha256-sort-v1"


def draw_order(seed: str, entrants: list[tuple[int, str]]) -> list[int]:
    """The drawn order of (queue number, card number) pairs: sorted by HMAC-SHA256(key = the seed's UTF-8 bytes,
    message = the card number), lowest first, ties (impossible in practice) by queue number. Anyone can redo it with
    the seed and the list: e.g. `python -c "import hmac,hashlib; print(hmac.new(b'SEED', b'CARD', hashlib.sha256)
    .hexdigest())"` for each card, then sort."""
    def key(entrant: tuple[int, str]) -> tuple[str, int]:
        return hmac.new(seed.encode(), entrant[1].encode(), hashlib.sha256).hexdigest(), entrant[0]

    return [number for number, _ in sorted(entrants, key=key)]


@transition
def run_draw(program_code: str | None, data: Mapping[str, Any], *, by) -> LotteryDraw:
    """A manager draws the order of today's waiting arrivals, once a day per programme. The seed is given (digits
    read out before witnesses, or a notary's) or made here from 32 random bytes; it is recorded with the list drawn
    from and the result, and the arrivals are called in that order."""
    seed = DrawIn.read(data).seed or secrets.token_hex(32)
    program = _program(program_code, lock=True)  # no check-in or call slips between the list and the draw
    day = today()
    if db.session.scalar(select(LotteryDraw.id).where(LotteryDraw.program_id == program.id, LotteryDraw.day == day)):
        raise Conflict(refuse("draw_already_run", N_("Today's draw for this programme has already been run.")))
    waiting = list(db.session.scalars(select(QueueEntry).where(
        QueueEntry.program_id == program.id, QueueEntry.day == day, QueueEntry.status == QueueStatus.WAITING)
        .order_by(QueueEntry.number)))
    if not waiting:
        raise Conflict(refuse("queue_empty", N_("Nobody is waiting.")))
    entrants = [(e.number, e.card.number) for e in waiting]
    order = draw_order(seed, entrants)
    position = {number: i for i, number in enumerate(order, start=1)}
    for entry in waiting:
        entry.draw_position = position[entry.number]
    draw = LotteryDraw(program=program, day=day, seed=seed, algorithm=ALGORITHM, entrants=json.dumps(entrants),
                       result=json.dumps(order), drawn_at=utcnow(), drawn_by_id=actor_id(by))
    db.session.add(draw)
    db.session.flush()
    audit.record("lottery.drawn", draw, {"program": program.code, "day": day, "seed": seed, "entrants": len(entrants),
                                         "order": order}, actor=by)
    return draw


def get_draw(draw_id: int) -> LotteryDraw:
    draw = db.session.get(LotteryDraw, draw_id)
    if draw is None:
        raise NotFound(refuse("draw_not_found", N_("No draw has the number %(id)s."), id=draw_id))
    return draw


def todays_draw(program_code: str | None) -> LotteryDraw | None:
    program = _program(program_code)
    return db.session.scalar(select(LotteryDraw).where(LotteryDraw.program_id == program.id,
                                                       LotteryDraw.day == today()))


def dump_draw(draw: LotteryDraw) -> dict[str, Any]:
    entrants = [tuple(e) for e in json.loads(draw.entrants)]
    return {"id": draw.id, "program": draw.program.code, "day": draw.day.isoformat(), "seed": draw.seed,
            "algorithm": draw.algorithm, "entrants": [{"queue_number": n, "card": c} for n, c in entrants],
            "order": json.loads(draw.result), "drawn_at": draw.drawn_at.isoformat(),
            "drawn_by": draw.drawn_by.username if draw.drawn_by else None,
            "reproduced": draw_order(draw.seed, entrants) == json.loads(draw.result)}
