from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user

from ..approvals import services as approvals
from ..clock import clock
from ..documents.cards import design_labels
from ..errors import Conflict, ServiceError, ValidationFailed
from ..i18n import options
from ..members.services import get_member
from ..programs.services import issuing_programs, list_programs
from ..queue import services as queue
from ..units import services as units
from ..users.roles import can
from ..web import field_errors, register_labels, require
from . import dues, history, labels, services
from .charges import fees_of
from .models import PaymentMethod
from .scans import ScanFilters, list_scans
from .schemas import CardFilters, dump_card, dump_redemption

bp = Blueprint("cards", __name__)
register_labels(bp, status_labels=labels.STATUS_LABELS, verdict_labels=labels.VERDICT_LABELS,
                payment_labels=labels.PAYMENT_LABELS, payment_options=lambda: options(labels.PAYMENT_LABELS),
                ledger_label=labels.ledger_label, agreement_label=labels.agreement_label, own_words=labels.own_words,
                agreement_status_labels=labels.AGREEMENT_STATUS_LABELS, check_labels=labels.CHECK_LABELS,
                queue_labels=labels.QUEUE_LABELS, design_options=design_labels, charge_labels=labels.CHARGE_LABELS)

ISSUE_FORM_FIELDS = ("amount", "payment_method", "receipt_no", "qualifying_spend", "permit_override_reason", "pay_later")


@bp.route("/cards/new", methods=["GET", "POST"])
@require("card.issue")
def issue():
    member_id = request.values.get("member_id", type=int)
    member = get_member(member_id) if member_id and 0 < member_id < 2**31 else None
    programs = issuing_programs()
    values = request.form.to_dict() if request.method == "POST" else {}
    errors: dict[str, str] = {}
    problem = None
    if request.method == "POST":
        program_code, _, tier_code = values.get("product", "").partition("/")
        data = {k: values.get(k, "") for k in ISSUE_FORM_FIELDS}
        data.update(program=program_code, tier=tier_code, member_id=values.get("member_id", ""))
        try:
            card = services.issue_card(data, by=current_user)
        except ValidationFailed as exc:
            errors = field_errors(exc)
            errors.setdefault("product", errors.get("program") or errors.get("tier") or "")
        except ServiceError as exc:
            problem = exc
        else:
            flash(gettext("Card %(number)s issued. Print the agreement or sign it on screen.", number=card.number), "success")
            return redirect(url_for("cards.detail", number=card.number))
    return render_template("cards/new.html", member=member, programs=programs, values=values, errors=errors,
                           problem=problem, payment_methods=list(PaymentMethod)), 422 if (errors or problem) else 200


@bp.get("/cards/")
@require("card.view")
def index():
    """Every card, newest first: one search box and the card's particulars as filters, a page at a time."""
    values = {k: v for k, v in request.args.items() if k in CardFilters.names() and v.strip()}
    try:
        filters = CardFilters.read(values)
    except ValidationFailed as exc:
        filters, errors = CardFilters(), field_errors(exc)
    else:
        errors = {}
    found = services.list_cards(filters)
    shown = {k: v for k, v in values.items() if k not in ("page", "after", "before", "last")}
    pager = {"first": url_for("cards.index", **shown) if found.prev_before else None,
             "newer": url_for("cards.index", **shown, before=found.prev_before) if found.prev_before else None,
             "older": url_for("cards.index", **shown, after=found.next_after) if found.next_after else None,
             "last": url_for("cards.index", **shown, last=1) if found.next_after else None}
    return render_template("cards/index.html", cards=found.cards, found=found, pager=pager, values=values,
                           errors=errors, programs=list_programs(), statuses=list(labels.STATUS_LABELS)), \
        422 if errors else 200


@bp.get("/scans/")
@require("audit.view")
def scans():
    """Every scan kept, genuine or not, newest first, a page at a time: forged codes and blocked cards show here."""
    values = {k: v.strip() for k, v in request.args.items() if k in ScanFilters.names() and v.strip()}
    try:
        filters = ScanFilters.read(values)
    except ValidationFailed as exc:
        filters, errors = ScanFilters(), field_errors(exc)
    else:
        errors = {}
    page = list_scans(filters)
    shown = {k: v for k, v in values.items() if k != "before"}
    return render_template("cards/scans.html", scans=page.scans, values=values, errors=errors,
                           verdicts=list(labels.VERDICT_LABELS),
                           older_url=url_for("cards.scans", **shown, before=page.next_before) if page.next_before else None,
                           newest_url=url_for("cards.scans", **shown) if filters.before else None), 422 if errors else 200


