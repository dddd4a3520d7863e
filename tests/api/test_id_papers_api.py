"""Identity papers through the API (DESIGN §10.1 ``id_type``): each kind registered, masked, found and unique by kind and
number; reissue checks the holder's own paper; exports, imports and documents name the kind."""

import io
import json

import pytest
from docx import Document as Docx
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.agreements.models import Agreement
from app.extensions import db
from app.members.models import Member
from tests.api.test_lifecycle_api import desk  # noqa: F401  (desk is a fixture)
from tests.conftest import program_payload
from tests.rules.test_id_papers import PERMANENT_2023, RESIDENCE_HK

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}
PAPERS = [  # kind, number as typed, canonical, masked
    ("passport", "e1234 5678", "E12345678", "E*****678"),
    ("hk_macao_permit", "H87654321", "H87654321", "H*****321"),
    ("taiwan_permit", "0561682001(D)", "0561682001D", "0*******01D"),
    ("hmt_residence_permit", RESIDENCE_HK, RESIDENCE_HK, RESIDENCE_HK[:3] + "*" * 11 + RESIDENCE_HK[-4:]),
    ("foreign_permanent_residence", PERMANENT_2023, PERMANENT_2023, PERMANENT_2023[:3] + "*" * 11 + PERMANENT_2023[-4:]),
    ("foreign_permanent_residence", "CAN110085061512", "CAN110085061512", "CAN********1512"),
]


def docx_text(content: bytes) -> str:
    doc = Docx(io.BytesIO(content))
    return "\n".join([p.text for p in doc.paragraphs] +
                     [cell.text for table in doc.tables for row in table.rows for cell in row.cells])


