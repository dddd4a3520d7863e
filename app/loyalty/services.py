"""Retail loyalty workflows (DESIGN §14): record a purchase, spend points, expire lots, the reminder list, and whether a
customer's spend qualifies for a card. Each transition is one transaction with its audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from .. import audit
from ..cards.models import Card
from ..cards.services import get_card
from ..clock import today, utcnow
from ..errors import Conflict, NotFound, ensure
from ..extensions import db, transition
from ..members.models import Member
from ..members.services import decrypt_id_number, find_by_any_id_number
from ..programs.models import Program
from ..programs.services import get_program
from ..rules import N_, Decision, refuse
from ..rules import loyalty as rules
from ..rules.identity import birth_date_of, check_mobile_phone
from ..rules.money import format_yuan
from ..rules.terms import CardStatus, ProgramKind
from .models import PointLot, PointSpend, PointSpendPart, Purchase
from .schemas import CheckoutPoints, PointsRedeemIn, PurchaseIn

_NOT_RETAIL = refuse("not_retail", N_("Purchases and points belong to retail VIP cards; this card is of another kind."))


def _lock(card_id: int) -> Card:
    """The card's row is the contested one: two tills spending the same points queue here."""
    card = db.session.scalar(select(Card).where(Card.id == card_id).with_for_update()
                             .execution_options(populate_existing=True))
    if card is None:
        raise NotFound(refuse("card_not_found", N_("No card has the number %(number)s."), number=card_id))
    return card


def _generations(card: Card):
    """A reissued card keeps its points: lots belong to every generation of the card (same public id)."""
    return select(Card.id).where(Card.public_id == card.public_id)


def lots_of(card: Card) -> list[PointLot]:
    return list(db.session.scalars(select(PointLot).where(PointLot.card_id.in_(_generations(card)))
                                   .order_by(PointLot.expires_on, PointLot.id)))


def _rule_lots(lots: list[PointLot]) -> list[rules.Lot]:
    return [rules.Lot(lot.id, lot.remaining, lot.expires_on) for lot in lots]


def balance_of(card: Card) -> int:
    return rules.balance(_rule_lots(lots_of(card)), today())


def purchases_of(card: Card, limit: int = 50) -> list[Purchase]:
    return list(db.session.scalars(select(Purchase).where(Purchase.card_id.in_(_generations(card)))
                                   .order_by(Purchase.created_at.desc(), Purchase.id.desc()).limit(limit)))


def spends_of(card: Card, limit: int = 50) -> list[PointSpend]:
    return list(db.session.scalars(select(PointSpend).where(PointSpend.card_id.in_(_generations(card)))
                                   .order_by(PointSpend.created_at.desc(), PointSpend.id.desc()).limit(limit)))


def retail_card(number: str) -> Card:
    """A card by its number (404), refused unless it is a retail card (409)."""
    card = get_card(number)
    if card.program.kind is not ProgramKind.RETAIL:
        raise Conflict(_NOT_RETAIL)
    return card


def _check_card(card: Card) -> None:
    ensure(rules.check_retail_card(card.program.kind, card.status, today(), valid_through=card.valid_through))


def _receipt_taken(model, program_id: int, receipt_no: str) -> bool:
    return db.session.scalar(select(model.id).where(model.program_id == program_id, model.receipt_no == receipt_no)) is not None


def _birthday(member: Member) -> dt.date | None:
    """From the ID paper's own digits where it carries a birth date (decrypted in memory only, never shown or logged);
    a passport or a travel permit carries none, so its holder gets no birthday multiplier."""
    return birth_date_of(member.id_type.value, decrypt_id_number(member))


def _receipt_conflict(receipt_no: str, what: str) -> Conflict:
    reason = refuse("receipt_recorded", N_("Receipt %(receipt_no)s is already recorded in this programme (%(what)s)."),
                    receipt_no=receipt_no, what=what)
    return Conflict(reason, fields={"receipt_no": reason})


@transition
def record_purchase(card_id: int, data: Mapping[str, Any], *, by) -> Purchase:
    """A purchase at the till: the card's discount (none on special-price goods), the points spent on its receipt taken
    off, points earned on the money paid (double in the birthday month) as a lot expiring at the end of the card year."""
    spec = PurchaseIn.read(data)
    card = _lock(card_id)
    _check_card(card)
    return _purchase(card, spec, by=by)


@transition
def redeem_points(card_id: int, data: Mapping[str, Any], *, by) -> PointSpend:
    """Points taken off the purchase on a receipt, oldest lots first; the purchase is recorded afterwards and earns
    nothing on the part the points paid."""
    spec = PointsRedeemIn.read(data)
    card = _lock(card_id)
    _check_card(card)
    return _spend(card, spec, by=by)


