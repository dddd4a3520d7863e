"""The dashboard's figures (GET /api/v1/stats) at two sizes, in one run: their time at N cards against 1,000.

    .venv/bin/python benchmarks/stats.py --small 1000 --large 1000000                       # SQLite files in /tmp
    .venv/bin/python benchmarks/stats.py --postgres postgresql://postgres@127.0.0.1:5432   # PostgreSQL databases too

Each database is filled once by generate.py (kept for the next run), then spread the way a year of sales looks: issue
days over the last 365 days, 20 consultants, one card in twenty each redeemed (with its redemption), refunded (with
a paid refund), reported lost or still unsigned, one in two thousand waiting for a refund (with the request), one in
ten with a last valid day a year after issue. The call is timed in-process through Flask's test client with an
admin's API token (median of ``--repeats`` after two warm-up calls), for the default period (the last 30 days), one
programme, and a whole year.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KEYS = {"VIP_SECRET_KEY": "bench-session-key-7a1c9e3b5d2f4086", "VIP_DATA_KEY": "bench-data-key-0123456789-abcdefgh",
        "VIP_TOKEN_KEYS": "bench-card-key-4e8a2c6f1b3d509712"}
CONSULTANTS = 20


def _env(url: str) -> dict[str, str]:
    return {**{k: os.environ.get(k, v) for k, v in KEYS.items()}, **os.environ, "VIP_DATABASE_URL": url}


def _app(url: str):
    os.environ.update(_env(url))
    from app import create_app
    return create_app({"SQLALCHEMY_DATABASE_URI": url})


def prepare(url: str, count: int) -> None:
    """Generate ``count`` cards into an empty database (once) and spread them over a year of sales (once)."""
    from sqlalchemy import func, select

    from app.cards.models import Card
    from app.extensions import db
    from app.users.models import User

    app = _app(url)
    with app.app_context():
        try:
            cards = db.session.scalar(select(func.count()).select_from(Card))
        except Exception:  # noqa: BLE001  no tables yet: generate.py migrates
            db.session.rollback()
            cards = 0
        db.engine.dispose()
    if not cards:
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(count), "--tokens",
                        os.devnull], env=_env(url), check=True)
    with app.app_context():
        if db.session.scalar(select(User.id).where(User.username == "bench-consultant-0")) is None:
            _spread(app)
        db.engine.dispose()


def _spread(app) -> None:
    from sqlalchemy import select, text

    from app.clock import today
    from app.extensions import db
    from app.users.models import User
    from app.users.services import create_user

    with app.test_request_context("/"):
        for n in range(CONSULTANTS):
            create_user({"username": f"bench-consultant-{n}", "role": "consultant", "password": "bench-password-1"})
        create_user({"username": "bench-manager", "role": "admin", "password": "bench-password-1"})
    first = db.session.scalar(select(User.id).where(User.username == "bench-consultant-0"))
    manager = db.session.scalar(select(User.id).where(User.username == "bench-manager"))
    postgres = db.engine.dialect.name == "postgresql"
    days_back = "CAST(:today AS date) - (id % 365)" if postgres else "date(:today, '-' || (id % 365) || ' days')"
    year_on = ("CAST(:today AS date) - (id % 365) + 365" if postgres
               else "date(:today, '-' || (id % 365) || ' days', '+365 days')")
    at_ten = (f"({days_back} + TIME '02:00') AT TIME ZONE 'UTC'" if postgres  # 10:00 in Beijing, stored as UTC
              else f"{days_back} || ' 02:00:00.000000'")
    started = time.monotonic()
    db.session.execute(text(f"""
        UPDATE cards SET issued_on = {days_back}, valid_from = {days_back}, issued_at = {at_ten},
          valid_through = CASE WHEN id % 10 = 5 THEN {year_on} END,
          issued_by_id = :first + (id % {CONSULTANTS}),
          status = CASE WHEN id % 2000 = 2 THEN 'refund_pending' WHEN id % 20 = 0 THEN 'redeemed'
                   WHEN id % 20 = 1 THEN 'refunded' WHEN id % 20 = 3 THEN 'lost'
                   WHEN id % 20 = 4 THEN 'awaiting_signature' ELSE 'active' END,
          redeemed_at = CASE WHEN id % 20 = 0 THEN {at_ten} END"""), {"today": today(), "first": first})
    db.session.execute(text("""
        INSERT INTO redemptions (card_id, item, price_fen, discount_rate_bp, discounted_fen, offset_fen, payable_fen,
          deposit_applied_fen, deposit_remaining_fen, credit_used_fen, credit_lapsed_fen, redeemed_at, redeemed_by_id)
        SELECT id, 'B-1-101', 100000000, 9500, 95000000, amount_fen, 95000000 - amount_fen, amount_fen, 0, 0, 0,
          issued_at, issued_by_id FROM cards WHERE status = 'redeemed'"""))
    db.session.execute(text("""
        INSERT INTO refund_requests (card_id, kind, status, amount_fen, reason, payout_method, payout_reference,
          requested_by_id, requested_at, decided_by_id, decided_at)
        SELECT id, 'refund', CASE status WHEN 'refunded' THEN 'done' ELSE 'pending' END, amount_fen, 'bench',
          CASE status WHEN 'refunded' THEN 'bank_transfer' END, CASE status WHEN 'refunded' THEN 'B' END,
          issued_by_id, issued_at, CASE status WHEN 'refunded' THEN :manager END,
          CASE status WHEN 'refunded' THEN issued_at END
        FROM cards WHERE status IN ('refunded', 'refund_pending')"""), {"manager": manager})
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("ANALYZE")  # planner statistics, as autovacuum (or an operator's ANALYZE) keeps them
    print(f"spread in {time.monotonic() - started:.1f} s", file=sys.stderr)


def measure(url: str, repeats: int) -> dict[str, float]:
    """Median milliseconds of GET /api/v1/stats per kind of call."""
    from sqlalchemy import func, select

    from app.cards.models import LedgerEntry
    from app.clock import today
    from app.extensions import db
    from app.rules.money import format_fen
    from app.users.models import User
    from app.users.services import issue_token

    app = _app(url)
    with app.app_context():
        manager = db.session.scalar(select(User).where(User.username == "bench-manager"))
        with app.test_request_context("/"):
            token = issue_token(manager, "bench")
        year = (today() - dt.timedelta(days=364)).isoformat()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    calls = {"last 30 days, all programmes": "/api/v1/stats", "last 30 days, one programme": "/api/v1/stats?program=BENCH",
             "a whole year, all programmes": f"/api/v1/stats?from={year}"}
    times = {}
    for name, path in calls.items():
        for _ in range(2):
            assert client.get(path, headers=headers).status_code == 200
        spent = []
        for _ in range(repeats):
            started = time.perf_counter()
            response = client.get(path, headers=headers)
            spent.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.get_json()
        times[name] = statistics.median(spent)
    held = client.get(calls["last 30 days, all programmes"], headers=headers).get_json()["money_held"]
    with app.app_context():  # the running totals the call read are the ledger's sum (migration 0023's trigger)
        assert held == format_fen(db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0)))), \
            "money held's totals differ from the ledger"
        db.engine.dispose()
    return times


def money_held_queries(url: str, repeats: int) -> dict[str, float]:
    """Median milliseconds of money held alone: the ledger summed (as before migration 0023) against its running
    totals (now), for the programme BENCH and for all programmes."""
    from sqlalchemy import text

    from app.extensions import db

    sums = {"one programme, the ledger summed": "SELECT coalesce(sum(l.amount_fen), 0) FROM cards c JOIN ledger_entries l"
                                                " ON l.card_id = c.id WHERE c.program_id = :p",
            "one programme, its shard rows": "SELECT coalesce(sum(held_fen), 0) FROM money_held_totals WHERE program_id = :p",
            "all programmes, the ledger summed": "SELECT coalesce(sum(amount_fen), 0) FROM ledger_entries",
            "all programmes, every shard row": "SELECT coalesce(sum(held_fen), 0) FROM money_held_totals"}
    times = {}
    with _app(url).app_context():
        program = db.session.scalar(text("SELECT id FROM programs WHERE code = 'BENCH'"))
        for name, sql in sums.items():
            spent = []
            for n in range(repeats + 2):
                started = time.perf_counter()
                db.session.scalar(text(sql), {"p": program})
                if n >= 2:
                    spent.append((time.perf_counter() - started) * 1000)
            times[name] = statistics.median(spent)
        db.engine.dispose()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description="GET /api/v1/stats at two sizes, in one run")
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--sqlite-dir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")))
    parser.add_argument("--postgres", help="a server's URL without database, e.g. postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    backends = {"SQLite": lambda n: f"sqlite:///{args.sqlite_dir / f'vip-stats-{n}.sqlite3'}"}
    if args.postgres:
        backends["PostgreSQL"] = lambda n: _postgres(args.postgres, f"vip_stats_{n}")
    for backend, url_of in backends.items():
        small, large = url_of(args.small), url_of(args.large)
        for url, count in ((small, args.small), (large, args.large)):
            prepare(url, count)
        at_small, at_large = measure(small, args.repeats), measure(large, args.repeats)
        print(f"\n{backend}: GET /api/v1/stats, median of {args.repeats}\n")
        print(f"| call | {args.small:,} cards, ms | {args.large:,} cards, ms | ratio |")
        print("|---|---:|---:|---:|")
        for name in at_small:
            print(f"| {name} | {at_small[name]:.1f} | {at_large[name]:.1f} | {at_large[name] / at_small[name]:.1f}× |")
        held_small, held_large = money_held_queries(small, args.repeats), money_held_queries(large, args.repeats)
        print(f"\n{backend}: money held alone, median of {args.repeats}\n")
        print(f"| query | {args.small:,} cards, ms | {args.large:,} cards, ms |")
        print("|---|---:|---:|")
        for name in held_small:
            print(f"| {name} | {held_small[name]:.2f} | {held_large[name]:.2f} |")


def _postgres(server: str, name: str) -> str:
    """The database ``name`` on ``server``, created when missing."""
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')
    return f"{server.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"


if __name__ == "__main__":
    main()
