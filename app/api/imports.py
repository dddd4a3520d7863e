from __future__ import annotations

from flask import jsonify, url_for
from flask_login import current_user

from ..i18n import say
from ..imports import services
from ..imports.schemas import ImportUpload
from ..imports.views import XLSX, dump_job, errors_file, template_file
from ..jobs import enqueue
from . import bp, require, upload
from .responses import ImportJob
from .spec import operation


@bp.get("/imports/template.xlsx")
@operation({200: XLSX}, describe={200: "The sheet to fill in: Chinese column names, choices, a guide, the programmes"})
def import_template():
    """The import template"""
    require("card.import")
    return template_file()


@bp.post("/imports")
@operation({202: ImportJob}, multipart=ImportUpload, describe={
    202: "Queued (without a broker it may be done already): follow GET /api/v1/imports/{id}"})
def start_import():
    """Import cards from XLSX or CSV, or with dry_run check every row and write nothing; runs as a job"""
    require("card.import")
    sent = upload(ImportUpload)
    readable = hasattr(sent.file, "read")
    job = services.create_job(sent.file.read() if readable else b"", sent.file.filename if readable else "",
                              dry_run=bool(sent.dry_run), by=current_user)
    enqueue("imports.run", job.id)
    response = jsonify(dump_job(services.get_job(job.id), say))
    response.status_code = 202
    response.headers["Location"] = url_for("api.get_import", job_id=job.id)
    return response


@bp.get("/imports/<id:job_id>")
@operation({200: ImportJob})
def get_import(job_id: int):
    """An import's progress and outcome"""
    require("card.import")
    return jsonify(dump_job(services.get_job(job_id), say))


@bp.get("/imports/<id:job_id>/errors.xlsx")
@operation({200: XLSX}, describe={200: "Every wrong row, why, and the row as the sheet gave it"})
def import_errors(job_id: int):
    """An import's wrong rows as XLSX"""
    require("card.import")
    return errors_file(services.get_job(job_id))

