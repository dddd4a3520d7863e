"""Measure the exports (issue 11): time and peak memory of each export of a large database, each in a fresh process.

    VIP_DATABASE_URL=sqlite:////tmp/b1m.sqlite3 .venv/bin/python benchmarks/generate.py 1000000 --tokens /tmp/b1m.tokens
    VIP_DATABASE_URL=sqlite:////tmp/b1m.sqlite3 .venv/bin/python benchmarks/exports.py --audit 1000000 \
        audit.csv audit.xlsx cards.csv cards.xlsx members.csv ledger.csv

``--audit N`` first tops the audit log up to N entries by bulk insert (card.issued entries with the details issuing
writes). Each export then runs in a process of its own through the real route (GET /api/v1/exports/…, a manager's
token, the answer read as a client would, written to a temporary file): its rows, bytes, seconds, the process's
resident memory before the request and its peak (ru_maxrss), as a Markdown table row. A name may carry the list's
filters (``audit.csv?before=100001``: the 100,000 oldest entries).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BATCH = 20_000


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def top_up_audit(count: int) -> None:
    from sqlalchemy import func, insert, select

    from app import create_app
    from app.audit import AuditEntry
    from app.extensions import db

    app = create_app()
    with app.app_context():
        have = db.session.scalar(select(func.count()).select_from(AuditEntry))
        started, now = time.monotonic(), dt.datetime.now(dt.UTC)
        for start in range(have, count, BATCH):
            db.session.execute(insert(AuditEntry), [{
                "created_at": now, "actor_id": None, "actor_name": "consultant", "action": "card.issued",
                "object_type": "card", "object_id": str(n + 1),
                "data": json.dumps({"amount": "50000.00", "number": f"2026{n:08d}", "payment_method": "cash",
                                    "program": "BENCH", "receipt_no": f"B{n}", "tier": "VIP"}, ensure_ascii=False),
                "ip": "192.0.2.10", "user_agent": "Mozilla/5.0 (bench)"}
                for n in range(start, min(start + BATCH, count))])
            db.session.commit()
            print(f"\raudit log: {min(start + BATCH, count):,} of {count:,}", end="", file=sys.stderr, flush=True)
        if count > have:
            print(f" ({time.monotonic() - started:.0f} s)", file=sys.stderr)


def measure(name: str) -> dict:
    """One export through the route, in this (fresh) process."""
    from sqlalchemy import select

    from app import create_app
    from app.audit import AuditEntry
    from app.extensions import db
    from app.users.models import User
    from app.users.services import create_user, issue_token

    app = create_app()
    with app.test_request_context("/"):
        user = db.session.scalar(select(User).where(User.username == "bench-exporter")) or create_user(
            {"username": "bench-exporter", "role": "admin", "password": "bench-exporter-password-1"})
        token = issue_token(user, "bench")
    client = app.test_client()
    client.get("/api/v1/exports/charges.csv", headers={"Authorization": f"Bearer {token}"}).close()  # warm: imports
    before = _rss_mb()
    started = time.monotonic()
    response = client.get(f"/api/v1/exports/{name}", headers={"Authorization": f"Bearer {token}"}, buffered=False)
    size = 0
    with tempfile.TemporaryFile() as out:
        for chunk in response.response:
            out.write(chunk)
            size += len(chunk)
        response.close()
    seconds = time.monotonic() - started
    assert response.status_code == 200, response.status_code
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with app.app_context():  # how many rows: the export's own audit entry says
        rows = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export.downloaded")
                                 .order_by(AuditEntry.id.desc()).limit(1)).payload["rows"]
    return {"export": name, "rows": rows, "mb": size / 1e6, "seconds": seconds, "rss_before": before, "peak": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("exports", nargs="*", help="e.g. audit.csv cards.xlsx", default=["audit.csv", "cards.csv"])
    parser.add_argument("--audit", type=int, default=0, help="top the audit log up to this many entries first")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # the child process: measure one export, print JSON
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one)))
        return
    if args.audit:
        top_up_audit(args.audit)
    print("| export | rows | size MB | seconds | rows/s | RSS before MB | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in args.exports:
        done = subprocess.run([sys.executable, __file__, "--one", name], capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"{name}: {done.stderr[-2000:]}")
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"| {r['export']} | {r['rows']:,} | {r['mb']:,.1f} | {r['seconds']:,.1f} "
              f"| {r['rows'] / r['seconds']:,.0f} "
              f"| {r['rss_before']:,.0f} | {r['peak']:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
