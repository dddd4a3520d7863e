"""Measure verification against the bare endpoint served by the same gunicorn, in one run (DESIGN §12, issue 10).

    VIP_DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python benchmarks/run.py --tokens /tmp/vip-bench-tokens.txt

Starts `gunicorn -w 2` on benchmarks/wsgi.py with the database given, makes a counter token, then runs wrk
(`-t2 -c16 -d<seconds>s --latency`) three times: the bare endpoint, `GET /api/v1/verify/{token}` over the sampled
cards, and `GET /api/v1/cards/{number}`' cheaper cousin, the public page `/v/{token}`. Prints each one's requests a
second and p99, and the ratios to the bare endpoint, as a Markdown table row set. Needs `wrk` (Debian package).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
sys.path.insert(0, str(ROOT))

from benchmarks.generate import card_number, sampled  # noqa: E402


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def _wrk(url: str, seconds: int, paths: Path | None = None, token: str = "") -> tuple[float, float, float]:
    """(requests a second, p50 and p99 in ms) of one wrk run."""
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", url]
    env = os.environ | {"TOKEN": token}
    if paths is not None:
        command[1:1] = ["-s", str(ROOT / "benchmarks" / "paths.lua")]
        env["PATHS"] = str(paths)
    out = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} answers were not 2xx:\n{out}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(*re.search(r"50%\s+([\d.]+)(us|ms|s)", out).groups())
    p99 = _ms(*re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups())
    return rate, p50, p99


def run(tokens: Path, cards: int, seconds: int, workers: int) -> list[tuple[str, float, float, float]]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: `make bench-tools` (or apt-get install wrk)")
    env = os.environ | {
        "VIP_SECRET_KEY": os.environ.get("VIP_SECRET_KEY", "bench-session-key-7a1c9e3b5d2f4086"),
        "VIP_DATA_KEY": os.environ.get("VIP_DATA_KEY", "bench-data-key-0123456789-abcdefgh"),
        "VIP_TOKEN_KEYS": os.environ.get("VIP_TOKEN_KEYS", "bench-card-key-4e8a2c6f1b3d509712"),
        # several workers must count rate limits together (the app refuses its own memory with more than one)
        "VIP_RATELIMIT_STORAGE_URI": os.environ.get("VIP_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0"),
        # the limits protect the public from one address; here one address is the whole crowd on purpose
        "VIP_VERIFY_RATE_LIMIT": "10000000 per minute", "VIP_VERIFY_CARD_RATE_LIMIT": "10000000 per minute",
        "VIP_VERIFY_INVALID_RATE_LIMIT": "10000000 per minute",
    }
    flask = [PY, "-m", "flask", "--app", "app"]
    subprocess.run(flask + ["users", "create", "bench-counter", "--role", "counter", "--password", "bench-password-1"],
                   cwd=ROOT, env=env, capture_output=True)
    token = subprocess.run(flask + ["users", "token", "bench-counter"], cwd=ROOT, env=env, capture_output=True,
                           text=True, check=True).stdout.strip().splitlines()[-1]
    port = _port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([PY, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level",
                               "warning", "benchmarks.wsgi:application"], cwd=ROOT, env=env)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/bare/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        with tempfile.TemporaryDirectory() as tmp:
            verify, public, lookup = Path(tmp) / "verify.txt", Path(tmp) / "public.txt", Path(tmp) / "lookup.txt"
            lines = [t.strip() for t in tokens.read_text().splitlines() if t.strip()]
            verify.write_text("".join(f"/api/v1/verify/{t}\n" for t in lines))
            public.write_text("".join(f"/v/{t}\n" for t in lines))
            lookup.write_text("".join(f"/api/v1/cards/{card_number(n)}\n" for n in sampled(cards)))
            for warm in (verify, public, lookup):  # every worker's first requests open connections, load templates
                _wrk(base, 2, warm, token)
            results = [("bare endpoint", *_wrk(base + "/bare/", seconds)),
                       ("GET /api/v1/verify/{token}", *_wrk(base, seconds, verify, token)),
                       ("GET /v/{token} (public page)", *_wrk(base, seconds, public)),
                       ("GET /api/v1/cards/{number} (card lookup)", *_wrk(base, seconds, lookup, token))]
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description="verify against the bare endpoint, one gunicorn, one run")
    parser.add_argument("--tokens", type=Path, required=True, help="the file generate.py printed")
    parser.add_argument("--cards", type=int, required=True, help="how many cards generate.py made")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    results = run(args.tokens, args.cards, args.seconds, args.workers)
    bare_rate, bare_p99 = results[0][1], results[0][3]
    print("| what | requests/s | p50 ms | p99 ms | × bare requests/s | × bare p99 |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, rate, p50, p99 in results:
        print(f"| {name} | {rate:,.0f} | {p50:.2f} | {p99:.1f} | {rate / bare_rate:.2f} | {p99 / bare_p99:.1f} |")


if __name__ == "__main__":
    main()
