"""Measure the lists at two sizes in one run (issue 11: "at 1,000,000 cards the list's first and last pages answer
within 1.2× of their time at 1,000"): the card list's first and last pages, plain, filtered and searched, on the page
and in the API; the member list and its searches; the scan list.

    VIP_SECRET_KEY=… VIP_DATA_KEY=… VIP_TOKEN_KEYS=… .venv/bin/python benchmarks/lists.py \\
        sqlite:////tmp/lists_1k.sqlite3 sqlite:////tmp/lists_1m.sqlite3

Each database is one made by benchmarks/generate.py (the same keys). The requests go through the whole application
(routing, sign-in, queries, template or JSON) in this process, with Flask's test client: no network, no server, so
the figures are the application's own time. The two sizes are asked in turn, request by request (two unmeasured
first), --rounds times each; prints a Markdown table: the median and the best milliseconds at each size, and ratios.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-lists-password-1"  # noqa: S105 (a benchmark's own user in a throwaway database)


def _signed_in(app):
    """A browser signed in as a manager, and an API token for the same user (made on first use)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.users.models import User
    from app.users.services import create_user, issue_token

    with app.test_request_context("/"):
        user = db.session.scalar(select(User).where(User.username == "bench-lists"))
        if user is None:
            user = create_user({"username": "bench-lists", "role": "admin", "password": PASSWORD})
        token = issue_token(user, "bench-lists")
    browser = app.test_client()
    page = browser.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    signed = browser.post("/login", data={"username": "bench-lists", "password": PASSWORD, "csrf_token": csrf})
    assert signed.status_code == 302, signed.get_data(as_text=True)[:500]
    return browser, token


def _oldest(app, model, size: int = 50) -> int:
    """The cursor whose page is the last one of a keyset list: the id just after its oldest page."""
    from sqlalchemy import select

    from app.extensions import db

    with app.app_context():
        ids = list(db.session.scalars(select(model.id).order_by(model.id).limit(size + 1)))
        return ids[-1]


def cases(app) -> list[tuple[str, str]]:
    from app.cards.models import Scan
    from app.members.models import Member

    member_last, scan_last = _oldest(app, Member), _oldest(app, Scan)
    listed = []
    for where, prefix in (("page", "/cards/"), ("API", "/api/v1/cards")):
        listed += [
            (f"cards {where}: first page", f"{prefix}"),
            (f"cards {where}: last page", f"{prefix}?last=1"),
            (f"cards {where}, status filter: first page", f"{prefix}?status=active"),
            (f"cards {where}, status filter: last page", f"{prefix}?status=active&last=1"),
            (f"cards {where}, programme filter: last page", f"{prefix}?program=BENCH&last=1"),
            (f"cards {where}, mobile search: first page", f"{prefix}?q=13900000777"),
            (f"cards {where}, name search (基准777): first page", f"{prefix}?q=基准777"),
            (f"cards {where}, name search (基准777): last page", f"{prefix}?q=基准777&last=1"),
        ]
    return listed + [
        ("members page: first page", "/members/"),
        ("members page: last page", f"/members/?before={member_last}"),
        ("members API: first page", "/api/v1/members"),
        ("members, name search (基准777)", "/members/?q=基准777"),
        ("members, mobile search", "/members/?q=13900000777"),
        ("members, mobile's first digits (1390000077)", "/members/?q=1390000077"),
        ("scans page: first page", "/scans/"),
        ("scans page: last page", f"/scans/?before={scan_last}"),
        ("scans page: refused only", "/scans/?failed=1"),
    ]


def _client(url: str):
    """The application on one database, signed in: (cards in it, the cases with their paths, browser, API token)."""
    from sqlalchemy import func, select

    from app import create_app
    from app.cards.models import Card
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        count = db.session.scalar(select(func.count(Card.id)))
    browser, token = _signed_in(app)
    return count, dict(cases(app)), browser, token


def _time(client, path: str) -> float:
    browser, token = client
    headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {}
    started = time.perf_counter()
    answer = browser.get(path, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    assert answer.status_code == 200, (path, answer.status_code, answer.get_data(as_text=True)[:300])
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("small", help="database URL of the small database (1,000 cards)")
    parser.add_argument("large", help="database URL of the large one (1,000,000 cards)")
    parser.add_argument("--rounds", type=int, default=31)
    args = parser.parse_args()
    small_count, small_cases, *small = _client(args.small)
    large_count, large_cases, *large = _client(args.large)
    print(f"| what | {small_count:,} cards: median (best) ms | {large_count:,} cards: median (best) ms "
          "| × median | × best |")
    print("|---|---:|---:|---:|---:|")
    for name in small_cases:
        # the two sizes in turn, request by request, so that whatever else the machine does weighs on both alike
        a, b = [], []
        for n in range(args.rounds + 2):
            at_small, at_large = _time(small, small_cases[name]), _time(large, large_cases[name])
            if n >= 2:
                a.append(at_small)
                b.append(at_large)
        ma, mb = statistics.median(a), statistics.median(b)
        print(f"| {name} | {ma:.1f} ({min(a):.1f}) | {mb:.1f} ({min(b):.1f}) | {mb / ma:.2f} | {min(b) / min(a):.2f} |",
              flush=True)


if __name__ == "__main__":
    main()