@transition
def checkout(card_id: int, data: Mapping[str, Any], *, by) -> Purchase:
    """The counter's form: points spent (if any) and the purchase they pay towards, together or not at all."""
    spec = PurchaseIn.read(data)
    points = CheckoutPoints.read({"points": data.get("points") or None}).points
    card = _lock(card_id)
    _check_card(card)
    if points:
        _spend(card, PointsRedeemIn.read({"points": points, "receipt_no": spec.receipt_no}), by=by)
    return _purchase(card, spec, by=by)


def _purchase(card: Card, spec: PurchaseIn, *, by) -> Purchase:
    program = card.program
    if _receipt_taken(Purchase, program.id, spec.receipt_no):
        raise _receipt_conflict(spec.receipt_no, N_("a purchase"))
    spent = db.session.scalar(select(PointSpend).where(PointSpend.program_id == program.id,
                                                       PointSpend.receipt_no == spec.receipt_no))
    if spent is not None and spent.card_id not in set(db.session.scalars(_generations(card))):
        raise _receipt_conflict(spec.receipt_no, N_("points spent by another card"))
    decision, price = rules.price_purchase(spec.amount_fen, card.tier.discount_rate_bp, special_price=spec.special_price,
                                           points_value_fen=spent.value_fen if spent else 0)
    ensure(decision)
    on = today()
    terms = program.loyalty_terms()
    birthday = rules.is_birthday_month(_birthday(card.member), on)
    points = rules.points_earned(price.paid_fen, terms, special_price=spec.special_price, birthday_month=birthday)
    purchase = Purchase(program_id=program.id, card=card, receipt_no=spec.receipt_no, purchased_on=on,
                        amount_fen=price.amount_fen, discounted_fen=price.discounted_fen, special_price=spec.special_price,
                        points_value_fen=price.points_value_fen, points_earned=points, birthday_month=birthday,
                        created_at=utcnow(), created_by_id=getattr(by, "id", None))
    db.session.add(purchase)
    db.session.flush()
    expires = None
    if points:
        expires = rules.points_expiry(card.issued_on, on, terms.points_valid_months)
        db.session.add(PointLot(card_id=card.id, purchase_id=purchase.id, points=points, remaining=points,
                                expired_points=0, earned_on=on, expires_on=expires))
    audit.record("purchase.recorded", purchase, {
        "card": card.number, "receipt_no": spec.receipt_no, "amount": format_yuan(price.amount_fen),
        "discounted": format_yuan(price.discounted_fen), "special_price": spec.special_price,
        "points_value": format_yuan(price.points_value_fen), "points": points, "birthday_month": birthday,
        "expires_on": str(expires) if expires else None}, actor=by)
    return purchase


def _spend(card: Card, spec: PointsRedeemIn, *, by) -> PointSpend:
    program = card.program
    if _receipt_taken(Purchase, program.id, spec.receipt_no):
        reason = refuse("purchase_already_recorded", N_(
            "The purchase on receipt %(receipt_no)s is already recorded: spend points before recording the purchase "
            "they pay for."), receipt_no=spec.receipt_no)
        raise Conflict(reason, fields={"receipt_no": reason})
    if _receipt_taken(PointSpend, program.id, spec.receipt_no):
        raise _receipt_conflict(spec.receipt_no, N_("a points spend"))
    lots = {lot.id: lot for lot in db.session.scalars(
        select(PointLot).where(PointLot.card_id.in_(_generations(card))).with_for_update())}
    decision, taken = rules.spend(_rule_lots(list(lots.values())), spec.points, today())
    ensure(decision)
    value = rules.points_value(spec.points, program.loyalty_terms())
    spend = PointSpend(program_id=program.id, card_id=card.id, receipt_no=spec.receipt_no, points=spec.points,
                       value_fen=value, created_at=utcnow(), created_by_id=getattr(by, "id", None))
    for lot_id, points in taken:
        lots[lot_id].remaining -= points
        spend.parts.append(PointSpendPart(lot_id=lot_id, points=points))
    db.session.add(spend)
    db.session.flush()
    audit.record("points.spent", spend, {"card": card.number, "receipt_no": spec.receipt_no, "points": spec.points,
                                         "amount": format_yuan(value)}, actor=by)
    return spend


