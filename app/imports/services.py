"""Import cards from a sheet: a job checks every row (a dry run writes nothing else) or issues each good row exactly
as issuing one card does (member, card, ledger row, draft agreement, audit entries), one transaction a row. Bad rows
are kept with their reasons and never stop the good ones. Each row's transaction also moves the job's counters, so a
run killed halfway resumes at the first row not done; and a row whose receipt number already has a card in its
programme is not issued twice, whichever job or run brought it."""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from .. import audit
from ..audit import actor_id
from ..cards.labels import PAYMENT_LABELS
from ..cards.models import Card, PaymentMethod
from ..cards.schemas import IssueIn
from ..cards.services import add_card
from ..clock import today, utcnow
from ..documents.sheets import header_map, read_rows
from ..errors import Conflict, NotFound, ServiceError, ValidationFailed
from ..extensions import db, transition
from ..members.schemas import ID_TYPE_LABELS, IdType, MemberIn
from ..members.services import add_member, find_by_id_number, same_person
from ..programs.models import Program
from ..rules import N_, Decision, refuse
from ..rules import cards as card_rules
from ..rules.identity import ID_TYPE_NAMES
from ..rules.money import format_yuan
from ..rules.policies import check_issue
from .models import ImportJob, JobStatus, RowError
from .schemas import ImportRow

MAX_ROWS = 20_000
SQLITE_PAUSE_AFTER, SQLITE_PAUSE_SECONDS = 2.0, 0.15  # seconds of writing, then seconds letting others write
# Each column's names, Chinese first (the template's), then what people also write, then the API's field names.
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "客户姓名", "name"),
    "id_type": ("证件类型", "id_type", "id type"),
    "id_number": ("证件号码", "身份证号", "身份证号码", "id_number", "id number"),
    "phone": ("手机", "手机号", "手机号码", "联系电话", "phone", "mobile"),
    "address": ("地址", "联系地址", "address"),
    "postal_code": ("邮编", "postal_code", "postal code"),
    "program": ("项目", "项目代码", "program", "programme"),
    "tier": ("卡种", "卡种代码", "tier"),
    "amount": ("金额", "金额(元)", "金额（元）", "amount"),
    "payment_method": ("支付方式", "付款方式", "payment_method", "payment method"),
    "receipt_no": ("收据号", "收据编号", "receipt_no", "receipt number"),
    "issued_on": ("发卡日期", "认筹日期", "issued_on", "issue date"),
    "legacy_number": ("原卡号", "legacy_number", "old card number"),
}
REQUIRED_COLUMNS = ("name", "id_number", "phone", "program", "tier", "amount", "receipt_no")
MEMBER_FIELDS = ("name", "id_type", "id_number", "phone", "address", "postal_code")
# Words a sheet uses for the coded columns, besides the codes themselves and their English labels.
ID_TYPE_WORDS = {**{name: IdType(code) for code, name in ID_TYPE_NAMES.items()},
                 "身份证": IdType.RESIDENT_ID, "营业执照": IdType.USCC, "港澳通行证": IdType.HK_MACAO_PERMIT,
                 "回乡证": IdType.HK_MACAO_PERMIT, "台胞证": IdType.TAIWAN_PERMIT, "居住证": IdType.HMT_RESIDENCE_PERMIT,
                 "永居证": IdType.FOREIGN_PERMANENT_RESIDENCE, "外国人永久居留证": IdType.FOREIGN_PERMANENT_RESIDENCE}
PAYMENT_WORDS = {"现金": PaymentMethod.CASH, "银行卡": PaymentMethod.BANK_CARD, "刷卡": PaymentMethod.BANK_CARD,
                 "pos": PaymentMethod.BANK_CARD, "银行转账": PaymentMethod.BANK_TRANSFER, "转账": PaymentMethod.BANK_TRANSFER,
                 "微信": PaymentMethod.WECHAT_PAY, "微信支付": PaymentMethod.WECHAT_PAY, "支付宝": PaymentMethod.ALIPAY}


def _words(table: Mapping[str, Any], labels: Mapping[Any, str]) -> dict[str, str]:
    words = {k.lower(): v.value for k, v in table.items()}
    words |= {text.lower(): key.value for key, text in labels.items()}
    return words


_ID_TYPES = _words(ID_TYPE_WORDS, ID_TYPE_LABELS)
_PAYMENTS = _words(PAYMENT_WORDS, PAYMENT_LABELS)


