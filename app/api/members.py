from __future__ import annotations

from flask import jsonify, url_for
from flask_login import current_user

from ..extensions import limiter
from ..members import services
from ..members.schemas import MemberFilters, MemberIn, MemberPatch, RevealIn, dump_member
from ..web import revealer
from . import body, bp, optional_body, query, require
from .responses import Member, MemberList, RegisteredMember, Revealed
from .spec import operation


@bp.get("/members")
@operation({200: MemberList}, query=MemberFilters)
def search_members():
    """Members, newest first, a page at a time: all, or those a full ID number, mobile (or its first digits), card
    number or the start of a name finds"""
    require("member.view")
    page = services.list_members(query(MemberFilters))
    return jsonify({"members": [dump_member(m) for m in page.members], "next_before": page.next_before})


@bp.post("/members")
@operation({201: RegisteredMember, 200: RegisteredMember}, body=MemberIn, errors=(409,), describe={
    200: "Already registered under the same name: the member as on file (PATCH to change it)",
    409: "id_number_registered: the ID number belongs to a member of another name (error.member_id)"})
def register_member():
    """Register a member"""
    require("member.manage")
    member, created = services.register_member(body(MemberIn), by=current_user)
    response = jsonify({**dump_member(member), "created": created})
    response.status_code = 201 if created else 200
    response.headers["Location"] = url_for("api.get_member", member_id=member.id)
    return response


@bp.get("/members/<id:member_id>")
@operation({200: Member})
def get_member(member_id: int):
    """Read a member (personal numbers masked)"""
    require("member.view")
    return jsonify(dump_member(services.get_member(member_id)))


@bp.patch("/members/<id:member_id>")
@operation({200: Member}, body=MemberPatch, errors=(409,))
def update_member(member_id: int):
    """Change a member's fields"""
    require("member.manage")
    member = services.get_member(member_id)
    return jsonify(dump_member(services.update_member(member, body(MemberPatch), by=current_user)))


@bp.post("/members/<id:member_id>/reveal")
@limiter.limit(services.reveal_limit, key_func=revealer)
@operation({200: Revealed}, body=RevealIn, errors=(429,))
def reveal_member(member_id: int):
    """The full ID number and phone, with the reason

    Every call is in the audit log; VIP_REVEAL_RATE_LIMIT per user (429 beyond). Consultants see only members they
    registered or issued a card to (403 reveal_out_of_scope); ten reveals in ten minutes alert the managers."""
    require("member.reveal_id")
    member = services.get_member(member_id)
    reason = optional_body(RevealIn).get("reason")
    return jsonify({"id": member.id, **services.reveal_identity(member, reason=reason, user=current_user)})