@pytest.mark.parametrize("id_type, typed, canonical, masked", PAPERS)
def test_each_kind_registers_masked_and_is_found_without_its_kind(api_as, id_type, typed, canonical, masked):
    api = api_as("consultant")
    response = api.post("/members", {"name": "Jane Doe", "id_type": id_type, "id_number": typed, "phone": "13800138000"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["id_type"], body["id_number_masked"]) == (id_type, masked)
    assert canonical not in response.get_data(as_text=True)
    found = api.get("/members", query_string={"q": typed.lower()}).get_json()["members"]
    assert [m["id"] for m in found] == [body["id"]]
    cards_found = api.get("/cards", query_string={"q": canonical})
    assert cards_found.status_code == 200 and cards_found.get_json()["total"] == 0  # no card yet, but a clean answer


def test_without_a_kind_the_number_is_a_resident_id(api_as):
    api = api_as("consultant")
    refused = api.post("/members", {"name": "Jane Doe", "id_number": "E12345678", "phone": "13800138000"}, headers=ZH)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["reasons"] == {"id_number": "id_number_format"}
    wrong = api.post("/members", {"name": "Jane Doe", "id_type": "passport", "id_number": "E1", "phone": "13800138000"},
                     headers=ZH)
    assert wrong.get_json()["error"]["reasons"] == {"id_number": "passport_number_format"}
    assert wrong.get_json()["error"]["fields"]["id_number"].startswith("护照号码由5至17位字母和数字组成")
    wrong_en = api.post("/members", {"name": "Jane Doe", "id_type": "hk_macao_permit", "id_number": "K12345678",
                                     "phone": "13800138000"}, headers=EN)
    assert "H or M followed by 8 digits" in wrong_en.get_json()["error"]["fields"]["id_number"]
    unknown = api.post("/members", {"name": "Jane Doe", "id_type": "library_card", "id_number": "123456",
                                    "phone": "13800138000"})
    assert unknown.status_code == 422 and "id_type" in unknown.get_json()["error"]["reasons"]


def test_uniqueness_is_per_kind_and_number(api_as):
    api = api_as("consultant")
    passport = api.post("/members", {"name": "Lee Chen", "id_type": "passport", "id_number": "12345678",
                                     "phone": "13800138000"})
    permit = api.post("/members", {"name": "李成", "id_type": "taiwan_permit", "id_number": "12345678",
                                   "phone": "13900139000"})
    assert (passport.status_code, permit.status_code) == (201, 201)  # the same digits on two papers: two people
    again = api.post("/members", {"name": "Lee Chen", "id_type": "passport", "id_number": "12345678",
                                  "phone": "13800138000"})
    assert again.status_code == 200 and again.get_json()["id"] == passport.get_json()["id"]
    other = api.post("/members", {"name": "Someone Else", "id_type": "passport", "id_number": "12345678",
                                  "phone": "13800138000"})
    assert (other.status_code, other.get_json()["error"]["code"]) == (409, "id_number_registered_other_name")
    found = api.get("/members", query_string={"q": "12345678"}).get_json()["members"]
    assert {m["id"] for m in found} == {passport.get_json()["id"], permit.get_json()["id"]}
    # Changing the permit holder's paper to the passport's kind would make them one: refused
    moved = api.patch(f"/members/{permit.get_json()['id']}", {"id_type": "passport", "id_number": "12345678"})
    assert (moved.status_code, moved.get_json()["error"]["code"]) == (409, "id_number_registered")
    # and a kind changed without the number again is refused too
    bare = api.patch(f"/members/{permit.get_json()['id']}", {"id_type": "passport"})
    assert bare.get_json()["error"]["reasons"] == {"id_number": "id_number_needed_for_type"}


def test_the_database_refuses_a_second_row_of_the_same_kind_and_number(app, make_member):
    first = make_member(name="Lee Chen", id_type="passport", id_number="G87654321")
    twin = Member(name="Lee Chen", id_type=first.id_type, id_number_encrypted=first.id_number_encrypted,
                  id_number_index=first.id_number_index, id_number_masked=first.id_number_masked, phone=first.phone,
                  created_at=first.created_at, updated_at=first.updated_at)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(twin)
        db.session.flush()


def test_reissue_takes_the_holders_own_paper(desk):  # noqa: F811
    assert desk["admin"].post("/programs", program_payload("presale_95", code="PAPERS")).status_code == 201
    consultant = desk["consultant"]
    lookalike = consultant.post("/members", {"name": "陈小明", "id_type": "hk_macao_permit", "id_number": "H12345678",
                                             "phone": "13900139000"})
    assert lookalike.status_code == 201
    holder = consultant.post("/members", {"name": "陈大明", "id_type": "passport", "id_number": "H12345678",
                                          "phone": "13800138000"}).get_json()
    assert holder["id_type"] == "passport"
    program = consultant.get("/programs/PAPERS").get_json()
    tier = program["tiers"][0]
    card = consultant.post("/cards", {"program": "PAPERS", "tier": tier["code"], "member_id": holder["id"],
                                      "amount": tier["amount"], "payment_method": "cash", "receipt_no": "R-1"}).get_json()
    consultant.sign_by_scan(card["agreement_id"])
    subscription = docx_text(consultant.get(f"/agreements/{card['agreement_id']}/document.docx").data)
    assert "证件类型" in subscription and "护照" in subscription and "H12345678" in subscription
    consultant.post(f"/cards/{card['number']}/report-loss", {"reason": "遗失"})
    wrong = consultant.post(f"/cards/{card['number']}/reissue", {"id_number": "H12345679", "fee_receipt_no": "F1"})
    assert (wrong.status_code, wrong.get_json()["error"]["reasons"]) == (422, {"id_number": "id_number_mismatch"})
    bad = consultant.post(f"/cards/{card['number']}/reissue", {"id_number": "H1", "fee_receipt_no": "F1"})
    assert bad.get_json()["error"]["reasons"] == {"id_number": "passport_number_format"}
    new = consultant.post(f"/cards/{card['number']}/reissue", {"id_number": "h1234 5678", "fee_receipt_no": "F1"})
    assert new.status_code == 201, new.get_json()
    agreement = db.session.scalar(select(Agreement).where(Agreement.id == new.get_json()["agreements"][0]["id"]))
    params = json.loads(agreement.params)
    assert params["member_id_type"] == "护照" and params["member_id_number"] == "H*****678"
    assert new.get_json()["holder"]["id_type"] == "passport"


def test_transfer_document_names_each_holders_paper(desk):  # noqa: F811
    assert desk["admin"].post("/programs", program_payload("presale_95", code="PAPERT",
                                                           transfer_policy="with_approval")).status_code == 201
    consultant = desk["consultant"]
    giver = consultant.post("/members", {"name": "林美", "id_type": "taiwan_permit", "id_number": "87654321",
                                         "phone": "13800138000"}).get_json()
    taker = consultant.post("/members", {"name": "Anna Berg", "id_type": "foreign_permanent_residence",
                                         "id_number": PERMANENT_2023, "phone": "13900139000"}).get_json()
    tier = consultant.get("/programs/PAPERT").get_json()["tiers"][0]
    card = consultant.post("/cards", {"program": "PAPERT", "tier": tier["code"], "member_id": giver["id"],
                                      "amount": tier["amount"], "payment_method": "cash", "receipt_no": "R-2"}).get_json()
    consultant.sign_by_scan(card["agreement_id"])
    asked = consultant.post(f"/cards/{card['number']}/transfer", {"to_member_id": taker["id"], "fee_receipt_no": "T1"})
    assert asked.get_json()["status"] == "pending", asked.get_json()
    new = desk["admin"].post(f"/transfer-requests/{asked.get_json()['id']}/approve", {"note": "核对无误"})
    assert new.status_code == 201, new.get_json()
    agreement_id = next(a["id"] for a in new.get_json()["agreements"] if a["kind"] == "transfer")
    text = docx_text(consultant.get(f"/agreements/{agreement_id}/document.docx").data)
    assert "台湾居民来往大陆通行证：87654321" in text and f"外国人永久居留身份证：{PERMANENT_2023}" in text


def test_exports_name_the_kind_in_words(api_as, make_member):
    make_member(name="Jane Doe", id_type="passport", id_number="E76543210")
    admin = api_as("admin")
    for headers, word in ((ZH, "护照"), (EN, "Passport")):
        ws = load_workbook(io.BytesIO(admin.get("/exports/members.xlsx", query_string={"q": "E76543210"},
                                                headers=headers).data)).active
        row = [c.value for c in ws[2]]
        assert word in row and "E*****210" in row, row


def test_import_sheet_takes_the_kind_in_chinese(app, api_as, make_program):
    from tests.imports.test_imports import good_row, sheet, upload

    program = make_program()
    api = api_as("admin")
    content = sheet([good_row(program, 1, **{"证件类型": "护照", "证件号码": "E99887766"}),
                     good_row(program, 2, **{"证件类型": "台胞证", "证件号码": "99887766"}),
                     good_row(program, 3, **{"证件类型": "驾驶证", "证件号码": "99887766"}),
                     # the digits of row 2 on another kind of paper, under another name: another person
                     good_row(program, 4, **{"证件类型": "护照", "证件号码": "99887766"})])
    assert upload(api, content, dry_run=True).get_json()["error_rows"] == 1
    job = upload(api, content, dry_run=False).get_json()
    assert (job["status"], job["created"], job["error_rows"]) == ("done", 3, 1), job
    kinds = {m.id_type.value for m in db.session.scalars(select(Member).where(Member.name.in_(["导入1", "导入2"])))}
    assert kinds == {"passport", "taiwan_permit"}
    errors = api.get(f"/imports/{job['id']}").get_json()["errors"]
    assert "护照" in json.dumps(errors, ensure_ascii=False) and "外国人永久居留身份证" in json.dumps(errors, ensure_ascii=False)


def test_digits_that_are_a_passport_and_a_mobile_find_both(api_as, make_card, make_member):
    api = api_as("consultant")
    by_phone = make_member(name="王五", phone="13900001111")
    by_passport = make_member(name="Sam Lee", id_type="passport", id_number="13900001111", phone="13800138000")
    found = api.get("/members", query_string={"q": "13900001111"}).get_json()["members"]
    assert {m["id"] for m in found} == {by_phone.id, by_passport.id}
    card = make_card(member=by_phone)
    assert [m["id"] for m in api.get("/members", query_string={"q": card.number}).get_json()["members"]] == [by_phone.id]
    listed = api.get("/cards", query_string={"q": card.number}).get_json()["items"]
    assert [c["number"] for c in listed] == [card.number]
    passport_card = make_card(member=by_passport)
    listed = api.get("/cards", query_string={"q": "13900001111"}).get_json()["items"]
    assert {c["number"] for c in listed} == {card.number, passport_card.number}
