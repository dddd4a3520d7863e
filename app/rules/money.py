"""Amounts: integer fen inside, Decimal strings at the edges, 人民币大写 on paper."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import cn2an

from .decision import N_, Decision, allow, refuse

# 1 000 000 000 元 is far above any card amount or unit price a sales centre handles.
MAX_FEN = 100_000_000_000
BP_SCALE = 10_000  # discount rates are kept in basis points of the price: 0.95 -> 9500


_NUMBER = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")


def as_decimal(value: Any) -> Decimal | None:
    """A finite Decimal, or None. Commas are accepted only as thousands separators ("50,000.00")."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    elif isinstance(value, str):
        text = value.strip().removeprefix("¥").removeprefix("￥").strip()
        if not _NUMBER.fullmatch(text):
            return None
        number = Decimal(text.replace(",", ""))
    else:
        return None
    return number if number.is_finite() else None


def parse_amount(value: Any) -> tuple[Decision, int | None]:
    """Read an amount in yuan ("50000.00", 50000, "¥50,000") into fen."""
    number = as_decimal(value)
    if number is None:
        return refuse("amount_invalid", N_("Enter an amount in yuan, such as 50000.00.")), None
    if number < 0:
        return refuse("amount_negative", N_("The amount cannot be negative.")), None
    if number * 100 > MAX_FEN:  # before quantize, which fails beyond 28 digits
        return refuse("amount_too_large", N_("The amount is larger than the service accepts.")), None
    # As written, not only as valued: "50000.000" has three decimal places though it equals 50000.00.
    if number.as_tuple().exponent < -2:
        return refuse("amount_too_precise", N_("Amounts have at most two decimal places (fen).")), None
    return allow("amount_ok", N_("Amount accepted.")), int(number * 100)


def fen_to_decimal(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def format_fen(fen: int) -> str:
    """The API's form: a plain decimal string, "50000.00"."""
    return str(fen_to_decimal(fen))


def format_yuan_text(amount: str) -> str:
    """The API's decimal string on paper: "900000.00" -> "¥900,000.00"."""
    return f"¥{Decimal(amount):,.2f}"


def format_yuan(fen: int) -> str:
    """The paper form: "¥50,000.00"; a negative amount with its sign before the currency, "-¥50,000.00"."""
    return f"{'-' if fen < 0 else ''}¥{fen_to_decimal(abs(fen)):,.2f}"


def amount_in_words(fen: int) -> str:
    """人民币大写 as the PBOC writes it: 壹万陆仟肆佰零玖元零贰分, 壹拾万元整."""
    if fen == 0:
        return "零元整"
    return cn2an.an2cn(format_fen(fen), "rmb")


def parse_discount_rate(value: Any) -> tuple[Decision, int | None]:
    """A rate of the price payable, 0 < r <= 1 with at most four decimals: "0.95" -> 9500."""
    number = as_decimal(value)
    if number is None:
        return refuse("discount_rate_invalid", N_("Enter the discount as a rate such as 0.95 (9.5折).")), None
    if not (0 < number <= 1):  # also keeps huge numbers away from the arithmetic below
        return refuse(
            "discount_rate_out_of_range",
            N_("The discount rate must be more than 0 and at most 1 (1 means no discount)."),
        ), None
    scaled = number * BP_SCALE
    if scaled != scaled.to_integral_value():
        return refuse("discount_rate_too_precise", N_("The discount rate has at most four decimal places.")), None
    return allow("discount_rate_ok", N_("Discount rate accepted.")), int(scaled)


def format_discount_rate(bp: int) -> str:
    """The API's form, at least two decimals: 9500 -> "0.95", 9250 -> "0.925", 10000 -> "1.00"."""
    whole, _, frac = f"{Decimal(bp) / BP_SCALE:.4f}".partition(".")
    return f"{whole}.{frac.rstrip('0').ljust(2, '0')}"


def discount_in_words(bp: int) -> str:
    """How a Chinese agreement states it: 9500 -> "9.5折", 8600 -> "8.6折", 10000 -> "无折扣"."""
    if bp >= BP_SCALE:
        return "无折扣"
    zhe = (Decimal(bp) / 1000).normalize()
    return f"{format(zhe, 'f')}折"


def apply_rate(fen: int, bp: int) -> int:
    """fen × rate, rounded to the fen half up, in integers so no float ever touches money."""
    return int((Decimal(fen) * bp / BP_SCALE).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
