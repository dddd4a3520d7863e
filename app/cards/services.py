"""Card workflows: issue, verify a scan, redeem. Each is one transaction with its audit entry."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload, with_expression

from .. import audit, tokens
from ..agreements import contexts
from ..agreements.models import Agreement, AgreementKind
from ..agreements.services import create_agreement, render_subscription
from ..audit import actor_id, printable, request_origin
from ..clock import clock, today, utcnow
from ..documents.cards import CardFace, card_png, designs, face_of
from ..documents.fonts import find_cjk_fonts
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed, ensure
from ..extensions import commit_keeping_loaded, db, transition
from ..members.models import Member
from ..members.services import any_id_indexes, decrypt_id_number
from ..models_common import starts_with
from ..programs.models import Program, Tier
from ..rules import N_, Decision, refuse
from ..rules import cards as card_rules
from ..rules.dues import check_pay_later
from ..rules.identity import mask_name
from ..rules.money import format_fen, format_yuan
from ..rules.policies import check_issue
from ..rules.settlement import PricedSettlement, Settlement, check_redeemable_kind, settle_from_list_price
from ..rules.terms import CardStatus, ProgramKind
from ..rules.units import DEFAULT_CONTRACT_SIGN_DAYS, contract_deadline, earnest_money
from ..rules.validity import expiry_date
from ..rules.windows import refund_window
from ..units import services as units
from ..users.models import User
from ..users.roles import can
from .models import Card, DuesStatus, LedgerEntry, LedgerKind, Redemption, Scan, ScanAction
from .schemas import CardFilters, IssueIn, RedeemIn, card_refund_window, dump_settlement


def verify_url(card: Card) -> str:
    return tokens.public_url(f"/v/{tokens.card_token(card.public_id, card.generation)}")


def new_card_number() -> str:
    for _ in range(20):
        number = card_rules.make_card_number(today().year, f"{secrets.randbelow(10**9):09d}")
        if db.session.scalar(select(Card.id).where(Card.number == number)) is None:
            return number
    raise RuntimeError("could not find a free card number")  # one in 10^9 per try: never in practice


@transition
def issue_card(data: Mapping[str, Any], *, by) -> Card:
    """Take the money and issue the card: card, ledger row, agreement draft and audit entry commit together. ``by`` is
    the person issuing (None: the system, as in the demo data)."""
    return add_card(IssueIn.read(data), by=by)


def add_card(spec: IssueIn, *, by, issued_on: dt.date | None = None, legacy_number: str | None = None) -> Card:
    """issue_card's work inside the caller's transaction. An imported card keeps the day it was really issued on,
    which its validity and refund window count from, and the number it had on paper."""
    program = db.session.scalar(select(Program).where(Program.code == spec.program))
    if program is None:
        raise ValidationFailed({"program": refuse("program_not_found", N_("No programme has the code %(code)s."),
                                                  code=spec.program)})
    tier = program.tier(spec.tier)
    if tier is None:
        raise ValidationFailed({"tier": refuse("tier_not_found", N_("Programme %(program)s has no tier %(tier)s."),
                                               program=program.code, tier=spec.tier)})
    # Lock the member: two consultants issuing to the same person at once must not both pass the card limit.
    member = db.session.scalar(select(Member).where(Member.id == spec.member_id).with_for_update())
    if member is None:
        raise ValidationFailed({"member_id": refuse("member_not_found", N_("No member has the number %(member_id)s."),
                                                    member_id=spec.member_id)})
    if spec.amount_fen != tier.amount_fen:
        raise ValidationFailed({"amount": refuse(
            "amount_mismatch", N_("The %(tier)s card costs %(expected)s; the amount entered is %(given)s."),
            tier=tier.name, expected=format_yuan(tier.amount_fen), given=format_yuan(spec.amount_fen))})
    if tier.qualifying_spend_fen and (spec.qualifying_spend_fen or 0) < tier.qualifying_spend_fen:
        raise ValidationFailed({"qualifying_spend": refuse(
            "spend_below_threshold", N_("This card needs a qualifying spend of at least %(spend)s."),
            spend=format_yuan(tier.qualifying_spend_fen))})
    held = db.session.scalar(select(func.count(Card.id)).where(
        Card.member_id == member.id, Card.program_id == program.id, Card.status.in_(card_rules.HOLDING_STATUSES)))
    day = issued_on or today()
    decision = check_issue(program.terms(), day, active_cards=held)
    override = False  # recorded only when the permit check really was set aside
    if decision.code.startswith("presale_permit") and spec.permit_override_reason:
        if not can(by, "card.permit_override"):
            raise Forbidden(refuse("override_needs_admin", N_("Only a manager may issue before the presale permit is recorded.")))
        override = True
        decision = check_issue(program.terms(), day, active_cards=held, permit_override=True)
    if not decision.ok:
        raise Conflict(decision)
    if spec.pay_later:
        offered = check_pay_later(program.terms(), tier.amount_fen)
        if not offered.ok:
            raise ValidationFailed({"pay_later": offered})

    card = Card(number=new_card_number(), public_id=secrets.token_urlsafe(8), generation=1, program=program, tier=tier,
                member=member, status=CardStatus.AWAITING_SIGNATURE, amount_fen=spec.amount_fen, payment_method=spec.payment_method,
                receipt_no=spec.receipt_no, design=program.card_design, issued_on=day, valid_from=day,
                valid_through=expiry_date(program.terms(), day), issued_at=utcnow(),
                issued_by_id=actor_id(by), permit_override=override,
                legacy_number=legacy_number, dues_status=DuesStatus.UNPAID if spec.pay_later else None)
    db.session.add(card)
    # A fee paid later comes with POST /cards/{number}/dues, due counted from signing; a free card receives nothing.
    if not spec.pay_later and spec.amount_fen:
        kind = LedgerKind.DEPOSIT_RECEIVED if program.kind is ProgramKind.PRESALE_DEPOSIT else LedgerKind.FEE_RECEIVED
        db.session.add(LedgerEntry(card=card, kind=kind, amount_fen=spec.amount_fen, payment_method=spec.payment_method,
                                   reference=spec.receipt_no, created_at=utcnow(), actor_id=actor_id(by)))
    db.session.flush()
    agreement = render_subscription(card, by=by)
    audit.record("card.issued", card, {
        "number": card.number, "program": program.code, "tier": tier.code, "member_id": member.id,
        "amount": format_yuan(spec.amount_fen), "payment_method": spec.payment_method.value if spec.payment_method else None,
        "receipt_no": spec.receipt_no, "agreement": agreement.number, **({"pay_later": True} if spec.pay_later else {}),
        **({"permit_override_reason": spec.permit_override_reason} if override else {})}, actor=by)
    return card


def get_card(number: str) -> Card:
    _, canonical = card_rules.check_card_number(number)
    card = db.session.scalar(select(Card).where(Card.number == canonical)) if canonical else None
    if card is None:
        raise NotFound(refuse("card_not_found", N_("No card has the number %(number)s."), number=number))
    return card


def card_for_token(token: str) -> Card | None:
    ids = tokens.read_card_token(token)
    if ids is None:
        return None
    return db.session.scalar(select(Card).where(Card.public_id == ids[0], Card.generation == ids[1]))


def verdict_for(card: Card | None, counter_program: str | None = None, *, for_use: bool = False) -> Decision:
    """What a scan means; ``for_use`` at the counter, where a pre-sale card also needs its opening day."""
    if card is None:
        return card_rules.INVALID
    counter = str(counter_program).upper() if counter_program not in (None, "") else None  # codes are upper-case
    verdict = card_rules.scan_verdict(card.status, today(), valid_from=card.valid_from, valid_through=card.valid_through,
                                      card_program=card.program.code, counter_program=counter,
                                      dues_unpaid=card.dues_status is DuesStatus.UNPAID, dues_due_on=card.dues_due_on)
    if verdict.ok and for_use:
        usable = card_rules.check_usable(card.program.kind, today(), opening_date=card.program.opening_date)
        return verdict if usable.ok else usable
    return verdict


def _record_scan(action: ScanAction, verdict: Decision, card: Card | None, token: str | None,
                 counter_program: str | None, station: str | None, *, by) -> None:
    program_id = None
    if program_code := printable(counter_program, 32):
        program_id = card.program_id if card is not None and card.program.code == program_code.upper() else \
            db.session.scalar(select(Program.id).where(Program.code == program_code.upper()))
    ip, user_agent = request_origin()
    # A plain INSERT, not the unit of work: scans are only ever added, and this is the hot path of opening day.
    db.session.execute(insert(Scan), [{
        "created_at": utcnow(), "action": action, "verdict": verdict.code, "card_id": card.id if card else None,
        "token_excerpt": printable(token, 40), "user_id": actor_id(by), "counter_program_id": program_id,
        "station": printable(station, 60), "ip": ip, "user_agent": user_agent}])


def held_sum():
    """The money a card holds, summed by the database in the card's own SELECT."""
    return (select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0)).where(LedgerEntry.card_id == Card.id)
            .correlate(Card).scalar_subquery())


