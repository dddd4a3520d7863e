"""The one place that reads the time; tests replace it with a fixed clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app


class Clock:
    def __init__(self, tz: str = "Asia/Shanghai"):
        self.tz = ZoneInfo(tz)

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def today(self) -> dt.date:
        """The business day where the sales centre is, not in UTC."""
        return self.now().astimezone(self.tz).date()


class FixedClock(Clock):
    def __init__(self, at: dt.datetime, tz: str = "Asia/Shanghai"):
        super().__init__(tz)
        self.at = at

    def now(self) -> dt.datetime:
        return self.at.astimezone(dt.UTC)  # like the real clock: aware UTC


def clock() -> Clock:
    return current_app.extensions["vip_clock"]


def utcnow() -> dt.datetime:
    return clock().now()


def today() -> dt.date:
    return clock().today()


def start_of(day: dt.date) -> dt.datetime:
    """Midnight starting ``day`` where the sales centre is, as an aware UTC moment (a day's filters mean local days)."""
    return dt.datetime.combine(day, dt.time(), clock().tz).astimezone(dt.UTC)