def _day(value: Any) -> Any:
    """A date as Excel keeps it (a datetime) or as people type it (2026-03-01, 2026/3/1, 2026年3月1日, 20260301)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip().replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    if text.isdigit() and len(text) == 8:
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    parts = text.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{int(parts[0]):04d}-{int(parts[1]):02d}-{int(parts[2]):02d}"
    return text


def _row_data(header: Mapping[int, str], row: list[Any]) -> dict[str, Any]:
    data = {key: row[i] for i, key in header.items() if i < len(row) and row[i] not in (None, "")}
    for key, words in (("id_type", _ID_TYPES), ("payment_method", _PAYMENTS)):
        if key in data:
            data[key] = words.get(str(data[key]).strip().lower(), _Unknown(str(data[key])))
    if "issued_on" in data:
        data["issued_on"] = _day(data["issued_on"])
    for key in ("id_number", "phone", "receipt_no", "legacy_number", "postal_code", "tier", "program"):
        if isinstance(data.get(key), int):  # a number typed into Excel comes back as one
            data[key] = str(data[key])
    return data


@dataclass
class Sheet:
    rows: list[list[Any]]
    header: dict[int, str]

    @property
    def columns(self) -> dict[str, str]:
        """Field → the column's name as the sheet writes it, for the error file."""
        return {key: str(self.rows[0][i]) for i, key in self.header.items()}

    def data(self, number: int) -> dict[str, Any]:
        """Row ``number`` as Excel numbers it (the header is row 1)."""
        return _row_data(self.header, self.rows[number - 1])


def read_sheet(content: bytes) -> Sheet:
    if not content:
        raise ValidationFailed({"file": refuse("file_missing", N_("Choose a file to upload."))})
    rows = read_rows(content, max_rows=MAX_ROWS)
    if not rows:
        raise ValidationFailed({"file": refuse("sheet_empty", N_("The sheet has no rows."))})
    header = header_map(rows[0], HEADERS)
    missing = [k for k in REQUIRED_COLUMNS if k not in header.values()]
    if missing:
        raise ValidationFailed({"file": refuse("sheet_columns_missing", N_(
            "The first row must name the columns; missing: %(columns)s."),
            columns="、".join(HEADERS[k][0] for k in missing))})
    if len(rows) < 2:
        raise ValidationFailed({"file": refuse("sheet_empty", N_("The sheet has no rows."))})
    if len(rows) - 1 > MAX_ROWS:
        raise ValidationFailed({"file": refuse("sheet_too_long", N_("A sheet may hold at most %(n)s cards."), n=MAX_ROWS)})
    return Sheet(rows, header)


@transition
def create_job(content: bytes, filename: str, *, dry_run: bool, by) -> ImportJob:
    """Keep the sheet and queue its job. A file that cannot be read, or lacks a column, is refused now, not later."""
    sheet = read_sheet(content)
    job = ImportJob(status=JobStatus.QUEUED, dry_run=dry_run, filename=(filename or "sheet")[:200], content=content,
                    total_rows=len(sheet.rows) - 1, created_by_id=actor_id(by), created_at=utcnow())
    db.session.add(job)
    db.session.flush()
    audit.record("import.queued", job, {"file": job.filename, "rows": job.total_rows, "dry_run": dry_run}, actor=by)
    return job


def get_job(job_id: int) -> ImportJob:
    job = db.session.get(ImportJob, job_id)
    if job is None:
        raise NotFound(refuse("import_not_found", N_("No import has the number %(id)s."), id=job_id))
    return job


@dataclass
class _Seen:
    """What earlier rows of the same sheet settle for later ones: receipts used, and each holder's cards."""

    receipts: set[tuple[int, str]] = field(default_factory=set)
    holders: dict[str, str] = field(default_factory=dict)  # ID number → name
    cards: dict[tuple[str, int], int] = field(default_factory=dict)  # (ID number, programme) → cards in the sheet


class _Skip(Exception):
    """The row's card is already there (an earlier run or another job brought it)."""


def _programme(text: str, programs: dict[str, Program | None]) -> Program | None:
    if text not in programs:
        programs[text] = db.session.scalar(select(Program).where((Program.code == text) | (Program.name == text)))
    return programs[text]


def _tier_of(program: Program, text: str):
    return program.tier(text) or next((t for t in program.tiers if t.name == text), None)


class _Unknown(str):
    """A word the sheet gives for a coded column that is none of its words."""


# What the sheet may write in its coded columns, as the template's lists offer them.
CHOICES = {"id_type": "、".join(ID_TYPE_NAMES.values()), "payment_method": "现金、银行卡、银行转账、微信支付、支付宝"}


