"""The card transitions of DESIGN §10, and the history and audit log."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from ..approvals import services as approvals
from ..approvals.services import NoteIn, WaitingPage
from ..cards import history, lifecycle, services
from ..cards.history import AuditFilters
from ..cards.schemas import (
    DuesIn,
    PayoutIn,
    ReasonIn,
    ReasonRequired,
    RefundIn,
    ReissueIn,
    RenewIn,
    TransferIn,
    dump_annul,
    dump_card,
    dump_refund,
    dump_transfer,
    dump_void,
)
from ..members.services import get_member
from ..reports import exports
from . import bp, optional_body, query, require
from .responses import (
    AnnulDecided,
    AnnulRequest,
    AnnulRequests,
    AuditEntries,
    Card,
    Events,
    RefundRequest,
    RefundRequests,
    TransferRequest,
    TransferRequests,
    VoidDecided,
    VoidRequest,
    VoidRequests,
)
from .spec import operation


def _card(card, status: int = 200):
    response = jsonify(dump_card(card, verify_url=services.verify_url(card)))
    response.status_code = status
    return response


@bp.post("/cards/<number>/report-loss")
@operation({200: Card}, body=ReasonIn, errors=(409,))
def report_loss(number: str):
    """Report the card lost: it answers lost at every counter until found or reissued"""
    require("card.report_loss")
    card = services.get_card(number)
    return _card(lifecycle.report_loss(card.id, optional_body(ReasonIn), by=current_user))


@bp.post("/cards/<number>/cancel-loss")
@operation({200: Card}, body=ReasonIn, errors=(409,))
def cancel_loss(number: str):
    """The card was found: active again"""
    require("card.lifecycle")
    card = services.get_card(number)
    return _card(lifecycle.cancel_loss(card.id, optional_body(ReasonIn), by=current_user))


@bp.post("/cards/<number>/reissue")
@operation({201: Card}, body=ReissueIn, errors=(409,))
def reissue(number: str):
    """Reissue a lost card in person, with the holder's ID: a new number and QR; the old card answers replaced"""
    require("card.lifecycle")
    card = services.get_card(number)
    return _card(lifecycle.reissue(card.id, optional_body(ReissueIn), by=current_user), 201)


@bp.post("/cards/<number>/transfer")
@operation({201: TransferRequest}, body=TransferIn, errors=(409,))
def transfer(number: str):
    """Ask to transfer the card to another member; a manager other than the requester approves"""
    require("card.lifecycle")
    card = services.get_card(number)
    response = jsonify(dump_transfer(lifecycle.request_transfer(card.id, optional_body(TransferIn), by=current_user)))
    response.status_code = 201
    return response


def _waiting(kind: str, key: str, dump):
    """A page of one kind of request waiting for approval, oldest first."""
    page = approvals.waiting(kind, query(WaitingPage))
    return jsonify({key: [dump(r) for r in page.requests], "next_after": page.next_after})


@bp.get("/transfer-requests")
@operation({200: TransferRequests}, query=WaitingPage)
def transfer_requests():
    """Transfers waiting for approval"""
    require("card.view")
    return _waiting("transfer", "transfer_requests", dump_transfer)


@bp.post("/transfer-requests/<id:request_id>/approve")
@operation({201: Card}, body=NoteIn, errors=(409,))
def approve_transfer(request_id: int):
    """Manager, not the requester: the new holder gets a new card (awaiting both holders' signatures)"""
    require("transfer.approve")
    return _card(lifecycle.approve_transfer(request_id, optional_body(NoteIn), approver=current_user), 201)


@bp.post("/transfer-requests/<id:request_id>/reject")
@operation({200: TransferRequest}, body=NoteIn, errors=(409,))
def reject_transfer(request_id: int):
    """Manager, not the requester: the card stays with its holder"""
    require("transfer.approve")
    return jsonify(dump_transfer(lifecycle.close_transfer(request_id, optional_body(NoteIn), by=current_user, reject=True)))


@bp.post("/transfer-requests/<id:request_id>/cancel")
@operation({200: TransferRequest}, body=NoteIn, errors=(409,))
def cancel_transfer(request_id: int):
    """Withdraw: the requester or a manager"""
    require("card.lifecycle")
    return jsonify(dump_transfer(lifecycle.close_transfer(request_id, optional_body(NoteIn), by=current_user, reject=False)))


