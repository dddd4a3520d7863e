from __future__ import annotations

from flask import jsonify, request, url_for
from flask_babel import gettext

from ..agreements.schemas import read_signature
from ..cards.services import cards_affected_by_opening_day
from ..errors import NotFound, ValidationFailed
from ..programs import presets, services
from ..programs.schemas import dump_program
from ..rules import N_, refuse
from ..signing import services as signing
from . import bp, json_body, reject_unknown, require

PROGRAM_FIELDS = ("code", "name", "kind", "status", "issuer_name", "project_name", "contact_phone", "issuer_address",
                  "issuer_credit_code", "issuer_legal_rep", "dispute_resolution", "dispute_body", "copies", "copies_held_by",
                  "presale_permit_no", "presale_permit_date", "opening_date", "refund_window", "transfer_policy",
                  "transfer_fee", "reissue_fee", "validity_months", "valid_until", "renewal_window_days",
                  "max_active_cards_per_member", "multiple_redemptions", "termination_notice_days",
                  "payment_due_days", "card_design", "redeemable_uses", "contract_sign_days", "tiers")


@bp.get("/programs")
def list_programs():
    require("program.view")
    return jsonify({"programs": [dump_program(p) for p in services.list_programs()]})


@bp.post("/programs")
def create_program():
    require("program.manage")
    program = services.create_program(reject_unknown(json_body(), PROGRAM_FIELDS))
    response = jsonify(dump_program(program))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_program", code=program.code)
    return response


@bp.get("/programs/<code>")
def get_program(code: str):
    require("program.view")
    return jsonify(dump_program(services.get_program(code)))


@bp.patch("/programs/<code>")
def update_program(code: str):
    require("program.manage")
    program = services.get_program(code)
    body = reject_unknown(json_body(), PROGRAM_FIELDS)
    before = program.opening_date
    program = services.update_program(program, body)
    result = dump_program(program)
    if program.opening_date != before:  # nobody is notified; the list says whose refund window moved
        result["affected_cards"] = cards_affected_by_opening_day(program)
    return jsonify(result)


@bp.get("/program-presets")
def list_presets():
    require("program.view")
    return jsonify({"presets": [{"key": k, "label": gettext(presets.preset_label(k)), "program": presets.preset(k)}
                                for k in presets.PRESET_KEYS]})


@bp.get("/program-presets/<key>")
def get_preset(key: str):
    require("program.view")
    if key not in presets.PRESET_KEYS:
        raise NotFound(refuse("preset_not_found", N_("No preset is called %(key)s."), key=key))
    return jsonify({"key": key, "label": gettext(presets.preset_label(key)), "program": presets.preset(key)})


@bp.put("/programs/<code>/seal")
def set_seal(code: str):
    """The issuer's seal: {"image": "data:image/png;base64,…"}, or {"image": null} to remove it."""
    require("program.manage")
    program = services.get_program(code)
    body = reject_unknown(json_body(), ("image",))
    if "image" not in body:  # an empty body must not quietly remove the seal
        raise ValidationFailed({"image": refuse("required", N_("This field is required."))})
    png = None
    if body.get("image") is not None:
        problem, png = read_signature(body["image"])
        if problem:
            raise ValidationFailed({"image": problem})
    return jsonify(dump_program(services.set_seal(program, png)))


@bp.get("/programs/<code>/certificate")
def get_certificate(code: str):
    """The certificate this programme's agreements are sealed under (null before the first sealing)."""
    require("program.view")
    program = services.get_program(code)
    return jsonify({"certificate": signing.dump_certificate(signing.current_certificate(program))})


@bp.put("/programs/<code>/certificate")
def put_certificate(code: str):
    """The issuer's PKCS#12 as multipart ``file`` with its ``password`` (used once, never stored)."""
    require("program.manage")
    program = services.get_program(code)
    upload = request.files.get("file")
    row = signing.upload_pkcs12(program, upload.read(signing.MAX_PKCS12_BYTES + 1) if upload else None,
                                request.form.get("password"))
    return jsonify({"certificate": signing.dump_certificate(row)})
