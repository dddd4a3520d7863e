"""The scan list: every verification and redemption scan kept, genuine or not, newest first, a page at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..clock import start_of
from ..extensions import db
from ..validation import Choice, Day, Flag, Integer, Schema, Text
from .labels import VERDICT_LABELS
from .models import Card, Scan

SCAN_PAGE = 50
FAILED = tuple(code for code in VERDICT_LABELS if code != "valid")


class ScanFilters(Schema):
    verdict: Choice(tuple(VERDICT_LABELS)) = None
    failed: Flag = Field(None, description="Only scans whose verdict was not valid (forged codes, blocked cards…)")
    card: Text(20) = Field(None, description="A card number: its scans")
    station: Text(60) = Field(None, description="The counter station as it named itself")
    date_from: Day = Field(None, alias="from", description="First day (the sales centre's time, VIP_TIMEZONE)")
    date_to: Day = Field(None, alias="to", description="Last day (the sales centre's time)")
    before: Integer(minimum=1) = Field(None, description=(
        "Scans older than this one: the next page starts before the last scan of this one (next_before)"))
    per_page: Integer(minimum=1, maximum=200) = Field(None, description="50 unless given")


@dataclass
class ScanPage:
    scans: list[Scan]
    next_before: int | None  # when the page is full: where the next (older) one starts


def list_scans(filters: ScanFilters | Mapping[str, Any]) -> ScanPage:
    """A page of scans, newest first. Keyset paging on the scan's number: the millionth scan's page costs what the
    first does; each filter is answered by an index (verdict and number, the card's scans, the day)."""
    f = filters if isinstance(filters, ScanFilters) else ScanFilters.read(filters)
    size = f.per_page or SCAN_PAGE
    stmt = (select(Scan).options(joinedload(Scan.card), joinedload(Scan.user)).order_by(Scan.id.desc()))
    if f.verdict:
        stmt = stmt.where(Scan.verdict == f.verdict)
    if f.failed:
        stmt = stmt.where(Scan.verdict.in_(FAILED))
    if f.card:
        stmt = stmt.where(Scan.card_id.in_(select(Card.id).where(Card.number == f.card.replace(" ", ""))))
    if f.station:
        stmt = stmt.where(Scan.station == f.station)
    if f.date_from:
        stmt = stmt.where(Scan.created_at >= start_of(f.date_from))
    if f.date_to:
        stmt = stmt.where(Scan.created_at < start_of(f.date_to + dt.timedelta(days=1)))
    if f.before:
        stmt = stmt.where(Scan.id < f.before)
    scans = list(db.session.scalars(stmt.limit(size)))
    return ScanPage(scans, scans[-1].id if len(scans) == size else None)


def dump_scan(s: Scan) -> dict[str, Any]:
    return {"id": s.id, "at": s.created_at.isoformat(), "action": s.action.value, "verdict": s.verdict,
            "card_number": s.card.number if s.card else None, "token_excerpt": s.token_excerpt,
            "by": s.user.username if s.user else None, "station": s.station, "ip": s.ip, "user_agent": s.user_agent}
