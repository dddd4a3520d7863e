"""Web forms for the card lifecycle, approvals, and the audit log. The same services as the API."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..errors import ServiceError, ValidationFailed
from ..i18n import say
from ..members.services import reveal_bursts
from ..rules import N_
from ..users.roles import can
from ..web import field_errors, require
from . import history, lifecycle, services

bp = Blueprint("lifecycle", __name__)

# action: (permission, service call, message on success)
ACTIONS = {
    "report-loss": ("card.report_loss", lambda card, form: lifecycle.report_loss(card.id, form), N_("The card is blocked.")),
    "cancel-loss": ("card.lifecycle", lambda card, form: lifecycle.cancel_loss(card.id, form), N_("The card is active again.")),
    "reissue": ("card.lifecycle", lambda card, form: lifecycle.reissue(card.id, form), N_("A new card was issued.")),
    "transfer": ("card.lifecycle", lambda card, form: lifecycle.request_transfer(card.id, form),
                 N_("The transfer waits for a manager's approval.")),
    "refund": ("card.lifecycle", lambda card, form: lifecycle.request_refund(card.id, form, by=current_user),
               N_("The refund waits for a second person's approval.")),
    "renew": ("card.lifecycle", lambda card, form: lifecycle.renew(card.id, form), N_("The card was renewed.")),
    "terminate": ("card.lifecycle", lambda card, form: lifecycle.terminate_membership(card.id, form),
                  N_("The termination is recorded; the card ends when the notice has run.")),
    "void": ("card.void_request", lambda card, form: lifecycle.request_void(card.id, form, by=current_user),
             N_("The void waits for the approval of a manager other than you.")),
}


# kind of request: (who may approve or reject it, who may withdraw it), as the API decides
DECIDERS = {"refund": ("refund.approve", "card.lifecycle"), "transfer": ("transfer.approve", "card.lifecycle"),
            "annul": ("redemption.annul", "redemption.annul_request"), "void": ("card.void", "card.void_request")}


def _forbidden():
    return render_template("error.html", status=403, message=gettext("Your role does not allow this.")), 403


def _explain(error: ServiceError) -> str:
    if isinstance(error, ValidationFailed):
        return " ".join(field_errors(error).values())
    return say(error.decision)


@bp.post('/cards/<number>/<any("report-loss","cancel-loss",reissue,transfer,refund,renew,terminate,void):action>')
@require("card.view")
def card_action(number: str, action: str):
    permission, call, message = ACTIONS[action]
    if not can(current_user, permission):
        return _forbidden()
    card = services.get_card(number)
    try:
        result = call(card, request.form.to_dict())
    except ServiceError as exc:
        flash(_explain(exc), "error")
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
        flash(_explain(exc), "error")
        return redirect(request.referrer or url_for("lifecycle.approvals"))
    flash(gettext("The cancellation waits for a manager's approval."), "success")
    return redirect(url_for("cards.detail", number=annul_request.card.number))


@bp.route("/approvals", methods=["GET"])
@require("card.view")
def approvals():
    return render_template("cards/approvals.html", refunds=history.pending_refunds(), transfers=history.pending_transfers(),
                           annulments=history.pending_annulments(), voids=history.pending_voids(),
                           bursts=reveal_bursts() if can(current_user, "member.reveal_any") else [])


@bp.post("/approvals/<any(refund,transfer,annul,void):kind>/<id:request_id>/<any(approve,reject,cancel):decision>")
@require("card.view")
def decide(kind: str, request_id: int, decision: str):
    if not can(current_user, DECIDERS[kind][decision == "cancel"]):
        return _forbidden()
    form = request.form.to_dict()
    done = N_("Done.")
    try:
        if kind == "annul" and decision == "approve":
            approved = lifecycle.approve_annulment(request_id, form, approver=current_user)
            done = N_("The cancellation is approved: the unit is back on sale, the deposit is back on the card, and the "
                      "cancellation confirmation is ready to sign.")
            flash(gettext(done), "success")
            return redirect(url_for("cards.detail", number=approved.card.number))
        if kind == "void" and decision == "approve":
            voided = lifecycle.approve_void(request_id, form, approver=current_user)
            flash(gettext("The card was voided."), "success")
            return redirect(url_for("cards.detail", number=voided.card.number))
        if kind == "void":
            lifecycle.close_void(request_id, form, by=current_user, reject=decision == "reject")
        elif kind == "annul":
            lifecycle.close_annulment(request_id, form, by=current_user, reject=decision == "reject")
        elif kind == "refund" and decision == "approve":
            lifecycle.approve_refund(request_id, form, approver=current_user)
        elif kind == "refund":
            lifecycle.close_refund(request_id, form, by=current_user, reject=decision == "reject")
        elif decision == "approve":
            lifecycle.approve_transfer(request_id, form, approver=current_user)
        else:
            lifecycle.close_transfer(request_id, form, by=current_user, reject=decision == "reject")
    except ServiceError as exc:
        flash(_explain(exc), "error")
    else:
        flash(gettext(done), "success")
    return redirect(url_for("lifecycle.approvals"))


@bp.get("/admin/audit")
@require("audit.view")
def audit_log():
    try:
        filters = history.read_audit_filters(request.args)
    except ValidationFailed as exc:
        flash(_explain(exc), "error")
        filters = history.AuditFilters()
    if request.args.get("format") == "csv":
        return current_app.response_class(history.audit_csv(history.audit_entries(filters, limit=None)), mimetype="text/csv",
                                          headers={"Content-Disposition": 'attachment; filename="audit.csv"'})
    return render_template("cards/audit.html", entries=history.audit_entries(filters), filters=filters, args=request.args,
                           page_size=history.AUDIT_PAGE)
