"""A programme as the API and the forms speak it: read (validate) and dump."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import ConfigDict, Field, model_validator

from ..agreements.schemas import read_signature
from ..documents.cards import designs
from ..errors import ValidationFailed
from ..rules import N_, Decision, refuse
from ..rules.identity import check_contact_phone, check_credit_code
from ..rules.loyalty import format_points_rate, parse_points_rate
from ..rules.money import format_discount_rate, format_fen
from ..rules.policies import check_program_terms
from ..rules.terms import (
    DisputeResolution,
    ProgramKind,
    ProgramTerms,
    RefundAnchor,
    RefundRequestMethod,
    RefundWindowTerms,
    TierTerms,
    TransferPolicy,
)
from ..rules.units import UnitUse, uses_text
from ..validation import (
    REQUIRED,
    Choice,
    Choices,
    Day,
    DiscountRate,
    Flag,
    Integer,
    Money,
    Schema,
    Text,
    Upload,
    documented_required,
    fail,
    fail_field,
    field_type,
    partial,
)

CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_-]{1,31}"
TIER_CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_-]{0,15}"
ISSUING_STATUSES = ("open", "closed")


def _points_rate(raw: Any) -> int:
    decision, milli = parse_points_rate(raw)
    if milli is None:
        fail(decision)
    return milli


# Points per yuan paid in (a decimal with at most three places), thousandths of a point out.
PointsRate = field_type(_points_rate, {
    "anyOf": [{"type": "string", "pattern": r"^\d{1,3}(\.\d{1,3})?$"}, {"type": "number", "minimum": 0, "maximum": 100}],
    "examples": ["0.1"]})


def _increment_required(amount: int, credit: int) -> Decision:
    """A credit given alone: it could be the whole offset or the increment typed in its place. Ask for the increment,
    with what each reading would send."""
    if credit > amount:
        return refuse("increment_required", N_(
            "State the increment (增值) as its own figure: the credit is the deposit plus the increment. For a deposit "
            "of %(deposit)s offsetting %(credit)s in all, send increment %(increment)s; if %(credit)s is what the card "
            "adds to its deposit, send increment %(credit)s."),
            deposit=format_fen(amount), credit=format_fen(credit), increment=format_fen(credit - amount))
    return refuse("increment_required", N_(
        "State the increment (增值) as its own figure: the credit is the deposit plus the increment. If %(credit)s is "
        "what the card adds to its deposit of %(deposit)s, send increment %(credit)s."),
        deposit=format_fen(amount), credit=format_fen(credit))


class TierIn(Schema):
    """A card tier: what the member pays and what the card is worth."""

    code: Text(16, pattern=TIER_CODE_PATTERN, upper=True, pattern_message=N_("1–16 letters, digits, '-' or '_'."))
    name: Text(60)
    amount_fen: Money = Field(alias="amount", description="Deposit (pre-sale) or fee (membership), yuan")
    discount_rate_bp: DiscountRate = Field(alias="discount_rate", description="Share of the price payable, (0, 1]")
    credit_fen: Money = Field(None, alias="credit", description=(
        "The whole offset including the deposit (amount + increment), 0 for none; a nonzero credit needs its "
        "increment beside it (422 increment_required), so that the figure cannot be misread"))
    increment_fen: Money = Field(None, alias="increment", description=(
        "增值: what a value-add card adds on top of the deposit, 0 for none; the credit is amount + increment"))
    qualifying_spend_fen: Money = Field(None, alias="qualifying_spend", description="Spend that qualifies for the card, yuan")

    @model_validator(mode="after")
    def _credit_and_increment(self) -> TierIn:
        """The credit includes the deposit and the increment is what it adds: the increment is given (the credit beside
        it, if at all, must agree); a nonzero credit alone is refused, never guessed at. After validation both hold
        their figures."""
        amount, credit, increment = self.amount_fen, self.credit_fen, self.increment_fen
        if credit and increment is None:  # 30,000 typed as the credit of a 15,000 deposit would halve the benefit
            fail_field("credit", _increment_required(amount, credit))
        if increment is not None:
            derived = amount + increment if increment else 0
            if credit is not None and credit != derived and not (increment == 0 and credit == amount):
                fail_field("increment", refuse("credit_contradicts_increment", N_(
                    "The credit (%(credit)s) must be the deposit plus the increment (%(total)s): give one of the two."),
                    credit=format_fen(credit), total=format_fen(derived)))
            credit = derived if credit is None else credit
        self.credit_fen = credit or 0
        self.increment_fen = max(self.credit_fen - amount, 0)  # a credit below its deposit: refused by the programme's rules
        return self

    def terms(self) -> TierTerms:
        return TierTerms(self.amount_fen, self.discount_rate_bp, self.credit_fen or 0, self.qualifying_spend_fen)


class RefundWindowIn(Schema):
    """First day = anchor + opens_after_days; last day = anchor + closes_after_days (inclusive; none = no end)."""

    anchor: Choice(RefundAnchor)
    opens_after_days: Integer(minimum=-3650, maximum=3650)
    closes_after_days: Integer(minimum=-3650, maximum=3650) = None

    @model_validator(mode="after")
    def _order(self) -> RefundWindowIn:
        if self.closes_after_days is not None and self.closes_after_days < self.opens_after_days:
            fail_field("closes_after_days", refuse("refund_window_reversed", N_(
                "The refund window cannot close before it opens.")))
        return self


def _design(name: str) -> tuple[Decision, str | None]:
    if name in designs():
        return refuse("design_ok", ""), name
    return refuse("bad_choice", N_("Choose one of: %(allowed)s."), allowed=", ".join(designs())), None


class ProgramIn(Schema):
    """A programme, validated whole (a PATCH is merged into the programme first)."""

    code: Text(32, pattern=CODE_PATTERN, upper=True, pattern_message=N_(
        "2–32 letters, digits, '-' or '_', starting with a letter or digit.")) = Field(description="Immutable")
    name: Text(100)
    kind: Choice(ProgramKind)
    status: Choice(ISSUING_STATUSES) = Field("open", description="Whether cards may be issued")
    issuer_name: Text(200)
    project_name: Text(100)
    contact_phone: Text(30, check=check_contact_phone)
    issuer_address: Text(200) = Field(None, description="The issuer's registered address (住所), printed on agreements")
    issuer_credit_code: Text(30, check=check_credit_code) = Field(None, description=(
        "统一社会信用代码, 18 characters; the check character is verified"))
    issuer_legal_rep: Text(60) = Field(None, description="法定代表人")
    dispute_resolution: Choice(DisputeResolution) = Field(DisputeResolution.COURT, description=(
        "court: the people's court where the project lies (or dispute_body); arbitration: the commission named in "
        "dispute_body"))
    dispute_body: Text(120) = Field(None, description="The arbitration commission (required for arbitration) or a named court")
    copies: Integer(minimum=1, maximum=9) = Field(2, description="一式N份")
    copies_held_by: Text(100) = Field(None, description="Who keeps the copies, e.g. 认筹方一份，开发商两份")
    agreement_title: Text(40) = Field(None, description=(
        "The agreement's title as the programme's own agreement has it, e.g. 内部认购协议书 (none: 认筹协议书 for "
        "presale_deposit, 会员协议 for paid_membership)"))
    deposit_term: Text(10) = Field(None, description=(
        "What the agreement calls the money: 诚意金, 认筹金, 认购金, 会费 (none: the kind's usual word)"))
    refund_request_method: Choice(RefundRequestMethod) = Field(RefundRequestMethod.IN_PERSON, description=(
        "How a holder asks for a refund: in_person (with the card and the agreement) or by_phone (the contact phone)"))
    card_with_agreement: Flag = Field(False, description="本卡与本协议配合使用，缺一无效: the card is valid only with its agreement")
    presale_permit_no: Text(100) = None
    presale_permit_date: Day = None
    opening_date: Day = None
    refund_window: RefundWindowIn | None = Field(None, description="Required for presale_deposit")
    transfer_policy: Choice(TransferPolicy) = TransferPolicy.FORBIDDEN
    transfer_fee_fen: Money = Field(0, alias="transfer_fee")
    reissue_fee_fen: Money = Field(0, alias="reissue_fee")
    validity_months: Integer(minimum=1, maximum=240) = None
    valid_until: Day = None
    renewal_window_days: Integer(minimum=1, maximum=366) = Field(None, description="Renewal opens this many days before expiry")
    max_active_cards_per_member: Integer(minimum=1, maximum=100) = 1
    multiple_redemptions: Flag = False
    termination_notice_days: Integer(minimum=0, maximum=366) = None
    payment_due_days: Integer(minimum=0, maximum=90) = Field(None, description=(
        "Paid memberships: the fee is due within this many days of signing; a card may be issued before it is paid"))
    late_fee_per_day_bp: Integer(minimum=0, maximum=10_000) = Field(None, description=(
        "Paid memberships: late fee per day after the due day, in basis points of the contract total (5‰ = 50)"))
    issuer_termination_notice_days: Integer(minimum=0, maximum=366) = Field(None, description=(
        "Paid memberships: the issuer's notice before its termination takes effect (the fee is then refunded in full)"))
    card_design: Text(32, check=_design) = Field("classic", description="A design in card_templates/, e.g. classic, minimal")
    points_per_yuan_milli: PointsRate = Field(100, alias="points_per_yuan", description=(
        "Retail: points per yuan paid, at most three decimals (0.1 = 1 point per ¥10)"))
    point_value_fen: Money = Field(100, alias="point_value", description="Retail: what a point takes off a purchase, yuan")
    points_valid_months: Integer(minimum=1, maximum=120) = Field(12, description=(
        "Retail: points expire at the end of the card year (this many months from the card's issue) they were earned in"))
    birthday_multiplier: Integer(minimum=1, maximum=10) = Field(2, description=(
        "Retail: points earned in the holder's birthday month are multiplied by this"))
    redeemable_uses: Choices(UnitUse) = Field(None, description="The kinds of unit the cards may buy; none for any")
    contract_sign_days: Integer(minimum=1, maximum=90) = Field(None, description=(
        "Days after the 认购书 within which the sales contract is signed (none: 7)"))
    tiers: list[TierIn] = Field(default_factory=list, json_schema_extra={"minItems": 1})

    @model_validator(mode="after")
    def _stored_forms(self) -> ProgramIn:
        """After validation ``refund_window`` holds the rules' RefundWindowTerms and ``redeemable_uses`` the stored
        text, as on the Program model."""
        rw = self.refund_window
        if isinstance(rw, RefundWindowIn):
            self.refund_window = RefundWindowTerms(rw.anchor, rw.opens_after_days, rw.closes_after_days)
        if isinstance(self.redeemable_uses, list):
            self.redeemable_uses = uses_text(frozenset(self.redeemable_uses))
        return self

    def across(self, context: Mapping[str, Any]) -> dict[str, Decision]:
        problems: dict[str, Decision] = {}
        if self.dispute_resolution is DisputeResolution.ARBITRATION and not self.dispute_body:
            problems["dispute_body"] = refuse("arbitration_needs_body", N_(
                "Name the arbitration commission, e.g. 兰州仲裁委员会: an arbitration clause without one is void."))
        if not self.tiers:
            problems["tiers"] = refuse("tiers_missing", N_("Add at least one card tier."))
        seen: set[str] = set()
        for position, tier in enumerate(self.tiers):
            if tier.code in seen:
                problems.setdefault(f"tiers.{position}.code", refuse("tier_code_duplicate", N_(
                    "Two tiers cannot share a code.")))
            seen.add(tier.code)
        if self.kind is not None:  # the programme's rules need at least its kind
            for name, decision in check_program_terms(self.terms(), [t.terms() for t in self.tiers]):
                if not any(k == name or k.startswith(name + ".") for k in problems):
                    problems[name] = decision
        return problems

    def terms(self) -> ProgramTerms:
        return program_terms(self)


def program_terms(p: Any) -> ProgramTerms:
    """The rules' view of a programme: works on a Program model and on a ProgramInput alike."""
    return ProgramTerms(
        kind=p.kind,
        issuing_open=p.status == "open",
        presale_permit_no=p.presale_permit_no,
        presale_permit_date=p.presale_permit_date,
        opening_date=p.opening_date,
        refund_window=p.refund_window,
        transfer_policy=p.transfer_policy,
        transfer_fee_fen=p.transfer_fee_fen,
        reissue_fee_fen=p.reissue_fee_fen,
        validity_months=p.validity_months,
        valid_until=p.valid_until,
        renewal_window_days=p.renewal_window_days,
        max_active_cards_per_member=p.max_active_cards_per_member,
        multiple_redemptions=p.multiple_redemptions,
        termination_notice_days=p.termination_notice_days,
        issuer_termination_notice_days=p.issuer_termination_notice_days,
        payment_due_days=p.payment_due_days,
        late_fee_per_day_bp=p.late_fee_per_day_bp,
    )