@transition
def expire_points(*, by, on: dt.date | None = None) -> list[PointLot]:
    """Lots past their last day lose what is left of them. Safe to run again and again (the daily expiry runs it)."""
    day = on or today()
    lots = list(db.session.scalars(select(PointLot).where(PointLot.remaining > 0, PointLot.expires_on < day)
                                   .order_by(PointLot.id).with_for_update()))
    for lot in lots:
        points = lot.remaining
        lot.expired_points += points
        lot.remaining = 0
        audit.record("points.expired", lot, {"card": db.session.get(Card, lot.card_id).number, "points": points,
                                             "expires_on": str(lot.expires_on)}, actor=by)
    return lots


@dataclass(frozen=True)
class ExpiringRow:
    card: Card
    lot: PointLot


def expiring_points(*, program_code: str | None = None, within_days: int = 31, limit: int = 500) -> list[ExpiringRow]:
    """Lots with points left whose last day falls within ``within_days`` from today: whom to remind."""
    start = today()
    query = (select(PointLot, Card).join(Card, Card.id == PointLot.card_id)
             .where(PointLot.remaining > 0, PointLot.expires_on >= start,
                    PointLot.expires_on <= start + dt.timedelta(days=within_days))
             .order_by(PointLot.expires_on, PointLot.id).limit(limit))
    if program_code:
        query = query.where(Card.program_id == get_program(program_code).id)
    # The points follow the card's current generation (a reissued card keeps them).
    rows = []
    for lot, card in db.session.execute(query):
        current = db.session.scalar(select(Card).where(Card.public_id == card.public_id)
                                    .order_by(Card.generation.desc()).limit(1))
        rows.append(ExpiringRow(current, lot))
    return rows


@dataclass(frozen=True)
class Qualifying:
    member: Member | None
    program: Program
    decision: Decision
    holding: Card | None  # the card of this programme the member already holds


def _retail_program(code: str) -> Program:
    program = get_program(code)
    if program.kind is not ProgramKind.RETAIL:
        raise Conflict(refuse("not_retail_program", N_("This is not a retail programme: its cards are not earned by "
                                                       "spend.")))
    return program


def find_customer(text: str) -> Member | None:
    """A customer by mobile (11 digits) or ID number."""
    ok, phone = check_mobile_phone(text)
    if ok.ok and phone:
        return db.session.scalar(select(Member).where(Member.phone == phone).order_by(Member.id).limit(1))
    return find_by_any_id_number(text)


def qualifying(program_code: str, text: str, *, today_fen: int = 0) -> Qualifying:
    """Whether a customer (found by mobile or ID, with or without a card) qualifies for the programme's first tier by
    spend: one purchase, or the year's purchases on any card they held in it, with today's till total."""
    program = _retail_program(program_code)
    member = find_customer(text) if text else None
    tier = program.tiers[0]
    history: list[tuple[dt.date, int]] = []
    holding = None
    if member is not None:
        history = [(day, amount) for day, amount in db.session.execute(
            select(Purchase.purchased_on, Purchase.discounted_fen).join(Card, Card.id == Purchase.card_id)
            .where(Card.member_id == member.id, Purchase.program_id == program.id))]
        holding = db.session.scalar(select(Card).where(Card.member_id == member.id, Card.program_id == program.id,
                                                       Card.status.in_((CardStatus.ACTIVE, CardStatus.AWAITING_SIGNATURE,
                                                                        CardStatus.LOST)))
                                    .order_by(Card.id.desc()).limit(1))
    decision = rules.check_qualifying(history, today(), tier.qualifying_spend_fen, today_fen=today_fen)
    return Qualifying(member, program, decision, holding)


def year_spend(card: Card) -> Decision | None:
    """The card's holder against the tier's qualifying spend over the last year (for renewal at the counter)."""
    if card.tier.qualifying_spend_fen is None:
        return None
    rows = db.session.execute(select(Purchase.purchased_on, Purchase.discounted_fen).join(Card, Card.id == Purchase.card_id)
                              .where(Card.member_id == card.member_id, Purchase.program_id == card.program_id,
                                     ))
    return rules.check_qualifying([(d, a) for d, a in rows], today(), card.tier.qualifying_spend_fen)


def totals(card: Card) -> dict[str, int]:
    """Points earned, spent and expired over the card's life, and the balance: earned = balance + spent + expired
    (the expired part of a lot past its day but not yet swept is counted as expired)."""
    lots = lots_of(card)
    on = today()
    earned = sum(lot.points for lot in lots)
    spent = db.session.scalar(select(func.coalesce(func.sum(PointSpend.points), 0))
                              .where(PointSpend.card_id.in_(_generations(card))))
    balance = rules.balance(_rule_lots(lots), on)
    return {"earned": earned, "spent": spent, "expired": earned - spent - balance, "balance": balance}
