"""How long a card lasts and when it may be renewed."""

from __future__ import annotations

import calendar
import datetime as dt

from .decision import N_, Decision, allow, refuse
from .terms import ProgramTerms


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, clamped to the month's end: 2024-02-29 + 12 -> 2025-02-28."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expiry_date(terms: ProgramTerms, issue_date: dt.date) -> dt.date | None:
    """The last day a card is valid, or None when it does not expire.

    A card valid for 12 months issued on 2026-03-15 is valid through 2027-03-14.
    """
    if terms.valid_until is not None:
        return terms.valid_until
    if terms.validity_months is not None:
        return add_months(issue_date, terms.validity_months) - dt.timedelta(days=1)
    return None


def check_validity(on: dt.date, *, valid_from: dt.date, valid_through: dt.date | None) -> Decision:
    if on < valid_from:
        return refuse("not_yet_valid", N_("This card is valid from %(valid_from)s."), valid_from=valid_from)
    if valid_through is not None and on > valid_through:
        return refuse("expired", N_("This card expired after %(valid_through)s."), valid_through=valid_through)
    return allow("valid", N_("This card is valid."))


def check_renewal(terms: ProgramTerms, on: dt.date, *, valid_through: dt.date | None,
                  notice_running: bool = False) -> Decision:
    """Renewal continues the contract without a new agreement only in its last ``renewal_window_days`` days: with 3
    days and a card valid through 19 May, on 17, 18 and 19 May. Never once it has lapsed (that needs a new agreement)
    and never while a termination notice runs."""
    if terms.renewal_window_days is None or valid_through is None:
        return refuse("renewal_not_offered", N_("Cards of this programme are not renewed."))
    if notice_running:
        return refuse("termination_notice_running", N_(
            "A termination notice runs: the membership ends on %(valid_through)s and cannot be renewed."),
            valid_through=valid_through)
    if on > valid_through:
        return refuse("renewal_lapsed", N_(
            "The card lapsed after %(valid_through)s: it could be renewed only in its last %(days)s day(s); a new "
            "agreement is needed now."), valid_through=valid_through, days=terms.renewal_window_days)
    opens = renewal_opens(terms.renewal_window_days, valid_through)
    if on < opens:
        return refuse("renewal_window_not_open", N_("Renewal is possible from %(opens)s to %(valid_through)s."),
                      opens=opens, valid_through=valid_through)
    return allow("renewal_allowed", N_("The card may be renewed until %(valid_through)s."), valid_through=valid_through)


def renewal_opens(window_days: int, valid_through: dt.date) -> dt.date:
    """The first day of the last ``window_days`` days of validity."""
    return valid_through - dt.timedelta(days=window_days - 1)


def renewed_through(terms: ProgramTerms, *, valid_through: dt.date) -> dt.date | None:
    """A renewal continues the old term: the new one starts the day after the old one ends."""
    if terms.validity_months is None:
        return None
    return add_months(valid_through + dt.timedelta(days=1), terms.validity_months) - dt.timedelta(days=1)
