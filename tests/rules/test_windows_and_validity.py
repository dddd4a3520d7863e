import dataclasses
import datetime as dt

import pytest

from app.rules import validity, windows
from app.rules.terms import RefundAnchor, RefundWindowTerms

from .helpers import preset_terms

D = dt.date


def test_presale_refund_window_opens_on_the_tenth_day_after_opening_day():
    terms, _ = preset_terms("presale_95", opening_date=D(2026, 6, 1))
    issued = D(2026, 5, 1)
    day_before = windows.check_refund_date(terms, D(2026, 6, 10), issue_date=issued, expiry_date=None)
    assert (day_before.ok, day_before.code) == (False, "refund_window_not_open")
    assert day_before.sentence() == "The refund window opens on 2026-06-11."
    first_day = windows.check_refund_date(terms, D(2026, 6, 11), issue_date=issued, expiry_date=None)
    assert (first_day.ok, first_day.code) == (True, "refund_window_open")
    years_later = windows.check_refund_date(terms, D(2030, 1, 1), issue_date=issued, expiry_date=None)
    assert years_later.ok  # no closing day


def test_presale_refund_window_unknown_until_opening_day_is_announced():
    terms, _ = preset_terms("presale_95", opening_date=None)
    decision = windows.check_refund_date(terms, D(2026, 6, 11), issue_date=D(2026, 5, 1), expiry_date=None)
    assert (decision.ok, decision.code) == (False, "opening_date_not_set")


def test_value_add_card_refund_window_opens_on_the_fifteenth_day():
    terms, _ = preset_terms("presale_value_add", opening_date=D(2026, 6, 1))
    assert windows.check_refund_date(terms, D(2026, 6, 15), issue_date=D(2026, 5, 1), expiry_date=None).code == "refund_window_not_open"
    assert windows.check_refund_date(terms, D(2026, 6, 16), issue_date=D(2026, 5, 1), expiry_date=None).ok


def test_online_membership_has_no_cooling_off_refund():
    """Its agreement's 7 days are the member's notice, not a refund window (DESIGN §3)."""
    terms, _ = preset_terms("online_membership")
    decision = windows.check_refund_date(terms, D(2026, 5, 21), issue_date=D(2026, 5, 20), expiry_date=None)
    assert decision.code == "refund_not_offered"


def test_retail_card_offers_no_refund():
    terms, _ = preset_terms("retail_vip")
    assert windows.check_refund_date(terms, D(2026, 5, 20), issue_date=D(2026, 1, 1), expiry_date=None).code == "refund_not_offered"


def test_window_counted_back_from_expiry():
    terms, _ = preset_terms("online_membership")
    terms = dataclasses.replace(terms, refund_window=RefundWindowTerms(RefundAnchor.EXPIRY_DATE, -30, 0))
    assert windows.check_refund_date(terms, D(2027, 4, 19), issue_date=D(2026, 5, 20), expiry_date=D(2027, 5, 19)).ok
    assert windows.check_refund_date(terms, D(2027, 4, 18), issue_date=D(2026, 5, 20), expiry_date=D(2027, 5, 19)).code == "refund_window_not_open"
    assert windows.check_refund_date(terms, D(2027, 4, 18), issue_date=D(2026, 5, 20), expiry_date=None).code == "expiry_date_not_set"


@pytest.mark.parametrize("preset, issued, expires", [
    ("retail_vip", D(2026, 5, 20), D(2028, 5, 19)),
    ("online_membership", D(2026, 5, 20), D(2027, 5, 19)),
    ("online_membership", D(2024, 2, 29), D(2025, 2, 27)),  # clamped to 28 Feb, valid through the day before
    ("presale_95", D(2026, 5, 20), None),
    ("presale_value_add", D(2026, 5, 20), None),
])
def test_expiry_per_preset(preset, issued, expires):
    terms, _ = preset_terms(preset)
    assert validity.expiry_date(terms, issued) == expires


def test_fixed_end_date_wins():
    terms, _ = preset_terms("presale_95", valid_until=D(2027, 12, 31))
    assert validity.expiry_date(terms, D(2026, 5, 20)) == D(2027, 12, 31)


def test_validity_verdicts():
    assert validity.check_validity(D(2026, 5, 19), valid_from=D(2026, 5, 20), valid_through=None).code == "not_yet_valid"
    assert validity.check_validity(D(2027, 5, 19), valid_from=D(2026, 5, 20), valid_through=D(2027, 5, 19)).ok
    expired = validity.check_validity(D(2027, 5, 20), valid_from=D(2026, 5, 20), valid_through=D(2027, 5, 19))
    assert (expired.ok, expired.code) == (False, "expired")


def test_online_membership_renews_in_its_last_three_days_only_and_continues_the_term():
    terms, _ = preset_terms("online_membership")
    through = D(2027, 5, 19)  # the last three days are 17–19 May
    refused = validity.check_renewal(terms, D(2027, 5, 16), valid_through=through)
    assert (refused.code, refused.sentence()) == ("renewal_window_not_open",
                                                  "Renewal is possible from 2027-05-17 to 2027-05-19.")
    assert validity.check_renewal(terms, D(2027, 5, 17), valid_through=through).ok
    assert validity.check_renewal(terms, D(2027, 5, 19), valid_through=through).ok
    assert validity.renewed_through(terms, valid_through=through) == D(2028, 5, 19)
    # Lapsed: the agreement renews only before expiry; a new contract is needed.
    lapsed = validity.check_renewal(terms, D(2027, 5, 20), valid_through=through)
    assert lapsed.code == "renewal_lapsed" and "new agreement" in lapsed.sentence()
    # Never while a termination notice runs.
    assert validity.check_renewal(terms, D(2027, 5, 18), valid_through=through,
                                  notice_running=True).code == "termination_notice_running"


def test_presale_cards_are_not_renewed():
    terms, _ = preset_terms("presale_95")
    assert validity.check_renewal(terms, D(2026, 5, 20), valid_through=None).code == "renewal_not_offered"
