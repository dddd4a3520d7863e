"""On which day the expiry run may act."""

from __future__ import annotations

import datetime as dt

from .decision import N_, Decision, allow, refuse


def check_expiry_day(on: dt.date, today: dt.date, *, training: bool) -> Decision:
    """The daily expiry as of ``on``: today or an earlier day anywhere (it expires only what today's run would, so
    catching up is safe); a later day only on a training copy, to rehearse what that day will do."""
    if on <= today:
        return allow("expiry_day_ok", N_("Cards whose last valid day was before %(day)s expire."), day=on)
    if training:
        return allow("expiry_day_rehearsed", N_("Training copy: cards whose last valid day was before %(day)s expire."),
                     day=on)
    return refuse("expiry_day_in_future", N_(
        "Expiring cards as of %(day)s, after today (%(today)s), would end real cards early: only a training copy "
        "(VIP_TRAINING=1) runs the expiry for a later day."), day=on, today=today)
