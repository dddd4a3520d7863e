"""Member workflows: register, edit, find, and the logged reveal of a full ID number."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, select, union_all

from .. import audit
from ..audit import AuditEntry
from ..cards.models import Card
from ..clock import today, utcnow
from ..crypto import cipher
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db, transition
from ..models_common import starts_with
from ..rules import N_, refuse
from ..rules.identity import check_id_number, check_reveal_scope, is_reveal_burst, mask_id_number, mask_number
from ..users.roles import can
from .models import Member
from .schemas import IdType, MemberFilters, MemberIn, RevealIn, read_member

_CONTEXT = "member.id_number"
MEMBER_PAGE = 50


def _index_context(id_type: IdType | str) -> str:
    """Each kind of document indexes its numbers apart, so one number under two kinds is two people. Resident IDs and
    credit codes keep the context they were first indexed under (no stored index changes)."""
    value = IdType(id_type).value
    return _CONTEXT if value in ("resident_id", "uscc") else f"{_CONTEXT}:{value}"


def id_index(id_number: str, id_type: IdType | str = IdType.RESIDENT_ID) -> str:
    return cipher().blind_index(id_number, context=_index_context(id_type))


def id_indexes(id_number: str, id_type: IdType | str = IdType.RESIDENT_ID) -> list[str]:
    """Every index the number of this kind may be stored under: more than one only while the data key is rotated."""
    return cipher().blind_indexes(id_number, context=_index_context(id_type))


def any_id_indexes(text: str) -> list[str]:
    """The indexes of ``text`` under every kind of document it is a valid number of: a search box does not know the
    kind. Empty when it is no ID number at all."""
    found: list[str] = []
    for id_type in IdType:
        _, number = check_id_number(text, id_type.value)
        if number is not None:
            found += id_indexes(number, id_type)
    return found


def same_person(a: str, b: str) -> bool:
    return re.sub(r"\s+", "", a).casefold() == re.sub(r"\s+", "", b).casefold()


def find_by_id_number(id_number: str, id_type: IdType | str = IdType.RESIDENT_ID) -> Member | None:
    return db.session.scalar(select(Member).where(Member.id_number_index.in_(id_indexes(id_number, id_type))))


def find_by_any_id_number(text: str) -> Member | None:
    """The member whose ID number of any kind is ``text`` (the earliest registered should two kinds share it)."""
    indexes = any_id_indexes(text)
    if not indexes:
        return None
    return db.session.scalar(select(Member).where(Member.id_number_index.in_(indexes)).order_by(Member.id).limit(1))


def _set_id_number(member: Member, spec: MemberIn) -> None:
    member.id_type = spec.id_type or IdType.RESIDENT_ID
    member.id_number_encrypted = cipher().encrypt(spec.id_number, context=_CONTEXT)
    member.id_number_index = id_index(spec.id_number, member.id_type)
    member.id_number_masked = mask_id_number(member.id_type.value, spec.id_number)


def _audit_view(member: Member) -> dict[str, Any]:
    return {"name": member.name, "id_type": member.id_type.value, "id_number_masked": member.id_number_masked,
            "phone_masked": mask_number(member.phone)}


@transition
def register_member(data: Mapping[str, Any], *, by) -> tuple[Member, bool]:
    """Register a member for ``by`` (None: the system), or return the one already registered with this ID number
    (``created`` False).

    The same ID number under a different name is refused: it is a typo or someone else's document.
    """
    return add_member(read_member(data, today=today()), by=by)


def add_member(spec: MemberIn, *, by) -> tuple[Member, bool]:
    """register_member's work inside the caller's transaction (an imported row adds its member and card together)."""
    existing = find_by_id_number(spec.id_number, spec.id_type or IdType.RESIDENT_ID)
    if existing is not None:
        if same_person(existing.name, spec.name):
            return existing, False
        reason = refuse("id_number_registered_other_name",
                        N_("This ID number is already registered to member %(member_id)s under another name."),
                        member_id=existing.id)
        raise Conflict(reason, fields={"id_number": reason}, member_id=existing.id)
    now = utcnow()
    member = Member(name=spec.name, phone=spec.phone, address=spec.address, postal_code=spec.postal_code,
                    created_at=now, updated_at=now,
                    created_by_id=getattr(by, "id", None))
    _set_id_number(member, spec)
    db.session.add(member)
    db.session.flush()
    audit.record("member.created", member, _audit_view(member), actor=by)
    return member, True


@transition
def update_member(member: Member, changes: Mapping[str, Any], *, by) -> Member:
    current = {"name": member.name, "id_type": member.id_type.value, "phone": member.phone,
               "address": member.address, "postal_code": member.postal_code}
    spec = read_member({**current, **changes}, today=today(), partial=True)
    if spec.id_type is not member.id_type and spec.id_number is None:
        raise ValidationFailed({"id_number": refuse(
            "id_number_needed_for_type", N_("Enter the ID number again when changing the kind of ID document."))})
    before = _audit_view(member)
    if spec.id_number is not None:
        other = find_by_id_number(spec.id_number, spec.id_type)
        if other is not None and other.id != member.id:
            reason = refuse("id_number_registered", N_("Another member (%(member_id)s) has this ID number."),
                            member_id=other.id)
            raise Conflict(reason, fields={"id_number": reason}, member_id=other.id)
        _set_id_number(member, spec)
    member.name = spec.name
    member.phone = spec.phone
    member.address = spec.address
    member.postal_code = spec.postal_code
    member.updated_at = utcnow()
    after = _audit_view(member)
    diff = {k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]}
    for field in ("address", "postal_code"):
        if field in changes and current[field] != getattr(member, field):
            diff[field] = {"from": current[field], "to": getattr(member, field)}
    if diff:
        audit.record("member.updated", member, diff, actor=by)
    return member


def decrypt_id_number(member: Member) -> str:
    """For documents that must carry the full number (agreements); screens use reveal_identity."""
    return cipher().decrypt(member.id_number_encrypted, context=_CONTEXT)


def reveal_limit() -> str:
    return current_app.config["VIP_REVEAL_RATE_LIMIT"]


@transition
def reveal_identity(member: Member, *, reason: str | None = None, user) -> dict[str, str]:
    """The full ID number and phone, for ``user``, who says why and serves this member; every reveal is in the audit
    log, the views limit how many an hour one user may see, and a burst of them alerts the managers."""
    RevealIn.read({"reason": reason})
    scope = check_reveal_scope(
        sees_everyone=can(user, "member.reveal_any"), registered_them=member.created_by_id == user.id,
        issued_them_a_card=db.session.scalar(select(Card.id).where(
            Card.member_id == member.id, Card.issued_by_id == user.id).limit(1)) is not None)
    if not scope.ok:
        raise Forbidden(scope)
    number = decrypt_id_number(member)
    audit.record("member.identity_revealed", member,
                 {"id_number_masked": member.id_number_masked, "reason": (reason or "")[:200]}, actor=user)
    alert_on_burst(user)
    return {"id_number": number, "phone": member.phone}


REVEAL_BURST_WINDOW = dt.timedelta(minutes=10)


def alert_on_burst(user) -> None:
    """In the reveal's transaction: the managers' alert, once per window, when one user's reveals reach the burst. Each
    row of an export with the numbers in full (``export.revealed``) counts as one reveal."""
    db.session.flush()
    since = utcnow() - REVEAL_BURST_WINDOW
    recent = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "member.identity_revealed", AuditEntry.actor_id == user.id, AuditEntry.created_at >= since))
    recent += sum(int(e.payload.get("rows", 0)) for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "export.revealed", AuditEntry.actor_id == user.id, AuditEntry.created_at >= since)))
    if not is_reveal_burst(recent, current_app.config["VIP_REVEAL_BURST"]):
        return
    alerted = db.session.scalar(select(AuditEntry.id).where(
        AuditEntry.action == "member.reveal_burst", AuditEntry.object_id == str(user.id),
        AuditEntry.created_at >= since).limit(1))
    if alerted is None:
        audit.record("member.reveal_burst", user, {"username": user.username, "count": recent,
                                                   "minutes": int(REVEAL_BURST_WINDOW.total_seconds() // 60)}, actor=user)


def reveal_bursts(hours: int = 24) -> list[AuditEntry]:
    """The alerts managers see: bursts of reveals in the last ``hours``."""
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "member.reveal_burst", AuditEntry.created_at >= utcnow() - dt.timedelta(hours=hours))
        .order_by(AuditEntry.created_at.desc())))


def get_member(member_id: int) -> Member:
    member = db.session.get(Member, member_id)
    if member is None:
        raise NotFound(refuse("member_not_found", N_("No member has the number %(member_id)s."), member_id=member_id))
    return member


def _search(q: str):
    """What the member list's search box means, each an indexed lookup: a full ID number of any kind (by its blind
    index, never by reading clear text), a card number (its holder), a mobile number or its first digits, or the start
    of a name. Digits that are both an ID number (a passport, a travel permit) and a card or mobile number find both."""
    dialect = db.session.get_bind().dialect.name
    indexes = any_id_indexes(q)
    by_id = Member.id_number_index.in_(indexes) if indexes else None
    digits = re.sub(r"[\s-]", "", q.removeprefix("+86"))
    if not digits.isdigit() or len(digits) > 12:
        return by_id if by_id is not None else starts_with(Member.name, q, dialect)
    if len(digits) == 12:
        other = Member.id.in_(select(Card.member_id).where(Card.number == digits))
    else:
        other = Member.phone == digits if len(digits) == 11 else starts_with(Member.phone, digits, dialect)
    if by_id is None:
        return other
    return Member.id.in_(union_all(select(Member.id).where(by_id), select(Member.id).where(other)))


def member_search(q: str) -> Select:
    """Every member the search box ``q`` finds (all when blank), newest first, unpaged: the list pages it, the export
    streams it."""
    q = (q or "").strip()
    stmt = select(Member).order_by(Member.id.desc())
    return stmt.where(_search(q)) if q else stmt


@dataclass
class MemberPage:
    members: list[Member]
    next_before: int | None  # when the page is full: where the next (older) one starts


def list_members(filters: MemberFilters | Mapping[str, Any]) -> MemberPage:
    """A page of members, newest first. Keyset paging on the primary key: the last page of a million members costs
    what the first does."""
    f = filters if isinstance(filters, MemberFilters) else MemberFilters.read(filters)
    size = f.per_page or MEMBER_PAGE
    stmt = member_search(f.q or "")
    if f.before:
        stmt = stmt.where(Member.id < f.before)
    members = list(db.session.scalars(stmt.limit(size)))
    return MemberPage(members, members[-1].id if len(members) == size else None)
