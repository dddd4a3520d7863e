from __future__ import annotations

from flask import jsonify, url_for
from flask_babel import gettext
from flask_login import current_user

from ..cards.services import cards_affected_by_opening_day
from ..errors import NotFound
from ..programs import presets, services
from ..programs.schemas import CertificateUpload, ProgramIn, ProgramPatch, SealIn, dump_program
from ..rules import N_, refuse
from ..signing import services as signing
from . import body, bp, require, upload
from .responses import Certificate, Preset, PresetList, Program, ProgramChanged, ProgramList
from .spec import operation


@bp.get("/programs")
@operation({200: ProgramList})
def list_programs():
    """List programmes"""
    require("program.view")
    return jsonify({"programs": [dump_program(p) for p in services.list_programs()]})


@bp.post("/programs")
@operation({201: Program}, body=ProgramIn, errors=(409,))
def create_program():
    """Create a programme (admin)"""
    require("program.manage")
    program = services.create_program(body(ProgramIn), by=current_user)
    response = jsonify(dump_program(program))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_program", code=program.code)
    return response


@bp.get("/programs/<code>")
@operation({200: Program})
def get_program(code: str):
    """Read a programme"""
    require("program.view")
    return jsonify(dump_program(services.get_program(code)))


@bp.patch("/programs/<code>")
@operation({200: ProgramChanged}, body=ProgramPatch, errors=(409,))
def update_program(code: str):
    """Change any fields of a programme (admin); the result is validated whole

    Tiers, when given, replace the list (matched by code; tiers with cards keep their terms). When the opening day
    moves, the answer adds affected_cards: the cards held and their refund windows now (nobody is notified)."""
    require("program.manage")
    program = services.get_program(code)
    changes = body(ProgramPatch)
    before = program.opening_date
    program = services.update_program(program, changes, by=current_user)
    result = dump_program(program)
    if program.opening_date != before:  # nobody is notified; the list says whose refund window moved
        result["affected_cards"] = cards_affected_by_opening_day(program)
    return jsonify(result)


@bp.get("/program-presets")
@operation({200: PresetList})
def list_presets():
    """The four starting points (pre-sale 9.5折, value-add, retail VIP, paid online membership)"""
    require("program.view")
    return jsonify({"presets": [{"key": k, "label": gettext(presets.preset_label(k)), "program": presets.preset(k)}
                                for k in presets.PRESET_KEYS]})


@bp.get("/program-presets/<key>")
@operation({200: Preset})
def get_preset(key: str):
    """One preset"""
    require("program.view")
    if key not in presets.PRESET_KEYS:
        raise NotFound(refuse("preset_not_found", N_("No preset is called %(key)s."), key=key))
    return jsonify({"key": key, "label": gettext(presets.preset_label(key)), "program": presets.preset(key)})


@bp.put("/programs/<code>/seal")
@operation({200: Program}, body=SealIn)
def set_seal(code: str):
    """Set or remove the issuer's seal stamped on sealed agreements"""
    require("program.manage")
    program = services.get_program(code)
    seal = SealIn.read(body(SealIn))
    return jsonify(dump_program(services.set_seal(program, seal.image, by=current_user)))


@bp.get("/programs/<code>/certificate")
@operation({200: Certificate})
def get_certificate(code: str):
    """The certificate this programme's agreements are sealed under (null before the first sealing)

    kind uploaded, or demo: not for production."""
    require("program.view")
    program = services.get_program(code)
    return jsonify({"certificate": signing.dump_certificate(signing.current_certificate(program))})


@bp.put("/programs/<code>/certificate")
@operation({200: Certificate}, multipart=CertificateUpload)
def put_certificate(code: str):
    """Upload the issuer's PKCS#12; the previous certificate is retired

    The password opens it once and is never stored; the key is kept encrypted."""
    require("program.manage")
    program = services.get_program(code)
    sent = upload(CertificateUpload)
    content = sent.file.read(signing.MAX_PKCS12_BYTES + 1) if sent.file else None
    row = signing.upload_pkcs12(program, content, sent.password, by=current_user)
    return jsonify({"certificate": signing.dump_certificate(row)})
