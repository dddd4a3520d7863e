"""Opening-day arrivals and calling (DESIGN §10.1, §12)."""

from __future__ import annotations

from flask import jsonify, request

from ..queue import services
from ..tokens import public_url
from . import bp, json_body, reject_unknown, require


@bp.post("/verify/<token>/check-in")
def check_in(token: str):
    """{"program"} → the card's queue number for today (201 the first time, 200 with the same number after)."""
    require("card.redeem")
    body = reject_unknown(json_body(), ("program",))
    entry, new = services.check_in(token, body.get("program"))
    response = jsonify(services.dump_entry(entry))
    response.status_code = 201 if new else 200
    return response


@bp.get("/queue")
def queue():
    require("card.view")
    return jsonify({"entries": [services.dump_entry(e) for e in services.entries(request.args.get("program"))]})


@bp.post("/queue/call-next")
def call_next():
    require("card.redeem")
    return jsonify(services.dump_entry(services.call_next(request.args.get("program"), request.args.get("station"))))


@bp.post("/queue/<id:entry_id>/recall", defaults={"action": "recall"})
@bp.post("/queue/<id:entry_id>/skip", defaults={"action": "skip"})
@bp.post("/queue/<id:entry_id>/serve", defaults={"action": "serve"})
def move(entry_id: int, action: str):
    """A called number is served or skipped; a called or skipped one is called again."""
    require("card.redeem")
    return jsonify(services.dump_entry(services.move(entry_id, action, request.args.get("station"))))


@bp.post("/queue/check-in")
def check_in_holder():
    """The card left at home: {"program", "id_number", "phone"?} → the holder's card's number for today."""
    require("card.redeem")
    entry, new = services.check_in_holder(reject_unknown(json_body(), ("program", "id_number", "phone")))
    response = jsonify(services.dump_entry(entry))
    response.status_code = 201 if new else 200
    return response


@bp.get("/queue/screens")
def list_screens():
    require("program.manage")
    return jsonify({"screens": [_screen(s) for s in services.screens(request.args.get("program"))]})


@bp.post("/queue/screens")
def create_screen():
    """{"name", "english"?} → the screen with its `url`, shown this once (the link is the screen's only key)."""
    require("program.manage")
    screen, secret = services.create_screen(request.args.get("program"),
                                            reject_unknown(json_body(), ("name", "english")))
    response = jsonify(_screen(screen) | {"url": public_url(f"/screen/{secret}")})
    response.status_code = 201
    return response


@bp.post("/queue/screens/<id:screen_id>/revoke")
def revoke_screen(screen_id: int):
    require("program.manage")
    return jsonify(_screen(services.revoke_screen(screen_id)))


def _screen(screen) -> dict:
    return {"id": screen.id, "program": screen.program.code, "name": screen.name, "english": screen.english,
            "created_at": screen.created_at.isoformat(),
            "revoked_at": screen.revoked_at.isoformat() if screen.revoked_at else None}


@bp.post("/queue/draws")
def run_draw():
    """摇号 over today's waiting arrivals: {"seed"?} → the draw with its entrants, order and whether it reproduces."""
    require("program.manage")
    draw = services.run_draw(request.args.get("program"), reject_unknown(json_body(), ("seed",)))
    response = jsonify(services.dump_draw(draw))
    response.status_code = 201
    return response


@bp.get("/queue/draws/<id:draw_id>")
def get_draw(draw_id: int):
    require("card.view")
    return jsonify(services.dump_draw(services.get_draw(draw_id)))
