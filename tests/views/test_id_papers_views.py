"""The member form and page with the other kinds of ID document, in Chinese and in English."""

from sqlalchemy import select

from app.extensions import db
from app.members.models import Member
from tests.conftest import form_post

LEE = {"name": "Lee Chen", "id_type": "hk_macao_permit", "id_number": "H 8765 4321", "phone": "13800138000",
       "address": "", "postal_code": ""}


def test_register_a_permit_holder_in_chinese(login):
    client = login("consultant")
    form = client.get("/members/new").get_data(as_text=True)
    for name in ("居民身份证", "护照", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "港澳台居民居住证", "外国人永久居留身份证"):
        assert name in form
    response = form_post(client, "/members/new", LEE)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "港澳居民来往内地通行证" in page and "H*****321" in page and "H87654321" not in page
    found = client.get("/members/?q=h87654321").get_data(as_text=True)  # the search box does not ask for the kind
    assert "Lee Chen" in found


def test_a_wrong_number_for_its_kind_is_explained_in_either_language(login):
    client = login("consultant")
    chinese = form_post(client, "/members/new", {**LEE, "id_number": "K12345678"})
    assert chinese.status_code == 422 and "港澳居民来往内地通行证号码为 H 或 M 加8位数字" in chinese.get_data(as_text=True)
    english = form_post(client, "/members/new?lang=en", {**LEE, "id_type": "passport", "id_number": "E1"})
    assert english.status_code == 422 and "A passport number has 5 to 17 letters and digits" in english.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(Member.id))) == 0


def test_the_member_page_in_english_names_the_paper(login, make_member):
    member = make_member(name="Anna Berg", id_type="passport", id_number="X1234567")
    client = login("consultant")
    page = client.get(f"/members/{member.id}?lang=en").get_data(as_text=True)
    assert "Passport" in page and "X****567" in page
    edit = client.get(f"/members/{member.id}/edit?lang=en").get_data(as_text=True)
    assert "Foreign permanent residence card" in edit and "X****567" in edit


def test_the_card_page_names_the_holders_paper_and_asks_for_its_number_at_reissue(login, make_card, make_member):
    from app.cards.lifecycle import report_loss
    from tests.conftest import in_request

    holder = make_member(name="Anna Berg", id_type="passport", id_number="X1234567")
    card = make_card(member=holder)
    client = login("consultant")
    page = client.get(f"/cards/{card.number}").get_data(as_text=True)
    assert "护照 X****567" in page
    in_request(client.application, report_loss, card.id, {"reason": "遗失"}, by=None)
    lost = client.get(f"/cards/{card.number}").get_data(as_text=True)
    assert "持卡人出示的证件号码（护照）" in lost
    assert "ID number (Passport), from the document shown" in client.get(f"/cards/{card.number}?lang=en").get_data(
        as_text=True)
