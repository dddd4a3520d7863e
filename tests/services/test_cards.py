import datetime as dt

import pytest
from sqlalchemy import func, select

from app import tokens
from app.agreements.models import Agreement, Document
from app.audit import AuditEntry
from app.cards import services
from app.cards.models import Card, LedgerEntry, Redemption, Scan
from app.errors import Conflict, Forbidden, ValidationFailed
from app.extensions import db
from app.rules.cards import check_card_number
from tests.conftest import DEFAULT_NOW, in_request


def counts():
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Card, LedgerEntry, Agreement, Document, Redemption)}


def test_issuing_writes_card_ledger_agreement_and_audit_together(app, make_card, make_program):
    program = make_program("presale_95")
    card = make_card(program=program, signed=False)
    assert check_card_number(card.number)[0].ok and card.number.startswith("26")
    assert (card.status.value, card.amount_fen, card.held_fen) == ("awaiting_signature", 5_000_000, 5_000_000)
    assert [(e.kind.value, e.amount_fen, e.payment_method.value) for e in card.ledger] == [("deposit_received", 5_000_000, "wechat_pay")]
    (agreement,) = card.agreements
    assert (agreement.kind.value, agreement.status.value) == ("subscription", "unsigned")
    assert agreement.template_name == "subscription_presale_deposit.docx" and len(agreement.template_version) == 12
    assert [d.role.value for d in agreement.documents] == ["draft"]
    assert agreement.number.startswith("XY2026")
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"card.issued", "agreement.created"} <= actions
    assert card.valid_through is None  # pre-sale cards stay valid until used
    assert card.issued_by_id == make_card.consultant.id


def test_memberships_expire_and_take_fees(app, make_card, make_program):
    card = make_card(program=make_program("online_membership"))
    assert card.ledger[0].kind.value == "fee_received"
    assert (card.valid_from, card.valid_through) == (dt.date(2026, 5, 20), dt.date(2027, 5, 19))


@pytest.mark.parametrize("overrides, field, code", [
    ({"amount": "49999.99"}, "amount", "amount_mismatch"),
    ({"member_id": 999999}, "member_id", "member_not_found"),
    ({"tier": "NOPE"}, "tier", "tier_not_found"),
    ({"program_code": "NOPE"}, "program", "program_not_found"),
    ({"payment_method": None}, "payment_method", "required"),
    ({"receipt_no": ""}, "receipt_no", "receipt_required"),
    ({"payment_method": "cheque"}, "payment_method", "bad_choice"),
])
def test_bad_issue_input_leaves_nothing_behind(app, make_card, make_program, make_member, overrides, field, code):
    program, member = make_program(), make_member()
    before = counts()
    with pytest.raises(ValidationFailed) as caught:
        make_card(program=program, member=member, **overrides)
    assert caught.value.fields[field].code == code
    assert counts() == before


def test_one_card_per_member_then_a_clear_refusal(app, make_card, make_program, make_member):
    program, member = make_program(max_active_cards_per_member=1), make_member()
    make_card(program=program, member=member)
    before = counts()
    with pytest.raises(Conflict) as caught:
        make_card(program=program, member=member)
    assert caught.value.code == "member_card_limit"
    assert counts() == before


def test_no_deposit_before_the_presale_permit_unless_a_manager_overrides(app, make_card, make_program, make_user):
    program = make_program(presale_permit_no=None, presale_permit_date=None)
    with pytest.raises(Conflict) as caught:
        make_card(program=program)
    assert caught.value.code == "presale_permit_missing"
    with pytest.raises(Forbidden):  # a consultant cannot override
        make_card(program=program, permit_override_reason="经理口头同意")
    from app.members.services import register_member
    from tests.conftest import valid_id_number
    admin = make_user("admin")
    with app.test_request_context("/"):
        member, _ = register_member({"name": "赵六", "id_number": valid_id_number(99), "phone": "13600136000"}, by=admin)
        card = services.issue_card({"program": program.code, "tier": "VIP", "member_id": member.id, "amount": "50000",
                                    "payment_method": "cash", "receipt_no": "R1", "permit_override_reason": "许可证已批待发"},
                                   by=admin)
    assert card.permit_override
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "card.issued")).one()
    assert entry.payload["permit_override_reason"] == "许可证已批待发" and entry.actor_id == admin.id


def test_closed_programmes_and_qualifying_spend(app, make_card, make_program):
    with pytest.raises(Conflict) as caught:
        make_card(program=make_program(status="closed"))
    assert caught.value.code == "program_closed"
    retail = make_program("retail_vip")
    with pytest.raises(ValidationFailed) as caught:
        make_card(program=retail, qualifying_spend="4999.99")
    assert caught.value.fields["qualifying_spend"].code == "spend_below_threshold"
    card = make_card(program=retail, payment_method=None, receipt_no=None)  # a free card needs no payment
    assert (card.amount_fen, card.ledger) == (0, [])  # nothing received, nothing on the ledger


