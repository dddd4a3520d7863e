"""Reading a sign-in code as the member would: from the text message, here the development outbox."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.portal.models import SmsMessage


def last_code() -> str:
    message = db.session.scalar(select(SmsMessage).order_by(SmsMessage.id.desc()))
    assert message is not None, "no text message was kept"
    return re.search(r"\b(\d{6})\b", message.text).group(1)


def outbox_count() -> int:
    return len(db.session.scalars(select(SmsMessage)).all())
