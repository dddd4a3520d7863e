"""The card transitions of DESIGN §10, and the history and audit log."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask_login import current_user

from ..approvals import services as approvals
from ..cards import history, lifecycle, services
from ..cards.schemas import dump_annul, dump_card, dump_refund, dump_transfer, dump_void
from ..members.services import get_member
from . import bp, json_body, reject_unknown, require


def _body(*allowed: str) -> dict:
    return reject_unknown(json_body(), allowed) if request.content_length else {}


def _card(card, status: int = 200):
    response = jsonify(dump_card(card, verify_url=services.verify_url(card)))
    response.status_code = status
    return response


@bp.post("/cards/<number>/report-loss")
def report_loss(number: str):
    require("card.report_loss")
    card = services.get_card(number)
    return _card(lifecycle.report_loss(card.id, _body("reason")))


@bp.post("/cards/<number>/cancel-loss")
def cancel_loss(number: str):
    require("card.lifecycle")
    card = services.get_card(number)
    return _card(lifecycle.cancel_loss(card.id, _body("reason")))


@bp.post("/cards/<number>/reissue")
def reissue(number: str):
    require("card.lifecycle")
    card = services.get_card(number)
    return _card(lifecycle.reissue(card.id, _body("id_number", "fee_receipt_no", "reason")), 201)


@bp.post("/cards/<number>/transfer")
def transfer(number: str):
    require("card.lifecycle")
    card = services.get_card(number)
    response = jsonify(dump_transfer(lifecycle.request_transfer(card.id, _body("to_member_id", "fee_receipt_no"))))
    response.status_code = 201
    return response


@bp.get("/transfer-requests")
def transfer_requests():
    require("card.view")
    return jsonify({"transfer_requests": [dump_transfer(r) for r in approvals.pending_transfers()]})


@bp.post("/transfer-requests/<id:request_id>/approve")
def approve_transfer(request_id: int):
    require("transfer.approve")
    return _card(lifecycle.approve_transfer(request_id, _body("note"), approver=current_user), 201)


@bp.post("/transfer-requests/<id:request_id>/reject")
def reject_transfer(request_id: int):
    require("transfer.approve")
    return jsonify(dump_transfer(lifecycle.close_transfer(request_id, _body("note"), by=current_user, reject=True)))


@bp.post("/transfer-requests/<id:request_id>/cancel")
def cancel_transfer(request_id: int):
    require("card.lifecycle")
    return jsonify(dump_transfer(lifecycle.close_transfer(request_id, _body("note"), by=current_user, reject=False)))


@bp.post("/cards/<number>/refund-requests")
def request_refund(number: str):
    require("card.lifecycle")
    card = services.get_card(number)
    response = jsonify(dump_refund(lifecycle.request_refund(card.id, _body("reason", "kind"), by=current_user)))
    response.status_code = 201
    return response


@bp.get("/refund-requests")
def refund_requests():
    require("card.view")
    return jsonify({"refund_requests": [dump_refund(r) for r in approvals.pending_refunds()]})


@bp.post("/refund-requests/<id:request_id>/approve")
def approve_refund(request_id: int):
    require("refund.approve")
    return jsonify(dump_refund(lifecycle.approve_refund(request_id, _body("payout_method", "payout_reference"),
                                                        approver=current_user)))


@bp.post("/refund-requests/<id:request_id>/reject")
def reject_refund(request_id: int):
    require("refund.approve")
    return jsonify(dump_refund(lifecycle.close_refund(request_id, _body("note"), by=current_user, reject=True)))


@bp.post("/refund-requests/<id:request_id>/cancel")
def cancel_refund(request_id: int):
    require("card.lifecycle")
    return jsonify(dump_refund(lifecycle.close_refund(request_id, _body("note"), by=current_user, reject=False)))


@bp.post("/redemptions/<id:redemption_id>/annul")
def annul_redemption(redemption_id: int):
    """Cancelling a purchase is a request: 202 with it; a second manager approves (DESIGN §10.1)."""
    require("redemption.annul_request")
    response = jsonify(dump_annul(lifecycle.request_annulment(redemption_id, _body("reason"), by=current_user)))
    response.status_code = 202
    return response


@bp.get("/annul-requests")
def annul_requests():
    require("card.view")
    return jsonify({"annul_requests": [dump_annul(r) for r in approvals.pending_annulments()]})


@bp.post("/annul-requests/<id:request_id>/approve")
def approve_annulment(request_id: int):
    require("redemption.annul")
    request_ = lifecycle.approve_annulment(request_id, _body("note"), approver=current_user)
    return jsonify(dump_annul(request_) | {"card": dump_card(request_.card, verify_url=services.verify_url(request_.card))})


@bp.post("/annul-requests/<id:request_id>/reject")
def reject_annulment(request_id: int):
    require("redemption.annul")
    return jsonify(dump_annul(lifecycle.close_annulment(request_id, _body("note"), by=current_user, reject=True)))


@bp.post("/annul-requests/<id:request_id>/cancel")
def cancel_annulment(request_id: int):
    require("redemption.annul_request")
    return jsonify(dump_annul(lifecycle.close_annulment(request_id, _body("note"), by=current_user, reject=False)))


@bp.post("/cards/<number>/renew")
def renew(number: str):
    require("card.lifecycle")
    card = services.get_card(number)
    return _card(lifecycle.renew(card.id, _body("payment_method", "receipt_no")))


@bp.post("/cards/<number>/terminate")
def terminate(number: str):
    require("card.lifecycle")
    card = services.get_card(number)
    return _card(lifecycle.terminate_membership(card.id, _body("reason")))


@bp.post("/cards/<number>/void")
def void(number: str):
    """A request (DESIGN §10.1): 202 with it; a manager other than the requester approves."""
    require("card.void_request")
    card = services.get_card(number)
    response = jsonify(dump_void(lifecycle.request_void(card.id, _body("reason"), by=current_user)))
    response.status_code = 202
    return response


@bp.get("/void-requests")
def void_requests():
    require("card.view")
    return jsonify({"void_requests": [dump_void(r) for r in approvals.pending_voids()]})


@bp.post("/void-requests/<id:request_id>/approve")
def approve_void(request_id: int):
    require("card.void")
    request_ = lifecycle.approve_void(request_id, _body("note"), approver=current_user)
    return jsonify(dump_void(request_) | {"card": dump_card(request_.card, verify_url=services.verify_url(request_.card))})


@bp.post("/void-requests/<id:request_id>/reject")
def reject_void(request_id: int):
    require("card.void")
    return jsonify(dump_void(lifecycle.close_void(request_id, _body("note"), by=current_user, reject=True)))


@bp.post("/void-requests/<id:request_id>/cancel")
def cancel_void(request_id: int):
    require("card.void_request")
    return jsonify(dump_void(lifecycle.close_void(request_id, _body("note"), by=current_user, reject=False)))


@bp.get("/cards/<number>/history")
def card_history(number: str):
    require("card.view")
    return jsonify({"events": history.card_timeline(services.get_card(number))})


@bp.get("/members/<id:member_id>/history")
def member_history(member_id: int):
    require("member.view")
    return jsonify({"events": history.member_timeline(get_member(member_id))})


@bp.get("/audit")
def audit_log():
    require("audit.view")
    entries = history.audit_entries(history.read_audit_filters(request.args))
    return jsonify({"entries": [history.dump_audit(e) for e in entries]})


@bp.get("/audit.csv")
def audit_csv():
    require("audit.view")
    entries = history.audit_entries(history.read_audit_filters(request.args), limit=None)
    return current_app.response_class(history.audit_csv(entries), mimetype="text/csv",
                                      headers={"Content-Disposition": 'attachment; filename="audit.csv"'})
