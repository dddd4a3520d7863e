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


def check_renewal(terms: ProgramTerms, on: dt.date, *, valid_through: dt.date | None) -> Decision:
    """Renewal opens for the last ``renewal_window_days`` days of validity and stays open once the card has lapsed.

    With 15 days and a card valid through 19 May, renewal opens on 5 May (5–19 May are the last 15 days).
    """
    if terms.renewal_window_days is None or valid_through is None:
        return refuse("renewal_not_offered", N_("Cards of this programme are not renewed."))
    opens = valid_through - dt.timedelta(days=terms.renewal_window_days - 1)
    if on < opens:
        return refuse("renewal_window_not_open", N_("Renewal opens on %(opens)s."), opens=opens)
    return allow("renewal_allowed", N_("The card may be renewed."))


def renewed_through(terms: ProgramTerms, on: dt.date, *, valid_through: dt.date) -> dt.date | None:
    """A renewal before expiry continues the old term; after a lapse the new term starts on the renewal day."""
    if terms.validity_months is None:
        return None
    start = valid_through + dt.timedelta(days=1) if on <= valid_through else on
    return add_months(start, terms.validity_months) - dt.timedelta(days=1)
