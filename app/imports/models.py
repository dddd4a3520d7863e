from __future__ import annotations

import datetime as dt
from enum import Enum

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_common import UTCDateTime, enum_column


class JobStatus(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ImportJob(db.Model):
    """One uploaded sheet and its run. The file is kept in the database so a worker on another machine can read it,
    and a run started again goes through it again: rows already imported are known by their receipt number."""

    __tablename__ = "import_jobs"
    audit_type = "import"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[JobStatus] = mapped_column(enum_column(JobStatus, "job_status"), default=JobStatus.QUEUED)
    dry_run: Mapped[bool] = mapped_column(Boolean)
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    done_rows: Mapped[int] = mapped_column(Integer, default=0)
    created_rows: Mapped[int] = mapped_column(Integer, default=0)  # cards issued by this job (by any of its runs)
    skipped_rows: Mapped[int] = mapped_column(Integer, default=0)  # already there: imported before
    error_rows: Mapped[int] = mapped_column(Integer, default=0)
    failure: Mapped[str | None] = mapped_column(Text)  # why the whole job stopped, if it did
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())  # a running job's latest sign of life
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    created_by = relationship("User")
    errors: Mapped[list[RowError]] = relationship(back_populates="job", order_by="RowError.id",
                                                     cascade="all, delete-orphan", passive_deletes=True)

    __table_args__ = (
        CheckConstraint("done_rows <= total_rows", name="done_within_total"),
        CheckConstraint("created_rows + skipped_rows + error_rows <= done_rows", name="outcomes_within_done"),
    )


class RowError(db.Model):
    """Why one row of a sheet was not imported: its row number as Excel shows it, the column as the sheet names it, and
    the reason (the rule's sentence, translated when shown)."""

    __tablename__ = "import_row_errors"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_jobs.id", ondelete="CASCADE"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    column: Mapped[str | None] = mapped_column(String(60))
    code: Mapped[str] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(Text)
    params: Mapped[dict] = mapped_column(JSON, default=dict)

    job: Mapped[ImportJob] = relationship(back_populates="errors")
