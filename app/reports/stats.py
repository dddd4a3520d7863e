"""The dashboard's figures (DESIGN §10.1, GET /api/v1/stats): aggregate queries, each a GROUP BY or a count over an
index range (migration 0015), so that a million cards cost a few index scans, not a million rows brought to Python.

The period is the days cards were issued (local days, both included): cards issued per day, by status, by consultant
and the share redeemed are about those cards. Money held, refunds waiting, requests waiting for a decision, refund
windows opening this week and memberships running out are as of today; redemptions and refunds paid fall in the period.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, select

from ..approvals.models import AnnulRequest, RefundRequest, RequestStatus, TransferRequest, VoidRequest
from ..cards.models import Card, MoneyHeldTotal, Redemption
from ..clock import start_of, today
from ..extensions import db
from ..programs.models import Program
from ..programs.services import get_program
from ..rules.money import format_fen
from ..rules.terms import CardStatus, RefundAnchor
from ..users.models import User
from .schemas import StatsFilters

EXPIRY_DAYS = 30  # memberships running out within this many days
WAITING = {"refund": RefundRequest, "transfer": TransferRequest, "void": VoidRequest, "annul": AnnulRequest}
# Cards replaced by a reissue or a transfer live on in their successor; a voided card was never a sale.
NOT_A_SALE = (CardStatus.REPLACED, CardStatus.TRANSFERRED, CardStatus.VOIDED)


@dataclass
class Stats:
    program: Program | None
    first: dt.date
    last: dt.date
    today: dt.date
    issued_per_day: dict[dt.date, tuple[int, int]] = field(default_factory=dict)  # day -> (new cards, successors)
    by_status: dict[CardStatus, int] = field(default_factory=dict)
    by_consultant: list[tuple[User | None, int]] = field(default_factory=list)  # most cards first; None: the system
    held_fen: int = 0
    refunds_pending: tuple[int, int] = (0, 0)  # (count, fen)
    refunds_paid: tuple[int, int] = (0, 0)
    redemptions: int = 0
    refund_windows: tuple[dt.date, dt.date, int] = (dt.date.min, dt.date.min, 0)  # (Monday, Sunday, cards)
    expiring: int = 0
    waiting: dict[str, int] = field(default_factory=dict)

    @property
    def issued(self) -> int:
        return sum(new + successors for new, successors in self.issued_per_day.values())

    @property
    def new_cards(self) -> int:
        return sum(new for new, _ in self.issued_per_day.values())

    @property
    def redeemed(self) -> int:
        return self.by_status.get(CardStatus.REDEEMED, 0)

    @property
    def conversion(self) -> float | None:
        """Share of the period's sales redeemed: cards redeemed ÷ cards issued, leaving out those replaced by a reissue
        or transfer (their successor counts) and voided ones. None without a sale."""
        sales = sum(n for status, n in self.by_status.items() if status not in NOT_A_SALE)
        return round(self.redeemed / sales, 4) if sales else None

    @property
    def waiting_total(self) -> int:
        return sum(self.waiting.values())


def _of_program(query, program: Program | None, card_id=None):
    """Narrow ``query`` to one programme's cards. Rows that are not cards ask, through ``card_id``, whether their card
    is the programme's (EXISTS): the few rows found drive, each card looked up by its key, rather than a list of the
    programme's every card."""
    if program is None:
        return query
    if card_id is None:
        return query.where(Card.program_id == program.id)
    return query.where(select(Card.id).where(Card.id == card_id, Card.program_id == program.id).exists())


def _between(column, first: dt.date, last: dt.date):
    """A timestamp inside local days ``first``..``last``, as a range an index can answer."""
    return and_(column >= start_of(first), column < start_of(last + dt.timedelta(days=1)))


def stats(filters: StatsFilters) -> Stats:
    program = get_program(filters.program) if filters.program else None
    now = today()
    first, last = filters.period(now)
    result = Stats(program, first, last, now)
    _cards_issued(result)
    result.held_fen = _money_held(program)
    result.refunds_pending = _refunds(program, RefundRequest.status == RequestStatus.PENDING)
    result.refunds_paid = _refunds(program, and_(RefundRequest.status == RequestStatus.DONE,
                                                 _between(RefundRequest.decided_at, first, last)))
    result.redemptions = db.session.scalar(_of_program(
        select(func.count()).select_from(Redemption).where(_between(Redemption.redeemed_at, first, last),
                                                          Redemption.annulled_at.is_(None)),
        program, Redemption.card_id))
    result.refund_windows = _refund_windows(program, now)
    result.expiring = _active_count(program, Card.valid_through >= now,
                                    Card.valid_through <= now + dt.timedelta(days=EXPIRY_DAYS))
    result.waiting = {kind: db.session.scalar(_of_program(
        select(func.count()).select_from(model).where(model.status == RequestStatus.PENDING), program, model.card_id))
        for kind, model in WAITING.items()}
    return result


