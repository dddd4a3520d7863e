"""Changing VIP_DATA_KEY without losing anything: every ID number, document and signing key is re-encrypted under the
new key and every blind index recomputed, in batches that each commit, so an interrupted run simply runs again.

The service keeps serving meanwhile: started with the new key and the old one in VIP_DATA_KEY_PREVIOUS, it reads
both and finds ID numbers under either index, and writes only under the new key."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select, update

from .. import audit
from ..agreements import services as agreements
from ..agreements.models import Document
from ..crypto import cipher
from ..errors import Conflict
from ..extensions import db, transition
from ..members import services as members
from ..members.models import Member
from ..rules import N_, refuse
from ..settings import store_data_key_check
from ..signing import services as signing
from ..signing.models import SigningCertificate


class _DataKey:
    """What the audit entry of a rotation is about: the installation's data key, not a row."""
    audit_type = "installation"
    id = "data_key"


@dataclass(frozen=True)
class _Target:
    name: str
    model: type
    column: str
    context: str


TARGETS = (
    _Target("members", Member, "id_number_encrypted", members._CONTEXT),
    _Target("documents", Document, "content_encrypted", agreements._CONTEXT),
    _Target("signing_certificates", SigningCertificate, "key_encrypted", signing._CONTEXT),
)


@transition
def rotate_data_key(*, batch_size: int = 200, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Re-encrypt what a previous key wrote; returns how many rows of each table changed in this run."""
    data = cipher()
    if not data.rotating:
        raise Conflict(refuse("rotation_needs_both_keys", N_(
            "Start with the new key in VIP_DATA_KEY and the old one in VIP_DATA_KEY_PREVIOUS, then run again.")))
    changed: dict[str, int] = {}
    for target in TARGETS:
        changed[target.name] = _rotate_table(target, batch_size, progress)
    store_data_key_check(current_app.config["VIP_DATA_KEY"])
    audit.record("data_key.rotated", _DataKey, {"rows": changed}, actor=None)  # the operator at the console
    return changed


def _rotate_table(target: _Target, batch_size: int, progress: Callable[[str, int], None] | None) -> int:
    data = cipher()
    model, column = target.model, getattr(target.model, target.column)
    last_id, changed = 0, 0
    while True:
        rows = db.session.execute(select(model.id, column).where(model.id > last_id).order_by(model.id)
                                  .limit(batch_size)).all()
        if not rows:
            return changed
        for row_id, blob in rows:
            plaintext, key_number = data.decrypt_with_key(blob, context=target.context)
            if key_number == 0:
                continue  # already under the new key: a run that was interrupted did it
            values = {target.column: data.encrypt_bytes(plaintext, context=target.context)}
            if model is Member:  # each kind of document has its own index context
                id_type = db.session.scalar(select(Member.id_type).where(Member.id == row_id))
                values["id_number_index"] = members.id_index(plaintext.decode(), id_type)
            if model is Document:
                _same_document(row_id, plaintext)
            # Core UPDATE: no change of updated_at or anything else the ORM would add
            db.session.execute(update(model).where(model.id == row_id).values(**values))
            changed += 1
        last_id = rows[-1][0]
        db.session.commit()
        if progress:
            progress(target.name, changed)


def _same_document(document_id: int, plaintext: bytes) -> None:
    """A document's SHA-256 is of its plaintext: re-encryption must leave it the very same bytes."""
    expected = db.session.scalar(select(Document.sha256).where(Document.id == document_id))
    if hashlib.sha256(plaintext).hexdigest() != expected:
        db.session.rollback()
        raise Conflict(refuse("document_altered", N_(
            "Document %(id)s does not match its SHA-256: it was altered; nothing of it was rewritten."), id=document_id))
