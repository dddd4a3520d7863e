"""The selection desks' queue page: today's arrivals in order, call the next, recall, skip, serve."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user

from ..errors import ServiceError, ValidationFailed
from ..i18n import say
from ..programs.services import list_programs
from ..tokens import public_url
from ..users.roles import can
from ..web import field_errors, require
from . import services
from .models import QueueStatus

bp = Blueprint("queue", __name__)


def _program() -> str | None:
    return request.values.get("program") or session.get("counter_program")


def _station() -> str:
    return session.get("counter_station") or current_user.username  # as the counter page names it


def _explain(error: ServiceError) -> str:
    if isinstance(error, ValidationFailed):
        return " ".join(field_errors(error).values())
    return say(error.decision)


@bp.get("/queue")
@require("card.redeem")
def index():
    program = _program()
    manager = can(current_user, "program.manage")
    return render_template("queue/index.html", programs=list_programs(), program=program,
                           entries=services.entries(program) if program else [], statuses=QueueStatus,
                           screens=services.screens(program) if program and manager else [],
                           draw=services.todays_draw(program) if program else None,
                           new_screen_url=session.pop("new_screen_url", None))


@bp.post("/queue/call-next")
@require("card.redeem")
def call_next():
    program = _program()
    try:
        entry = services.call_next(program, _station(), by=current_user)
        flash(gettext("Number %(n)s, please.", n=entry.number), "success")
    except ServiceError as exc:
        flash(say(exc.decision), "error")
    return redirect(url_for("queue.index", program=program))


@bp.post('/queue/<id:entry_id>/<any(recall,skip,serve):action>')
@require("card.redeem")
def move(entry_id: int, action: str):
    try:
        services.move(entry_id, action, _station(), by=current_user)
    except ServiceError as exc:
        flash(say(exc.decision), "error")
    return redirect(url_for("queue.index", program=_program()))


# Call screens and the lottery: managers -------------------------------------------------------------------------

@bp.post("/queue/screens")
@require("program.manage")
def create_screen():
    program = _program()
    try:
        screen, secret = services.create_screen(program, {"name": request.form.get("name", ""),
                                                          "english": "english" in request.form}, by=current_user)
    except ServiceError as exc:
        flash(_explain(exc), "error")
        return redirect(url_for("queue.index", program=program))
    # The link is the screen's only key and is not kept: shown once, to open on the display or bookmark there.
    session["new_screen_url"] = public_url(url_for("queue.screen", secret=secret))
    flash(gettext("Screen “%(name)s” created: open the link below on the display.", name=screen.name), "success")
    return redirect(url_for("queue.index", program=program))


@bp.post("/queue/screens/<id:screen_id>/revoke")
@require("program.manage")
def revoke_screen(screen_id: int):
    services.revoke_screen(screen_id, by=current_user)
    flash(gettext("The screen's link no longer works."), "success")
    return redirect(url_for("queue.index", program=_program()))


@bp.post("/queue/draws")
@require("program.manage")
def run_draw():
    program = _program()
    try:
        draw = services.run_draw(program, {"seed": request.form.get("seed", "")}, by=current_user)
    except ServiceError as exc:
        flash(_explain(exc), "error")
        return redirect(url_for("queue.index", program=program))
    flash(gettext("The draw is done: numbers are now called in the order drawn."), "success")
    return redirect(url_for("queue.draw", draw_id=draw.id))


@bp.get("/queue/draws/<id:draw_id>")
@require("card.view")
def draw(draw_id: int):
    """The record of a draw, printable for the notary: seed, algorithm, the list drawn from, the order, and a check
    that the order follows from the seed."""
    return render_template("queue/draw.html", draw=services.dump_draw(services.get_draw(draw_id)))


# The call screen itself: no login, the link is the key ----------------------------------------------------------

@bp.get("/screen/<secret>")
def screen(secret: str):
    found = services.screen_for(secret)
    if found is None:
        return render_template("queue/screen_gone.html"), 404
    return render_template("queue/screen.html", board=services.board(found), screen=found,
                           state_url=url_for("queue.screen_state", secret=secret))


@bp.get("/screen/<secret>/board.json")
def screen_state(secret: str):
    found = services.screen_for(secret)
    if found is None:
        return jsonify({"error": {"code": "call_screen_not_found"}}), 404
    response = jsonify(services.board(found))
    response.headers["Cache-Control"] = "no-store"
    return response
