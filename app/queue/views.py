"""The selection desks' queue page: today's arrivals in order, call the next, recall, skip, serve."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user

from ..errors import ServiceError
from ..i18n import say
from ..programs.services import list_programs
from ..web import require
from . import services
from .models import QueueStatus

bp = Blueprint("queue", __name__)


def _program() -> str | None:
    return request.values.get("program") or session.get("counter_program")


def _station() -> str:
    return session.get("counter_station") or current_user.username  # as the counter page names it


@bp.get("/queue")
@require("card.redeem")
def index():
    program = _program()
    return render_template("queue/index.html", programs=list_programs(), program=program,
                           entries=services.entries(program) if program else [], statuses=QueueStatus)


@bp.post("/queue/call-next")
@require("card.redeem")
def call_next():
    program = _program()
    try:
        entry = services.call_next(program, _station())
        flash(gettext("Number %(n)s, please.", n=entry.number), "success")
    except ServiceError as exc:
        flash(say(exc.decision), "error")
    return redirect(url_for("queue.index", program=program))


@bp.post('/queue/<id:entry_id>/<any(recall,skip,serve):action>')
@require("card.redeem")
def move(entry_id: int, action: str):
    try:
        services.move(entry_id, action, _station())
    except ServiceError as exc:
        flash(say(exc.decision), "error")
    return redirect(url_for("queue.index", program=_program()))
