"""A programme as the API and the forms speak it: read (validate) and dump."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..documents.cards import designs
from ..rules import N_, refuse
from ..rules.identity import check_contact_phone, check_credit_code
from ..rules.money import format_discount_rate, format_fen
from ..rules.policies import check_program_terms
from ..rules.terms import (
    DisputeResolution,
    ProgramKind,
    ProgramTerms,
    RefundAnchor,
    RefundWindowTerms,
    TierTerms,
    TransferPolicy,
)
from ..rules.units import UnitUse, uses_text
from ..validation import FieldReader

CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_-]{1,31}"
TIER_CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_-]{0,15}"
ISSUING_STATUSES = ("open", "closed")


@dataclass
class TierInput:
    code: str
    name: str
    amount_fen: int
    discount_rate_bp: int
    credit_fen: int
    qualifying_spend_fen: int | None

    def terms(self) -> TierTerms:
        return TierTerms(self.amount_fen, self.discount_rate_bp, self.credit_fen, self.qualifying_spend_fen)


@dataclass
class ProgramInput:
    code: str
    name: str
    kind: ProgramKind
    status: str
    issuer_name: str
    project_name: str
    contact_phone: str
    issuer_address: str | None
    issuer_credit_code: str | None
    issuer_legal_rep: str | None
    dispute_resolution: DisputeResolution
    dispute_body: str | None
    copies: int
    copies_held_by: str | None
    presale_permit_no: str | None
    presale_permit_date: dt.date | None
    opening_date: dt.date | None
    refund_window: RefundWindowTerms | None
    transfer_policy: TransferPolicy
    transfer_fee_fen: int
    reissue_fee_fen: int
    validity_months: int | None
    valid_until: dt.date | None
    renewal_window_days: int | None
    max_active_cards_per_member: int
    multiple_redemptions: bool
    termination_notice_days: int | None
    payment_due_days: int | None
    card_design: str = "classic"
    redeemable_uses: str | None = None
    contract_sign_days: int | None = None
    tiers: list[TierInput] = field(default_factory=list)

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
    )


def read_program(data: Mapping[str, Any]) -> ProgramInput:
    """Validate a whole programme; raises ValidationFailed naming every wrong field."""
    r = FieldReader(data)
    code = r.text("code", required=True, max_length=32, pattern=CODE_PATTERN,
                  pattern_message=N_("2–32 letters, digits, '-' or '_', starting with a letter or digit."))
    code = code.upper() if code else code  # stored upper-case so the unique constraint is case-blind
    name = r.text("name", required=True, max_length=100)
    kind = r.choice("kind", ProgramKind, required=True)
    status = r.text("status") or "open"
    if status not in ISSUING_STATUSES:
        r.fail("status", refuse("bad_choice", N_("Choose one of: %(allowed)s."), allowed=", ".join(ISSUING_STATUSES)))
    issuer_name = r.text("issuer_name", required=True, max_length=200)
    project_name = r.text("project_name", required=True, max_length=100)
    contact_phone = None
    if raw_phone := r.text("contact_phone", required=True, max_length=30):
        decision, contact_phone = check_contact_phone(raw_phone)
        if contact_phone is None:
            r.fail("contact_phone", decision)
    issuer_address = r.text("issuer_address", max_length=200)
    credit_code = None
    if raw_code := r.text("issuer_credit_code", max_length=30):
        decision, credit_code = check_credit_code(raw_code)
        if credit_code is None:
            r.fail("issuer_credit_code", decision)
    legal_rep = r.text("issuer_legal_rep", max_length=60)
    dispute = r.choice("dispute_resolution", DisputeResolution) or DisputeResolution.COURT
    dispute_body = r.text("dispute_body", max_length=120)
    if dispute is DisputeResolution.ARBITRATION and not dispute_body and "dispute_body" not in r.errors:
        r.fail("dispute_body", refuse("arbitration_needs_body", N_(
            "Name the arbitration commission, e.g. 兰州仲裁委员会: an arbitration clause without one is void.")))
    copies = r.integer("copies", minimum=1, maximum=9) or 2
    copies_held_by = r.text("copies_held_by", max_length=100)
    permit_no = r.text("presale_permit_no", max_length=100)
    permit_date = r.date("presale_permit_date")
    opening_date = r.date("opening_date")

    refund_window = None
    if (rw := r.nested("refund_window", ("anchor", "opens_after_days", "closes_after_days"))) is not None:
        anchor = rw.choice("anchor", RefundAnchor, required=True)
        opens = rw.integer("opens_after_days", required=True, minimum=-3650, maximum=3650)
        closes = rw.integer("closes_after_days", minimum=-3650, maximum=3650)
        if opens is not None and closes is not None and closes < opens:
            rw.fail("closes_after_days", refuse(
                "refund_window_reversed", N_("The refund window cannot close before it opens.")))
        if anchor is not None and opens is not None:
            refund_window = RefundWindowTerms(anchor, opens, closes)

    transfer_policy = r.choice("transfer_policy", TransferPolicy) or TransferPolicy.FORBIDDEN
    transfer_fee = r.amount("transfer_fee") or 0
    reissue_fee = r.amount("reissue_fee") or 0
    validity_months = r.integer("validity_months", minimum=1, maximum=240)
    valid_until = r.date("valid_until")
    renewal_window_days = r.integer("renewal_window_days", minimum=1, maximum=366)
    max_cards = r.integer("max_active_cards_per_member", minimum=1, maximum=100)
    multiple = r.boolean("multiple_redemptions", default=False)
    notice_days = r.integer("termination_notice_days", minimum=0, maximum=366)
    due_days = r.integer("payment_due_days", minimum=0, maximum=90)
    uses = r.choices("redeemable_uses", UnitUse)
    sign_days = r.integer("contract_sign_days", minimum=1, maximum=90)
    card_design = r.text("card_design", max_length=32) or "classic"
    if card_design not in designs():
        r.fail("card_design", refuse("bad_choice", N_("Choose one of: %(allowed)s."), allowed=", ".join(designs())))

    tiers: list[TierInput] = []
    positions: list[int] = []  # each parsed tier's place in the submitted list, for error names
    seen_codes: set[str] = set()
    for position, t in enumerate(r.items("tiers", ("code", "name", "amount", "discount_rate", "credit", "qualifying_spend"))):
        t_code = t.text("code", required=True, max_length=16, pattern=TIER_CODE_PATTERN,
                        pattern_message=N_("1–16 letters, digits, '-' or '_'."))
        t_code = t_code.upper() if t_code else t_code
        t_name = t.text("name", required=True, max_length=60)
        amount = t.amount("amount", required=True)
        rate = t.discount_rate("discount_rate", required=True)
        credit = t.amount("credit") or 0
        spend = t.amount("qualifying_spend")
        if t_code is not None:
            if t_code in seen_codes:
                t.fail("code", refuse("tier_code_duplicate", N_("Two tiers cannot share a code.")))
            seen_codes.add(t_code)
        if None not in (t_code, t_name, amount, rate):
            tiers.append(TierInput(t_code, t_name, amount, rate, credit, spend))  # type: ignore[arg-type]
            positions.append(position)
    if not tiers and not any(k == "tiers" or k.startswith("tiers.") for k in r.errors):
        r.fail("tiers", refuse("tiers_missing", N_("Add at least one card tier.")))

    if kind is not None:  # the programme rules need at least the kind; errors above take precedence
        terms = ProgramTerms(
            kind=kind, presale_permit_no=permit_no, presale_permit_date=permit_date, refund_window=refund_window,
            transfer_policy=transfer_policy, transfer_fee_fen=transfer_fee, validity_months=validity_months,
            valid_until=valid_until, renewal_window_days=renewal_window_days, termination_notice_days=notice_days)
        for name, decision in check_program_terms(terms, [t.terms() for t in tiers]):
            if name.startswith("tiers."):
                _, index, rest = name.split(".", 2)
                name = f"tiers.{positions[int(index)]}.{rest}"
            if not any(k == name or k.startswith(name + ".") for k in r.errors):
                r.errors[name] = decision
    r.raise_if_errors()

    return ProgramInput(
        code=code, name=name, kind=kind, status=status,  # type: ignore[arg-type]
        issuer_name=issuer_name, project_name=project_name, contact_phone=contact_phone,  # type: ignore[arg-type]
        issuer_address=issuer_address, issuer_credit_code=credit_code, issuer_legal_rep=legal_rep,
        dispute_resolution=dispute, dispute_body=dispute_body, copies=copies, copies_held_by=copies_held_by,
        presale_permit_no=permit_no, presale_permit_date=permit_date, opening_date=opening_date,
        refund_window=refund_window, transfer_policy=transfer_policy,
        transfer_fee_fen=transfer_fee, reissue_fee_fen=reissue_fee,
        validity_months=validity_months, valid_until=valid_until, renewal_window_days=renewal_window_days,
        max_active_cards_per_member=max_cards or 1, multiple_redemptions=bool(multiple),
        termination_notice_days=notice_days, payment_due_days=due_days, card_design=card_design, tiers=tiers,
        redeemable_uses=uses_text(frozenset(uses)) if uses else None, contract_sign_days=sign_days,
    )


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
        "card_design": p.card_design,
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
                "qualifying_spend": None if t.qualifying_spend_fen is None else format_fen(t.qualifying_spend_fen),
            }
            for t in p.tiers
        ],
    }
