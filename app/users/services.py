"""Users, logins and API tokens. Each public function is one transaction with its audit entry."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit
from ..audit import AuditEntry
from ..clock import utcnow
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import commit_keeping_loaded, db, transition
from ..rules import N_, refuse
from ..rules.identity import mask_name
from .models import ApiToken, User
from .roles import Role
from .schemas import UserIn, UserPatch

TOKEN_PREFIX = "vip_"
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)
TOKEN_DAYS_DEFAULT, TOKEN_DAYS_MAX = 90, 365  # a POS integration renews its token each quarter, at most yearly  # how fresh a token's "last used" needs to be


@transition
def create_user(data: Mapping[str, Any], *, actor: User | None = None) -> User:
    spec = UserIn.read(data)
    username = spec.username.lower()  # stored lower-case: the unique constraint is case-blind
    display_name, role, password = spec.display_name or username, spec.role, spec.password
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise ValidationFailed({"username": refuse("username_taken", N_("This username is taken."))})
    user = User(username=username, display_name=display_name, role=role, active=True,
                password_hash=generate_password_hash(password), created_at=utcnow())
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", user, {"username": username, "role": role.value}, actor=actor)
    return user


@transition
def update_user(user: User, data: Mapping[str, Any], *, actor: User) -> User:
    """Change display name, role, active flag or password; an admin cannot lock themselves out."""
    spec = UserPatch.read(data)
    display_name, role, active, password = spec.display_name, spec.role, spec.active, spec.password
    if user.id == actor.id and ((role is not None and role is not Role.ADMIN) or active is False):
        raise ValidationFailed({"role" if role is not None else "active": refuse("cannot_lock_out_self", N_(
            "You cannot remove your own admin rights or deactivate yourself."))})
    changes: dict[str, Any] = {}
    if display_name is not None and display_name != user.display_name:
        changes["display_name"] = user.display_name = display_name
    if role is not None and role is not user.role:
        user.role = role
        changes["role"] = role.value
    if active is not None and active != user.active:
        changes["active"] = user.active = active
    if password is not None:
        user.password_hash = generate_password_hash(password)
        changes["password"] = "changed"
    if changes:
        audit.record("user.updated", user, changes, actor=actor)
    return user


# Checked when the username is unknown, so a wrong username costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-password")


def locked_out(user: User) -> bool:
    """Too many wrong passwords for this account lately, from any address: it waits, whatever is typed next (the
    per-address limit cannot stop guesses spread over many addresses)."""
    since = utcnow() - dt.timedelta(minutes=current_app.config["VIP_LOGIN_LOCKOUT_MINUTES"])
    if user.last_login_at is not None and user.last_login_at > since:
        since = user.last_login_at  # a successful sign-in starts the count again
    failures = db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.object_type == "user", AuditEntry.object_id == str(user.id),
        AuditEntry.action == "user.login_failed", AuditEntry.created_at > since))
    return failures >= current_app.config["VIP_LOGIN_LOCKOUT_ATTEMPTS"]


def username_locked_out(username: str) -> bool:
    user = db.session.scalar(select(User).where(User.username == (username or "").strip().lower()))
    return user is not None and locked_out(user)


@transition
def authenticate(username: str, password: str) -> User | None:
    """The user for these credentials, or None; failures are logged without the password. A locked-out account
    signs in with nothing, not even the right password, until the lockout has passed."""
    user = db.session.scalar(select(User).where(User.username == (username or "").strip().lower()))
    password_ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password or "")
    if user is not None and locked_out(user):
        audit.record("user.login_locked", user, {"username": user.username}, actor=_Anonymous(user.username))
        return None
    if user is None or not user.active or not password_ok:
        # An unknown "username" is often a password typed in the wrong box: keep only a hint of it.
        typed = user.username if user else mask_name((username or "").strip()[:40])
        attempt = _Anonymous(typed)
        audit.record("user.login_failed", user or attempt, {"username": typed}, actor=attempt)
        return None
    user.last_login_at = utcnow()
    audit.record("user.logged_in", user, actor=user)
    return user


class _Anonymous:
    """Stands in for a login attempt's unknown user in the audit log."""

    audit_type = "user"
    id = None

    def __init__(self, username: str | None):
        self.username = f"?{(username or '')[:38]}"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transition
def issue_token(user: User, name: str = "api", *, days: int = TOKEN_DAYS_DEFAULT, actor: User | None = None) -> str:
    """Create a token valid for ``days`` and return it in clear; this is the only time it can be seen."""
    if not 1 <= days <= TOKEN_DAYS_MAX:
        raise ValidationFailed({"days": refuse("token_days", N_("A token lasts from 1 to %(max)s days."),
                                               max=TOKEN_DAYS_MAX)})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    row = ApiToken(user=user, name=(name or "api")[:80], prefix=token[:12], token_hash=_hash_token(token),
                   created_at=now, expires_at=now + dt.timedelta(days=days))
    db.session.add(row)
    db.session.flush()
    audit.record("api_token.issued", row, {"user": user.username, "name": row.name, "prefix": row.prefix,
                                           "days": days}, actor=actor)
    return token


@transition
def revoke_token(user: User, token_id: int, *, actor: User) -> ApiToken:
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound(refuse("token_not_found", N_("No such API token.")))
    if row.revoked_at is not None:
        raise Conflict(refuse("token_already_revoked", N_("This API token was already revoked.")))
    row.revoked_at = utcnow()
    audit.record("api_token.revoked", row, {"user": row.user.username, "prefix": row.prefix}, actor=actor)
    return row


def user_for_token(token: str) -> User | None:
    """The active user behind a bearer token, in one query; when it was last used is written at most once a minute,
    so a busy counter's token costs no write per request."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    row = db.session.scalar(select(ApiToken).options(joinedload(ApiToken.user))
                            .where(ApiToken.token_hash == _hash_token(token)))
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.user.active:
        return None
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_TOUCH_INTERVAL:
        row.last_used_at = now
        commit_keeping_loaded()
    return row.user


def expired_token(token: str) -> ApiToken | None:
    """The token, if it is genuine but past its last day: the refusal can then say so instead of "invalid"."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(token)))
    return row if row is not None and row.revoked_at is None and row.expires_at <= utcnow() else None


@transition
def end_sessions(user: User) -> None:
    """Signing out: every session of the account ends on the server, whoever holds a copy of the cookie."""
    user = db.session.get(User, user.id)
    user.session_epoch += 1
    audit.record("user.signed_out", user, {"username": user.username}, actor=user)


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(refuse("user_not_found", N_("No user has the number %(user_id)s."), user_id=user_id))
    return user


def find_user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(refuse("user_not_found", N_("No user is called %(username)s."), username=username))
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.username)))