def _card_to_answer(token: str) -> Card | None:
    """The scanned card with everything its verdict and answer need, in one SELECT: programme, tier and holder
    joined, the money held summed by the database."""
    ids = tokens.read_card_token(token)
    if ids is None:
        return None
    return db.session.scalar(select(Card).options(joinedload(Card.program), joinedload(Card.tier),
                                                  joinedload(Card.member), with_expression(Card.held_loaded, held_sum()))
                             .where(Card.public_id == ids[0], Card.generation == ids[1]))


def verify_token(token: str, *, counter_program: str | None = None, station: str | None = None, by
                 ) -> tuple[Decision, Card | None]:
    """The verdict for a scanned token; every scan is stored, genuine or not, with who scanned (None: the public). A crowd scans on opening day, so a
    verification is two statements and one commit: the card as above, and the scan."""
    card = _card_to_answer(token)
    verdict = verdict_for(card, counter_program)
    _record_scan(ScanAction.VERIFY, verdict, card, token, counter_program, station, by=by)
    commit_keeping_loaded()
    return verdict, card


@dataclass
class Quote:
    """What redeeming a card for a unit or an item comes to: the settlement and where its price came from."""

    item: str
    unit: Any  # a Unit of the inventory, or None for a free-text item
    published: Any  # the PublishedDiscount applied, or None
    priced: PricedSettlement

    @property
    def settlement(self) -> Settlement:
        return self.priced.settlement


