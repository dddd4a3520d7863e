import json

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from app.audit import AuditEntry, mask_secrets
from app.extensions import db


def test_every_change_writes_an_entry_with_actor_object_and_masked_data(app, make_user, make_member, make_program):
    admin = make_user("admin")
    make_program(code="AUD-1")
    member = make_member(name="王五")
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    actions = [(e.action, e.object_type) for e in entries]
    assert ("user.created", "user") in actions
    assert ("program.created", "program") in actions
    created = next(e for e in entries if e.action == "member.created")
    assert created.object_id == str(member.id)
    assert created.payload["name"] == "王五"
    assert created.payload["id_number_masked"].startswith("110") and "*" in created.payload["id_number_masked"]
    raw = json.dumps([e.payload for e in entries], ensure_ascii=False)
    assert member.id_number_masked in raw
    assert admin.password_hash not in raw


def test_the_database_refuses_to_change_or_delete_entries(app, make_user):
    make_user("admin")
    entry_id = db.session.scalar(select(AuditEntry.id).limit(1))
    for statement in (sa.update(AuditEntry).where(AuditEntry.id == entry_id).values(action="tampered"),
                      sa.delete(AuditEntry).where(AuditEntry.id == entry_id)):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with db.session.begin_nested():
                db.session.execute(statement)
    assert db.session.get(AuditEntry, entry_id).action == "user.created"


def test_secret_looking_keys_are_masked_at_any_depth():
    data = {"password": "p", "nested": [{"api_token": "t", "fine": 1}], "id_number_masked": "110***1", "id_number": "1101"}
    assert mask_secrets(data) == {"password": "***", "nested": [{"api_token": "***", "fine": 1}],
                                  "id_number_masked": "110***1", "id_number": "***"}
