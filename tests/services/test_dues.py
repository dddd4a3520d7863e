"""The dues and termination services themselves: one transaction each, the audit entry, the ledger and the charge."""

import datetime as dt

import pytest
from sqlalchemy import select

from app.approvals.models import RefundKind, RefundRequest
from app.audit import AuditEntry
from app.cards import lifecycle
from app.cards.charges import Charge, ChargeKind
from app.cards.models import DuesStatus
from app.cards.terminations import Termination, TerminationParty
from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.rules.terms import CardStatus
from tests.conftest import DEFAULT_NOW, in_request


def _actions(card):
    return [e.action for e in db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "card",
                                                                           AuditEntry.object_id == str(card.id))
                                                 .order_by(AuditEntry.id))]


def test_pay_dues_writes_the_fee_the_late_fee_and_one_audit_entry(app, make_card, make_program, make_user, clock):
    program = make_program("online_membership", code="SVCDUES")
    card = make_card(program=program, pay_later=True, payment_method=None, receipt_no=None)
    assert (card.dues_status, card.dues_due_on, card.ledger) == (DuesStatus.UNPAID, dt.date(2026, 5, 22), [])
    consultant = make_user("consultant")
    clock.at = DEFAULT_NOW + dt.timedelta(days=4)  # two days late
    with pytest.raises(ValidationFailed) as wrong:
        in_request(app, lifecycle.pay_dues, card.id, {"amount": "2000", "payment_method": "cash", "receipt_no": "X"},
                   by=consultant)
    assert wrong.value.fields["amount"].code == "dues_amount_mismatch"
    assert db.session.scalars(select(Charge).where(Charge.card_id == card.id)).all() == []  # nothing half written
    card = in_request(app, lifecycle.pay_dues, card.id, {"amount": "2020", "payment_method": "cash", "receipt_no": "X"},
                      by=consultant)
    assert (card.dues_status, card.dues_paid_on, card.dues_late_fee_fen, card.held_fen) == (
        DuesStatus.PAID, dt.date(2026, 5, 24), 2000, 200000)
    [charge] = db.session.scalars(select(Charge).where(Charge.card_id == card.id)).all()
    assert (charge.kind, charge.amount_fen, charge.receipt_no) == (ChargeKind.LATE_FEE, 2000, "X")
    assert _actions(card)[-1] == "card.dues_paid"
    with pytest.raises(Conflict):
        in_request(app, lifecycle.pay_dues, card.id, {"amount": "2020", "payment_method": "cash", "receipt_no": "Y"},
                   by=consultant)


def test_the_daily_job_applies_the_issuers_notice_as_a_refund_request_of_the_notice_giver(
        app, make_card, make_program, make_user, clock):
    program = make_program("online_membership", code="SVCTERM")
    card = make_card(program=program)
    manager = make_user("admin")
    in_request(app, lifecycle.terminate_by_issuer, card.id, {"reason": "停止运营"}, by=manager)
    notice = db.session.scalar(select(Termination).where(Termination.card_id == card.id))
    assert (notice.party, notice.last_day, notice.noticed_by_id) == (TerminationParty.ISSUER, dt.date(2026, 5, 23), manager.id)
    clock.at = DEFAULT_NOW + dt.timedelta(days=3)
    assert in_request(app, lifecycle.expire_cards, by=None) == []  # the notice's last day: still in force
    clock.at = DEFAULT_NOW + dt.timedelta(days=4)
    assert [c.id for c in in_request(app, lifecycle.expire_cards, by=None)] == [card.id]
    assert in_request(app, lifecycle.expire_cards, by=None) == []  # once
    db.session.refresh(card)
    request = db.session.scalar(select(RefundRequest).where(RefundRequest.card_id == card.id))
    assert (card.status, request.kind, request.amount_fen, request.requested_by_id) == (
        CardStatus.REFUND_PENDING, RefundKind.ISSUER_TERMINATION, 200000, manager.id)
    assert notice.took_effect_at is not None
    assert _actions(card)[-2:] == ["card.issuer_termination_notified", "card.terminated_by_issuer"]


def test_an_imported_membership_keeps_the_term_its_paper_says(app, make_program, make_member, make_user):
    from app.cards.schemas import IssueIn
    from app.cards.services import add_card
    from app.extensions import transition
    from tests.conftest import seal_subscription

    make_program("online_membership", code="SVCIMP")
    consultant = make_user("consultant")
    spec = IssueIn.read({"program": "SVCIMP", "tier": "ANNUAL", "member_id": make_member().id, "amount": "2000",
                         "payment_method": "cash", "receipt_no": "OLD-1"})
    card = in_request(app, transition(add_card), spec, by=consultant, issued_on=dt.date(2026, 1, 10))
    seal_subscription(app, card, consultant)  # the paper's scan uploaded months later
    assert (card.status, card.valid_from, card.valid_through) == (CardStatus.ACTIVE, dt.date(2026, 1, 10),
                                                                  dt.date(2027, 1, 9))


def test_a_membership_card_says_its_term_starts_at_signing_until_it_is_signed(app, make_card, make_program, make_user,
                                                                              clock):
    """The card face printed before signing carries no end day counted from the issue day (the term is counted from
    signing); once signed it prints the real last day."""
    from app.cards.services import card_face
    from tests.conftest import seal_subscription
    card = make_card(program=make_program("online_membership", code="FACE"), signed=False)
    assert in_request(app, card_face, card).validity == "自签署之日起12个月有效"
    clock.at = DEFAULT_NOW + dt.timedelta(days=3)  # signed three days after issue: the year runs from then
    card = seal_subscription(app, card, make_user("consultant"))
    assert in_request(app, card_face, card).validity == "有效期至2027年5月22日"
    presale = make_card(signed=False)  # a pre-sale card's dates do not wait for signing
    assert in_request(app, card_face, presale).validity.startswith(("有效期至", "长期有效"))
