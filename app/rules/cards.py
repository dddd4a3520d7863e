"""Card numbers and what a scan of a card means."""

from __future__ import annotations

import datetime as dt
import re

from stdnum import luhn

from .decision import N_, Decision, allow, refuse
from .dues import check_dues_paid
from .terms import CardStatus, ProgramKind
from .validity import check_validity

CARD_NUMBER_LENGTH = 12  # two digits of the year, nine random digits, one Luhn check digit


def make_card_number(year: int, serial: str) -> str:
    """``serial`` is nine random digits from the caller; the Luhn digit catches any single mistyped digit."""
    if not re.fullmatch(r"\d{9}", serial):
        raise ValueError("serial must be nine digits")
    body = f"{year % 100:02d}{serial}"
    return body + luhn.calc_check_digit(body)


def check_card_number(value: str) -> tuple[Decision, str | None]:
    text = re.sub(r"[\s-]", "", value or "")
    if not re.fullmatch(rf"\d{{{CARD_NUMBER_LENGTH}}}", text):
        return refuse("card_number_format", N_("A card number has 12 digits.")), None
    if not luhn.is_valid(text):
        return refuse("card_number_checksum", N_("This card number has a mistyped digit (check digit does not match).")), None
    return allow("card_number_ok", N_("Card number accepted.")), text


def format_card_number(number: str) -> str:
    """Printed in groups of four: 2612 3456 7890."""
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))


def mask_card_number(number: str) -> str:
    """Public screens show only the last four digits."""
    return "•••• •••• " + number[-4:]


_STATUS_VERDICTS = {
    CardStatus.AWAITING_SIGNATURE: N_("This card's agreement has not been signed yet: it takes effect, and the card can "
                                      "be used, only once both parties have signed and sealed it."),
    CardStatus.LOST: N_("This card has been reported lost and is blocked."),
    CardStatus.REPLACED: N_("This card was replaced by a reissued card and no longer works."),
    CardStatus.TRANSFERRED: N_("This card was transferred to a new holder and no longer works."),
    CardStatus.REFUND_PENDING: N_("A refund of this card is being processed; it cannot be used."),
    CardStatus.REFUNDED: N_("This card was refunded and no longer works."),
    CardStatus.REDEEMED: N_("This card has already been redeemed."),
    CardStatus.EXPIRED: N_("This card has expired."),
    CardStatus.VOIDED: N_("This card was voided."),
}


def scan_verdict(
    status: CardStatus,
    on: dt.date,
    *,
    valid_from: dt.date,
    valid_through: dt.date | None,
    card_program: str,
    counter_program: str | None = None,
    dues_unpaid: bool = False,
    dues_due_on: dt.date | None = None,
) -> Decision:
    """The verdict a counter or a member sees for a card whose token was genuine.

    A card of another programme than the counter serves is ``wrong_program`` whatever its state,
    so a counter never redeems a card it does not honour.
    """
    if counter_program is not None and counter_program != card_program:
        return refuse("wrong_program", N_("This card belongs to programme %(program)s, not the one this counter serves."),
                      program=card_program)
    if status is not CardStatus.ACTIVE:
        return refuse(status.value, _STATUS_VERDICTS[status])
    if dues_unpaid:  # signed, but a membership is in force only once its fee is paid
        return check_dues_paid(unpaid=True, due=dues_due_on)
    return check_validity(on, valid_from=valid_from, valid_through=valid_through)


def check_usable(kind: ProgramKind, on: dt.date, *, opening_date: dt.date | None) -> Decision:
    """Pre-sale cards are used from opening day; other cards whenever they are valid."""
    if kind is ProgramKind.PRESALE_DEPOSIT:
        if opening_date is None:
            return refuse("not_yet_valid", N_("Cards are used from opening day, which has not been announced yet."))
        if on < opening_date:
            return refuse("not_yet_valid", N_("Cards are used from opening day, %(opening_date)s."), opening_date=opening_date)
    return allow("usable", N_("The card may be used today."))


# Cards a member still holds for the "cards per member" limit: waiting for the signature, in use, blocked for now,
# or being refunded.
HOLDING_STATUSES = (CardStatus.AWAITING_SIGNATURE, CardStatus.ACTIVE, CardStatus.LOST, CardStatus.REFUND_PENDING)

INVALID = refuse("invalid", N_("This code is not a genuine card of this service."))
