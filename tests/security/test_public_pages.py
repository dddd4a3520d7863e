"""What anyone without an account can see: the card verdict (/v/…), the document check (/d/…, /check), the call
screen's board. None of them shows a full ID number, a full phone number or a full name, whatever the card's state;
and ids in staff URLs give nothing to a role that may not see them (IDOR)."""

import io
import re

from app import tokens
from tests.conftest import PDF_BYTES, csrf_token, in_request


def _leaks(text: str, member) -> list[str]:
    digits = re.sub(r"\D", "", text)
    found = []
    if member.phone in digits or member.phone in text:
        found.append("phone")
    id_number = "11010519491231002X"
    if id_number in text or id_number[:-1] in digits:
        found.append("id")
    if member.name in text:
        found.append("name")
    return found


def test_public_pages_show_no_full_id_phone_or_name(app, make_card, make_member, api_as):
    member = make_member(name="欧阳明月", id_number="11010519491231002X", phone="13912345678")
    card = make_card(member=member)
    client = app.test_client()
    card_token = in_request(app, tokens.card_token, card.public_id, card.generation)
    agreement = card.agreements[0]
    document_token = in_request(app, tokens.sign, tokens.DOCUMENT, agreement.public_id)
    pages = {"/v/": client.get(f"/v/{card_token}"), "/v/ en": client.get(f"/v/{card_token}?lang=en"),
             "/d/": client.get(f"/d/{document_token}")}
    check = client.get("/check")
    pages["/check upload"] = client.post("/check", data={"csrf_token": csrf_token(check.get_data(as_text=True)),
                                                         "file": (io.BytesIO(PDF_BYTES), "a.pdf")})
    admin, counter = api_as("admin"), api_as("counter")
    screen = admin.post(f"/queue/screens?program={card.program.code}", {"name": "大厅"}).get_json()
    assert counter.post(f"/verify/{card_token}/check-in", {"program": card.program.code}).status_code == 201
    secret = screen["url"].rsplit("/screen/", 1)[1]
    pages["board"] = client.get(f"/screen/{secret}/board.json")
    pages["screen"] = client.get(f"/screen/{secret}")
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert _leaks(response.get_data(as_text=True), member) == [], name
    assert "欧阳**" in pages["/v/"].get_data(as_text=True) or "欧*" in pages["/v/"].get_data(as_text=True)


def test_ids_in_staff_urls_open_nothing_for_roles_that_may_not_see_them(api_as, make_card, login):
    """Every agreement id and member id there is, tried by a counter through the API and the web: all refused."""
    cards = [make_card() for _ in range(3)]
    counter, browser = api_as("counter"), login("counter")
    for card in cards:
        for path in (f"/agreements/{card.agreements[0].id}/document", f"/agreements/{card.agreements[0].id}/document.pdf",
                     f"/members/{card.member.id}", f"/members/{card.member.id}/history"):
            assert counter.get(path).status_code == 403, path
        assert counter.post(f"/members/{card.member.id}/reveal", {"reason": "curious"}).status_code == 403
        for path in (f"/members/{card.member.id}", f"/agreements/{card.agreements[0].id}/document.pdf"):
            assert browser.get(path).status_code == 403, path
