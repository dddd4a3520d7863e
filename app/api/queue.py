"""Opening-day arrivals and calling (DESIGN §10.1, §12)."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from ..queue import services
from ..queue.schemas import CheckIn, CounterQuery, DrawIn, HolderCheckIn, ScreenIn
from ..tokens import public_url
from . import body, bp, query, require
from .responses import CallScreen, CallScreens, Draw, NewCallScreen, QueueEntries, QueueEntry
from .spec import operation


@bp.post("/verify/<token>/check-in")
@operation({201: QueueEntry, 200: QueueEntry}, body=CheckIn, errors=(409,),
           describe={201: "The day's next number", 200: "Already checked in: the same number"})
def check_in(token: str):
    """The holder of the scanned card arrived: the card's queue number for today"""
    require("card.redeem")
    entry, new = services.check_in(token, CheckIn.read(body(CheckIn)).program, by=current_user)
    response = jsonify(services.dump_entry(entry))
    response.status_code = 201 if new else 200
    return response


@bp.get("/queue")
@operation({200: QueueEntries}, query=CounterQuery, errors=(404,))
def queue():
    """Today's arrivals of a programme, in order"""
    require("card.view")
    return jsonify({"entries": [services.dump_entry(e) for e in services.entries(query(CounterQuery).program)]})


@bp.post("/queue/call-next")
@operation({200: QueueEntry}, query=CounterQuery, errors=(404, 409))
def call_next():
    """Call the next waiting number to this counter"""
    require("card.redeem")
    counter = query(CounterQuery)
    return jsonify(services.dump_entry(services.call_next(counter.program, counter.station, by=current_user)))


@bp.post("/queue/<id:entry_id>/recall", defaults={"action": "recall"})
@bp.post("/queue/<id:entry_id>/skip", defaults={"action": "skip"})
@bp.post("/queue/<id:entry_id>/serve", defaults={"action": "serve"})
@operation({200: QueueEntry}, query=CounterQuery, errors=(409,))
def move(entry_id: int, action: str):
    """A called number is served or skipped; a called or skipped one is called again"""
    require("card.redeem")
    return jsonify(services.dump_entry(services.move(entry_id, action, query(CounterQuery).station, by=current_user)))


@bp.post("/queue/check-in")
@operation({201: QueueEntry, 200: QueueEntry}, body=HolderCheckIn, errors=(404, 409))
def check_in_holder():
    """The card left at home: the holder's ID finds their card usable here today, and its number for today"""
    require("card.redeem")
    entry, new = services.check_in_holder(body(HolderCheckIn), by=current_user)
    response = jsonify(services.dump_entry(entry))
    response.status_code = 201 if new else 200
    return response


@bp.get("/queue/screens")
@operation({200: CallScreens}, query=CounterQuery, errors=(404,))
def list_screens():
    """The programme's call screens"""
    require("program.manage")
    return jsonify({"screens": [_screen(s) for s in services.screens(query(CounterQuery).program)]})


@bp.post("/queue/screens")
@operation({201: NewCallScreen}, body=ScreenIn, query=CounterQuery, errors=(404,))
def create_screen():
    """A call screen, with its url shown this once (the link is the screen's only key)"""
    require("program.manage")
    screen, secret = services.create_screen(query(CounterQuery).program, body(ScreenIn), by=current_user)
    response = jsonify(_screen(screen) | {"url": public_url(f"/screen/{secret}")})
    response.status_code = 201
    return response


@bp.post("/queue/screens/<id:screen_id>/revoke")
@operation({200: CallScreen})
def revoke_screen(screen_id: int):
    """The screen's link stops working"""
    require("program.manage")
    return jsonify(_screen(services.revoke_screen(screen_id, by=current_user)))


def _screen(screen) -> dict:
    return {"id": screen.id, "program": screen.program.code, "name": screen.name, "english": screen.english,
            "created_at": screen.created_at.isoformat(),
            "revoked_at": screen.revoked_at.isoformat() if screen.revoked_at else None}


@bp.post("/queue/draws")
@operation({201: Draw}, body=DrawIn, query=CounterQuery, errors=(404, 409))
def run_draw():
    """摇号 over today's waiting arrivals: the draw with its entrants, order and whether it reproduces"""
    require("program.manage")
    draw = services.run_draw(query(CounterQuery).program, body(DrawIn), by=current_user)
    response = jsonify(services.dump_draw(draw))
    response.status_code = 201
    return response


@bp.get("/queue/draws/<id:draw_id>")
@operation({200: Draw})
def get_draw(draw_id: int):
    """A draw, with whether it reproduces from its seed"""
    require("card.view")
    return jsonify(services.dump_draw(services.get_draw(draw_id)))
