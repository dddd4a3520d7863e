"""Timelines of a card and a member, pending requests, and the filtered audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import Field
from sqlalchemy import or_, select

from ..agreements.models import Agreement
from ..approvals.models import RefundRequest, TransferRequest
from ..audit import AuditEntry
from ..clock import start_of
from ..extensions import db
from ..loyalty.models import PointLot, PointSpend, Purchase
from ..rules.money import format_fen
from ..users.models import User
from ..validation import Day, Integer, Schema, Text
from .charges import Charge
from .models import Card, LedgerEntry, Redemption, Scan

AUDIT_PAGE = 200


def _lineage(card: Card) -> list[Card]:
    """The card and the generations before it: a reissued card's story starts with the first one."""
    return list(db.session.scalars(select(Card).where(Card.public_id == card.public_id).order_by(Card.generation)))


def lineage_ids(number: str) -> list[int]:
    """The card with this number and its earlier generations (none when no card has it): a filter by card means all."""
    card = db.session.scalar(select(Card).where(Card.number == number.replace(" ", "")))
    return [c.id for c in _lineage(card)] if card else []


def _related_objects(ids: list[int]) -> list[tuple[str, str]]:
    """The audit log's (object type, id) pairs that belong to these cards: the cards, their agreements, requests,
    redemptions, purchases and points."""
    objects = [("card", str(i)) for i in ids]
    objects += [("agreement", str(a)) for a in db.session.scalars(select(Agreement.id).where(Agreement.card_id.in_(ids)))]
    objects += [("refund_request", str(r)) for r in db.session.scalars(select(RefundRequest.id).where(RefundRequest.card_id.in_(ids)))]
    objects += [("transfer_request", str(r)) for r in db.session.scalars(select(TransferRequest.id).where(TransferRequest.card_id.in_(ids)))]
    objects += [("redemption", str(r)) for r in db.session.scalars(select(Redemption.id).where(Redemption.card_id.in_(ids)))]
    # A retail card's purchases, point spends and expired lots
    for model, kind in ((Purchase, "purchase"), (PointSpend, "point_spend"), (PointLot, "point_lot")):
        objects += [(kind, str(r)) for r in db.session.scalars(select(model.id).where(model.card_id.in_(ids)))]
    return objects


def _about(objects: list[tuple[str, str]]):
    return or_(*[(AuditEntry.object_type == t) & (AuditEntry.object_id == i) for t, i in objects])


def card_timeline(card: Card, *, member_id: int | None = None) -> list[dict[str, Any]]:
    """Every state change, document, scan, ledger row and fee of the card's lineage, oldest first.
    With ``member_id``, only the generations that member held (a previous holder sees none of the next one's)."""
    cards = [c for c in _lineage(card) if member_id is None or c.member_id == member_id]
    ids = [c.id for c in cards]
    numbers = {c.id: c.number for c in cards}
    names = dict(db.session.execute(select(User.id, User.username)).all())
    events = [_audit_event(e) for e in db.session.scalars(select(AuditEntry).where(_about(_related_objects(ids))))]
    events += [{"at": s.created_at.isoformat(), "kind": "scan", "what": f"scan.{s.action.value}", "card": numbers[s.card_id],
                "who": s.user.username if s.user else None, "details": {"verdict": s.verdict, "station": s.station}}
               for s in db.session.scalars(select(Scan).where(Scan.card_id.in_(ids)))]
    events += [{"at": e.created_at.isoformat(), "kind": "ledger", "what": f"ledger.{e.kind.value}", "card": numbers[e.card_id],
                "who": names.get(e.actor_id), "details": {"amount": format_fen(e.amount_fen), "reference": e.reference}}
               for e in db.session.scalars(select(LedgerEntry).where(LedgerEntry.card_id.in_(ids)))]
    events += [{"at": c.created_at.isoformat(), "kind": "charge", "what": f"charge.{c.kind.value}", "card": numbers[c.card_id],
                "who": names.get(c.actor_id), "details": {"amount": format_fen(c.amount_fen), "receipt_no": c.receipt_no}}
               for c in db.session.scalars(select(Charge).where(Charge.card_id.in_(ids)))]
    return sorted(events, key=lambda e: (e["at"], e["kind"]))


def member_timeline(member) -> list[dict[str, Any]]:
    own = [_audit_event(e) for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "member", AuditEntry.object_id == str(member.id)))]
    seen: set[str] = set()
    for card in db.session.scalars(select(Card).where(Card.member_id == member.id)):
        if card.public_id not in seen:
            seen.add(card.public_id)
            own += card_timeline(card, member_id=member.id)
    return sorted(own, key=lambda e: (e["at"], e["kind"]))


def _audit_event(entry: AuditEntry) -> dict[str, Any]:
    return {"at": entry.created_at.isoformat(), "kind": "audit", "what": entry.action, "card": None,
            "who": entry.actor_name, "details": entry.payload}


class AuditFilters(Schema):
    actor: Text(40) = Field(None, description="A username")
    action: Text(64) = Field(None, description="An action or its beginning, e.g. card. or refund.approved")
    card: Text(20) = Field(None, description="A card number: its whole story, all generations")
    date_from: Day = Field(None, alias="from", description="First day (the sales centre's time, VIP_TIMEZONE)")
    date_to: Day = Field(None, alias="to", description="Last day (the sales centre's time)")
    before: Integer(minimum=1) = Field(None, description=(
        "Entries older than this one: the next page starts before the last entry of this one (next_before)"))


def read_audit_filters(args: Mapping[str, Any]) -> AuditFilters:
    return AuditFilters.read(args)


def audit_entries(filters: AuditFilters) -> list[AuditEntry]:
    """A page of the log, newest first."""
    return list(db.session.scalars(audit_query(filters).limit(AUDIT_PAGE)))


def audit_query(filters: AuditFilters):
    """Every entry that matches, newest first, as a query (the page takes its first 200, the export all of them)."""
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc())
    if filters.actor:
        stmt = stmt.where(AuditEntry.actor_name == filters.actor.lower())
    if filters.action:
        stmt = stmt.where(AuditEntry.action.startswith(filters.action, autoescape=True))
    if filters.card:  # the card's whole story: its generations, agreements, requests and redemptions
        stmt = stmt.where(_about(_related_objects(lineage_ids(filters.card) or [-1])))
    if filters.date_from:
        stmt = stmt.where(AuditEntry.created_at >= start_of(filters.date_from))
    if filters.date_to:
        stmt = stmt.where(AuditEntry.created_at < start_of(filters.date_to + dt.timedelta(days=1)))
    if filters.before:  # keyset paging: as fast on the last page of a million entries as on the first
        stmt = stmt.where(AuditEntry.id < filters.before)
    return stmt


def next_before(entries: list[AuditEntry]) -> int | None:
    """Where the next (older) page starts, when this one is full."""
    return entries[-1].id if len(entries) == AUDIT_PAGE else None


def dump_audit(e: AuditEntry) -> dict[str, Any]:
    return {"id": e.id, "at": e.created_at.isoformat(), "actor": e.actor_name, "action": e.action,
            "object_type": e.object_type, "object_id": e.object_id, "data": e.payload, "ip": e.ip, "user_agent": e.user_agent}