def _quote(card: Card, spec: RedeemIn, *, lock: bool) -> Quote:
    """The settlement for what the counter chose, by the rules. With ``lock`` the unit's row is locked and checked
    under the lock (redeeming); without, it is only checked (the preview)."""
    ensure(check_redeemable_kind(card.program.kind))
    inventory = units.has_inventory(card.program_id)
    if spec.unit is None and inventory:
        raise ValidationFailed({"unit": refuse("unit_required", N_(
            "This programme sells from its inventory: choose the unit."))})
    if spec.unit is not None and not inventory:
        raise ValidationFailed({"unit": refuse("no_inventory", N_(
            "This programme keeps no inventory: enter the item and its price instead."))})
    unit = None
    if spec.unit is not None:
        unit = units.for_sale(card, spec.unit, lock=lock)
    published = units.published_for_sale(card.program_id, spec.published_discount) if spec.published_discount else None
    terms = dataclasses.replace(card.tier.terms(), credit_fen=0) if card.credit_void else card.tier.terms()
    decision, priced = settle_from_list_price(card.program.kind, unit.list_price_fen if unit else spec.price_fen,
                                              [published.terms()] if published else [], terms, card.tier.name,
                                              held_fen=card.held_fen)
    if priced is None:
        raise ValidationFailed({"price": decision})
    return Quote(unit.code if unit else spec.item, unit, published, priced)