def _check(data: Mapping[str, Any], seen: _Seen, programs: dict[str, Program | None]) -> tuple[MemberIn, ImportRow,
                                                                                              Program, Any]:
    """Everything about a row that can be known without writing; raises ValidationFailed naming every wrong field,
    Conflict for a rule, _Skip for a row already imported."""
    problems: dict[str, Decision] = {
        key: refuse("word_unknown", N_("“%(given)s” is not one of: %(choices)s."), given=value, choices=CHOICES[key])
        for key, value in data.items() if isinstance(value, _Unknown)}
    data = {k: v for k, v in data.items() if not isinstance(v, _Unknown)}
    member = row = None
    try:
        member = MemberIn.read({k: data[k] for k in MEMBER_FIELDS if k in data}, context={"today": today()})
    except ValidationFailed as exc:
        problems = exc.fields | problems  # a word not understood says so, not that the field is missing
    try:
        row = ImportRow.read({k: v for k, v in data.items() if k not in MEMBER_FIELDS}, context={"today": today()})
    except ValidationFailed as exc:
        problems = exc.fields | problems  # a word not understood says so, not that the field is missing
    program = tier = None
    if row is not None:
        program = _programme(row.program, programs)
        if program is None:
            problems["program"] = refuse("program_not_found", N_("No programme has the code %(code)s."), code=row.program)
        elif (tier := _tier_of(program, row.tier)) is None:
            problems["tier"] = refuse("tier_not_found", N_("Programme %(program)s has no tier %(tier)s."),
                                      program=program.code, tier=row.tier)
        elif row.amount_fen != tier.amount_fen:
            problems["amount"] = refuse("amount_mismatch", N_(
                "The %(tier)s card costs %(expected)s; the amount entered is %(given)s."), tier=tier.name,
                expected=format_yuan(tier.amount_fen), given=format_yuan(row.amount_fen))
    if program is not None and row is not None and (program.id, row.receipt_no) in seen.receipts:
        problems["receipt_no"] = refuse("receipt_twice", N_("Receipt %(receipt)s is on an earlier row of this sheet."),
                                        receipt=row.receipt_no)
    if member is not None and not same_person(seen.holders.get(_key(member.id_number, member.id_type), member.name),
                                              member.name):
        problems["id_number"] = refuse("id_number_other_name", N_(
            "An earlier row of this sheet gives this ID number under another name."))
    if problems:
        raise ValidationFailed(problems)
    if db.session.scalar(select(Card.id).where(Card.program_id == program.id, Card.receipt_no == row.receipt_no,
                                               Card.predecessor_id.is_(None)).limit(1)) is not None:
        raise _Skip()
    return member, row, program, tier


def _dry(member: MemberIn, row: ImportRow, program: Program, seen: _Seen) -> None:
    """The rules issuing would apply, against the database and the sheet's earlier rows, writing nothing."""
    existing = find_by_id_number(member.id_number, member.id_type or IdType.RESIDENT_ID)
    if existing is not None and not same_person(existing.name, member.name):
        reason = refuse("id_number_registered_other_name", N_(
            "This ID number is already registered to member %(member_id)s under another name."), member_id=existing.id)
        raise Conflict(reason, fields={"id_number": reason})
    held = 0 if existing is None else db.session.scalar(select(func.count(Card.id)).where(
        Card.member_id == existing.id, Card.program_id == program.id, Card.status.in_(card_rules.HOLDING_STATUSES)))
    held += seen.cards.get((_key(member.id_number, member.id_type), program.id), 0)
    decision = check_issue(program.terms(), row.issued_on or today(), active_cards=held)
    if not decision.ok:
        raise ServiceError(decision)


def _issue(member_spec: MemberIn, row: ImportRow, program: Program, tier, *, by) -> Card:
    # Rows of one programme are imported one at a time (the lock), so two jobs given the same sheet cannot both
    # find a receipt free and issue it twice.
    db.session.scalar(select(Program.id).where(Program.id == program.id).with_for_update())
    if db.session.scalar(select(Card.id).where(Card.program_id == program.id, Card.receipt_no == row.receipt_no,
                                               Card.predecessor_id.is_(None)).limit(1)) is not None:
        raise _Skip()
    member, _ = add_member(member_spec, by=by)
    spec = IssueIn.model_construct(program=program.code, tier=tier.code, member_id=member.id, amount_fen=row.amount_fen,
                                   payment_method=row.payment_method, receipt_no=row.receipt_no,
                                   qualifying_spend_fen=None, permit_override_reason=None)
    return add_card(spec, by=by, issued_on=row.issued_on, legacy_number=row.legacy_number)


