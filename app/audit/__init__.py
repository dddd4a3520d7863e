"""The append-only audit log: who did what to which object, when and from where.

The database refuses UPDATE and DELETE on this table (triggers in the migration);
the application only ever inserts.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from flask import has_request_context, request
from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db
from ..models_common import UTCDateTime

SECRET_KEYS = re.compile(r"password|token|secret|id_number|signature", re.I)


class AuditEntry(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(64))
    data: Mapped[str] = mapped_column(Text, default="{}")
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.data)


def mask_secrets(value: Any) -> Any:
    """Secrets never reach the log in clear: keys that look secret keep only a hint of their value."""
    if isinstance(value, dict):
        return {k: ("***" if SECRET_KEYS.search(str(k)) and not str(k).endswith("_masked") else mask_secrets(v))
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_secrets(v) for v in value]
    return value


def printable(value: Any, limit: int) -> str | None:
    """Text that reached us from outside (headers, scans): printable characters only, so every row saves."""
    if not isinstance(value, str):
        return None
    return "".join(ch for ch in value if ch.isprintable())[:limit] or None


def request_origin() -> tuple[str | None, str | None]:
    """Where the current request came from: address and user agent, cleaned for storage."""
    if not has_request_context():
        return None, None
    return printable(request.remote_addr, 64), printable(request.user_agent.string, 300)


def actor_id(actor: Any) -> int | None:
    """The id of the acting user a service was given (None for the system: a job, a CLI run without a user)."""
    return getattr(actor, "id", None)


def record(action: str, obj: Any, data: dict[str, Any] | None = None, *, actor: Any) -> AuditEntry:
    """Add an audit entry to the current transaction; the caller's commit makes it durable with the change. ``actor``
    is whoever the service was told acts (``by=``); None is the system."""
    ip, user_agent = request_origin()
    entry = AuditEntry(
        created_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "username", None) or "system",
        action=action,
        object_type=obj.audit_type,
        object_id=str(getattr(obj, "id", obj)),
        data=json.dumps(mask_secrets(data or {}), ensure_ascii=False, sort_keys=True, default=str),
        ip=ip,
        user_agent=user_agent,
    )
    db.session.add(entry)
    return entry
