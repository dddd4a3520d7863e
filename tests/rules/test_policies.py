import datetime as dt

from app.rules import policies
from app.rules.terms import RefundAnchor, RefundWindowTerms, TransferPolicy

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


def test_member_termination_is_notice_not_a_cooling_off_refund():
    """The online membership's agreement: 7 days' notice, nothing refunded, from the first day on."""
    terms, _ = preset_terms("online_membership")
    issued, through = D(2026, 5, 20), D(2027, 5, 19)
    decision, last_day = policies.member_termination(terms, D(2026, 5, 22), issue_date=issued, valid_through=through)
    assert (decision.code, last_day) == ("member_termination", D(2026, 5, 29))
    assert decision.sentence() == "Notice given today: the membership ends on 2026-05-29; the fee is not refunded."
    assert policies.member_termination(terms, D(2027, 5, 15), issue_date=issued, valid_through=through)[1] == through
    running = policies.member_termination(terms, D(2026, 5, 23), issue_date=issued, valid_through=D(2026, 5, 29),
                                          notice_running=True)
    assert (running[0].code, running[1]) == ("termination_notice_running", None)


def test_member_termination_inside_a_programmes_refund_window_is_a_refund():
    terms, _ = preset_terms("online_membership", refund_window=RefundWindowTerms(RefundAnchor.ISSUE_DATE, 0, 6))
    issued, through = D(2026, 5, 20), D(2027, 5, 19)
    assert policies.member_termination(terms, D(2026, 5, 22), issue_date=issued, valid_through=through)[0].code == "terminate_by_refund"
    assert policies.member_termination(terms, D(2026, 5, 27), issue_date=issued, valid_through=through)[0].ok


def test_issuer_termination_runs_its_own_notice_then_refunds_in_full():
    terms, _ = preset_terms("online_membership")
    decision, last_day = policies.issuer_termination(terms, D(2026, 7, 1), valid_through=D(2027, 5, 19), held_fen=200000)
    assert (decision.code, last_day) == ("issuer_termination_notice", D(2026, 7, 4))
    assert "refunded in full" in decision.sentence()
    unpaid = policies.issuer_termination(terms, D(2026, 7, 1), valid_through=D(2027, 5, 19), held_fen=0)[0]
    assert unpaid.sentence().endswith("no fee was paid, so nothing is refunded.")
    assert policies.issuer_termination(terms, D(2027, 5, 18), valid_through=D(2027, 5, 19), held_fen=1)[1] == D(2027, 5, 19)
    assert policies.issuer_termination(terms, D(2026, 7, 2), valid_through=D(2026, 7, 4), held_fen=1,
                                       notice_running=True)[0].code == "termination_notice_running"
    presale, _ = preset_terms("presale_95")
    assert policies.issuer_termination(presale, D(2026, 7, 1), valid_through=None, held_fen=1)[0].code == "termination_not_applicable"


def test_dues_terms_belong_to_memberships():
    terms, tier = preset_terms("presale_95", payment_due_days=2, late_fee_per_day_bp=50)
    problems = dict(policies.check_program_terms(terms, [tier]))
    assert problems["payment_due_days"].code == problems["late_fee_per_day_bp"].code == "membership_terms_only"
    terms, tier = preset_terms("online_membership", payment_due_days=None)
    assert dict(policies.check_program_terms(terms, [tier]))["late_fee_per_day_bp"].code == "late_fee_needs_due_days"
    terms, tier = preset_terms("online_membership")
    assert policies.check_program_terms(terms, [tier]) == []
