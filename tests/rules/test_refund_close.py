from datetime import date

from app.rules.lifecycle import status_after_refund_closed
from app.rules.terms import CardStatus


def test_a_refund_closed_leaves_the_card_as_it_would_be_had_nobody_asked():
    day = date(2026, 7, 1)
    assert status_after_refund_closed(redeemed=False, today=day, valid_through=None) is CardStatus.ACTIVE
    assert status_after_refund_closed(redeemed=False, today=day, valid_through=day) is CardStatus.ACTIVE  # last day
    assert status_after_refund_closed(redeemed=False, today=day, valid_through=date(2026, 6, 30)) is CardStatus.EXPIRED
    assert status_after_refund_closed(redeemed=True, today=day, valid_through=date(2026, 6, 30)) is CardStatus.REDEEMED
