"""Money held's running totals (migration 0022): sixteen shard rows per programme kept by a trigger on the ledger. After
any sequence of what moves money (issue, redeem, refund, reissue, transfer, void) they equal the ledger's sum per
programme, and on PostgreSQL two cards in different shards write their totals without waiting for each other."""

import random

import flask_migrate
import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from app.cards.models import MONEY_HELD_SHARDS, Card, LedgerEntry, MoneyHeldTotal
from app.extensions import db
from app.programs.models import Program
from tests.conftest import BACKENDS, cli_token, issued_cards, program_payload, valid_id_number


def _ledger_and_totals() -> tuple[dict[str, int], dict[str, int]]:
    codes = dict(db.session.execute(select(Program.id, Program.code)).all())
    ledger = db.session.execute(select(Card.program_id, func.sum(LedgerEntry.amount_fen))
                                .join(LedgerEntry, LedgerEntry.card_id == Card.id).group_by(Card.program_id)).all()
    totals = db.session.execute(select(MoneyHeldTotal.program_id, func.sum(MoneyHeldTotal.held_fen))
                                .group_by(MoneyHeldTotal.program_id)).all()
    return ({codes[p]: fen for p, fen in ledger if fen}, {codes[p]: fen for p, fen in totals if fen})


@pytest.fixture
def desk(api_as, make_member):
    """Two programmes whose refunds open today (opening day ten days ago) and whose cards transfer with approval."""
    staff = {"admin": api_as("admin"), "admin2": api_as("admin"), "consultant": api_as("consultant")}
    for code in ("MH-A", "MH-B"):
        payload = program_payload("presale_95", code=code, opening_date="2026-05-10", transfer_policy="with_approval")
        assert staff["admin"].post("/programs", payload).status_code == 201
    return staff


def _issue(desk, code: str, n: int) -> dict:
    consultant = desk["consultant"]
    member = consultant.post("/members", {"name": f"余额{n}", "id_number": valid_id_number(7000 + n),
                                          "phone": "13800138000"}).get_json()
    card = consultant.post("/cards", {"program": code, "tier": "VIP", "member_id": member["id"], "amount": "50000",
                                      "payment_method": "cash", "receipt_no": f"MH{n}"})
    assert card.status_code == 201, card.get_json()
    consultant.sign_by_scan(card.get_json()["agreement_id"])
    return card.get_json() | {"member": member}


def _step(desk, rng: random.Random, live: list[dict], n: int) -> str:
    """One money-moving operation on a random live card (or a new card); returns what it did, for the failure message.
    A card the operation replaces or ends leaves ``live``; its successor joins."""
    consultant, admin, admin2 = desk["consultant"], desk["admin"], desk["admin2"]
    action = rng.choice(["issue", "issue", "redeem", "refund", "reissue", "transfer", "void"])
    eligible = [c for c in live if action != "void" or not c.get("successor")]  # a successor is refunded, not voided
    if action == "issue" or not eligible:
        live.append(_issue(desk, rng.choice(["MH-A", "MH-B"]), n))
        return "issue"
    card = eligible[rng.randrange(len(eligible))]
    live.remove(card)
    number = card["number"]
    if action == "redeem":
        done = consultant.post(f"/cards/{number}/redeem", {"item": f"1-1-{100 + n}", "price": "1000000"})
    elif action == "refund":
        asked = consultant.post(f"/cards/{number}/refund-requests", {"reason": "不买了"})
        assert asked.status_code == 201, asked.get_json()
        done = admin.post(f"/refund-requests/{asked.get_json()['id']}/approve",
                          {"payout_method": "bank_transfer", "payout_reference": f"B{n}"})
    elif action == "reissue":
        assert consultant.post(f"/cards/{number}/report-loss", {"reason": "遗失"}).status_code == 200
        id_number = consultant.post(f"/members/{card['member']['id']}/reveal",
                                    {"reason": "补办核对"}).get_json()["id_number"]
        done = consultant.post(f"/cards/{number}/reissue", {"id_number": id_number, "fee_receipt_no": f"F{n}"})
        live.append(done.get_json() | {"member": card["member"], "successor": True})
    elif action == "transfer":
        other = consultant.post("/members", {"name": f"受让{n}", "id_number": valid_id_number(8000 + n),
                                             "phone": "13900139000"}).get_json()
        asked = consultant.post(f"/cards/{number}/transfer", {"to_member_id": other["id"], "fee_receipt_no": f"T{n}"})
        assert asked.status_code in (201, 202), asked.get_json()
        done = admin.post(f"/transfer-requests/{asked.get_json()['id']}/approve", {})
        consultant.sign_by_scan(done.get_json()["agreement_id"])
        live.append(done.get_json() | {"member": other, "successor": True})
    else:  # void: the day of issue, approved by a second manager
        asked = consultant.post(f"/cards/{number}/void", {"reason": "开错了"})
        assert asked.status_code == 202, asked.get_json()
        done = admin2.post(f"/void-requests/{asked.get_json()['id']}/approve", {})
    assert done.status_code in (200, 201), (action, done.get_json())
    return action


