"""Settings the installation keeps in its own database, and the check that the data key is the one it was
written with (a different VIP_DATA_KEY would make every stored ID number unreadable and the blind index blind)."""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import String, inspect, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db

DATA_KEY_CHECK = "data_key_check"


class AppSetting(db.Model):
    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class WrongDataKey(RuntimeError):
    pass


def data_key_check_value(data_key: str) -> str:
    """A value that only this key produces, revealing nothing of it."""
    return hmac.new(data_key.encode(), b"vip-cards data key check v1", hashlib.sha256).hexdigest()


def check_data_key(data_key: str, previous: list[str] | tuple[str, ...] = ()) -> None:
    """Compare the key with the check value stored by the first start on this database (and store it then).
    Before the schema exists (a database not yet migrated) there is nothing to compare. While a rotation runs the
    database may still be checked by a previous key (the rotation stores the new key's value when it ends)."""
    try:
        if not inspect(db.engine).has_table(AppSetting.__tablename__):
            return
    except OperationalError:
        return  # the database is not reachable yet: the next start checks

    expected = data_key_check_value(data_key)
    stored = db.session.scalar(select(AppSetting.value).where(AppSetting.key == DATA_KEY_CHECK))
    if stored is None and not _opens_stored_data(data_key, previous):
        db.session.rollback()
        raise WrongDataKey(_WRONG_KEY)
    if stored is None:
        db.session.add(AppSetting(key=DATA_KEY_CHECK, value=expected))
        try:
            db.session.commit()
            return
        except IntegrityError:  # several workers starting at once: one wrote it first; compare with theirs
            db.session.rollback()
            stored = db.session.scalar(select(AppSetting.value).where(AppSetting.key == DATA_KEY_CHECK))
    if not any(hmac.compare_digest(stored, value) for value in [expected, *map(data_key_check_value, previous)]):
        db.session.rollback()
        raise WrongDataKey(_WRONG_KEY)
    db.session.rollback()


_WRONG_KEY = ("VIP_DATA_KEY is not the key this database was written with: ID numbers could not be read and would "
              "register twice. Start with the original key (instance/secrets.json on a single machine, else your "
              "secret store); to change it, set the new one with the old in VIP_DATA_KEY_PREVIOUS and run "
              "`flask --app app keys rotate-data-key`.")


def _opens_stored_data(data_key: str, previous) -> bool:
    """A database written before it kept a check value (or never started since its migration): the key must open
    the ID numbers already stored, or it would become the check value of a database it cannot read."""
    from .crypto import DataCipher
    from .members.services import _CONTEXT
    sample = db.session.execute(text("SELECT id_number_encrypted FROM members ORDER BY id LIMIT 1")).scalar()
    if sample is None:
        return True
    try:
        DataCipher(data_key, previous).decrypt_bytes(sample, context=_CONTEXT)
    except ValueError:
        return False
    return True


def store_data_key_check(data_key: str) -> None:
    """In the caller's transaction: from now on the database is checked by this key."""
    row = db.session.get(AppSetting, DATA_KEY_CHECK)
    if row is None:
        db.session.add(AppSetting(key=DATA_KEY_CHECK, value=data_key_check_value(data_key)))
    else:
        row.value = data_key_check_value(data_key)