def _claim(job_id: int, stale_after: dt.timedelta) -> ImportJob | None:
    """The job for this run, or None: finished, or running under a worker that still gives signs of life."""
    job = db.session.scalar(select(ImportJob).where(ImportJob.id == job_id).with_for_update())
    if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
        db.session.rollback()
        return None
    now = utcnow()
    if job.status is JobStatus.RUNNING and job.heartbeat_at is not None and now - job.heartbeat_at < stale_after:
        db.session.rollback()
        return None
    job.status, job.heartbeat_at = JobStatus.RUNNING, now
    job.started_at = job.started_at or now
    db.session.commit()
    return job


def _fail_row(job: ImportJob, number: int, error: ServiceError, columns: Mapping[str, str]) -> None:
    reasons = error.fields or {"": error.decision}
    for key, decision in reasons.items():
        db.session.add(RowError(job_id=job.id, row=number, column=columns.get(key, key or None), code=decision.code,
                                message=decision.message, params={k: str(v) for k, v in decision.params.items()}))


def run_job(job_id: int, *, stale_after_seconds: int | None = None,
            progress: Callable[[int, int], None] | None = None) -> ImportJob | None:
    """Run (or resume) an import. Idempotent: a second delivery of the same job while it runs does nothing."""
    from flask import current_app
    stale = dt.timedelta(seconds=stale_after_seconds if stale_after_seconds is not None
                         else current_app.config["VIP_JOB_STALE_SECONDS"])
    job = _claim(job_id, stale)
    if job is None:
        return None
    try:
        sheet = read_sheet(job.content)
        by = job.created_by
        seen, programs = _Seen(), {}
        failed = set(db.session.scalars(select(RowError.row).where(RowError.job_id == job.id)))
        for number in range(2, job.done_rows + 2):  # rows done by an earlier run still settle what later rows may do
            if number not in failed:
                _remember(sheet.data(number), seen, programs)
        paused = time.monotonic()
        for number in range(job.done_rows + 2, len(sheet.rows) + 1):
            data = sheet.data(number)
            outcome = "created"
            try:
                member, row, program, tier = _check(data, seen, programs)
                if job.dry_run:
                    _dry(member, row, program, seen)
                else:
                    _issue(member, row, program, tier, by=by)
            except _Skip:
                db.session.rollback()
                outcome = "skipped"
            except ServiceError as exc:
                db.session.rollback()
                _fail_row(job, number, exc, sheet.columns)
                outcome = "error"
            if outcome != "error":
                _remember(data, seen, programs)
            job.done_rows += 1
            job.heartbeat_at = utcnow()
            if outcome == "created":
                job.created_rows += 1
            elif outcome == "skipped":
                job.skipped_rows += 1
            else:
                job.error_rows += 1
            db.session.commit()  # the row and the counters that say it is done, together
            paused = _let_others_write(paused)
            if progress is not None:
                progress(job.done_rows, job.total_rows)
        job.status, job.finished_at = JobStatus.DONE, utcnow()
        audit.record("import.finished", job, {"file": job.filename, "rows": job.total_rows, "dry_run": job.dry_run,
                                              "created": job.created_rows, "skipped": job.skipped_rows,
                                              "errors": job.error_rows}, actor=by)
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        job.status, job.finished_at, job.failure = JobStatus.FAILED, utcnow(), type(exc).__name__
        db.session.commit()
        raise
    return job


def _let_others_write(paused: float) -> float:
    """SQLite has one writer at a time, and a waiting one retries only every 100 ms or so: an import writing row
    after row would keep the desks waiting for as long as it runs. A pause every two seconds lets them in (counted
    in time, not rows: the faster the rows, the more a pause every so many rows would cost). Returns when the
    import last paused."""
    if time.monotonic() - paused < SQLITE_PAUSE_AFTER or db.session.get_bind().dialect.name != "sqlite":
        return paused
    time.sleep(SQLITE_PAUSE_SECONDS)
    return time.monotonic()


def _remember(data: Mapping[str, Any], seen: _Seen, programs: dict[str, Program | None]) -> None:
    program = _programme(str(data["program"]), programs) if data.get("program") else None
    if program is not None and data.get("receipt_no"):
        seen.receipts.add((program.id, str(data["receipt_no"])))
    number, name = data.get("id_number"), data.get("name")
    if number and name:
        key = _key(str(number), data.get("id_type"))
        seen.holders.setdefault(key, str(name))
        if program is not None:
            seen.cards[(key, program.id)] = seen.cards.get((key, program.id), 0) + 1


