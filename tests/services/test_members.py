import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.members import services
from app.members.models import Member
from tests.conftest import valid_id_number

ID = "11010519491231002X"


def register(**data):
    base = {"name": "张三", "id_number": ID, "phone": "13800138000"}
    return services.register_member({**base, **data}, by=None)


def test_id_number_is_encrypted_with_a_blind_index_and_masked(app, ctx):
    member, created = register()
    assert created
    assert member.id_number_masked == "110***********002X"
    assert ID.encode() not in member.id_number_encrypted
    assert services.decrypt_id_number(member) == ID
    row = db.session.execute(select(Member.__table__)).mappings().one()
    assert ID not in str(dict(row))


def test_same_id_number_and_name_leads_to_the_existing_member(app, ctx):
    first, _ = register()
    again, created = register(id_number="110105 19491231 002x", phone="13900139000")
    assert (again.id, created) == (first.id, False)
    assert db.session.scalar(select(db.func.count(Member.id))) == 1
    assert again.phone == "13800138000"  # nothing overwritten by a repeated registration


def test_same_id_number_under_another_name_is_refused(app, ctx):
    first, _ = register()
    with pytest.raises(Conflict) as caught:
        register(name="李四")
    assert caught.value.code == "id_number_registered_other_name"
    assert caught.value.extra["member_id"] == first.id


def test_bad_fields_leave_nothing_behind(app, ctx):
    with pytest.raises(ValidationFailed) as caught:
        register(id_number="110105194912310021", phone="12345")
    assert {k: d.code for k, d in caught.value.fields.items()} == {"id_number": "id_checksum_invalid", "phone": "phone_invalid"}
    assert db.session.scalar(select(db.func.count(Member.id))) == 0
    assert db.session.scalar(select(db.func.count(AuditEntry.id))) == 0


def test_search_by_exact_id_number_phone_card_number_or_name_start(app, ctx, make_card):
    a, _ = register()
    b, _ = services.register_member({"name": "欧阳明月", "id_number": valid_id_number(7), "phone": "15800001111"}, by=None)

    def found(q):
        return services.list_members({"q": q}).members

    assert found(ID) == [a]
    assert found("110105") == []  # partial ID numbers find nothing: the index is exact-only
    assert found("158") == [b]  # a mobile's first digits
    assert found("0001111") == []  # not its middle: that would read every row
    assert found("+86 158 0000 1111") == [b]
    assert found("欧阳") == [b]
    assert found("明月") == []  # the start of a name, not its middle
    assert found("100%") == [] and found("欧_") == []  # LIKE's wildcards are letters here
    card = make_card(member=a)
    assert found(card.number) == [a]  # a card number finds its holder
    assert found("") == [b, a]  # newest first
def test_reveal_returns_the_number_and_is_logged(app, ctx, make_user):
    member, _ = register()
    assert services.reveal_identity(member, reason="核对协议", user=make_user("admin")) == {"id_number": ID, "phone": "13800138000"}
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "member.identity_revealed")).one()
    assert entry.payload == {"id_number_masked": "110***********002X", "reason": "核对协议"}


def test_edit_cannot_take_another_members_id_number(app, ctx):
    a, _ = register()
    b, _ = services.register_member({"name": "李四", "id_number": valid_id_number(3), "phone": "13900139000"}, by=None)
    with pytest.raises(Conflict) as caught:
        services.update_member(b, {"id_number": ID}, by=None)
    assert caught.value.fields["id_number"].code == "id_number_registered"
    with pytest.raises(ValidationFailed) as caught:
        services.update_member(b, {"id_type": "uscc"}, by=None)  # a new kind of document needs its number
    assert caught.value.fields["id_number"].code == "id_number_needed_for_type"
    services.update_member(b, {"id_type": "uscc", "id_number": "91110000600037341L"}, by=None)
    assert (b.id_type.value, b.id_number_masked) == ("uscc", "911***********341L")
    services.update_member(b, {"phone": "+86 13700137000", "address": "新地址"}, by=None)
    assert (b.phone, b.address) == ("13700137000", "新地址")
    update = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "member.updated").order_by(AuditEntry.id.desc())).first()
    assert update.payload["phone_masked"] == {"from": "139****9000", "to": "137****7000"}


def test_data_key_separates_installations(app, ctx):
    from app.crypto import DataCipher
    member, _ = register()
    other = DataCipher("another-installation-key")
    with pytest.raises(ValueError, match="VIP_DATA_KEY"):
        other.decrypt(member.id_number_encrypted, context="member.id_number")
    assert other.blind_index(ID, context="member.id_number") != member.id_number_index