def redeem(card_id: int, data: Mapping[str, Any], *, token: str | None = None, counter_program: str | None = None,
           station: str | None = None, by) -> Redemption:
    """Use the card for a purchase. Under concurrent attempts exactly one succeeds: the card row is locked
    and its state read again under the lock; the others see ``redeemed``. A unit of the inventory is locked
    next (always card, then unit, so two purchases never wait on each other in a circle) and sold once."""
    spec = RedeemIn.read(data)
    card = db.session.scalar(select(Card).where(Card.id == card_id).with_for_update()
                             .execution_options(populate_existing=True))
    if card is None:
        raise NotFound(refuse("card_not_found", N_("No card has the number %(number)s."), number=card_id))
    verdict = verdict_for(card, counter_program, for_use=True)
    if not verdict.ok:
        _record_scan(ScanAction.REDEEM, verdict, card, token, counter_program, station, by=by)
        db.session.commit()  # the refused scan is kept as evidence before refusing
        raise Conflict(verdict, card_status=card.status.value)
    program, tier = card.program, card.tier
    quote = _quote(card, spec, lock=True)
    settlement = quote.settlement
    if spec.payable_fen is not None and spec.payable_fen != settlement.payable_fen:
        # The amounts confirmed are the amounts recorded: anything that moved since the preview means showing it again.
        raise Conflict(refuse("settlement_changed", N_(
            "The settlement has changed since it was shown: the payable amount is now %(payable)s. Show it again "
            "and confirm before redeeming."), payable=format_yuan(settlement.payable_fen)))
    now = utcnow()
    redemption = Redemption(card=card, item=quote.item, price_fen=settlement.price_fen,
                            discount_rate_bp=tier.discount_rate_bp, discounted_fen=settlement.discounted_fen,
                            offset_fen=settlement.offset_fen, payable_fen=settlement.payable_fen,
                            deposit_applied_fen=settlement.deposit_applied_fen,
                            deposit_remaining_fen=settlement.deposit_remaining_fen,
                            credit_used_fen=settlement.credit_used_fen, credit_lapsed_fen=settlement.credit_lapsed_fen,
                            redeemed_at=now, redeemed_by_id=actor_id(by),
                            list_price_fen=quote.priced.list_price_fen,
                            published_discount=quote.published.name if quote.published else None,
                            published_rate_bp=quote.published.rate_bp if quote.published else None)
    if quote.unit is not None:
        # The 认购书: the deposit applied becomes 定金 (within the legal cap) and the sales contract falls due.
        redemption.unit = quote.unit
        redemption.earnest_fen = earnest_money(settlement.deposit_applied_fen, settlement.discounted_fen)[0]
        redemption.contract_due_on = contract_deadline(today(), program.contract_sign_days or DEFAULT_CONTRACT_SIGN_DAYS)
        units.sell(quote.unit, card.number, by=by)
    db.session.add(redemption)
    if settlement.deposit_applied_fen:
        db.session.add(LedgerEntry(card=card, kind=LedgerKind.DEPOSIT_APPLIED, amount_fen=-settlement.deposit_applied_fen,
                                   reference=quote.item, created_at=now, actor_id=actor_id(by)))
    if not program.multiple_redemptions:
        card.status = CardStatus.REDEEMED
        card.redeemed_at = now
    db.session.flush()
    consultant = getattr(by, "display_name", None) or "system"
    if quote.unit is not None:
        redemption.agreement = create_agreement(
            card, AgreementKind.PURCHASE_SUBSCRIPTION, "purchase_subscription.docx", lambda number, date, url:
            contexts.purchase_subscription(card, redemption, agreement_number=number, date=date, verify_url=url,
                                           id_number=decrypt_id_number(card.member), consultant_name=consultant), by=by)
    else:
        redemption.agreement = create_agreement(
            card, AgreementKind.REDEMPTION, "redemption.docx", lambda number, date, url:
            contexts.redemption(card, redemption, agreement_number=number, date=date, verify_url=url,
                                id_number=decrypt_id_number(card.member), consultant_name=consultant), by=by)
    _record_scan(ScanAction.REDEEM, verdict, card, token, counter_program, station, by=by)
    audit.record("card.redeemed", card, {"item": quote.item, "price": format_yuan(settlement.price_fen),
                                         **({"list_price": format_yuan(quote.priced.list_price_fen),
                                             "published_discount": quote.published.name} if quote.published else {}),
                                         "payable": format_yuan(settlement.payable_fen),
                                         "deposit_applied": format_yuan(settlement.deposit_applied_fen),
                                         "agreement": redemption.agreement.number}, actor=by)
    try:
        db.session.commit()
    except IntegrityError as exc:
        # The unique index on live sales of a unit: the last word if two sales ever got past the lock.
        db.session.rollback()
        if "uq_redemptions_unit_sold" not in str(exc.orig) and "redemptions.unit_id" not in str(exc.orig):
            raise
        raise Conflict(refuse("unit_sold", N_("This unit is already sold. Choose another one."))) from exc
    return redemption