def _cards_issued(result: Stats) -> None:
    """One GROUP BY over the period's cards, per day, status, consultant and predecessor at once, in the order of the
    covering index that reads them (``ix_cards_dashboard``, or ``ix_cards_program_dashboard`` for one programme), so
    the database counts as it reads instead of sorting first. A card without a predecessor is a new subscription."""
    groups = [Card.issued_on, Card.status, Card.issued_by_id, Card.predecessor_id]
    if result.program is None:
        groups.insert(1, Card.program_id)
    query = _of_program(select(Card.issued_on, Card.status, Card.issued_by_id, Card.predecessor_id, func.count())
                        .where(Card.issued_on >= result.first, Card.issued_on <= result.last).group_by(*groups),
                        result.program)
    per_day: dict[dt.date, list[int]] = {}
    by_status: Counter[CardStatus] = Counter()
    by_user: Counter[int | None] = Counter()
    for day, status, user_id, predecessor_id, count in db.session.execute(query):
        per_day.setdefault(day, [0, 0])[0 if predecessor_id is None else 1] += count
        by_status[status] += count
        by_user[user_id] += count
    days = (result.last - result.first).days + 1
    result.issued_per_day = {day: tuple(per_day.get(day, (0, 0)))
                             for day in (result.first + dt.timedelta(days=n) for n in range(days))}
    result.by_status = {status: by_status[status] for status in CardStatus if by_status[status]}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([i for i in by_user if i])))}
    result.by_consultant = [(users.get(user_id) if user_id else None, count)
                            for user_id, count in sorted(by_user.items(), key=lambda item: (-item[1], item[0] or 0))]


def _money_held(program: Program | None) -> int:
    """Money held for members: the sum of the ledger (each card's held amount, ``cards.services.held_sum``, added up),
    read from its running totals, sixteen rows per programme kept by a trigger on the ledger in the same transaction
    as each ledger row (``MoneyHeldTotal``, migration 0022): flat however many cards (docs/benchmarks.md)."""
    query = select(func.coalesce(func.sum(MoneyHeldTotal.held_fen), 0))
    if program is not None:
        query = query.where(MoneyHeldTotal.program_id == program.id)
    return db.session.scalar(query)


def _refunds(program: Program | None, condition) -> tuple[int, int]:
    count, fen = db.session.execute(_of_program(
        select(func.count(), func.coalesce(func.sum(RefundRequest.amount_fen), 0)).where(condition),
        program, RefundRequest.card_id)).one()
    return count, fen


def _active_count(program: Program | None, *conditions) -> int:
    return db.session.scalar(_of_program(select(func.count()).select_from(Card)
                                         .where(Card.status == CardStatus.ACTIVE, *conditions), program))


def _refund_windows(program: Program | None, now: dt.date) -> tuple[dt.date, dt.date, int]:
    """Active cards whose refund window opens this week (Monday to Sunday): the days its anchor must fall on for that,
    per programme, then one count by the anchor's column."""
    monday = now - dt.timedelta(days=now.weekday())
    sunday = monday + dt.timedelta(days=6)
    programs = [program] if program else db.session.scalars(select(Program).where(Program.refund_anchor.is_not(None)))
    count = 0
    for p in programs:
        if p.refund_anchor is None:
            continue
        shift = dt.timedelta(days=p.refund_opens_after_days)
        earliest, latest = monday - shift, sunday - shift
        if p.refund_anchor is RefundAnchor.OPENING_DATE:
            if p.opening_date is not None and earliest <= p.opening_date <= latest:
                count += _active_count(p)
        else:
            column = Card.issued_on if p.refund_anchor is RefundAnchor.ISSUE_DATE else Card.valid_through
            count += _active_count(p, column >= earliest, column <= latest)
    return monday, sunday, count


def dump_stats(result: Stats) -> dict[str, Any]:
    """The API's shape: codes, not words; money as decimal strings."""
    return {
        "program": result.program.code if result.program else None,
        "from": result.first.isoformat(), "to": result.last.isoformat(), "today": result.today.isoformat(),
        "issued": result.issued, "new_cards": result.new_cards,
        "issued_per_day": [{"day": day.isoformat(), "new": new, "successors": successors}
                           for day, (new, successors) in result.issued_per_day.items()],
        "by_status": {status.value: count for status, count in result.by_status.items()},
        "by_consultant": [{"username": user.username if user else None, "name": user.display_name if user else None,
                           "cards": count} for user, count in result.by_consultant],
        "money_held": format_fen(result.held_fen),
        "refunds": {"pending": {"count": result.refunds_pending[0], "amount": format_fen(result.refunds_pending[1])},
                    "paid": {"count": result.refunds_paid[0], "amount": format_fen(result.refunds_paid[1])}},
        "redemptions": result.redemptions, "redeemed": result.redeemed, "conversion": result.conversion,
        "refund_windows_this_week": {"from": result.refund_windows[0].isoformat(),
                                     "to": result.refund_windows[1].isoformat(), "cards": result.refund_windows[2]},
        "expiring_within_30_days": result.expiring,
        "approvals_waiting": {**result.waiting, "total": result.waiting_total},
    }
