"""Settings the installation keeps in its own database, and the check that the data key is the one it was
written with (a different VIP_DATA_KEY would make every stored ID number unreadable and the blind index blind)."""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import String, inspect, select
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


def check_data_key(data_key: str) -> None:
    """Compare the key with the check value stored by the first start on this database (and store it then).
    Before the schema exists (a database not yet migrated) there is nothing to compare."""
    try:
        if not inspect(db.engine).has_table(AppSetting.__tablename__):
            return
    except OperationalError:
        return  # the database is not reachable yet: the next start checks

    expected = data_key_check_value(data_key)
    stored = db.session.scalar(select(AppSetting.value).where(AppSetting.key == DATA_KEY_CHECK))
    if stored is None:
        db.session.add(AppSetting(key=DATA_KEY_CHECK, value=expected))
        try:
            db.session.commit()
            return
        except IntegrityError:  # several workers starting at once: one wrote it first; compare with theirs
            db.session.rollback()
            stored = db.session.scalar(select(AppSetting.value).where(AppSetting.key == DATA_KEY_CHECK))
    if not hmac.compare_digest(stored, expected):
        db.session.rollback()
        raise WrongDataKey(
            "VIP_DATA_KEY is not the key this database was written with: ID numbers could not be read and would "
            "register twice. Start with the original key (instance/secrets.json on a single machine, else your "
            "secret store).")
    else:
        db.session.rollback()
