"""When a card's refund window opens and closes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .decision import N_, Decision, allow, refuse
from .terms import ProgramTerms, RefundAnchor


@dataclass(frozen=True)
class Window:
    first_day: dt.date
    last_day: dt.date | None  # None: open without end


def refund_window(terms: ProgramTerms, *, issue_date: dt.date, expiry_date: dt.date | None) -> tuple[Decision, Window | None]:
    """The window for one card, or why it cannot be known yet."""
    spec = terms.refund_window
    if spec is None:
        return refuse("refund_not_offered", N_("This programme does not offer refunds on request.")), None
    anchors = {
        RefundAnchor.OPENING_DATE: terms.opening_date,
        RefundAnchor.ISSUE_DATE: issue_date,
        RefundAnchor.EXPIRY_DATE: expiry_date,
    }
    anchor = anchors[spec.anchor]
    if anchor is None:
        if spec.anchor is RefundAnchor.OPENING_DATE:
            return refuse(
                "opening_date_not_set",
                N_("The refund window depends on the opening day, which has not been announced yet."),
            ), None
        return refuse("expiry_date_not_set", N_("The refund window depends on an expiry date this card does not have.")), None
    first = anchor + dt.timedelta(days=spec.opens_after_days)
    last = None if spec.closes_after_days is None else anchor + dt.timedelta(days=spec.closes_after_days)
    return allow("refund_window_known", N_("The refund window is known.")), Window(first, last)


def check_refund_date(terms: ProgramTerms, on: dt.date, *, issue_date: dt.date, expiry_date: dt.date | None) -> Decision:
    """May a refund be requested on ``on``?"""
    known, window = refund_window(terms, issue_date=issue_date, expiry_date=expiry_date)
    if window is None:
        return known
    if on < window.first_day:
        return refuse("refund_window_not_open", N_("The refund window opens on %(first_day)s."), first_day=window.first_day)
    if window.last_day is not None and on > window.last_day:
        return refuse("refund_window_closed", N_("The refund window closed on %(last_day)s."), last_day=window.last_day)
    if window.last_day is None:
        return allow("refund_window_open", N_("Refunds may be requested from %(first_day)s on."), first_day=window.first_day)
    return allow(
        "refund_window_open",
        N_("Refunds may be requested from %(first_day)s to %(last_day)s."),
        first_day=window.first_day,
        last_day=window.last_day,
    )
