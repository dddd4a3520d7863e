"""Defects found by an outside probe (issue 9), each with a test that fails without its fix: input no database
stores is a 400 (never a 500), amounts have two decimals as written, an empty seal body removes nothing, a refund
withdrawn after the card ran out leaves it expired, no stored parameters keep a full ID number, and the embedded
database's file is its owner's alone."""

import datetime as dt
import json
import os
import stat

from sqlalchemy import select

from app.agreements.models import Agreement, AgreementKind
from app.extensions import db
from tests.conftest import DEFAULT_NOW, FRESH_KEYS, in_request, program_payload, valid_id_number


def _raw(api, method, path, body: bytes):
    return api.client.open(f"/api/v1{path}", method=method, data=body,
                           headers={**api._headers(), "Content-Type": "application/json"})


def test_input_no_database_can_store_is_a_400_not_a_500(api_as, login):
    consultant = api_as("consultant")
    deep = b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert (_raw(consultant, "POST", "/members", deep).status_code,
            _raw(consultant, "POST", "/members", deep).get_json()["error"]["code"]) == (400, "json_too_deep")
    surrogate = b'{"name": "\\ud800", "id_number": "11010519491231002X", "phone": "13800138000"}'
    lone = _raw(consultant, "POST", "/members", surrogate)
    assert (lone.status_code, lone.get_json()["error"]["code"]) == (400, "invalid_unicode")
    nul = consultant.post("/members", {"name": "张\x00三", "id_number": "11010519491231002X", "phone": "13800138000"})
    assert (nul.status_code, nul.get_json()["error"]["reasons"]) == (422, {"name": "control_characters"})
    assert consultant.get("/cards/26%00").get_json()["error"]["code"] == "nul_character"
    assert consultant.get("/members?q=%00").status_code == 400
    assert consultant.get("/members", query_string={"q": "张三"}).status_code == 200  # ordinary text passes
    browser = login("consultant")
    page = browser.get("/members/?q=%00")
    assert page.status_code == 400 and "NUL" in page.get_data(as_text=True)


def test_amounts_have_two_decimals_as_written(api_as, make_member):
    admin, consultant = api_as("admin"), api_as("consultant")
    assert admin.post("/programs", program_payload(code="FEN")).status_code == 201
    member = make_member()
    three = consultant.post("/cards", {"program": "FEN", "tier": "VIP", "member_id": member.id, "amount": "50000.000",
                                       "payment_method": "cash", "receipt_no": "F1"})
    assert (three.status_code, three.get_json()["error"]["reasons"]) == (422, {"amount": "amount_too_precise"})


def test_an_empty_seal_body_removes_nothing(api_as):
    from tests.conftest import signature_data_url
    admin = api_as("admin")
    assert admin.post("/programs", program_payload(code="SEAL1")).status_code == 201
    assert admin.put("/programs/SEAL1/seal", {"image": signature_data_url("章")}).get_json()["has_seal"] is True
    empty = admin.put("/programs/SEAL1/seal", {})
    assert (empty.status_code, empty.get_json()["error"]["reasons"]) == (422, {"image": "required"})
    assert admin.get("/programs/SEAL1").get_json()["has_seal"] is True
    assert admin.put("/programs/SEAL1/seal", {"image": None}).get_json()["has_seal"] is False  # said, not implied


def test_a_refund_withdrawn_after_the_card_ran_out_leaves_it_expired(app, api_as, make_card, make_program, clock):
    # A membership whose agreement gives a month's refund window (the online preset's gives none).
    card = make_card(program=make_program("online_membership", code="RUNOUT", validity_months=1, renewal_window_days=None,
                                          refund_window={"anchor": "issue_date", "opens_after_days": 0,
                                                         "closes_after_days": 30}))
    consultant = api_as("consultant")
    clock.at = DEFAULT_NOW + dt.timedelta(days=3)
    request = consultant.post(f"/cards/{card.number}/refund-requests", {"reason": "不想要了"}).get_json()
    clock.at = DEFAULT_NOW + dt.timedelta(days=60)  # the month ran out while the request waited
    consultant.post(f"/refund-requests/{request['id']}/cancel", {})
    assert consultant.get(f"/cards/{card.number}").get_json()["status"] == "expired"


def test_a_transfer_agreement_keeps_no_full_id_number_in_its_parameters(app, api_as, make_card, make_program,
                                                                         make_member):
    program = make_program(code="XFER-P", transfer_policy="with_approval", transfer_fee="100.00")
    card = make_card(program=program)
    newcomer = make_member(name="赵新", id_number=valid_id_number(77))
    consultant, admin = api_as("consultant"), api_as("admin")
    request = consultant.post(f"/cards/{card.number}/transfer", {"to_member_id": newcomer.id,
                                                                 "fee_receipt_no": "T1"}).get_json()
    assert admin.post(f"/transfer-requests/{request['id']}/approve", {}).status_code == 201
    from app.members.services import decrypt_id_number
    old_id = in_request(app, decrypt_id_number, card.member)
    params = db.session.scalars(select(Agreement.params).where(Agreement.kind == AgreementKind.TRANSFER)).all()
    assert params and all(old_id not in p and valid_id_number(77) not in p for p in params)
    assert json.loads(params[0])["from_id_number"].count("*") >= 8


def test_the_embedded_database_file_and_its_folder_are_made_private(tmp_path, monkeypatch):
    from app import create_app
    url = f"sqlite:///{tmp_path / 'instance-not-yet' / 'vipcards.sqlite3'}"
    create_app({"SQLALCHEMY_DATABASE_URI": url, **FRESH_KEYS})
    made = tmp_path / "instance-not-yet" / "vipcards.sqlite3"
    assert made.exists() and stat.S_IMODE(os.stat(made).st_mode) == 0o600
    made.chmod(0o644)
    create_app({"SQLALCHEMY_DATABASE_URI": url, **FRESH_KEYS})
    assert stat.S_IMODE(os.stat(made).st_mode) == 0o600


def test_a_name_with_an_emoji_is_refused_before_any_card_prints_it(api_as):
    refused = api_as("consultant").post("/members", {"name": "张三😀", "id_number": valid_id_number(515),
                                                      "phone": "13800138000"})
    assert (refused.status_code, refused.get_json()["error"]["reasons"]) == (422, {"name": "name_characters"})
