"""The two-person rule (DESIGN §9): finding, locking and closing requests, and the lists waiting for a decision.
What approving each kind does to a card (money, new cards, documents) is that card's transition, in cards/lifecycle."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from ..cards.models import Card
from ..clock import utcnow
from ..errors import Conflict, Forbidden, NotFound, ensure
from ..extensions import db
from ..rules import N_, refuse
from ..rules.lifecycle import check_two_people
from ..users.roles import can, require_permission
from ..validation import Schema, Text
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


def waiting_count() -> int:
    """Requests waiting for a decision, all kinds: the badge beside "Approvals"."""
    return sum(db.session.scalar(select(func.count(model.id)).where(model.status == RequestStatus.PENDING))
               for model in KINDS.values())


def pending_refunds() -> list[RefundRequest]:
    return list(db.session.scalars(select(RefundRequest).where(RefundRequest.status == RequestStatus.PENDING)
                                   .order_by(RefundRequest.requested_at)))


def pending_voids() -> list[VoidRequest]:
    return list(db.session.scalars(select(VoidRequest).where(VoidRequest.status == RequestStatus.PENDING)
                                   .order_by(VoidRequest.requested_at, VoidRequest.id)))


def pending_annulments() -> list[AnnulRequest]:
    return list(db.session.scalars(select(AnnulRequest).where(AnnulRequest.status == RequestStatus.PENDING)
                                   .order_by(AnnulRequest.requested_at, AnnulRequest.id)))


def pending_transfers() -> list[TransferRequest]:
    return list(db.session.scalars(select(TransferRequest).where(TransferRequest.status == RequestStatus.PENDING)
                                   .order_by(TransferRequest.requested_at)))


def pending_for(card: Card) -> dict[str, Any]:
    return {"refund": db.session.scalar(select(RefundRequest).where(RefundRequest.card_id == card.id,
                                                                    RefundRequest.status == RequestStatus.PENDING)),
            "transfer": db.session.scalar(select(TransferRequest).where(TransferRequest.card_id == card.id,
                                                                        TransferRequest.status == RequestStatus.PENDING)),
            "void": db.session.scalar(select(VoidRequest).where(VoidRequest.card_id == card.id,
                                                                VoidRequest.status == RequestStatus.PENDING)),
            "annul": set(db.session.scalars(select(AnnulRequest.redemption_id).where(
                AnnulRequest.card_id == card.id, AnnulRequest.status == RequestStatus.PENDING)))}