@bp.post("/cards/<number>/refund-requests")
@operation({201: RefundRequest}, body=RefundIn, errors=(409,))
def request_refund(number: str):
    """Ask for the deposit back inside the refund window; the card waits, blocked, for a second person"""
    require("card.lifecycle")
    card = services.get_card(number)
    response = jsonify(dump_refund(lifecycle.request_refund(card.id, optional_body(RefundIn), by=current_user)))
    response.status_code = 201
    return response


@bp.get("/refund-requests")
@operation({200: RefundRequests}, query=WaitingPage)
def refund_requests():
    """Refunds waiting for approval"""
    require("card.view")
    return _waiting("refund", "refund_requests", dump_refund)


@bp.post("/refund-requests/<id:request_id>/approve")
@operation({200: RefundRequest}, body=PayoutIn, errors=(409,))
def approve_refund(request_id: int):
    """Manager, not the requester: record the payout; the card is refunded and any credit voided"""
    require("refund.approve")
    return jsonify(dump_refund(lifecycle.approve_refund(request_id, optional_body(PayoutIn),
                                                        approver=current_user)))


@bp.post("/refund-requests/<id:request_id>/reject")
@operation({200: RefundRequest}, body=NoteIn, errors=(409,))
def reject_refund(request_id: int):
    """Manager, not the requester: the card is as before the request"""
    require("refund.approve")
    return jsonify(dump_refund(lifecycle.close_refund(request_id, optional_body(NoteIn), by=current_user, reject=True)))


@bp.post("/refund-requests/<id:request_id>/cancel")
@operation({200: RefundRequest}, body=NoteIn, errors=(409,))
def cancel_refund(request_id: int):
    """Withdraw: the requester or a manager; the card is as before the request"""
    require("card.lifecycle")
    return jsonify(dump_refund(lifecycle.close_refund(request_id, optional_body(NoteIn), by=current_user, reject=False)))


@bp.post("/redemptions/<id:redemption_id>/annul")
@operation({202: AnnulRequest}, body=ReasonRequired, errors=(409,))
def annul_redemption(redemption_id: int):
    """Cancelling a purchase is a request: 202 with it; a second manager approves (DESIGN §10.1)."""
    require("redemption.annul_request")
    response = jsonify(dump_annul(lifecycle.request_annulment(redemption_id, optional_body(ReasonRequired), by=current_user)))
    response.status_code = 202
    return response


@bp.get("/annul-requests")
@operation({200: AnnulRequests}, query=WaitingPage)
def annul_requests():
    """Cancellations of purchases waiting for approval"""
    require("card.view")
    return _waiting("annul", "annul_requests", dump_annul)


@bp.post("/annul-requests/<id:request_id>/approve")
@operation({200: AnnulDecided}, body=NoteIn, errors=(409,))
def approve_annulment(request_id: int):
    """Manager, not the requester: the unit goes back on sale, the deposit applied returns to the card, the 认购书 is void and the 退房确认书 drawn up"""
    require("redemption.annul")
    request_ = lifecycle.approve_annulment(request_id, optional_body(NoteIn), approver=current_user)
    return jsonify(dump_annul(request_) | {"card": dump_card(request_.card, verify_url=services.verify_url(request_.card))})


@bp.post("/annul-requests/<id:request_id>/reject")
@operation({200: AnnulRequest}, body=NoteIn, errors=(409,))
def reject_annulment(request_id: int):
    """Manager, not the requester: the purchase stands"""
    require("redemption.annul")
    return jsonify(dump_annul(lifecycle.close_annulment(request_id, optional_body(NoteIn), by=current_user, reject=True)))


@bp.post("/annul-requests/<id:request_id>/cancel")
@operation({200: AnnulRequest}, body=NoteIn, errors=(409,))
def cancel_annulment(request_id: int):
    """Withdraw: the requester or a manager"""
    require("redemption.annul_request")
    return jsonify(dump_annul(lifecycle.close_annulment(request_id, optional_body(NoteIn), by=current_user, reject=False)))


@bp.post("/cards/<number>/renew")
@operation({200: Card}, body=RenewIn, errors=(409,))
def renew(number: str):
    """Renew a membership inside its renewal window, paying the tier's fee"""
    require("card.lifecycle")
    card = services.get_card(number)
    return _card(lifecycle.renew(card.id, optional_body(RenewIn), by=current_user))


