"""Reading a programme: every bad field is named with its reason; presets are valid as they stand."""

import pytest

from app.errors import ValidationFailed
from app.programs.presets import PRESET_KEYS
from app.programs.schemas import dump_program, read_program
from tests.conftest import program_payload


def reasons(data) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        read_program(data)
    return {name: d.code for name, d in caught.value.fields.items()}


@pytest.mark.parametrize("preset", PRESET_KEYS)
def test_every_preset_reads_and_round_trips(preset):
    data = program_payload(preset)
    spec = read_program(data)
    dumped = dump_program(spec)
    assert dumped.pop("has_seal") is False  # output only: the seal image is uploaded on its own
    assert dumped == data


def test_discount_rate_outside_zero_one():
    data = program_payload()
    data["tiers"][0]["discount_rate"] = "1.2"
    assert reasons(data) == {"tiers.0.discount_rate": "discount_rate_out_of_range"}
    data["tiers"][0]["discount_rate"] = "0"
    assert reasons(data) == {"tiers.0.discount_rate": "discount_rate_out_of_range"}


def test_negative_and_non_numeric_amounts():
    data = program_payload()
    data["tiers"][0]["amount"] = "-50000"
    data["reissue_fee"] = "twenty"
    assert reasons(data) == {"tiers.0.amount": "amount_negative", "reissue_fee": "amount_invalid"}


def test_refund_window_that_closes_before_it_opens():
    data = program_payload(refund_window={"anchor": "opening_date", "opens_after_days": 10, "closes_after_days": 5})
    assert reasons(data) == {"refund_window.closes_after_days": "refund_window_reversed"}


def test_presale_deposits_must_be_refundable():
    assert reasons(program_payload(refund_window=None)) == {"refund_window": "refund_window_required"}


def test_many_errors_are_reported_together():
    data = program_payload(code="x", kind="lottery", contact_phone="call me", validity_months=0)
    assert reasons(data) == {
        "code": "bad_format", "kind": "bad_choice", "contact_phone": "contact_phone_invalid", "validity_months": "too_small",
    }


def test_tier_rules():
    data = program_payload(tiers=[
        {"code": "A", "name": "A卡", "amount": "20000", "discount_rate": "1", "increment": "10000"},
        {"code": "A", "name": "B卡", "amount": "0", "discount_rate": "0.9"},
    ])
    assert reasons(data) == {"tiers.1.code": "tier_code_duplicate", "tiers.1.amount": "deposit_zero"}
    alone = program_payload(tiers=[{"code": "A", "name": "A卡", "amount": "20000", "discount_rate": "1", "credit": "10000"}])
    assert reasons(alone) == {"tiers.0.credit": "increment_required"}
    assert reasons(program_payload(tiers=[])) == {"tiers": "tiers_missing"}
    assert reasons(program_payload(tiers="VIP")) == {"tiers": "not_list"}


def test_settings_that_only_make_sense_together():
    assert reasons(program_payload("online_membership", presale_permit_no="X", presale_permit_date="2026-01-01")) == {
        "presale_permit_no": "presale_permit_not_applicable"}
    assert reasons(program_payload(presale_permit_date=None)) == {"presale_permit_date": "presale_permit_incomplete"}
    assert reasons(program_payload("online_membership", valid_until="2027-01-01")) == {"valid_until": "validity_ambiguous"}
    assert reasons(program_payload("presale_95", renewal_window_days=10)) == {"renewal_window_days": "renewal_needs_validity"}
    assert reasons(program_payload("presale_95", transfer_fee="100")) == {"transfer_fee": "transfer_fee_without_transfer"}
    assert reasons(program_payload("presale_95", refund_window={"anchor": "expiry_date", "opens_after_days": 0})) == {
        "refund_window.anchor": "refund_anchor_needs_expiry"}


def test_wrong_types_are_field_errors_not_crashes():
    data = program_payload(max_active_cards_per_member="two", multiple_redemptions="perhaps", opening_date="2026-02-30",
                           refund_window="soon", name=["x"])
    assert reasons(data) == {
        "max_active_cards_per_member": "not_integer", "multiple_redemptions": "not_boolean", "opening_date": "bad_date",
        "refund_window": "not_object", "name": "not_text",
    }


def test_misspelt_nested_fields_are_refused():
    data = program_payload("presale_value_add")
    data["refund_window"]["closes_after_day"] = 30
    data["tiers"][0]["credt"] = "50000"
    assert reasons(data) == {"refund_window.closes_after_day": "unknown_field", "tiers.0.credt": "unknown_field"}


def test_rule_errors_name_the_submitted_tier_row():
    data = program_payload(tiers=[
        {"code": "A", "name": "A", "amount": "oops", "discount_rate": "1"},
        {"code": "B", "name": "B", "amount": "20000", "discount_rate": "1", "credit": "100"},
    ])
    assert reasons(data) == {"tiers.0.amount": "amount_invalid", "tiers.1.credit": "increment_required"}


def test_control_characters_are_refused():
    assert reasons(program_payload(name="VIP\x00卡")) == {"name": "control_characters"}
