"""Import a sheet of N cards (default 10,000) the way a manager would, and measure it (issue 11: 10,000 rows in at most
5 minutes on the 2-core machine, peak memory at most 300 MB).

    .venv/bin/python benchmarks/import_cards.py                 # a fresh SQLite file in a temporary folder
    VIP_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/vip_bench_import .venv/bin/python benchmarks/import_cards.py

Makes a programme, writes the sheet (XLSX, the template's columns), then runs `flask --app app cards import FILE
--dry-run` and `flask --app app cards import FILE` as separate processes and reports each one's wall time, rows a
second and peak resident memory (the child's ru_maxrss). Then kills a third run of a second sheet halfway (SIGKILL)
and runs it again, reporting that every row was imported once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
KEYS = {"VIP_SECRET_KEY": "bench-session-key-7a1c9e3b5d2f4086", "VIP_DATA_KEY": "bench-data-key-0123456789-abcdefgh",
        "VIP_TOKEN_KEYS": "bench-card-key-4e8a2c6f1b3d509712"}


def _id_number(n: int) -> str:
    from benchmarks.generate import _id_number as make
    return make(n)


def write_sheet(path: Path, program, count: int, offset: int) -> None:
    from openpyxl import Workbook

    from app.imports.services import HEADERS
    book = Workbook(write_only=True)
    sheet = book.create_sheet("卡")
    sheet.append([HEADERS[k][0] for k in HEADERS])
    tier = program.tiers[0]
    for n in range(offset, offset + count):
        row = {"name": f"客户{n}", "id_type": "居民身份证", "id_number": _id_number(n), "phone": f"139{n:08d}",
               "program": program.code, "tier": tier.code, "amount": tier.amount_fen / 100, "payment_method": "微信支付",
               "receipt_no": f"B{n:07d}", "issued_on": dt.date(2026, 5, 1), "legacy_number": f"OLD-{n}"}
        sheet.append([row.get(key) for key in HEADERS])
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())


def run(args: list[str], env: dict) -> tuple[float, float, int, str]:
    """(seconds, CPU seconds, peak RSS in MB, output) of one flask command in a child process. The CPU time tells a
    slow run from a run that waited for the cores other work held."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(done.stdout + done.stderr)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # ru_maxrss: the largest child so far, in KB
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu, after.ru_maxrss // 1024, done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", type=int, nargs="?", default=10_000)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="vip-import-"))
    url = os.environ.get("VIP_DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    env = os.environ | KEYS | {"VIP_DATABASE_URL": url}
    os.environ.update(env)
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    from app import create_app
    from app.extensions import db
    from app.programs.presets import preset
    from app.programs.services import create_program
    app = create_app()
    with app.test_request_context("/"):
        data = preset("presale_95") | {
            "code": f"IMP{os.getpid() % 10_000}", "issuer_name": "基准置业有限责任公司", "project_name": "基准花园",
            "contact_phone": "0938-1234567", "presale_permit_no": "基准预售字(2026)第1号", "presale_permit_date": "2026-01-01",
            "max_active_cards_per_member": 5}
        program = create_program(data, by=None)
        first, second = folder / "cards.xlsx", folder / "more.xlsx"
        write_sheet(first, program, options.rows, 0)
        write_sheet(second, program, 2_000, options.rows)
        db.session.remove()
    print(f"load average {os.getloadavg()[0]:.1f}")
    print("| run | rows | seconds | rows/s | CPU seconds | peak RSS MB |\n|---|---:|---:|---:|---:|---:|")
    for label, extra in (("dry run", ["--dry-run"]), ("import", [])):
        seconds, cpu, peak, said = run(["cards", "import", str(first), *extra], env)
        print(f"| {label} | {options.rows:,} | {seconds:.1f} | {options.rows / seconds:.0f} | {cpu:.1f} | {peak} |"
              f"  <!-- {said} -->", flush=True)
    # Killed halfway, then started again: each row once.
    child = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "cards", "import", str(second)], cwd=ROOT,
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(15)
    child.send_signal(signal.SIGKILL)
    child.wait()
    seconds, cpu, peak, said = run(["cards", "import", str(second)], env)
    print(f"| killed after 15 s, run again | 2,000 | {seconds:.1f} | {2_000 / seconds:.0f} | {cpu:.1f} | {peak} |"
          f"  <!-- {said} -->")
    print(f"load average {os.getloadavg()[0]:.1f}")
    from sqlalchemy import func, select

    from app.cards.models import Card
    with app.app_context():
        cards = db.session.scalar(select(func.count()).select_from(Card).where(Card.program_id == program.id))
        distinct = db.session.scalar(select(func.count(func.distinct(Card.receipt_no))).where(Card.program_id == program.id))
    print(f"\ncards in the programme: {cards:,}, distinct receipts: {distinct:,} (expected {options.rows + 2_000:,} each)")


if __name__ == "__main__":
    main()