def _key(id_number: str, id_type: Any = None) -> str:
    """A holder within the sheet: the kind of paper and its number (the same digits on two kinds are two people)."""
    kind = getattr(id_type, "value", id_type) or IdType.RESIDENT_ID.value
    return f"{kind}:{''.join(id_number.split()).upper()}"


TEMPLATE_WIDTHS = {"name": 10, "id_type": 12, "id_number": 22, "phone": 14, "address": 28, "postal_code": 8,
                   "program": 12, "tier": 10, "amount": 12, "payment_method": 12, "receipt_no": 16, "issued_on": 12,
                   "legacy_number": 14}
GUIDE = (
    ("必填列", "姓名、证件号码、手机、项目、卡种、金额、收据号。其余可空：证件类型空时为居民身份证，发卡日期空时为导入当天。"),
    ("项目、卡种", "写代码或名称（见“项目与卡种”表）；金额须等于该卡种的金额。"),
    ("支付方式", "现金、银行卡、银行转账、微信支付、支付宝；金额大于零时必填。"),
    ("收据号", "每张卡一个，同一项目内不得重复：再次导入同一文件时，已导入的行按收据号跳过，不会重复发卡。"),
    ("发卡日期", "原卡实际发卡的日期（如 2026-03-01），有效期和退款期限从这一天起算；不得晚于今天。"),
    ("原卡号", "纸质卡或表格里的原编号，导入后可按它查到新卡。"),
    ("Columns", "English column names are accepted too: name, id_type, id_number, phone, address, program, tier, "
                "amount, payment_method, receipt_no, issued_on, legacy_number."),
)


def template_workbook(programs: list[Program]) -> bytes:
    """The sheet to fill in: the columns (Chinese), choices where a column has a list, a guide, and the programmes
    and tiers one may name, with their amounts."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "卡"
    keys = list(HEADERS)
    sheet.append([HEADERS[k][0] for k in keys])
    for i, key in enumerate(keys, start=1):
        cell = sheet.cell(row=1, column=i)
        cell.font = Font(bold=True, color="B00000" if key in REQUIRED_COLUMNS else "000000")
        sheet.column_dimensions[cell.column_letter].width = TEMPLATE_WIDTHS[key]
    sheet.freeze_panes = "A2"
    for key, choices in (("id_type", tuple(ID_TYPE_NAMES.values())),
                         ("payment_method", ("现金", "银行卡", "银行转账", "微信支付", "支付宝"))):
        letter = sheet.cell(row=1, column=keys.index(key) + 1).column_letter
        rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.add_data_validation(rule)
    for key in ("id_number", "phone", "receipt_no", "legacy_number"):  # text, so Excel keeps leading zeros and all 18 digits
        letter = sheet.cell(row=1, column=keys.index(key) + 1).column_letter
        for row in range(2, 502):
            sheet[f"{letter}{row}"].number_format = "@"
    guide = book.create_sheet("说明")
    guide.column_dimensions["A"].width, guide.column_dimensions["B"].width = 12, 100
    for row in GUIDE:
        guide.append(row)
    listing = book.create_sheet("项目与卡种")
    listing.append(["项目代码", "项目名称", "卡种代码", "卡种名称", "金额(元)"])
    for program in programs:
        for tier in program.tiers:
            listing.append([program.code, program.name, tier.code, tier.name, tier.amount_fen / 100])
            listing.cell(row=listing.max_row, column=5).number_format = '"¥"#,##0.00'
    for letter, width in zip("ABCDE", (12, 30, 10, 16, 14), strict=True):
        listing.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def errors_workbook(job: ImportJob, say: Callable[[Decision], str], headings: tuple[str, str, str]) -> bytes:
    """Each wrong row with its reasons, then the row as the sheet gave it, to correct and upload again."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    sheet_rows = read_sheet(job.content).rows
    book = Workbook(write_only=True)
    sheet = book.create_sheet("errors")
    header = [*headings, *(str(v) if v is not None else "" for v in sheet_rows[0])]
    sheet.append(header)
    for error in db.session.scalars(select(RowError).where(RowError.job_id == job.id).order_by(RowError.row, RowError.id)):
        reason = say(Decision(False, error.code, error.message, error.params))
        original = sheet_rows[error.row - 1] if error.row <= len(sheet_rows) else []
        cells = []
        for value in (error.row, error.column or "", reason, *("" if v is None else v for v in original)):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # what people typed stays text: "=…" is no formula
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