@bp.post("/cards/<number>/terminate")
@operation({200: Card}, body=ReasonRequired, errors=(409,))
def terminate(number: str):
    """The member ends the membership (with the programme's notice)"""
    require("card.lifecycle")
    card = services.get_card(number)
    return _card(lifecycle.terminate_membership(card.id, optional_body(ReasonRequired), by=current_user))


@bp.post("/cards/<number>/issuer-termination")
@operation({200: Card}, body=ReasonRequired, errors=(409,))
def issuer_termination(number: str):
    """Manager: the issuer ends the membership with its notice; when the notice has run the fee held is asked back in
    full (a refund request a second person approves)"""
    require("refund.approve")
    card = services.get_card(number)
    return _card(lifecycle.terminate_by_issuer(card.id, optional_body(ReasonRequired), by=current_user))


@bp.post("/cards/<number>/dues")
@operation({200: Card}, body=DuesIn, errors=(409,))
def pay_dues(number: str):
    """Pay a membership's fee issued before it was paid: amount = the fee plus the late fee accrued today (the card's
    dues.total); another amount answers 422 dues_amount_mismatch with the figure expected"""
    require("card.lifecycle")
    card = services.get_card(number)
    return _card(lifecycle.pay_dues(card.id, optional_body(DuesIn), by=current_user))


@bp.post("/cards/<number>/void")
@operation({202: VoidRequest}, body=ReasonRequired, errors=(409,))
def void(number: str):
    """A request (DESIGN §10.1): 202 with it; a manager other than the requester approves."""
    require("card.void_request")
    card = services.get_card(number)
    response = jsonify(dump_void(lifecycle.request_void(card.id, optional_body(ReasonRequired), by=current_user)))
    response.status_code = 202
    return response


@bp.get("/void-requests")
@operation({200: VoidRequests}, query=WaitingPage)
def void_requests():
    """Voids waiting for approval"""
    require("card.view")
    return _waiting("void", "void_requests", dump_void)


@bp.post("/void-requests/<id:request_id>/approve")
@operation({200: VoidDecided}, body=NoteIn, errors=(409,))
def approve_void(request_id: int):
    """Manager, not the requester: the rules are checked again; every movement of money reversed, agreements void"""
    require("card.void")
    request_ = lifecycle.approve_void(request_id, optional_body(NoteIn), approver=current_user)
    return jsonify(dump_void(request_) | {"card": dump_card(request_.card, verify_url=services.verify_url(request_.card))})


@bp.post("/void-requests/<id:request_id>/reject")
@operation({200: VoidRequest}, body=NoteIn, errors=(409,))
def reject_void(request_id: int):
    """Manager, not the requester: the card stays as it is"""
    require("card.void")
    return jsonify(dump_void(lifecycle.close_void(request_id, optional_body(NoteIn), by=current_user, reject=True)))


@bp.post("/void-requests/<id:request_id>/cancel")
@operation({200: VoidRequest}, body=NoteIn, errors=(409,))
def cancel_void(request_id: int):
    """Withdraw: the requester or a manager"""
    require("card.void_request")
    return jsonify(dump_void(lifecycle.close_void(request_id, optional_body(NoteIn), by=current_user, reject=False)))


@bp.get("/cards/<number>/history")
@operation({200: Events})
def card_history(number: str):
    """Every state change, document, scan, ledger row and fee of the card and its earlier generations, oldest first"""
    require("card.view")
    return jsonify({"events": history.card_timeline(services.get_card(number))})


@bp.get("/members/<id:member_id>/history")
@operation({200: Events})
def member_history(member_id: int):
    """The member's own changes and their cards' timelines"""
    require("member.view")
    return jsonify({"events": history.member_timeline(get_member(member_id))})


@bp.get("/audit")
@operation({200: AuditEntries}, query=AuditFilters)
def audit_log():
    """The audit log, newest first, 200 at a time (the next page: before=next_before)"""
    require("audit.view")
    entries = history.audit_entries(query(AuditFilters))
    return jsonify({"entries": [history.dump_audit(e) for e in entries], "next_before": history.next_before(entries)})


@bp.get("/audit.csv")
@operation({200: "text/csv"}, query=AuditFilters)
def audit_csv():
    """The same, every matching entry, as CSV: the audit export (GET /exports/audit.csv), streamed"""
    require("audit.view")
    query(AuditFilters)
    args = {k: v for k, v in request.args.items() if k != "lang"}
    return exports.download(exports.prepare("audit", "csv", args, user=current_user))
