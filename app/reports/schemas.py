"""The dashboard's filters (DESIGN §10.1: GET /api/v1/stats?program=&from=&to=)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import Field

from ..rules import N_, Decision, refuse
from ..validation import Day, Schema, Text

DEFAULT_DAYS = 30  # the last 30 days, today included, unless the dates are given
MAX_DAYS = 366  # one bar a day: a year at most


class StatsFilters(Schema):
    """Which cards the figures are about: one programme or all, and the days cards were issued (local days, both
    included). Money held, requests waiting and the coming refund windows and expiries are as of today."""

    program: Text(32) = Field(None, description="A programme's code; all programmes when absent")
    date_from: Day = Field(None, alias="from", description=(
        "First day (the sales centre's time, VIP_TIMEZONE); 29 days before `to` when absent"))
    date_to: Day = Field(None, alias="to", description="Last day, included; 29 days after `from` when only that is given, else today")

    def across(self, context: Mapping[str, Any]) -> dict[str, Decision]:
        if self.date_from and self.date_to:
            if self.date_from > self.date_to:
                return {"from": refuse("dates_reversed", N_("The first day comes after the last day."))}
            if (self.date_to - self.date_from).days >= MAX_DAYS:
                return {"from": refuse("period_too_long", N_("Choose at most %(days)s days."), days=MAX_DAYS)}
        return {}

    def period(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """(first, last) day, both included, with the defaults filled in."""
        last = self.date_to or (self.date_from + dt.timedelta(days=DEFAULT_DAYS - 1) if self.date_from else today)
        first = self.date_from or last - dt.timedelta(days=DEFAULT_DAYS - 1)
        return first, last