@bp.get("/desk")
@require("card.issue")
def desk():
    """A consultant's start page: the cards they issued whose agreement still waits for signatures (a manager sees all)."""
    mine = not can(current_user, "card.void")
    cards = services.awaiting_signature(issued_by_id=current_user.id if mine else None)
    return render_template("cards/desk.html", cards=cards, mine=mine,
                           agreements={c.id: services.unsigned_subscription(c) for c in cards})


@bp.get("/cards/<number>")
@require("card.view")
def detail(number: str):
    card = services.get_card(number)
    return render_template("cards/detail.html", card=card,
                           data=dump_card(card, holder_name=True, verify_url=services.verify_url(card)),
                           scans=services.scans_of(card, 20), timeline=history.card_timeline(card),
                           pending=approvals.pending_for(card), refund=services.refund_dates(card),
                           unsigned=services.unsigned_subscription(card), fees=fees_of(card),
                           membership=dues.membership_facts(card), term_awaits_signing=card.term_awaits_signing(clock().tz))


@bp.get("/cards/<number>/card.png")
@require("card.view")
def image(number: str):
    card = services.get_card(number)
    png = services.card_image(card, current_app.config.get("VIP_CJK_FONT"))
    return current_app.response_class(png, mimetype="image/png")


@bp.get("/cards/<number>/print")
@require("card.view")
def printable(number: str):
    card = services.get_card(number)
    return render_template("cards/print.html", card=card)


@bp.route("/counter", methods=["GET", "POST"])
@require("card.redeem")
def counter():
    """The scanner page: the field keeps focus, a USB scanner types the URL and Enter; the verdict shows large."""
    if "program" in request.args:
        session["counter_program"] = request.args.get("program") or None
    if "station" in request.args:
        session["counter_station"] = request.args.get("station", "").strip()[:60] or None
    program = session.get("counter_program")
    station = session.get("counter_station") or current_user.username
    verdict = card = redemption = preview = arrival = None
    errors: dict[str, str] = {}
    code = (request.form.get("code") or "").strip()
    action = request.form.get("action")
    if request.method == "POST" and action == "check_in_holder":
        # The card was left at home: the holder's ID document finds their card.
        try:
            arrival, _ = queue.check_in_holder({"program": request.form.get("program") or program or "",
                                                "id_number": request.form.get("id_number", ""),
                                                "phone": request.form.get("phone", "")}, by=current_user)
            card = arrival.card
            code = card.number
        except ValidationFailed as exc:
            errors = field_errors(exc)
        except ServiceError as exc:
            verdict = exc.decision
    elif request.method == "POST" and code:
        data = {k: request.form[k] for k in ("item", "price", "unit", "published_discount", "payable")
                if request.form.get(k)}
        if action == "check_in":
            # Opening day: the holder arrived; their place in today's queue for the card's programme.
            target = services.card_for_code(code)
            try:
                arrival, _ = queue.check_in(code, program or (target.program.code if target else None), by=current_user)
                card = arrival.card
            except ServiceError as exc:
                verdict, card = exc.decision, target
        elif action in ("preview", "redeem"):
            # The settlement is shown and confirmed before anything is redeemed.
            try:
                if action == "preview":
                    card, quote = services.preview_settlement(code, data, counter_program=program)
                    preview = services.dump_quote(quote, card) | {"price": request.form.get("price", "")}
                else:
                    redemption = services.redeem_code(code, data, counter_program=program, station=station,
                                                      by=current_user)
                    card = redemption.card
            except ValidationFailed as exc:
                errors, card = field_errors(exc), services.card_for_code(code)
            except Conflict as exc:
                verdict, card = exc.decision, services.card_for_code(code)
        else:
            verdict, card = services.counter_lookup(code, counter_program=program, station=station,
                                                          by=current_user)
    inventory = card is not None and units.has_inventory(card.program_id)
    return render_template("cards/counter.html", programs=list_programs(), program=program, station=station,
                           inventory=units.available_units(card.program) if inventory else None,
                           discounts=units.current_discounts(card.program) if card is not None else [],
                           verdict=verdict, card=card, unsigned=services.unsigned_subscription(card) if card else None,
                           code=code, data=dump_card(card, holder_name=True) if card else None, errors=errors,
                           redemption=dump_redemption(redemption) if redemption else None, preview=preview,
                           arrival=arrival,
                           used=services.redemption_facts(card) if verdict is not None else None,
                           values=request.form)
