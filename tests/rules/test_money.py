from decimal import Decimal

import pytest

from app.rules import money


@pytest.mark.parametrize("fen, words", [
    (140950, "壹仟肆佰零玖元伍角"),          # PBOC examples
    (600714, "陆仟零柒元壹角肆分"),
    (1640902, "壹万陆仟肆佰零玖元零贰分"),
    (10000000, "壹拾万元整"),
    (5000000, "伍万元整"),
    (2000000, "贰万元整"),
    (200000, "贰仟元整"),
    (0, "零元整"),
])
def test_amount_in_words(fen, words):
    assert money.amount_in_words(fen) == words


@pytest.mark.parametrize("raw, fen", [
    ("50000.00", 5_000_000), ("50000", 5_000_000), (50000, 5_000_000), ("¥50,000.5", 5_000_050),
    ("0.01", 1), (" 20.00 ", 2000), (Decimal("1409.50"), 140950), (0.1, 10),
])
def test_parse_amount_reads_yuan_into_fen(raw, fen):
    decision, value = money.parse_amount(raw)
    assert decision.ok and value == fen


@pytest.mark.parametrize("raw, code", [
    ("-1", "amount_negative"), ("abc", "amount_invalid"), ("", "amount_invalid"), (None, "amount_invalid"),
    (True, "amount_invalid"), ("1.005", "amount_too_precise"), ("NaN", "amount_invalid"), ("Infinity", "amount_invalid"),
    ("10000000000000", "amount_too_large"), ("1e30", "amount_invalid"), (10**30, "amount_too_large"),
    (float("nan"), "amount_invalid"), (float("inf"), "amount_invalid"), ("50,00", "amount_invalid"), ("1_000", "amount_invalid"),
    ([1], "amount_invalid"),
])
def test_parse_amount_refuses_bad_input_with_a_reason(raw, code):
    decision, value = money.parse_amount(raw)
    assert not decision.ok and decision.code == code and value is None


@pytest.mark.parametrize("raw, bp", [("0.95", 9500), ("1", 10000), ("0.86", 8600), ("0.925", 9250), (0.95, 9500)])
def test_parse_discount_rate(raw, bp):
    assert money.parse_discount_rate(raw)[1] == bp


@pytest.mark.parametrize("raw, code", [
    ("0", "discount_rate_out_of_range"), ("1.01", "discount_rate_out_of_range"), ("-0.5", "discount_rate_out_of_range"),
    ("95", "discount_rate_out_of_range"), ("0.12345", "discount_rate_too_precise"), ("x", "discount_rate_invalid"),
])
def test_discount_rate_must_be_in_zero_one(raw, code):
    decision, bp = money.parse_discount_rate(raw)
    assert decision.code == code and bp is None


def test_formats():
    assert money.format_fen(5_000_000) == "50000.00"
    assert money.format_yuan(5_000_050) == "¥50,000.50"
    assert money.format_yuan(-5_000_000) == "-¥50,000.00"  # a refund paid out: the sign before the currency
    assert money.format_discount_rate(9500) == "0.95"
    assert money.format_discount_rate(10000) == "1.00"
    assert money.format_discount_rate(9250) == "0.925"
    assert money.discount_in_words(9500) == "9.5折"
    assert money.discount_in_words(8600) == "8.6折"
    assert money.discount_in_words(9000) == "9折"
    assert money.discount_in_words(10000) == "无折扣"


@pytest.mark.parametrize("fen, bp, expected", [
    (100_000_000, 9500, 95_000_000),
    (1, 9500, 1),        # 0.95 fen rounds half up to 1
    (10, 9550, 10),      # 9.55 -> 10
    (30, 9500, 29),      # 28.5 -> 29 (half up, not banker's 28)
    (50, 9500, 48),      # 47.5 -> 48
])
def test_apply_rate_rounds_half_up_to_the_fen(fen, bp, expected):
    assert money.apply_rate(fen, bp) == expected
