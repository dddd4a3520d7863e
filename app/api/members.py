from __future__ import annotations

from flask import jsonify, request, url_for
from flask_login import current_user

from ..extensions import limiter
from ..members import services
from ..members.schemas import dump_member
from ..web import revealer
from . import bp, json_body, reject_unknown, require

MEMBER_FIELDS = ("name", "id_type", "id_number", "phone", "address", "postal_code")


@bp.get("/members")
def search_members():
    require("member.view")
    return jsonify({"members": [dump_member(m) for m in services.search_members(request.args.get("q", ""))]})


@bp.post("/members")
def register_member():
    require("member.manage")
    member, created = services.register_member(reject_unknown(json_body(), MEMBER_FIELDS), by=current_user)
    response = jsonify({**dump_member(member), "created": created})
    response.status_code = 201 if created else 200
    response.headers["Location"] = url_for("api.get_member", member_id=member.id)
    return response


@bp.get("/members/<id:member_id>")
def get_member(member_id: int):
    require("member.view")
    return jsonify(dump_member(services.get_member(member_id)))


@bp.patch("/members/<id:member_id>")
def update_member(member_id: int):
    require("member.manage")
    member = services.get_member(member_id)
    return jsonify(dump_member(services.update_member(member, reject_unknown(json_body(), MEMBER_FIELDS))))


@bp.post("/members/<id:member_id>/reveal")
@limiter.limit(services.reveal_limit, key_func=revealer)
def reveal_member(member_id: int):
    """The full ID number and phone, with a reason; logged, and limited per user (VIP_REVEAL_RATE_LIMIT)."""
    require("member.reveal_id")
    member = services.get_member(member_id)
    body = json_body() if request.content_length else {}
    reason = body.get("reason")
    return jsonify({"id": member.id, **services.reveal_identity(member, reason=reason, user=current_user)})
