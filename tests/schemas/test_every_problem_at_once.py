"""The models answer every wrong field at once, checks across fields included, and a blank optional field means its
default (found by a review of the move to pydantic: each case below answered differently for a while)."""

import pytest

from app.cards.schemas import IssueIn, RedeemIn
from app.errors import ValidationFailed
from app.programs.schemas import ProgramIn, SealIn
from tests.conftest import program_payload


def reasons(model, data) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        model.read(data)
    return {name: d.code for name, d in caught.value.fields.items()}


def test_issuing_names_every_missing_payment_detail_and_every_wrong_field():
    assert reasons(IssueIn, {"program": "A", "tier": "B", "member_id": 1, "amount": "100", "payment_method": "",
                             "receipt_no": " "}) == {"payment_method": "required", "receipt_no": "receipt_required"}
    assert reasons(IssueIn, {"amount": "100"}) == {"program": "required", "tier": "required", "member_id": "required",
                                                   "payment_method": "required", "receipt_no": "receipt_required"}


def test_redeeming_names_the_item_and_the_price_together():
    assert reasons(RedeemIn, {}) == {"item": "required", "price": "required"}
    assert reasons(RedeemIn, {"price": "abc"}) == {"price": "amount_invalid", "item": "required"}
    assert reasons(RedeemIn, {"unit": "3-1-1201", "item": "x", "price": "1"}) == {"item": "price_from_unit",
                                                                                 "price": "price_from_unit"}


def test_the_programmes_rules_speak_even_when_a_required_field_is_wrong():
    data = program_payload(contact_phone="not a phone", dispute_resolution="arbitration", dispute_body=None)
    assert reasons(ProgramIn, data) == {"contact_phone": "contact_phone_invalid", "dispute_body": "arbitration_needs_body"}
    data = program_payload(kind="nope")
    data["tiers"] = [data["tiers"][0], dict(data["tiers"][0], name="又一档")]
    assert reasons(ProgramIn, data) == {"kind": "bad_choice", "tiers.1.code": "tier_code_duplicate"}
    assert reasons(ProgramIn, program_payload(tiers=["x"])) == {"tiers": "not_list"}


def test_a_blank_or_null_optional_field_takes_its_default():
    spec = ProgramIn.read(program_payload(transfer_fee=None, copies="", transfer_policy=None, multiple_redemptions=""))
    assert (spec.transfer_fee_fen, spec.copies, spec.transfer_policy.value, spec.multiple_redemptions) == \
        (0, 2, "forbidden", False)
    data = program_payload()
    data["tiers"][0]["credit"] = None
    assert ProgramIn.read(data).tiers[0].credit_fen == 0


def test_only_null_removes_the_seal_blank_text_is_an_empty_pad():
    assert SealIn.read({"image": None}).image is None
    assert reasons(SealIn, {"image": "  "}) == {"image": "signature_blank"}
    assert reasons(SealIn, {}) == {"image": "required"}
