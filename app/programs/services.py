"""Programme workflows: create and change a programme with its tiers."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from .. import audit
from ..cards.models import Card
from ..clock import today, utcnow
from ..documents.uploads import read_png
from ..errors import NotFound, ValidationFailed
from ..extensions import db, transition
from ..rules import N_, refuse
from ..rules.policies import check_issue
from .models import Program, Tier
from .schemas import ProgramIn, dump_program, read_program

_SCALAR_FIELDS = (
    "name", "kind", "status", "issuer_name", "project_name", "contact_phone", "issuer_address", "issuer_credit_code",
    "issuer_legal_rep", "dispute_resolution", "dispute_body", "copies", "copies_held_by", "agreement_title",
    "deposit_term", "refund_request_method", "card_with_agreement", "presale_permit_no",
    "presale_permit_date", "opening_date", "transfer_policy", "transfer_fee_fen", "reissue_fee_fen",
    "validity_months", "valid_until", "renewal_window_days", "max_active_cards_per_member",
    "multiple_redemptions", "termination_notice_days", "payment_due_days", "late_fee_per_day_bp",
    "issuer_termination_notice_days", "card_design", "redeemable_uses",
    "contract_sign_days", "points_per_yuan_milli", "point_value_fen", "points_valid_months", "birthday_multiplier",
)


def get_program(code: str) -> Program:
    program = db.session.scalar(select(Program).where(Program.code == code.upper()))
    if program is None:
        raise NotFound(refuse("program_not_found", N_("No programme has the code %(code)s."), code=code))
    return program


def list_programs() -> list[Program]:
    return list(db.session.scalars(select(Program).order_by(Program.created_at.desc(), Program.id.desc())))


def issuing_programs() -> list[Program]:
    """Programmes a card can be issued in today, by the issuing rule; a missing permit still lists (a manager may override)."""
    return [p for p in list_programs()
            if (d := check_issue(p.terms(), today(), active_cards=0)).ok or d.code.startswith("presale_permit")]


def _apply(program: Program, spec: ProgramIn) -> None:
    for name in _SCALAR_FIELDS:
        setattr(program, name, getattr(spec, name))
    rw = spec.refund_window
    program.refund_anchor = rw.anchor if rw else None
    program.refund_opens_after_days = rw.opens_after_days if rw else None
    program.refund_closes_after_days = rw.closes_after_days if rw else None
    existing = {t.code: t for t in program.tiers}
    kept: list[Tier] = []
    for position, t in enumerate(spec.tiers):
        tier = existing.get(t.code) or Tier(code=t.code)
        tier.position = position
        tier.name = t.name
        tier.amount_fen = t.amount_fen
        tier.discount_rate_bp = t.discount_rate_bp
        tier.credit_fen = t.credit_fen
        tier.qualifying_spend_fen = t.qualifying_spend_fen
        kept.append(tier)
    program.tiers = kept
    program.updated_at = utcnow()


@transition
def create_program(data: Mapping[str, Any], *, by) -> Program:
    spec = read_program(data)
    if db.session.scalar(select(Program.id).where(Program.code == spec.code)):
        raise ValidationFailed({"code": refuse("program_code_taken", N_("Another programme already has this code."))})
    program = Program(code=spec.code, created_at=utcnow())
    _apply(program, spec)
    db.session.add(program)
    db.session.flush()
    audit.record("program.created", program, dump_program(program), actor=by)
    return program


@transition
def set_seal(program: Program, png: bytes | None, *, by) -> Program:
    """The issuer's seal image stamped on agreements sealed from now on; None removes it."""
    if png is not None:
        problem, png = read_png(png)  # same checks as a drawn signature: a PNG, sane size, visible ink
        if problem:
            raise ValidationFailed({"seal": problem})
    program.seal_png = png
    program.updated_at = utcnow()
    audit.record("program.seal_set" if png else "program.seal_removed", program,
                 {"sha256": hashlib.sha256(png).hexdigest()} if png else {}, actor=by)
    return program


def _check_issued_tiers(program: Program, spec: ProgramIn) -> None:
    """Cards already issued carry their tier's terms in a signed agreement: those terms cannot move under them."""
    issued = set(db.session.scalars(select(Card.tier_id).where(Card.program_id == program.id).distinct()))
    wanted = {t.code: t for t in spec.tiers}
    errors = {}
    for position, tier in enumerate(program.tiers):
        if tier.id not in issued:
            continue
        new = wanted.get(tier.code)
        if new is None:
            errors["tiers"] = refuse("tier_in_use", N_("Tier %(tier)s has issued cards and cannot be removed."), tier=tier.code)
        elif (new.amount_fen, new.discount_rate_bp, new.credit_fen) != (tier.amount_fen, tier.discount_rate_bp, tier.credit_fen):
            errors[f"tiers.{position}.amount"] = refuse(
                "tier_terms_locked", N_("Tier %(tier)s has issued cards: its amount, discount and credit are fixed; add a new tier instead."),
                tier=tier.code)
    if errors:
        raise ValidationFailed(errors)


@transition
def update_program(program: Program, changes: Mapping[str, Any], *, by) -> Program:
    """Apply a partial change; the merged programme is validated whole, so no rule can be dodged field by field."""
    program = db.session.scalar(select(Program).where(Program.id == program.id)
                                .with_for_update().execution_options(populate_existing=True))
    before = dump_program(program)
    if "code" in changes and str(changes["code"]).upper() != program.code:
        raise ValidationFailed({"code": refuse("program_code_immutable", N_("A programme's code cannot be changed."))})
    spec = read_program({**before, **changes})
    _check_issued_tiers(program, spec)
    _apply(program, spec)
    after = dump_program(program)
    diff = {k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]}
    if diff:
        audit.record("program.updated", program, diff, actor=by)
    return program
