import datetime as dt

from app.rules import policies
from app.rules.terms import TransferPolicy

from .helpers import preset_terms

D = dt.date


def test_presale_issue_needs_the_permit_recorded_and_in_force():
    terms, _ = preset_terms("presale_95", presale_permit_no=None, presale_permit_date=None)
    assert policies.check_issue(terms, D(2026, 5, 20), active_cards=0).code == "presale_permit_missing"
    assert policies.check_issue(terms, D(2026, 5, 20), active_cards=0, permit_override=True).ok
    terms, _ = preset_terms("presale_95", presale_permit_date=D(2026, 6, 1))
    decision = policies.check_issue(terms, D(2026, 5, 31), active_cards=0)
    assert (decision.code, decision.sentence()) == (
        "presale_permit_not_yet_valid", "The presale permit is dated 2026-06-01; deposits may not be taken before it.")
    assert policies.check_issue(terms, D(2026, 6, 1), active_cards=0).ok


def test_no_cards_after_a_programmes_fixed_end_date():
    terms, _ = preset_terms("retail_vip", validity_months=None, renewal_window_days=None, valid_until=D(2026, 12, 31))
    assert policies.check_issue(terms, D(2026, 12, 31), active_cards=0).ok
    assert policies.check_issue(terms, D(2027, 1, 1), active_cards=0).code == "program_expired"


def test_memberships_need_no_permit():
    terms, _ = preset_terms("online_membership")
    assert policies.check_issue(terms, D(2026, 5, 20), active_cards=0).ok


def test_one_card_per_member_and_closed_programmes():
    terms, _ = preset_terms("retail_vip")
    assert policies.check_issue(terms, D(2026, 5, 20), active_cards=1).code == "member_card_limit"
    terms, _ = preset_terms("retail_vip", max_active_cards_per_member=2)
    assert policies.check_issue(terms, D(2026, 5, 20), active_cards=1).ok
    terms, _ = preset_terms("retail_vip", issuing_open=False)
    assert policies.check_issue(terms, D(2026, 5, 20), active_cards=0).code == "program_closed"


def test_transfer_follows_the_programme_policy():
    for preset in ("presale_95", "presale_value_add", "retail_vip", "online_membership"):
        terms, _ = preset_terms(preset)
        assert policies.check_transfer(terms, from_member_id=1, to_member_id=2).code == "transfer_forbidden"
    terms, _ = preset_terms("presale_95", transfer_policy=TransferPolicy.WITH_APPROVAL, transfer_fee_fen=50000)
    allowed = policies.check_transfer(terms, from_member_id=1, to_member_id=2)
    assert allowed.ok and allowed.sentence() == "A transfer needs a manager's approval and a fee of ¥500.00."
    assert policies.check_transfer(terms, from_member_id=1, to_member_id=1).code == "transfer_same_holder"


def test_reissue_needs_the_holders_id_number():
    assert policies.check_reissue_identity(holder_id_index="abc", presented_id_indexes=["abc"]).ok
    assert policies.check_reissue_identity(holder_id_index="old", presented_id_indexes=["new", "old"]).ok
    assert policies.check_reissue_identity(holder_id_index="abc", presented_id_indexes=["abd"]).code == "id_number_mismatch"


def test_member_termination_after_the_window_runs_out_the_notice_within_the_term():
    terms, _ = preset_terms("online_membership")
    issued, through = D(2026, 5, 20), D(2027, 5, 19)
    assert policies.member_termination(terms, D(2026, 5, 22), issue_date=issued, valid_through=through)[0].code == "terminate_by_refund"
    decision, last_day = policies.member_termination(terms, D(2026, 7, 1), issue_date=issued, valid_through=through)
    assert (decision.code, last_day) == ("member_termination", D(2026, 7, 8))
    assert policies.member_termination(terms, D(2027, 5, 15), issue_date=issued, valid_through=through)[1] == through
