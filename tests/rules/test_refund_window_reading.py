"""The refund window's legal reading (docs/rules.md): a period counted in days leaves out the day it starts from
(民法典 第二百零一条：按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算). "From the 10th day after opening
day" is the 10th day counted from the day after it: opening day + 10. Month ends and leap years change nothing."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.agreements.contexts import refund_window_text
from app.rules.terms import ProgramKind, ProgramTerms, RefundAnchor, RefundWindowTerms
from app.rules.windows import Window, check_refund_date, refund_window

D = dt.date


def _window(anchor_day, opens, closes=None, anchor=RefundAnchor.OPENING_DATE):
    terms = ProgramTerms(kind=ProgramKind.PRESALE_DEPOSIT, opening_date=anchor_day,
                         refund_window=RefundWindowTerms(anchor, opens, closes))
    return terms, refund_window(terms, issue_date=anchor_day, expiry_date=anchor_day)[1]


@pytest.mark.parametrize("anchor_day, opens, first_day", [
    (D(2026, 6, 1), 10, D(2026, 6, 11)),   # the seed programme: opening 6月1日, refunds from 6月11日
    (D(2026, 6, 1), 15, D(2026, 6, 16)),   # the value-add card's 15th day
    (D(2026, 6, 1), 0, D(2026, 6, 1)),     # "from opening day": the day itself
    (D(2026, 1, 31), 10, D(2026, 2, 10)),  # across a month end
    (D(2026, 2, 20), 10, D(2026, 3, 2)),   # February of a common year has 28 days
    (D(2028, 2, 20), 10, D(2028, 3, 1)),   # a leap year's 29 February is a day like any other
    (D(2028, 2, 28), 1, D(2028, 2, 29)),
    (D(2100, 2, 28), 1, D(2100, 3, 1)),    # 2100 is not a leap year
    (D(2026, 12, 25), 10, D(2027, 1, 4)),  # across the year's end
])
def test_the_nth_day_after_the_anchor_counts_from_the_next_day(anchor_day, opens, first_day):
    terms, window = _window(anchor_day, opens)
    assert window.first_day == first_day
    on_the_day_before = check_refund_date(terms, first_day - dt.timedelta(days=1), issue_date=anchor_day,
                                          expiry_date=None)
    assert (on_the_day_before.ok, on_the_day_before.code) == (False, "refund_window_not_open")
    assert check_refund_date(terms, first_day, issue_date=anchor_day, expiry_date=None).ok


def test_the_last_day_is_counted_the_same_way_and_included():
    terms, window = _window(D(2028, 2, 1), 10, 30)
    assert window == Window(D(2028, 2, 11), D(2028, 3, 2))  # 29 days in February 2028
    assert check_refund_date(terms, D(2028, 3, 2), issue_date=D(2028, 2, 1), expiry_date=None).ok
    assert check_refund_date(terms, D(2028, 3, 3), issue_date=D(2028, 2, 1), expiry_date=None).code == \
        "refund_window_closed"


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)), st.integers(min_value=1, max_value=400))
def test_counting_from_the_next_day_the_first_day_is_day_n(anchor_day, opens):
    """Counted as 第二百零一条 counts: day 1 is the day after the anchor, and the first refund day is day N."""
    _, window = _window(anchor_day, opens)
    counted = [anchor_day + dt.timedelta(days=k) for k in range(1, opens + 1)]  # 开始的当日不计入，自下一日开始计算
    assert window.first_day == counted[-1] and len(counted) == opens and anchor_day not in counted


def test_the_agreement_states_the_reading_and_the_real_days():
    class Program:
        refund_window = RefundWindowTerms(RefundAnchor.OPENING_DATE, 10, None)

    assert refund_window_text(Program, Window(D(2026, 6, 11), None)) == \
        "乙方可自开盘日后第10日起申请退卡（开盘日不计入，即自2026年6月11日起），不设截止日。"
    assert refund_window_text(Program) == "乙方可自开盘日后第10日起申请退卡（开盘日不计入），不设截止日。"
    Program.refund_window = RefundWindowTerms(RefundAnchor.ISSUE_DATE, 0, 7)
    assert refund_window_text(Program, Window(D(2028, 2, 25), D(2028, 3, 3))) == \
        "乙方可自办卡之日起至办卡之日后第7日（含当日）止申请退卡（办卡之日不计入，即2028年2月25日至2028年3月3日）。"
