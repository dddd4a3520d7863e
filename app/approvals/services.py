"""The two-person rule (DESIGN §9): finding, locking and closing requests, and the lists waiting for a decision.
What approving each kind does to a card (money, new cards, documents) is that card's transition, in cards/lifecycle."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import Field
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload, with_expression

from ..cards.models import Card, Redemption
from ..cards.services import held_sum
from ..clock import utcnow
from ..errors import Conflict, Forbidden, NotFound, ensure
from ..extensions import db
from ..rules import N_, refuse
from ..rules.lifecycle import check_two_people
from ..users.roles import can, require_permission
from ..validation import Integer, Schema, Text
from .models import AnnulRequest, RefundRequest, RequestStatus, TransferRequest, VoidRequest

KINDS = {"refund": RefundRequest, "transfer": TransferRequest, "annul": AnnulRequest, "void": VoidRequest}


class NoteIn(Schema):
    """The note a decision may carry (why rejected, a payout remark)."""

    note: Text(200) = None


def read_note(data: Mapping[str, Any]) -> str | None:
    return NoteIn.read(data).note


def open_request(model, card: Card):
    return db.session.scalar(select(model).where(model.card_id == card.id, model.status == RequestStatus.PENDING))


def lock_request(model, request_id: int):
    request = db.session.scalar(select(model).where(model.id == request_id).with_for_update()
                                .execution_options(populate_existing=True))
    if request is None:
        raise NotFound(refuse("request_not_found", N_("No request has the number %(id)s."), id=request_id))
    if request.status is not RequestStatus.PENDING:
        raise Conflict(refuse("request_decided", N_("This request was already decided.")))
    return request


def close_request(model, request_id: int, data: Mapping[str, Any], *, by, reject: bool):
    """Mark a waiting request rejected (a second person decided) or cancelled (withdrawn); the caller commits."""
    note = read_note(data)
    request = lock_request(model, request_id)
    check_closer(request, by, reject)
    request.status = RequestStatus.REJECTED if reject else RequestStatus.CANCELLED
    request.decided_at, request.decision_note = utcnow(), note
    if reject:
        request.decided_by_id = by.id
    return request


def check_closer(request, by, reject: bool) -> None:
    if reject:
        require_permission(by, {RefundRequest: "refund.approve", AnnulRequest: "redemption.annul",
                      VoidRequest: "card.void"}.get(type(request), "transfer.approve"))
        ensure(check_two_people(request.requested_by_id, by.id))
    elif request.requested_by_id != by.id and not can(by, "refund.approve"):
        # Withdrawing someone else's request would be a rejection without a manager.
        raise Forbidden(refuse("not_your_request", N_("Only the person who made the request, or a manager, can withdraw it.")))


def waiting_counts() -> dict[str, int]:
    """Requests waiting for a decision, by kind (one count each, whatever the number waiting)."""
    return {kind: db.session.scalar(select(func.count(model.id)).where(model.status == RequestStatus.PENDING))
            for kind, model in KINDS.items()}


def waiting_count() -> int:
    """Requests waiting for a decision, all kinds: the badge beside "Approvals"."""
    return sum(waiting_counts().values())


APPROVALS_PAGE = 50


class WaitingPage(Schema):
    """A page of one kind of waiting request, oldest first (keyset on the request's number)."""

    after: Integer(minimum=1) = Field(None, description=(
        "Requests made after this one: the next page starts after the last request of this one (next_after)"))
    per_page: Integer(minimum=1, maximum=200) = Field(None, description="50 unless given")


@dataclass
class Waiting:
    requests: list[Any]
    next_after: int | None  # when the page is full: where the next one starts


def _holder():
    return joinedload(Card.member)


# What each list shows of a request, loaded with it: the page costs the same few statements for 5 requests or 5,000.
_LOADS = {
    "refund": lambda: (joinedload(RefundRequest.card).options(_holder()), joinedload(RefundRequest.requested_by)),
    "transfer": lambda: (joinedload(TransferRequest.card).options(_holder()), joinedload(TransferRequest.to_member),
                         joinedload(TransferRequest.requested_by)),
    "annul": lambda: (joinedload(AnnulRequest.card).options(_holder()),
                      joinedload(AnnulRequest.redemption).joinedload(Redemption.unit), joinedload(AnnulRequest.requested_by)),
    # the money a void would reverse: the card's ledger summed in the cards' own SELECT (selectin: Card not aliased)
    "void": lambda: (selectinload(VoidRequest.card).options(_holder(), with_expression(Card.held_loaded, held_sum())),
                     joinedload(VoidRequest.requested_by)),
}


def waiting(kind: str, page: WaitingPage | Mapping[str, Any] | None = None) -> Waiting:
    """A page of the requests of ``kind`` waiting for a decision, oldest first, with what their list shows."""
    p = page if isinstance(page, WaitingPage) else WaitingPage.read(page or {})
    model, size = KINDS[kind], p.per_page or APPROVALS_PAGE
    stmt = select(model).where(model.status == RequestStatus.PENDING).options(*_LOADS[kind]()).order_by(model.id)
    if p.after:
        stmt = stmt.where(model.id > p.after)
    found = list(db.session.scalars(stmt.limit(size)).unique())
    return Waiting(found, found[-1].id if len(found) == size else None)


def pending_for(card: Card) -> dict[str, Any]:
    return {"refund": db.session.scalar(select(RefundRequest).where(RefundRequest.card_id == card.id,
                                                                    RefundRequest.status == RequestStatus.PENDING)),
            "transfer": db.session.scalar(select(TransferRequest).where(TransferRequest.card_id == card.id,
                                                                        TransferRequest.status == RequestStatus.PENDING)),
            "void": db.session.scalar(select(VoidRequest).where(VoidRequest.card_id == card.id,
                                                                VoidRequest.status == RequestStatus.PENDING)),
            "annul": set(db.session.scalars(select(AnnulRequest.redemption_id).where(
                AnnulRequest.card_id == card.id, AnnulRequest.status == RequestStatus.PENDING)))}
