"""The import page: the template to download, a sheet to upload (checked only, or imported), and each job's progress
bar, counts and wrong rows. The same services and job as the API and `flask --app app cards import`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from ..errors import ValidationFailed
from ..extensions import db
from ..i18n import say
from ..jobs import enqueue
from ..programs.models import Program
from ..rules import N_, Decision
from ..web import field_errors, register_labels, require
from . import services
from .models import ImportJob, JobStatus, RowError

bp = Blueprint("imports", __name__, url_prefix="/imports")
register_labels(bp, job_status_labels={JobStatus.QUEUED: N_("queued"), JobStatus.RUNNING: N_("running"),
                                       JobStatus.DONE: N_("done"), JobStatus.FAILED: N_("stopped")})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ERRORS = 100


def dump_job(job: ImportJob, say: Callable[[Decision], str]) -> dict[str, Any]:
    errors = db.session.scalars(select(RowError).where(RowError.job_id == job.id).order_by(RowError.row, RowError.id)
                                .limit(SHOWN_ERRORS))
    return {
        "id": job.id, "status": job.status.value, "dry_run": job.dry_run, "filename": job.filename,
        "rows": job.total_rows, "total_rows": job.total_rows, "done_rows": job.done_rows, "created": job.created_rows,
        "skipped": job.skipped_rows, "error_rows": job.error_rows,
        "errors": [{"row": e.row, "column": e.column, "code": e.code,
                    "message": say(Decision(False, e.code, e.message, e.params))} for e in errors],
        "errors_url": url_for("api.import_errors", job_id=job.id) if job.error_rows else None,
        "created_at": job.created_at.isoformat(), "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def _download(content: bytes, name: str):
    return current_app.response_class(content, mimetype=XLSX,
                                      headers={"Content-Disposition": f'attachment; filename="{name}"'})


def template_file():
    programs = list(db.session.scalars(select(Program).order_by(Program.code)))
    return _download(services.template_workbook(programs), "cards-import-template.xlsx")


def errors_file(job: ImportJob):
    headings = (gettext("Row"), gettext("Column"), gettext("Why"))
    return _download(services.errors_workbook(job, say, headings), f"import-{job.id}-errors.xlsx")


@bp.get("/")
@require("card.import")
def index():
    jobs = db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(20))
    return render_template("imports/index.html", jobs=list(jobs))


@bp.post("/")
@require("card.import")
def start():
    sent = request.files.get("file")
    try:
        job = services.create_job(sent.read() if sent else b"", sent.filename if sent else "",
                                  dry_run=bool(request.form.get("dry_run")), by=current_user)
    except ValidationFailed as exc:
        jobs = db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(20))
        return render_template("imports/index.html", jobs=list(jobs), errors=field_errors(exc)), 422
    enqueue("imports.run", job.id)
    return redirect(url_for("imports.job", job_id=job.id))


@bp.get("/template.xlsx")
@require("card.import")
def template():
    return template_file()


@bp.get("/<id:job_id>")
@require("card.import")
def job(job_id: int):
    job = services.get_job(job_id)
    return render_template("imports/job.html", job=job, view=dump_job(job, say))


@bp.get("/<id:job_id>.json")
@require("card.import")
def progress(job_id: int):
    """What the job's page polls for its progress bar."""
    return jsonify(dump_job(services.get_job(job_id), say))


@bp.get("/<id:job_id>/errors.xlsx")
@require("card.import")
def errors(job_id: int):
    return errors_file(services.get_job(job_id))
