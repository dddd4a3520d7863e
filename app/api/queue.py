"""Opening-day arrivals and calling (DESIGN §10.1, §12)."""

from __future__ import annotations

from flask import jsonify, request

from ..queue import services
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
