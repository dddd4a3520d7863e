"""Fill a database with N cards by bulk insert (not the issuing path): members with encrypted ID numbers and their
blind index, active cards, one ledger row and one scan each, in one programme. For benchmarks only.

    VIP_DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python benchmarks/generate.py 1000000

Prints the path of a token file: one card token per line (a sample of the cards), for the load generator.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BATCH = 20_000


def _id_number(n: int) -> str:
    """A resident ID number with a valid check digit, unique per n (birth date 1950–2005, sequence from n)."""
    day = dt.date(1950, 1, 1) + dt.timedelta(days=n % 20_000)
    body = f"110105{day:%Y%m%d}{n // 20_000 % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=False)) % 11]
    return body + check


SAMPLE = 5000


def sampled(count: int, sample: int = SAMPLE) -> range:
    """Which of the N cards the token file lists (spread evenly), so a load generator can name them by number too."""
    return range(0, count, max(count // sample, 1))


def card_number(n: int) -> str:
    """The number generate() gives card n (a valid check digit, so the API accepts it)."""
    from app.rules.cards import make_card_number

    return make_card_number(2026, f"{n:09d}")


def generate(count: int, tokens_out: Path, sample: int = SAMPLE) -> None:
    import flask_migrate
    from sqlalchemy import insert, select

    from app import create_app
    from app.cards.models import Card, LedgerEntry, LedgerKind, Scan, ScanAction
    from app.clock import utcnow
    from app.crypto import cipher
    from app.extensions import db
    from app.members.models import Member
    from app.programs.presets import preset
    from app.programs.services import create_program, get_program
    from app.rules.identity import mask_number
    from app.tokens import card_token

    app = create_app()
    with app.app_context():
        flask_migrate.upgrade()
        if db.session.scalar(select(Card.id).limit(1)) is not None:
            raise SystemExit("the database already holds cards: generate into an empty one")
        with app.test_request_context("/"):
            create_program({**preset("presale_95"), "code": "BENCH", "issuer_name": "基准测试置业有限公司",
                            "project_name": "基准花园", "contact_phone": "0938-1234567",
                            "presale_permit_no": "基准预售(2026)1号", "presale_permit_date": "2026-01-01",
                            "opening_date": "2026-01-01"}, by=None)
        program = get_program("BENCH")
        tier = program.tiers[0]
        data_cipher = cipher()
        now, today = utcnow(), dt.date(2026, 1, 1)
        started = time.monotonic()
        member_id = db.session.scalar(select(db.func.coalesce(db.func.max(Member.id), 0)))
        card_id = db.session.scalar(select(db.func.coalesce(db.func.max(Card.id), 0)))
        tokens: list[str] = []
        chosen = set(sampled(count, sample))
        for start in range(0, count, BATCH):
            n_rows = range(start, min(start + BATCH, count))
            members, cards, ledger, scans = [], [], [], []
            for n in n_rows:
                id_number = _id_number(n)
                members.append({
                    "id": member_id + n + 1, "name": f"基准{n}", "id_type": "resident_id",
                    "id_number_encrypted": data_cipher.encrypt(id_number, context="member.id_number"),
                    "id_number_index": data_cipher.blind_index(id_number, context="member.id_number"),
                    "id_number_masked": mask_number(id_number), "phone": f"139{n:08d}",
                    "created_at": now, "updated_at": now})
                public_id = secrets.token_urlsafe(8)
                cards.append({
                    "id": card_id + n + 1, "number": card_number(n), "public_id": public_id,
                    "generation": 1, "program_id": program.id, "tier_id": tier.id, "member_id": member_id + n + 1,
                    "status": "active", "amount_fen": tier.amount_fen, "payment_method": "cash",
                    "receipt_no": f"B{n}", "design": "classic", "issued_on": today, "valid_from": today,
                    "issued_at": now, "permit_override": False, "credit_void": False})
                ledger.append({"card_id": card_id + n + 1, "kind": LedgerKind.DEPOSIT_RECEIVED,
                               "amount_fen": tier.amount_fen, "payment_method": "cash", "reference": f"B{n}",
                               "created_at": now})
                scans.append({"created_at": now, "action": ScanAction.VERIFY, "verdict": "valid",
                              "card_id": card_id + n + 1, "token_excerpt": public_id})
                if n in chosen:
                    tokens.append(card_token(public_id, 1))
            db.session.execute(insert(Member), members)
            db.session.execute(insert(Card), cards)
            db.session.execute(insert(LedgerEntry), ledger)
            db.session.execute(insert(Scan), scans)
            db.session.commit()
            done = n_rows.stop
            rate = done / (time.monotonic() - started)
            print(f"\r{done:,} of {count:,} cards ({rate:,.0f} a second)", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        if db.engine.dialect.name == "postgresql":
            # The planner's statistics, as autovacuum would gather them in time; outside a transaction, so they stay.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("ANALYZE")
        tokens_out.write_text("\n".join(tokens) + "\n")
        print(tokens_out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="how many cards")
    parser.add_argument("--tokens", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "vip-bench-tokens.txt")
    args = parser.parse_args()
    generate(args.count, args.tokens)


if __name__ == "__main__":
    main()
