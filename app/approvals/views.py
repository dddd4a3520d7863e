"""The approvals page: every request waiting for a second person, decided here; and the count beside its link."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..cards import lifecycle
from ..errors import ServiceError, ValidationFailed
from ..members.services import reveal_bursts
from ..rules import N_
from ..users.roles import can
from ..web import explain, field_errors, forbidden, require
from . import services

bp = Blueprint("approvals", __name__)

# kind of request: (who may approve or reject it, who may withdraw it), as the API decides
DECIDERS = {"refund": ("refund.approve", "card.lifecycle"), "transfer": ("transfer.approve", "card.lifecycle"),
            "annul": ("redemption.annul", "redemption.annul_request"), "void": ("card.void", "card.void_request")}


@bp.route("/approvals", methods=["GET"])
@require("card.view")
def index():
    """Every kind of waiting request, oldest first, a page of each at a time (?refund_after= and so on)."""
    pages, errors = {}, {}
    for kind in services.KINDS:
        after = request.args.get(f"{kind}_after", "").strip()
        try:
            pages[kind] = services.waiting(kind, {"after": after} if after else {})
        except ValidationFailed as exc:
            errors.update(field_errors(exc))
            pages[kind] = services.waiting(kind)
    shown = {k: v for k, v in request.args.items() if k.endswith("_after") and k[:-6] in services.KINDS}

    def more(kind: str) -> dict[str, str | None]:
        """The section's pager: its next page, and back to its first, the other sections staying where they are."""
        others = {k: v for k, v in shown.items() if k != f"{kind}_after"}
        return {"next": url_for("approvals.index", **others, **{f"{kind}_after": pages[kind].next_after},
                                _anchor=kind) if pages[kind].next_after else None,
                "first": url_for("approvals.index", **others, _anchor=kind) if f"{kind}_after" in shown else None}

    return render_template("approvals/index.html", refunds=pages["refund"].requests, transfers=pages["transfer"].requests,
                           annulments=pages["annul"].requests, voids=pages["void"].requests, errors=errors,
                           counts=services.waiting_counts(), pagers={kind: more(kind) for kind in services.KINDS},
                           bursts=reveal_bursts() if can(current_user, "member.reveal_any") else []), \
        422 if errors else 200


@bp.post("/approvals/<any(refund,transfer,annul,void):kind>/<id:request_id>/<any(approve,reject,cancel):decision>")
@require("card.view")
def decide(kind: str, request_id: int, decision: str):
    if not can(current_user, DECIDERS[kind][decision == "cancel"]):
        return forbidden()
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
        flash(explain(exc), "error")
    else:
        flash(gettext(done), "success")
    return redirect(url_for("approvals.index"))


@bp.app_context_processor
def waiting_for_approval():
    """The number beside "Approvals" in the menu, for those who decide requests."""
    if not getattr(current_user, "is_authenticated", False) or request.blueprint in (None, "api", "static", "public"):
        return {}
    if not any(can(current_user, p) for p in ("refund.approve", "transfer.approve", "card.void", "redemption.annul")):
        return {}
    return {"approvals_waiting": services.waiting_count()}