def preview_settlement(text: str, data: Mapping[str, Any], *, counter_program: str | None = None
                       ) -> tuple[Card, Quote]:
    """The settlement redeeming would record, for the counter to confirm first. Nothing is written, not even a
    scan; a card or unit that could not be redeemed is refused as redeeming would be."""
    spec = RedeemIn.read(data)
    card, _, problem = _resolve(text)
    if problem:
        raise Conflict(problem)
    verdict = verdict_for(card, counter_program, for_use=True)
    if not verdict.ok:
        raise Conflict(verdict, card_status=card.status.value)
    return card, _quote(card, spec, lock=False)


def dump_quote(quote: Quote, card: Card) -> dict[str, Any]:
    body = {"item": quote.item, "unit": quote.unit.code if quote.unit else None,
            "published_discount": quote.published.name if quote.published else None,
            "settlement": dump_settlement(quote.settlement, card.tier.discount_rate_bp,
                                          list_price_fen=quote.priced.list_price_fen, steps=quote.priced.steps)}
    if quote.unit is not None:
        earnest, _ = earnest_money(quote.settlement.deposit_applied_fen, quote.settlement.discounted_fen)
        body |= {"earnest": format_fen(earnest), "contract_due_on": contract_deadline(
            today(), card.program.contract_sign_days or DEFAULT_CONTRACT_SIGN_DAYS).isoformat()}
    return body


def purchase_of(agreement) -> Redemption | None:
    """The purchase a 认购书 records, for its key terms on the signing page."""
    if agreement.kind is not AgreementKind.PURCHASE_SUBSCRIPTION:
        return None
    return db.session.scalar(select(Redemption).where(Redemption.agreement_id == agreement.id))


def redemption_facts(card: Card | None) -> dict[str, Any] | None:
    """When, by whom and at which counter a redeemed card was used: what a second scan must be able to say."""
    if card is None or card.status is not CardStatus.REDEEMED:
        return None
    redemption = next((r for r in reversed(card.redemptions) if r.annulled_at is None), None)
    if redemption is None:
        return None
    scan = db.session.scalar(select(Scan).where(Scan.card_id == card.id, Scan.action == ScanAction.REDEEM,
                                                Scan.verdict == "valid").order_by(Scan.id.desc()).limit(1))
    return {"redeemed_at": redemption.redeemed_at,
            "redeemed_by": redemption.redeemed_by.display_name if redemption.redeemed_by else None,
            "station": scan.station if scan else None, "item": redemption.item}


def _resolve(text: str) -> tuple[Card | None, str | None, Decision | None]:
    """What the counter's input names: a card number typed by hand (12 digits) or a scanned URL or token.

    Returns (card, token, problem): the token when one was scanned, and why there is no card when there is none.
    """
    digits = re.sub(r"[\s-]", "", text or "")
    if re.fullmatch(r"\d{12}", digits):
        decision, number = card_rules.check_card_number(digits)
        if number is None:
            return None, None, decision  # a mistyped digit, said as such
        card = db.session.scalar(select(Card).where(Card.number == number))
        return card, None, None if card else refuse("card_not_found", N_("No card has the number %(number)s."), number=number)
    token = tokens.token_from_scan(text)
    card = card_for_token(token)
    return card, token, None if card else card_rules.INVALID


@transition
def counter_lookup(text: str, *, counter_program: str | None = None, station: str | None = None, by
                   ) -> tuple[Decision, Card | None]:
    """The verdict for what the counter's scanner field received; the lookup is stored."""
    card, token, problem = _resolve(text)
    verdict = problem or verdict_for(card, counter_program, for_use=True)
    _record_scan(ScanAction.VERIFY, verdict, card, token, counter_program, station, by=by)
    return verdict, card


def card_for_code(text: str) -> Card | None:
    """The card a counter's input names, without recording a scan (to show it beside an answer)."""
    return _resolve(text)[0]


def redeem_code(text: str, data: Mapping[str, Any], *, counter_program: str | None = None,
                station: str | None = None, by) -> Redemption:
    """Redeem from a scanned URL or token, or a typed card number; a code naming no card is stored as a failed scan."""
    RedeemIn.read(data)  # a missing price is the counter's mistake: answer it before touching any card
    card, token, problem = _resolve(text)
    if problem:
        _record_scan(ScanAction.REDEEM, problem, None, token, counter_program, station, by=by)
        db.session.commit()  # the refused scan is kept as evidence before refusing
        raise Conflict(problem)
    return redeem(card.id, data, token=token, counter_program=counter_program, station=station, by=by)


