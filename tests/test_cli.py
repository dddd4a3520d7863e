from sqlalchemy import select

from app.cards.models import Card
from app.extensions import db
from app.members.models import Member
from app.programs.models import Program
from app.users.models import User


def test_users_create_and_token_whose_last_line_opens_the_api(app):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["users", "create", "lee", "--role", "consultant", "--password", "password-1"])
    assert created.exit_code == 0 and "created lee (consultant)" in created.output
    issued = runner.invoke(args=["users", "token", "lee"])
    assert issued.exit_code == 0
    token = issued.output.strip().splitlines()[-1]
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.get_json() == {"username": "lee", "display_name": "lee", "role": "consultant"}


def test_cli_errors_are_messages_not_tracebacks(app):
    runner = app.test_cli_runner()
    bad = runner.invoke(args=["users", "create", "lee", "--role", "consultant", "--password", "short"])
    assert bad.exit_code == 1 and "密码至少 8 个字符" in bad.output and "Traceback" not in bad.output
    missing = runner.invoke(args=["users", "token", "nobody"])
    assert missing.exit_code == 1 and "nobody" in missing.output


def test_demo_loads_one_programme_per_preset_and_only_into_an_empty_database(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "admin-demo-1" in first.output
    kinds = sorted((p.code, p.kind.value) for p in db.session.scalars(select(Program)))
    assert kinds == [("DEMO-ONLINE", "paid_membership"), ("DEMO-PRESALE", "presale_deposit"),
                     ("DEMO-RETAIL", "retail"), ("DEMO-ZZ", "presale_deposit")]
    assert {u.role.value for u in db.session.scalars(select(User))} == {"admin", "consultant", "counter", "auditor"}
    assert db.session.scalar(select(db.func.count(Member.id))) == 3
    from app.documents.pdf import converter_available
    shop = ["DEMO-RETAIL"] if converter_available() else []  # 李四's shop card, signed on screen, with purchases
    assert sorted(c.program.code for c in db.session.scalars(select(Card))) == ["DEMO-ONLINE", "DEMO-PRESALE", *shop]
    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "not loaded" in again.output
    refused = runner.invoke(args=["demo"])
    assert refused.exit_code == 1
    assert db.session.scalar(select(db.func.count(Program.id))) == 4