def read_program(data: Mapping[str, Any]) -> ProgramIn:
    """Validate a whole programme; raises ValidationFailed naming every wrong field."""
    return ProgramIn.read(data)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def dump_program(p: Any) -> dict[str, Any]:
    """The API shape of a Program model (or a ProgramInput); read_program(dump_program(p)) round-trips."""
    rw = p.refund_window
    return {
        "code": p.code,
        "name": p.name,
        "kind": p.kind.value,
        "status": p.status,
        "issuer_name": p.issuer_name,
        "project_name": p.project_name,
        "contact_phone": p.contact_phone,
        "issuer_address": p.issuer_address,
        "issuer_credit_code": p.issuer_credit_code,
        "issuer_legal_rep": p.issuer_legal_rep,
        "dispute_resolution": p.dispute_resolution.value,
        "dispute_body": p.dispute_body,
        "copies": p.copies,
        "copies_held_by": p.copies_held_by,
        "agreement_title": p.agreement_title,
        "deposit_term": p.deposit_term,
        "refund_request_method": p.refund_request_method.value,
        "card_with_agreement": p.card_with_agreement,
        "presale_permit_no": p.presale_permit_no,
        "presale_permit_date": _iso(p.presale_permit_date),
        "opening_date": _iso(p.opening_date),
        "refund_window": None if rw is None else {
            "anchor": rw.anchor.value, "opens_after_days": rw.opens_after_days, "closes_after_days": rw.closes_after_days,
        },
        "transfer_policy": p.transfer_policy.value,
        "transfer_fee": format_fen(p.transfer_fee_fen),
        "reissue_fee": format_fen(p.reissue_fee_fen),
        "validity_months": p.validity_months,
        "valid_until": _iso(p.valid_until),
        "renewal_window_days": p.renewal_window_days,
        "max_active_cards_per_member": p.max_active_cards_per_member,
        "multiple_redemptions": p.multiple_redemptions,
        "termination_notice_days": p.termination_notice_days,
        "payment_due_days": p.payment_due_days,
        "late_fee_per_day_bp": p.late_fee_per_day_bp,
        "issuer_termination_notice_days": p.issuer_termination_notice_days,
        "card_design": p.card_design,
        "points_per_yuan": format_points_rate(p.points_per_yuan_milli),
        "point_value": format_fen(p.point_value_fen),
        "points_valid_months": p.points_valid_months,
        "birthday_multiplier": p.birthday_multiplier,
        "redeemable_uses": p.redeemable_uses.split(",") if p.redeemable_uses else None,
        "contract_sign_days": p.contract_sign_days,
        "has_seal": bool(getattr(p, "seal_png", None)),
        "tiers": [
            {
                "code": t.code,
                "name": t.name,
                "amount": format_fen(t.amount_fen),
                "discount_rate": format_discount_rate(t.discount_rate_bp),
                "credit": format_fen(t.credit_fen),
                "increment": format_fen(t.increment_fen),
                "qualifying_spend": None if t.qualifying_spend_fen is None else format_fen(t.qualifying_spend_fen),
            }
            for t in p.tiers
        ],
    }


ProgramPatch = partial(ProgramIn)


def _seal(raw: Any) -> bytes:
    problem, png = read_signature(raw)
    if problem:
        fail(problem)
    return png


class SealIn(Schema):
    """``image`` is required: a PNG data URL sets the seal, null removes it (an empty body must not quietly remove it)."""

    model_config = ConfigDict(json_schema_extra=documented_required("image"))

    image: field_type(_seal, {"anyOf": [{"type": "string", "pattern": "^data:image/png;base64,"}, {"type": "null"}]}) = None

    @model_validator(mode="before")
    @classmethod
    def _image_given(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "image" not in data:
            raise ValidationFailed({"image": REQUIRED})
        if isinstance(data, Mapping) and isinstance(data["image"], str) and not data["image"].strip():
            fail_field("image", read_signature("")[0])  # blank text is an empty pad, not "remove": only null removes
        return data


class CertificateUpload(Schema):
    model_config = ConfigDict(json_schema_extra=documented_required("file"))
    unstripped: ClassVar[frozenset[str]] = frozenset({"password"})

    file: Upload = Field(None, description="The issuer's PKCS#12 (.p12 / .pfx)")
    password: Text(200) = Field(None, description="Opens the file once; never stored")