def refund_dates(card: Card) -> tuple[Decision, Any]:
    """This card's refund window as dates (or why they are not known yet), for the card page: as the API says it."""
    return card_refund_window(card)


def cards_affected_by_opening_day(program: Program) -> list[dict[str, Any]]:
    """Cards still held under a programme, with the refund window the opening day now gives them."""
    rows = []
    for card in db.session.scalars(select(Card).where(Card.program_id == program.id,
                                                      Card.status.in_(card_rules.HOLDING_STATUSES)).order_by(Card.id)):
        _, window = refund_window(program.terms(), issue_date=card.issued_on, expiry_date=card.valid_through)
        rows.append({"number": card.number, "status": card.status.value, "holder_masked": mask_name(card.member.name),
                     "refund_from": window.first_day.isoformat() if window else None,
                     "refund_until": window.last_day.isoformat() if window and window.last_day else None})
    return rows


def awaiting_signature(*, issued_by_id: int | None = None, limit: int = 200) -> list[Card]:
    """Cards not yet in force because nobody has signed their agreement, newest first; one consultant's, or all."""
    return list_cards({"status": CardStatus.AWAITING_SIGNATURE.value}, issued_by_id=issued_by_id, per_page=limit).cards


def _search(q: str):
    """What the card list's one search box means: a card number or its first digits, an agreement's number, a full ID
    number (found by its blind index, never by reading clear text), a mobile number, the beginning of a name, or an
    imported card's old number. Each way is an indexed lookup of card ids, and the card is one of their union (an OR
    of them would have PostgreSQL read every card)."""
    dialect = db.session.get_bind().dialect.name
    indexes = any_id_indexes(q)  # the box does not know the kind of document: each kind it is a valid number of
    ways = [select(Card.id).where(Card.legacy_number == q)]
    if indexes:
        ways.append(select(Card.id).join(Member, Member.id == Card.member_id).where(Member.id_number_index.in_(indexes)))
    holders = None
    digits = re.sub(r"[\s-]", "", q.removeprefix("+86"))
    if digits.isdigit() and (not indexes or len(digits) <= 12):  # a passport of digits may be a card or mobile too
        ways.append(select(Card.id).where(Card.number == digits) if len(digits) == 12 else
                    select(Card.id).where(*_digits_starting(Card.number, digits)))
        if len(digits) == 11:
            holders = Member.phone == digits
    elif not digits.isdigit():
        ways.append(select(Agreement.card_id).where(Agreement.number == q.upper()))
        if not indexes:
            holders = starts_with(Member.name, q, dialect)
    if holders is not None:
        ways.append(select(Card.id).join(Member, Member.id == Card.member_id).where(holders))
    return Card.id.in_(union_all(*ways))


def _digits_starting(column, digits: str) -> list:
    """A column of digits beginning with ``digits``, as a range of digit strings (right in any collation)."""
    if set(digits) == {"9"}:
        return [column >= digits]
    following = str(int(digits) + 1).zfill(len(digits))
    return [column >= digits, column < following]


CARD_LIST_ORDER = (Card.id.desc(),)  # newest first: the order cards were issued (or imported) in
COUNT_CAP = 10_000  # a list counts its cards up to here and says "more than" beyond: counting a million costs a million


@dataclass
class CardListPage:
    cards: list[Card]
    total: int  # the cards the filters find, or COUNT_CAP when there are more (total_exact False)
    total_exact: bool
    page: int | None  # the page number when asked by page=, None when by a cursor
    per_page: int
    next_after: int | None  # the next (older) page: after=this; None on the last page
    prev_before: int | None  # the previous (newer) page: before=this; None on the first page


