import pytest
import sqlalchemy as sa
from sqlalchemy import select

from app.audit import AuditEntry
from app.errors import ValidationFailed
from app.extensions import db
from app.programs import services
from app.programs.models import Tier
from tests.conftest import program_payload


def test_create_stores_money_in_fen_and_rates_in_basis_points(app, ctx):
    program = services.create_program(program_payload("presale_value_add", code="ZZ-1", reissue_fee="20.00"), by=None)
    tier = program.tiers[0]
    assert (tier.amount_fen, tier.credit_fen, tier.increment_fen, tier.discount_rate_bp) == (2_000_000, 5_000_000, 3_000_000, 10_000)
    assert program.reissue_fee_fen == 2000


def test_codes_are_unique_regardless_of_case(app, ctx):
    services.create_program(program_payload(code="CBSC-2026"), by=None)
    with pytest.raises(ValidationFailed) as caught:
        services.create_program(program_payload(code="cbsc-2026"), by=None)
    assert caught.value.fields["code"].code == "program_code_taken"


def test_update_validates_the_merged_programme_and_logs_a_diff(app, ctx):
    program = services.create_program(program_payload(code="UPD-1"), by=None)
    services.update_program(program, {"opening_date": "2026-06-01"}, by=None)
    assert program.opening_date.isoformat() == "2026-06-01"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "program.updated")).one()
    assert entry.payload == {"opening_date": {"from": "2026-05-20", "to": "2026-06-01"}}
    with pytest.raises(ValidationFailed) as caught:
        services.update_program(program, {"refund_window": {"anchor": "opening_date", "opens_after_days": 10, "closes_after_days": 3}}, by=None)
    assert "refund_window.closes_after_days" in caught.value.fields
    with pytest.raises(ValidationFailed):
        services.update_program(program, {"code": "OTHER"}, by=None)
    db.session.refresh(program)
    assert (program.code, program.refund_closes_after_days) == ("UPD-1", None)


def test_tiers_are_matched_by_code(app, ctx):
    program = services.create_program(program_payload(code="TIER-1"), by=None)
    vip_id = program.tiers[0].id
    services.update_program(program, {"tiers": [
        {"code": "SVIP", "name": "至尊卡", "amount": "100000", "discount_rate": "0.9"},
        {"code": "VIP", "name": "VIP卡", "amount": "60000", "discount_rate": "0.95"},
    ]}, by=None)
    assert [t.code for t in program.tiers] == ["SVIP", "VIP"]
    assert program.tier("VIP").id == vip_id and program.tier("VIP").amount_fen == 6_000_000


@pytest.mark.parametrize("column, value", [
    ("discount_rate_bp", 0), ("discount_rate_bp", 10001), ("amount_fen", -1), ("credit_fen", 100),
])
def test_the_database_enforces_tier_invariants(app, ctx, column, value):
    program = services.create_program(program_payload(code="DBC-1"), by=None)
    tier_id = program.tiers[0].id
    with pytest.raises(sa.exc.IntegrityError):
        with db.session.begin_nested():
            db.session.execute(sa.update(Tier).where(Tier.id == tier_id).values({column: value}))


@pytest.mark.parametrize("assignment", [
    "kind = 'raffle'", "status = 'maybe'", "refund_anchor = 'someday'", "refund_anchor = NULL, refund_opens_after_days = NULL",
    "transfer_fee_fen = 100", "max_active_cards_per_member = 0", "refund_closes_after_days = 1",
    "presale_permit_date = NULL", "validity_months = 12, valid_until = '2027-01-01'",
])
def test_the_database_enforces_programme_invariants(app, ctx, assignment):
    """Raw SQL, so it is the database's CHECK constraints that refuse, not the ORM."""
    program = services.create_program(program_payload(code="DBC-2"), by=None)
    with pytest.raises(sa.exc.IntegrityError):
        with db.session.begin_nested():
            db.session.execute(sa.text(f"UPDATE programs SET {assignment} WHERE id = :id"), {"id": program.id})
