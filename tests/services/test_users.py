import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.users import services
from app.users.models import ApiToken


def test_passwords_and_tokens_are_stored_hashed(app, ctx):
    user = services.create_user({"username": "lee", "role": "consultant", "password": "s3cret-pass"})
    assert "s3cret-pass" not in user.password_hash
    token = services.issue_token(user, "pos")
    row = db.session.scalars(select(ApiToken)).one()
    assert token.startswith("vip_") and token not in row.token_hash and row.prefix == token[:12]
    assert services.user_for_token(token) == user
    assert row.last_used_at is not None
    other = services.create_user({"username": "wang", "role": "consultant", "password": "s3cret-pass"})
    with pytest.raises(NotFound):  # a token is revoked through its own user only
        services.revoke_token(other, row.id, actor=other)
    services.revoke_token(user, row.id, actor=user)
    assert services.user_for_token(token) is None
    with pytest.raises(Conflict):
        services.revoke_token(user, row.id, actor=user)


def test_bad_user_input(app, ctx):
    with pytest.raises(ValidationFailed) as caught:
        services.create_user({"username": "a b", "role": "boss", "password": "short"})
    assert {k: d.code for k, d in caught.value.fields.items()} == {
        "username": "bad_format", "role": "bad_choice", "password": "password_too_short"}
    services.create_user({"username": "Lee", "role": "admin", "password": "password-1"})
    with pytest.raises(ValidationFailed) as caught:
        services.create_user({"username": "lee", "role": "admin", "password": "password-1"})
    assert caught.value.fields["username"].code == "username_taken"


def test_login_success_and_failure_are_logged_without_the_password(app, ctx):
    services.create_user({"username": "lee", "role": "counter", "password": "password-1"})
    assert services.authenticate("LEE", "password-1").username == "lee"
    assert services.authenticate("lee", "wrong-password") is None
    assert services.authenticate("MyS3cretPass", "x") is None  # a password typed into the username box
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("user.log%")).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor_name) for e in entries] == [
        ("user.logged_in", "lee"), ("user.login_failed", "?lee"), ("user.login_failed", "?M***********")]
    assert "wrong-password" not in str([e.data for e in entries]) and "MyS3cretPass" not in str([e.data for e in entries])


def test_disabled_users_cannot_sign_in_or_use_tokens(app, ctx):
    admin = services.create_user({"username": "boss", "role": "admin", "password": "password-1"})
    user = services.create_user({"username": "lee", "role": "counter", "password": "password-1"})
    token = services.issue_token(user)
    services.update_user(user, {"active": False}, actor=admin)
    assert services.authenticate("lee", "password-1") is None
    assert services.user_for_token(token) is None


def test_admins_cannot_lock_themselves_out(app, ctx):
    admin = services.create_user({"username": "boss", "role": "admin", "password": "password-1"})
    for change in ({"role": "consultant"}, {"active": False}):
        with pytest.raises(ValidationFailed) as caught:
            services.update_user(admin, change, actor=admin)
        assert next(iter(caught.value.fields.values())).code == "cannot_lock_out_self"
