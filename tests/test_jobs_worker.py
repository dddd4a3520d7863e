"""A real Celery worker against the Redis on 127.0.0.1:6379 (DESIGN §13): an import sent by the app runs on the worker
end to end; and a worker killed (SIGKILL) in the middle of an import leaves its job to the next worker, which resumes
it: every row imported once, none twice."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cards.models import Card
from app.extensions import db
from app.imports.models import ImportJob
from tests.conftest import FRESH_KEYS, Api, cli_token, program_payload
from tests.imports.test_imports import good_row, sheet

ROOT = Path(__file__).resolve().parent.parent
STALE_SECONDS = 3


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")


@pytest.fixture
def broker(fresh_app):
    """The fresh app sends its jobs to a Redis database of their own (emptied before and after)."""
    import redis
    number = 9 + os.getpid() % 6  # not the rate limits' database 0; apart from a parallel run's
    url = f"redis://127.0.0.1:6379/{number}"
    redis.Redis.from_url(url).flushdb()
    fresh_app.config.update(VIP_BROKER_URL=url, VIP_JOB_STALE_SECONDS=STALE_SECONDS)
    celery = fresh_app.extensions["celery"]
    celery.conf.broker_url = url
    celery.conf.broker_transport_options = {"visibility_timeout": STALE_SECONDS}
    yield url
    redis.Redis.from_url(url).flushdb()


def start_worker(app, url: str, log: Path) -> subprocess.Popen:
    env = os.environ | {
        "VIP_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "VIP_SECRET_KEY": FRESH_KEYS["SECRET_KEY"],
        "VIP_DATA_KEY": FRESH_KEYS["VIP_DATA_KEY"], "VIP_TOKEN_KEYS": ",".join(FRESH_KEYS["VIP_TOKEN_KEYS"]),
        "VIP_PUBLIC_BASE_URL": "https://vip.example.test", "VIP_BROKER_URL": url,
        "VIP_JOB_STALE_SECONDS": str(STALE_SECONDS)}
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        # --pool solo: the job runs in the worker's own process, so SIGKILL stops it mid-row like a machine going down.
        return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker", "--pool", "solo"],
                                cwd=ROOT, env=env, stdout=out, stderr=out)


def stop(worker: subprocess.Popen) -> None:
    """Stopped at once: after an import a worker goes on to render the new drafts' PDFs, which a warm shutdown would
    wait for."""
    worker.kill()
    worker.wait(timeout=30)


def wait_for(predicate, seconds: float, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail("timed out; worker log:\n" + log.read_text(errors="replace")[-3000:])


def job_state(app, job_id: int) -> ImportJob:
    from sqlalchemy.exc import OperationalError
    for _ in range(5):  # SQLite: the worker holds the one write lock row after row; a read may wait its turn
        try:
            with app.app_context():
                job = db.session.get(ImportJob, job_id)
                db.session.expunge(job)
                return job
        except OperationalError:
            time.sleep(0.5)
    raise AssertionError("the job could not be read for 50 s")


def post_sheet(app, rows: int) -> tuple[int, str]:
    import datetime as dt
    app.extensions["vip_clock"].at = dt.datetime.now(dt.UTC)  # the worker reads the real clock
    client = app.test_client()
    admin = cli_token(app, "admin", "boss")
    code = "JOBS"
    assert Api(client, admin).post("/programs", program_payload(code=code)).status_code == 201
    with app.app_context():
        from app.programs.models import Program
        program = db.session.scalar(select(Program).where(Program.code == code))
        content = sheet([good_row(program, n, **{"发卡日期": None}) for n in range(1, rows + 1)])
    response = client.post("/api/v1/imports", headers={"Authorization": f"Bearer {admin}"},
                           content_type="multipart/form-data", data={"file": (io.BytesIO(content), "jobs.xlsx")})
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["status"] == "queued"  # sent to the broker, not run here
    return response.get_json()["id"], admin


def card_receipts(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Card.receipt_no).order_by(Card.receipt_no)))


def test_a_worker_runs_an_import_end_to_end(fresh_app, broker, tmp_path):
    log = tmp_path / "worker.log"
    worker = start_worker(fresh_app, broker, log)
    try:
        job_id, admin = post_sheet(fresh_app, 5)
        wait_for(lambda: job_state(fresh_app, job_id).status.value == "done", 90, log)
        assert card_receipts(fresh_app) == [f"SJ{n:05d}" for n in range(1, 6)]
        answer = Api(fresh_app.test_client(), admin).get(f"/imports/{job_id}").get_json()
        assert (answer["created"], answer["done_rows"]) == (5, 5)
    finally:
        stop(worker)


def test_a_worker_killed_mid_import_is_resumed_by_the_next_without_duplicates(fresh_app, broker, tmp_path):
    log = tmp_path / "worker.log"
    rows = 150
    first = start_worker(fresh_app, broker, log)
    try:
        job_id, _ = post_sheet(fresh_app, rows)
        wait_for(lambda: job_state(fresh_app, job_id).done_rows >= 5, 120, log)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(timeout=10)
    stopped = job_state(fresh_app, job_id)
    assert stopped.status.value == "running" and 5 <= stopped.done_rows < rows, (stopped.status, stopped.done_rows)
    second = start_worker(fresh_app, broker, log)
    try:
        # Redis gives the unacknowledged message again once its visibility timeout has passed; the job's heartbeat is
        # stale by then, so the new worker takes it over.
        wait_for(lambda: job_state(fresh_app, job_id).status.value == "done", 180, log)
    finally:
        stop(second)
    done = job_state(fresh_app, job_id)
    assert done.done_rows == rows and done.created_rows == rows and done.error_rows == 0
    receipts = card_receipts(fresh_app)
    assert receipts == sorted(f"SJ{n:05d}" for n in range(1, rows + 1))  # each once
    with fresh_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Card)) == rows
