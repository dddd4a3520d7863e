"""Long work as jobs (DESIGN §13): Celery workers when a broker is configured (VIP_BROKER_URL), a thread of this
process when none is, so `make run` needs nothing more. Faces enqueue; the work itself is a service function that
is idempotent and resumable, so a message delivered twice, or again after its worker was killed, does no harm."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

from celery import Celery, Task
from celery.schedules import crontab
from flask import Flask, current_app

from .agreements.services import render_drafts
from .cards.lifecycle import expire_cards
from .extensions import db
from .imports.models import JobStatus
from .imports.services import get_job, run_job
from .loyalty.services import expire_points


def _expire(on: str | None = None) -> None:
    """The daily job, the system acting; with a day (YYYY-MM-DD), as of that day (a training copy's rehearsal)."""
    day = dt.date.fromisoformat(on) if on else None
    expire_cards(by=None, on=day)
    expire_points(by=None, on=day)  # retail points lots past their last day, in the same daily run


def _import(job_id: int) -> None:
    job = run_job(job_id)
    config = current_app.config
    if job is None and config["VIP_BROKER_URL"] and get_job(job_id).status is JobStatus.RUNNING:
        # Another worker runs it, or ran it until it died moments ago: look again once its heartbeat would be stale,
        # so that a job whose worker died is never left running with no message to resume it.
        current_app.extensions["celery"].send_task("imports.run", args=(job_id,),
                                                   countdown=config["VIP_JOB_STALE_SECONDS"])
    elif job is not None and not job.dry_run and job.created_rows and config["VIP_BROKER_URL"]:
        enqueue("agreements.render")  # where there are workers, the new drafts' PDFs are made before anyone asks


# Every job by its name: what a message names, a worker runs.
JOBS: dict[str, Callable[..., object]] = {"imports.run": _import, "cards.expire": _expire,
                                          "agreements.render": render_drafts}


def init_app(app: Flask) -> Celery:
    class AppTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.import_name, task_cls=AppTask)
    celery.conf.update(
        broker_url=app.config["VIP_BROKER_URL"] or "memory://",
        broker_connection_retry_on_startup=True,
        task_ignore_result=True,  # a job's progress lives in its own table, read by the page that started it
        # Acknowledged when done, not when received: a worker killed mid-job leaves its message to be delivered again.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_transport_options={"visibility_timeout": app.config["VIP_JOB_STALE_SECONDS"]},
        timezone=app.config["VIP_TIMEZONE"],
        worker_hijack_root_logger=False,
        # `flask --app app worker --beat` runs this schedule; with cron instead: `flask --app app cards expire` daily.
        beat_schedule={"cards.expire": {"task": "cards.expire", "schedule": crontab(hour=0, minute=10)}},
    )
    for name, work in JOBS.items():
        celery.task(name=name)(work)
    app.extensions["celery"] = celery
    return celery


def enqueue(name: str, *args) -> None:
    """Start job ``name``: on a worker when there is a broker, else now in a thread of this process."""
    app = current_app._get_current_object()
    # What the caller wrote is committed; reading it since began a transaction, which on SQLite holds the one write
    # lock. Ended here, so that the job (another session) can write at once.
    db.session.commit()
    if app.config["VIP_BROKER_URL"]:
        app.extensions["celery"].send_task(name, args=args)
    elif app.config.get("TESTING"):
        JOBS[name](*args)  # tests read the outcome at once, in the same session (the per-test transaction)
    else:
        def work() -> None:
            with app.app_context():
                JOBS[name](*args)

        threading.Thread(target=work, name=f"job {name}", daemon=True).start()