def list_cards(filters: CardFilters | Mapping[str, Any], *, issued_by_id: int | None = None, per_page: int | None = None,
               records: bool = False) -> CardListPage:
    """A page of cards, newest first, filtered and searched. Paged by keyset on the card's number in the table:
    after= (older), before= (newer) or last (the oldest, read backwards), so the first and last pages of a million
    cards cost what they cost for a thousand; page= still pages by offset (DESIGN §10.1), as slow as it is deep. With
    ``records`` each card's agreements, ledger and redemptions come too, one statement each for the page (the API)."""
    f = filters if isinstance(filters, CardFilters) else CardFilters.read(filters)
    size = per_page or f.per_page or 50
    if sum(1 for given in (f.page and f.page > 1, f.after, f.before, f.last) if given) > 1:
        raise ValidationFailed({"page": refuse("one_cursor", N_("Ask for one page: page, after, before or last."))})
    query = filtered_cards(f, issued_by_id=issued_by_id)
    capped = db.session.scalar(select(func.count()).select_from(query.with_only_columns(Card.id).limit(COUNT_CAP + 1)
                                                                .subquery()))
    query = query.options(joinedload(Card.member), joinedload(Card.program), joinedload(Card.tier),
                          joinedload(Card.issued_by), with_expression(Card.held_loaded, held_sum()))
    if records:
        query = query.options(selectinload(Card.agreements), selectinload(Card.ledger),
                              selectinload(Card.redemptions).options(joinedload(Redemption.unit)),
                              selectinload(Card.charges), selectinload(Card.successors).selectinload(Card.charges))
    backwards = bool(f.before or f.last)  # newer pages and the last one are read oldest first, then turned round
    if f.after:
        query = query.where(Card.id < f.after)
    if f.before:
        query = query.where(Card.id > f.before)
    query = query.order_by(Card.id.asc() if backwards else Card.id.desc()).limit(size + 1)
    if f.page and not (f.after or f.before or f.last):
        query = query.offset((f.page - 1) * size)
    cards = list(db.session.scalars(query).unique())
    more = len(cards) > size  # one more than a page: there is a page beyond, in the direction read
    cards = cards[:size]
    if backwards:
        cards.reverse()
    first_page = (not backwards and not f.after and (f.page or 1) == 1) or (backwards and not more)
    last_page = (not backwards and not more) or bool(f.last)
    return CardListPage(cards, min(capped, COUNT_CAP), capped <= COUNT_CAP,
                        None if (f.after or backwards) else (f.page or 1), size,
                        cards[-1].id if cards and not last_page else None,
                        cards[0].id if cards and not first_page else None)


def filtered_cards(f: CardFilters, *, issued_by_id: int | None = None):
    """The card list's cards as a query, filtered and searched, before its order and page (the list and its export
    share it)."""
    query = select(Card)
    if f.q:
        query = query.where(_search(f.q))
    if f.status is not None:
        query = query.where(Card.status == f.status)
    if f.program:
        query = query.join(Program, Program.id == Card.program_id).where(Program.code == f.program.upper())
    if f.tier:
        query = query.join(Tier, Tier.id == Card.tier_id).where(Tier.code == f.tier.upper())
    if f.issued_by:
        query = query.where(Card.issued_by_id.in_(select(User.id).where(User.username == f.issued_by.lower())))
    if f.issued_from:
        query = query.where(Card.issued_on >= f.issued_from)
    if f.issued_to:
        query = query.where(Card.issued_on <= f.issued_to)
    if issued_by_id is not None:
        query = query.where(Card.issued_by_id == issued_by_id)
    return query


def unsigned_subscription(card: Card):
    """The subscription agreement that would put this card in force, if it still waits for signatures."""
    from ..agreements.models import AgreementStatus
    return next((a for a in card.agreements
                 if a.kind is AgreementKind.SUBSCRIPTION and a.status is AgreementStatus.UNSIGNED), None)


def cards_of(member: Member) -> list[Card]:
    return list(db.session.scalars(select(Card).where(Card.member_id == member.id).order_by(Card.id.desc())))


def card_image(card: Card, config_font: str | None) -> bytes:
    design = card.design if card.design in designs() else next(iter(designs()))
    return card_png(card_face(card), design, find_cjk_fonts(config_font))


def card_face(card: Card) -> CardFace:
    """What the card shows; a membership whose term starts at signing prints that, not a date that will change."""
    starts = None
    if card.term_awaits_signing(clock().tz):
        months = card.program.validity_months
        starts = f"自签署之日起{months}个月有效" if months else "自签署之日起生效"
    return face_of(card, verify_url(card), validity=starts)


def scans_of(card: Card, limit: int = 50) -> list[Scan]:
    return list(db.session.scalars(select(Scan).where(Scan.card_id == card.id).order_by(Scan.id.desc()).limit(limit)))