def test_totals_equal_the_ledger_per_programme_after_every_kind_of_money_movement(desk):
    rng, live, done = random.Random(11), [], []
    for n in range(18):
        done.append(_step(desk, rng, live, n))
        ledger, totals = _ledger_and_totals()
        assert totals == ledger, done
    assert {"issue", "redeem", "refund", "reissue", "transfer", "void"} <= set(done), done
    assert db.session.scalar(select(func.min(MoneyHeldTotal.held_fen))) >= 0  # each shard: cards' balances, none below 0
    assert db.session.scalar(select(func.max(MoneyHeldTotal.shard))) < MONEY_HELD_SHARDS
    # the dashboard reads them: per programme and over all
    stats = {code: desk["admin"].get("/stats", query_string={"program": code}).get_json() for code in ("MH-A", "MH-B")}
    everything = desk["admin"].get("/stats").get_json()
    ledger, _ = _ledger_and_totals()
    for code in ("MH-A", "MH-B"):
        assert stats[code]["money_held"] == f"{ledger.get(code, 0) / 100:.2f}"
    assert everything["money_held"] == f"{sum(ledger.values()) / 100:.2f}"


def test_a_successor_keeps_its_cards_shard_so_a_reissue_moves_money_within_one_row(desk):
    card = _issue(desk, "MH-A", 1)
    before = {(t.program_id, t.shard): t.held_fen for t in db.session.scalars(select(MoneyHeldTotal))}
    consultant = desk["consultant"]
    assert consultant.post(f"/cards/{card['number']}/report-loss", {"reason": "遗失"}).status_code == 200
    id_number = consultant.post(f"/members/{card['member']['id']}/reveal", {"reason": "补办"}).get_json()["id_number"]
    assert consultant.post(f"/cards/{card['number']}/reissue", {"id_number": id_number}).status_code == 201
    db.session.expire_all()
    after = {(t.program_id, t.shard): t.held_fen for t in db.session.scalars(select(MoneyHeldTotal))}
    assert after == before  # carried out of one card and into its successor: the same row, no net change


@pytest.mark.parametrize("fresh_app", BACKENDS[1:], indirect=True)
def test_two_cards_in_different_shards_do_not_wait_for_each_other(fresh_app):
    """Opening day on PostgreSQL: a transaction adding to one card's ledger holds its shard row until it commits; a
    card in another shard writes at once, another movement of the same lineage waits."""
    cards = issued_cards(fresh_app, "MH-LOCK", cli_token(fresh_app, "admin", "ada"),
                         cli_token(fresh_app, "consultant", "kim"), 2, 9100)
    engine = sa.create_engine(fresh_app.config["SQLALCHEMY_DATABASE_URI"])
    shard = f"(ascii(substr(public_id, 1, 1)) + 3 * ascii(substr(public_id, 2, 1))) % {MONEY_HELD_SHARDS}"
    insert = sa.text("INSERT INTO ledger_entries (card_id, kind, amount_fen, created_at) "
                     "VALUES (:card, 'fee_received', 100, now())")
    try:
        with engine.connect() as setup:
            ids = [setup.execute(sa.text(f"SELECT id, {shard} FROM cards WHERE number = :n"), {"n": c["number"]}).one()
                   for c in cards]
            if ids[0][1] == ids[1][1]:  # one chance in sixteen: a third card for another shard
                pytest.skip("both cards fell in one shard")
        with engine.connect() as first, engine.connect() as second, engine.connect() as third:
            first.execute(insert, {"card": ids[0][0]})  # holds its shard row, uncommitted
            second.exec_driver_sql("SET lock_timeout = '2s'")
            second.execute(insert, {"card": ids[1][0]})  # another shard: no wait
            second.commit()
            third.exec_driver_sql("SET lock_timeout = '300ms'")
            with pytest.raises(sa.exc.OperationalError, match="lock timeout"):
                third.execute(insert, {"card": ids[0][0]})  # the same shard waits for the first to end
            third.rollback()
            first.commit()
        with engine.connect() as check:
            ledger = check.exec_driver_sql("SELECT sum(amount_fen) FROM ledger_entries").scalar()
            totals = check.exec_driver_sql("SELECT sum(held_fen) FROM money_held_totals").scalar()
            assert totals == ledger == 2 * 5_000_000 + 200
    finally:
        engine.dispose()


def test_the_migration_fills_the_totals_from_the_ledger_already_there(fresh_app):
    issued_cards(fresh_app, "MH-OLD", cli_token(fresh_app, "admin", "ada"), cli_token(fresh_app, "consultant", "kim"),
                 3, 9200)
    with fresh_app.app_context():
        flask_migrate.downgrade(revision="0021_agreement_letter")
        assert "money_held_totals" not in sa.inspect(db.engine).get_table_names()
        db.session.execute(sa.text("INSERT INTO ledger_entries (card_id, kind, amount_fen, created_at) "
                                   "SELECT min(id), 'fee_received', 123, created_at FROM ledger_entries GROUP BY created_at"))
        db.session.commit()  # written before the upgrade, with no trigger to count it
        flask_migrate.upgrade()
        ledger, totals = _ledger_and_totals()
        assert totals == ledger and ledger["MH-OLD"] > 3 * 5_000_000
        db.session.remove()
