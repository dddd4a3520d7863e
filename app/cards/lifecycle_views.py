"""Web forms for the card lifecycle. The same services as the API; requests are decided on approvals/, the audit log is audit/."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..errors import ServiceError
from ..rules import N_
from ..users.roles import can
from ..web import explain, forbidden, require
from . import lifecycle, services

bp = Blueprint("lifecycle", __name__)

# action: (permission, service call, message on success)
ACTIONS = {
    "report-loss": ("card.report_loss", lambda card, form: lifecycle.report_loss(card.id, form, by=current_user), N_("The card is blocked.")),
    "cancel-loss": ("card.lifecycle", lambda card, form: lifecycle.cancel_loss(card.id, form, by=current_user), N_("The card is active again.")),
    "reissue": ("card.lifecycle", lambda card, form: lifecycle.reissue(card.id, form, by=current_user), N_("A new card was issued.")),
    "transfer": ("card.lifecycle", lambda card, form: lifecycle.request_transfer(card.id, form, by=current_user),
                 N_("The transfer waits for a manager's approval.")),
    "refund": ("card.lifecycle", lambda card, form: lifecycle.request_refund(card.id, form, by=current_user),
               N_("The refund waits for a second person's approval.")),
    "renew": ("card.lifecycle", lambda card, form: lifecycle.renew(card.id, form, by=current_user), N_("The card was renewed.")),
    "terminate": ("card.lifecycle", lambda card, form: lifecycle.terminate_membership(card.id, form, by=current_user),
                  N_("The termination is recorded; the card ends when the notice has run.")),
    "issuer-terminate": ("refund.approve", lambda card, form: lifecycle.terminate_by_issuer(card.id, form, by=current_user),
                         N_("The issuer's notice is recorded; when it has run, the full refund waits for a second person's approval.")),
    "dues": ("card.lifecycle", lambda card, form: lifecycle.pay_dues(card.id, form, by=current_user),
             N_("The fee is paid; the membership is in force once its agreement is signed.")),
    "void": ("card.void_request", lambda card, form: lifecycle.request_void(card.id, form, by=current_user),
             N_("The void waits for the approval of a manager other than you.")),
}


@bp.post('/cards/<number>/<any("report-loss","cancel-loss",reissue,transfer,refund,renew,terminate,"issuer-terminate",dues,void):action>')
@require("card.view")
def card_action(number: str, action: str):
    permission, call, message = ACTIONS[action]
    if not can(current_user, permission):
        return forbidden()
    card = services.get_card(number)
    try:
        result = call(card, request.form.to_dict())
    except ServiceError as exc:
        flash(explain(exc), "error")
        return redirect(url_for("cards.detail", number=card.number))
    flash(gettext(message), "success")
    target = result.number if action == "reissue" else card.number
    return redirect(url_for("cards.detail", number=target))


@bp.post("/redemptions/<id:redemption_id>/annul")
@require("redemption.annul_request")
def annul(redemption_id: int):
    """Cancelling a purchase (退房): a request that a manager other than the requester approves on /approvals."""
    try:
        annul_request = lifecycle.request_annulment(redemption_id, request.form.to_dict(), by=current_user)
    except ServiceError as exc:
        flash(explain(exc), "error")
        return redirect(request.referrer or url_for("approvals.index"))
    flash(gettext("The cancellation waits for a manager's approval."), "success")
    return redirect(url_for("cards.detail", number=annul_request.card.number))