def test_verdicts_for_genuine_and_forged_tokens_and_every_scan_is_stored(app, make_card, make_program):
    card = make_card(program=make_program(code="VER-1"))
    with app.test_request_context("/"):
        token = tokens.card_token(card.public_id, card.generation)
        forged = [token[:-1] + ("A" if token[-1] != "A" else "B"), token[:20], "garbage", "x" * 5000, "",
                  tokens.card_token(card.public_id, card.generation + 1),  # genuine signature, no such card
                  tokens.sign(tokens.DOCUMENT, [card.public_id, card.generation])]  # a token of another purpose
        assert services.verify_token(token, by=None)[0].code == "valid"
        assert services.verify_token(token, counter_program="OTHER", by=None)[0].code == "wrong_program"
        for bad in forged:
            verdict, found = services.verify_token(bad, by=None)
            assert (verdict.code, found) == ("invalid", None), bad[:30]
    verdicts = list(db.session.scalars(select(Scan.verdict).order_by(Scan.id)))
    assert verdicts == ["valid", "wrong_program"] + ["invalid"] * len(forged)


def test_tokens_survive_key_rotation(app, make_card):
    card = make_card()
    old = in_request(app, tokens.card_token, card.public_id, card.generation)
    try:
        app.config["VIP_TOKEN_KEYS"] = [app.config["SECRET_KEY"], "a-newer-key"]
        with app.test_request_context("/"):
            new = tokens.card_token(card.public_id, card.generation)
            assert new != old
            assert services.card_for_token(old) == card and services.card_for_token(new) == card
        app.config["VIP_TOKEN_KEYS"] = ["a-newer-key"]
        with app.test_request_context("/"):
            assert services.card_for_token(old) is None and services.card_for_token(new) == card
    finally:
        app.config.pop("VIP_TOKEN_KEYS")


def test_validity_dates_give_their_verdicts(app, clock, make_card, make_program):
    card = make_card(program=make_program("online_membership"))
    token = in_request(app, tokens.card_token, card.public_id, card.generation)
    clock.at = DEFAULT_NOW + dt.timedelta(days=365)  # 2027-05-20: the day after the last valid day
    assert in_request(app, services.verify_token, token, by=None)[0].code == "expired"
    clock.at = DEFAULT_NOW - dt.timedelta(days=1)
    assert in_request(app, services.verify_token, token, by=None)[0].code == "not_yet_valid"


def test_redeem_settles_records_and_only_once(app, make_card, make_program):
    card = make_card(program=make_program("presale_95"))
    redemption = in_request(app, services.redeem, card.id, {"item": "3-1-1201", "price": "1000000.00"}, by=None)
    assert (redemption.payable_fen, redemption.deposit_applied_fen, redemption.discounted_fen) == (90_000_000, 5_000_000, 95_000_000)
    assert card.status.value == "redeemed" and card.redeemed_at is not None
    assert [e.kind.value for e in card.ledger] == ["deposit_received", "deposit_applied"]
    assert card.held_fen == 0 == sum(e.amount_fen for e in card.ledger)
    assert redemption.agreement.kind.value == "redemption" and redemption.agreement.number.startswith("JC")
    with pytest.raises(Conflict) as caught:
        in_request(app, services.redeem, card.id, {"item": "3-1-1202", "price": "900000"}, by=None)
    assert caught.value.code == "redeemed"
    assert list(db.session.scalars(select(Scan.verdict).where(Scan.action == "redeem").order_by(Scan.id))) == ["valid", "redeemed"]
    assert db.session.scalar(select(func.count(Redemption.id))) == 1


def test_redeem_needs_a_price_and_writes_nothing_without_one(app, make_card):
    card = make_card()
    before = counts()
    for data, code in (({"item": "3-1-1201"}, "required"), ({"item": "3-1-1201", "price": "0"}, "price_invalid"),
                       ({"item": "3-1-1201", "price": "-5"}, "amount_negative")):
        with pytest.raises(ValidationFailed) as caught:
            in_request(app, services.redeem, card.id, data, by=None)
        assert caught.value.fields["price"].code == code
    assert counts() == before and card.status.value == "active"


def test_retail_cards_are_never_redeemed_they_record_purchases_with_the_discount(app, make_card, make_program):
    from app.errors import Conflict
    from app.loyalty.services import record_purchase
    card = make_card(program=make_program("retail_vip"), payment_method=None, receipt_no=None)
    with pytest.raises(Conflict) as refused:
        in_request(app, services.redeem, card.id, {"item": "外套", "price": "1000"}, by=None)
    assert refused.value.code == "retail_not_redeemable" and not card.redemptions
    for receipt in ("T-1", "T-2"):
        purchase = in_request(app, record_purchase, card.id, {"amount": "1000", "receipt_no": receipt}, by=None)
        assert (purchase.discounted_fen, purchase.points_earned) == (86_000, 86)
    assert card.status.value == "active"


def test_the_ledger_always_sums_to_the_money_held(app, make_card, make_program):
    value_add = make_card(program=make_program("presale_value_add"))
    in_request(app, services.redeem, value_add.id, {"item": "车位 B-12", "price": "30000"}, by=None)
    # Price 30,000 < credit 50,000: the 20,000 deposit is applied whole, 10,000 of credit used, the rest lapses.
    assert value_add.held_fen == sum(e.amount_fen for e in value_add.ledger) == 0
    assert value_add.redemptions[0].credit_lapsed_fen == 2_000_000


def test_every_single_character_edit_of_a_token_is_invalid(app):
    with app.test_request_context("/"):
        token = tokens.card_token("Ab3_-xYz", 7)
        assert tokens.read_card_token(token) == ("Ab3_-xYz", 7)
        for position, original in enumerate(token):
            for replacement in "AQgw019-_.":
                if replacement != original:
                    edited = token[:position] + replacement + token[position + 1:]
                    assert tokens.read_card_token(edited) is None, (position, replacement)
