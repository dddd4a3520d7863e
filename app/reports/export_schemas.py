"""What an export takes (DESIGN §10.1: GET /api/v1/exports/{what}.xlsx · .csv): the filters of the list it comes from,
and for personal numbers in full, a reason."""

from __future__ import annotations

from pydantic import Field

from ..approvals.models import RequestStatus
from ..cards.charges import ChargeKind
from ..cards.models import LedgerKind
from ..validation import Choice, Day, Flag, Integer, Schema, Text


class RevealOptions(Schema):
    """Cards and members carry ID numbers and mobiles: masked unless a manager asks for them in full, saying why."""

    reveal: Flag = Field(None, description="Full ID numbers and mobiles (managers only; logged, and counted towards "
                                            "the alert on many reveals)")
    reason: Text(200) = Field(None, description="Why the full numbers are needed: required with reveal, logged")


class MoneyFilters(Schema):
    """Rows of money (ledger, refunds, charges): one programme, one card's lineage, local days."""

    program: Text(32) = Field(None, description="A programme's code")
    card: Text(20) = Field(None, description="A card number: its rows and those of its earlier generations")
    date_from: Day = Field(None, alias="from", description="First day (the sales centre's time, VIP_TIMEZONE)")
    date_to: Day = Field(None, alias="to", description="Last day, included")


class LedgerFilters(MoneyFilters):
    kind: Choice(LedgerKind) = None


class RefundFilters(MoneyFilters):
    status: Choice(RequestStatus) = None


class ChargeFilters(MoneyFilters):
    kind: Choice(ChargeKind) = None


class ExportQuery(Schema):
    """Every filter any export takes, for the document; each export reads only its own list's (others answer 422):
    cards: q, status, program, tier, issued_by, issued_from, issued_to, mine, reveal, reason · members: q, reveal,
    reason · ledger, refunds, charges: program, card, from, to, and kind (ledger, charges) or status (refunds) ·
    audit: actor, action, card, from, to, before."""

    q: Text(100) = Field(None, description="cards: as the card list's search box; members: as the member search")
    status: Text(24) = Field(None, description="cards: a card status; refunds: pending, done, rejected or cancelled")
    kind: Text(24) = Field(None, description="ledger: a ledger row's kind; charges: reissue_fee, transfer_fee, renewal_fee")
    program: Text(32) = Field(None, description="A programme's code")
    tier: Text(16) = Field(None, description="cards: a tier's code")
    issued_by: Text(40) = Field(None, description="cards: the consultant's username")
    issued_from: Day = Field(None, description="cards: issued on or after this day")
    issued_to: Day = Field(None, description="cards: issued on or before this day")
    mine: Flag = Field(None, description="cards: only those the caller issued")
    card: Text(20) = Field(None, description="ledger, refunds, charges, audit: a card number (its whole lineage)")
    actor: Text(40) = Field(None, description="audit: a username")
    action: Text(64) = Field(None, description="audit: an action or its beginning")
    date_from: Day = Field(None, alias="from", description="First day (the sales centre's time)")
    date_to: Day = Field(None, alias="to", description="Last day, included")
    before: Integer(minimum=1) = Field(None, description="audit: entries older than this one")
    reveal: Flag = Field(None, description="cards, members: ID numbers and mobiles in full (managers; logged)")
    reason: Text(200) = Field(None, description="cards, members: why, with reveal")
