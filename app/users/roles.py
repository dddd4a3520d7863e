"""Roles and what each may do. Views and the API ask ``can(user, permission)``, never a role name."""

from __future__ import annotations

from enum import Enum

from ..rules import N_


class Role(str, Enum):
    CONSULTANT = "consultant"  # 置业顾问
    COUNTER = "counter"  # 前台/核验
    ADMIN = "admin"  # 销售经理/管理员
    AUDITOR = "auditor"  # read-only


ROLE_LABELS = {
    Role.CONSULTANT: N_("Sales consultant"),
    Role.COUNTER: N_("Counter staff"),
    Role.ADMIN: N_("Manager / admin"),
    Role.AUDITOR: N_("Auditor (read-only)"),
}

_ALL = frozenset(Role)
PERMISSIONS: dict[str, frozenset[Role]] = {
    "program.view": _ALL,
    "program.manage": frozenset({Role.ADMIN}),
    "member.view": frozenset({Role.CONSULTANT, Role.ADMIN, Role.AUDITOR}),
    "member.manage": frozenset({Role.CONSULTANT, Role.ADMIN}),
    # Seeing a full ID number is logged every time; auditors review, they do not need it.
    "member.reveal_id": frozenset({Role.CONSULTANT, Role.ADMIN}),
    # Consultants see the full numbers of the members they serve (registered or issued a card to); managers any.
    "member.reveal_any": frozenset({Role.ADMIN}),
    "card.view": _ALL,
    "card.issue": frozenset({Role.CONSULTANT, Role.ADMIN}),
    # Opening day is busy: consultants stand at the counter too.
    "card.redeem": frozenset({Role.COUNTER, Role.CONSULTANT, Role.ADMIN}),
    "card.permit_override": frozenset({Role.ADMIN}),
    # Bringing in a sheet of cards records money for each row: a manager's work, in their name.
    "card.import": frozenset({Role.ADMIN}),
    "agreement.sign": frozenset({Role.CONSULTANT, Role.ADMIN}),
    # Agreements carry the full ID number and phone: the same people who may reveal them, and each download is logged.
    "agreement.download": frozenset({Role.CONSULTANT, Role.ADMIN}),
    # Anyone at the desk may block a lost card at once; the rest of the lifecycle is the consultants' and managers'.
    "card.report_loss": frozenset({Role.CONSULTANT, Role.COUNTER, Role.ADMIN}),
    "card.lifecycle": frozenset({Role.CONSULTANT, Role.ADMIN}),
    "refund.approve": frozenset({Role.ADMIN}),
    "transfer.approve": frozenset({Role.ADMIN}),
    # Voiding reverses money: a consultant or manager asks, a manager other than the requester approves.
    "card.void_request": frozenset({Role.CONSULTANT, Role.ADMIN}),
    "card.void": frozenset({Role.ADMIN}),
    # Cancelling a purchase (退房) moves money and releases a unit: a consultant or manager asks, another manager approves.
    "redemption.annul_request": frozenset({Role.CONSULTANT, Role.ADMIN}),
    "redemption.annul": frozenset({Role.ADMIN}),
    "user.manage": frozenset({Role.ADMIN}),
    "audit.view": frozenset({Role.ADMIN, Role.AUDITOR}),
    # Whole lists leave the building as spreadsheets: managers and auditors (numbers masked unless member.reveal_any).
    "report.export": frozenset({Role.ADMIN, Role.AUDITOR}),
    # The dashboard: managers steer by it, auditors review it; consultants and the counter have their own start pages.
    "report.view": frozenset({Role.ADMIN, Role.AUDITOR}),
    # Retail: whoever stands at the till records purchases and point spends; everyone may read a card's points.
    "loyalty.record": frozenset({Role.COUNTER, Role.CONSULTANT, Role.ADMIN}),
    # The list of points about to expire, to remind members: managers, and auditors reviewing.
    "loyalty.expiring": frozenset({Role.ADMIN, Role.AUDITOR}),
}


def can(user, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role in PERMISSIONS[permission])


def require_permission(user, permission: str) -> None:
    """For services, which take the acting user explicitly: a role without the permission is a 403."""
    from ..errors import Forbidden
    from ..rules import refuse

    if not can(user, permission):
        raise Forbidden(refuse("forbidden", N_("Your role does not allow this.")))
