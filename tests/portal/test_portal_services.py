"""Signing in with a one-time code: matching card and ID ending, expiry, tries, single use, locks, sessions; what the
member may download and ask for."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.approvals.models import RefundRequest, RequestStatus
from app.audit import AuditEntry
from app.cards.lifecycle import approve_refund
from app.cards.models import CardStatus
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.portal import services
from app.portal.models import PortalCode, SmsMessage
from app.rules.identity import mask_name
from tests.conftest import in_request
from tests.portal.helpers import last_code, outbox_count


def ask(app, number, tail):
    return in_request(app, services.request_code, number, tail)


def verify(app, challenge, code):
    return in_request(app, services.verify_code, challenge, code)


def test_the_code_goes_to_the_phone_on_file_in_chinese_and_is_kept_only_hashed(app, holder, clock):
    card, tail = holder
    before = outbox_count()
    challenge = ask(app, card.number, tail.lower())
    assert outbox_count() == before + 1
    code = last_code()
    row = db.session.scalar(select(PortalCode).where(PortalCode.challenge == challenge))
    assert row.member_id == card.member_id and code not in row.code_hash
    text = db.session.scalar(select(SmsMessage).order_by(SmsMessage.id.desc()))
    assert card.program.name in text.text and "验证码" in text.text and "5 分钟" in text.text
    assert card.member.phone not in text.phone_masked and text.phone_masked.endswith(card.member.phone[-4:])
    token = verify(app, challenge, code)
    assert in_request(app, services.member_for, token).id == card.member_id


@pytest.mark.parametrize("wrong", ["card", "tail", "both"])
def test_a_wrong_card_or_id_ending_gets_the_same_answer_and_no_text(app, holder, wrong):
    card, tail = holder
    number = "261234567890" if wrong in ("card", "both") else card.number
    given = "000000" if wrong in ("tail", "both") else tail
    before = outbox_count()
    challenge = ask(app, number, given)
    assert isinstance(challenge, str) and len(challenge) >= 40
    assert outbox_count() == before
    with pytest.raises(Forbidden) as refused:
        verify(app, challenge, "123456")
    assert refused.value.code == "portal_code_wrong"
    assert db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc())).action == "portal.code_refused"


def test_a_code_is_used_once(app, holder):
    card, tail = holder
    challenge = ask(app, card.number, tail)
    code = last_code()
    verify(app, challenge, code)
    with pytest.raises(Forbidden):
        verify(app, challenge, code)


def test_a_code_expires_after_five_minutes(app, holder, clock):
    card, tail = holder
    challenge = ask(app, card.number, tail)
    code = last_code()
    clock.at += dt.timedelta(minutes=5, seconds=1)
    with pytest.raises(Forbidden):
        verify(app, challenge, code)


def test_five_wrong_tries_spend_the_code(app, holder):
    card, tail = holder
    challenge = ask(app, card.number, tail)
    code = last_code()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        with pytest.raises(Forbidden):
            verify(app, challenge, wrong)
    with pytest.raises(Forbidden):
        verify(app, challenge, code)
    assert db.session.scalar(select(PortalCode).where(PortalCode.challenge == challenge)).wrong_attempts == 5


def test_not_six_digits_is_a_typing_mistake_not_a_try(app, holder):
    card, tail = holder
    challenge = ask(app, card.number, tail)
    with pytest.raises(ValidationFailed):
        verify(app, challenge, "12a45")
    assert db.session.scalar(select(PortalCode).where(PortalCode.challenge == challenge)).wrong_attempts == 0
    assert verify(app, challenge, " ".join(last_code()))  # spaces typed between digits are fine


def test_a_new_code_replaces_the_one_before(app, holder):
    card, tail = holder
    first = ask(app, card.number, tail)
    first_code = last_code()
    second = ask(app, card.number, tail)
    with pytest.raises(Forbidden):
        verify(app, first, first_code)
    assert verify(app, second, last_code())


def test_too_many_wrong_codes_lock_the_holder_for_a_while(app, holder, clock):
    card, tail = holder
    for _ in range(2):
        challenge = ask(app, card.number, tail)
        wrong = f"{(int(last_code()) + 1) % 10**6:06d}"
        for _ in range(5):
            with pytest.raises(Forbidden):
                verify(app, challenge, wrong)
    before = outbox_count()
    locked = ask(app, card.number, tail)
    assert outbox_count() == before  # no text while locked, and the same answer as ever
    with pytest.raises(Forbidden):
        verify(app, locked, "000000")
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "portal.locked")) is not None
    clock.at += dt.timedelta(minutes=31)
    challenge = ask(app, card.number, tail)
    assert verify(app, challenge, last_code())


def test_a_member_session_is_short_and_ends_on_sign_out(app, holder, clock):
    card, tail = holder
    challenge = ask(app, card.number, tail)
    token = verify(app, challenge, last_code())
    clock.at += dt.timedelta(minutes=9)
    assert in_request(app, services.member_for, token) is not None
    clock.at += dt.timedelta(minutes=10, seconds=1)  # idle for more than ten minutes
    assert in_request(app, services.member_for, token) is None
    challenge = ask(app, card.number, tail)
    token = verify(app, challenge, last_code())
    for _ in range(4):  # in use, but thirty minutes in all
        clock.at += dt.timedelta(minutes=8)
        in_request(app, services.member_for, token)
    assert in_request(app, services.member_for, token) is None
    challenge = ask(app, card.number, tail)
    token = verify(app, challenge, last_code())
    in_request(app, services.sign_out, token)
    assert in_request(app, services.member_for, token) is None
    assert in_request(app, services.member_for, "not-a-token") is None


def test_the_member_sees_all_their_cards_and_downloads_only_their_own_sealed_agreements(app, holder, make_card,
                                                                                      make_program):
    card, _ = holder
    second = make_card(program=make_program("presale_value_add", opening_date=None), member=card.member)
    stranger = make_card(program=card.program)
    unsigned = make_card(program=make_program("presale_95", opening_date=None), member=card.member, signed=False)
    seen = in_request(app, services.cards_of, card.member)
    assert {c.card.number for c in seen} == {card.number, second.number, unsigned.number}
    own = next(c for c in seen if c.card.id == card.id)
    assert own.verdict.code == "valid" and own.refund.ok and own.window.first_day >= dt.date(2026, 5, 11)
    content, filename = in_request(app, services.download_agreement, card.member, own.agreements[0].id)
    assert content.startswith(b"%PDF") and filename.endswith(".pdf")
    for other in (stranger.agreements[0].id, unsigned.agreements[0].id, 99999):
        with pytest.raises(NotFound):
            in_request(app, services.download_agreement, card.member, other)
    assert next(c for c in seen if c.card.id == unsigned.id).agreements == []


def test_a_refund_asked_by_the_member_waits_for_a_manager(app, holder, make_user):
    card, _ = holder
    request = in_request(app, services.ask_refund, card.member, card.number, {})
    assert request.status is RequestStatus.PENDING and request.requested_by_id is None and request.amount_fen == card.held_fen
    assert card.status is CardStatus.REFUND_PENDING
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "refund.requested").order_by(AuditEntry.id.desc()))
    assert entry.actor_id is None and entry.actor_name == f"{mask_name(card.member.name)} #{card.member_id}"
    with pytest.raises(Conflict):  # asked once is enough
        in_request(app, services.ask_refund, card.member, card.number, {"reason": "again"})
    admin = make_user("admin")
    paid = in_request(app, approve_refund, request.id, {"payout_method": "bank_transfer", "payout_reference": "B1"},
                      approver=admin)
    assert paid.status is RequestStatus.DONE and card.status is CardStatus.REFUNDED


def test_no_refund_outside_the_window_nor_on_someone_elses_card(app, make_card, make_program):
    early = make_card(program=make_program("presale_95", opening_date="2026-05-15"))
    with pytest.raises(Conflict) as refused:
        in_request(app, services.ask_refund, early.member, early.number, {})
    assert refused.value.code == "refund_window_not_open"
    stranger = make_card(program=early.program)
    with pytest.raises(NotFound):
        in_request(app, services.ask_refund, early.member, stranger.number, {})
    assert db.session.scalar(select(RefundRequest).where(RefundRequest.card_id == early.id)) is None


def test_a_text_that_cannot_be_sent_leaves_nothing_behind(app, holder):
    card, tail = holder
    saved = {k: app.config.get(k) for k in ("VIP_SMS_PROVIDER", "VIP_SMS_ALIYUN_ENDPOINT")}
    app.config.update(VIP_SMS_PROVIDER="aliyun", VIP_SMS_ALIYUN_ENDPOINT="http://127.0.0.1:9/",
                      VIP_SMS_ALIYUN_ACCESS_KEY_ID="id", VIP_SMS_ALIYUN_ACCESS_KEY_SECRET="s",
                      VIP_SMS_ALIYUN_SIGN_NAME="n", VIP_SMS_ALIYUN_TEMPLATE_CODE="SMS_1")
    try:
        with pytest.raises(services.SmsUnavailable):
            ask(app, card.number, tail)
    finally:
        app.config.update(saved)
    assert db.session.scalar(select(PortalCode).where(PortalCode.member_id == card.member_id)) is None
