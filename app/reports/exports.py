"""Exports (DESIGN §10.1): cards, members, ledger, refunds, charges and the audit log as XLSX or CSV.

Each export is one query, filtered like the list it comes from, read in batches (``yield_per``), never loaded whole:
CSV is written while it is read, XLSX by openpyxl's write-only workbook into a temporary file. Cells are typed — money
in yuan as numbers with a ¥ format, times in the sales centre's local time, counts as numbers — and headers and values
are words of the reader's language, never codes. Text a spreadsheet would run as a formula is made inert. ID numbers
and mobiles are masked unless a manager asks for them in full and says why. Every export is in the audit log; one with
the numbers in full counts each of its rows towards the alert on many reveals."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import os
import re
import tempfile
from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from .. import audit
from ..approvals.models import RefundRequest
from ..audit import AuditEntry
from ..audit.phrases import event_details, event_label, object_label
from ..cards.charges import Charge
from ..cards.history import AuditFilters, audit_query, lineage_ids
from ..cards.labels import (
    CHARGE_LABELS,
    PAYMENT_LABELS,
    REQUEST_STATUS_LABELS,
    STATUS_LABELS,
    ledger_label,
    refund_kind_label,
)
from ..cards.models import Card, LedgerEntry
from ..cards.schemas import CardFilters
from ..cards.services import CARD_LIST_ORDER, filtered_cards, held_sum
from ..clock import clock, start_of, utcnow
from ..errors import Forbidden, NotFound, ValidationFailed
from ..extensions import db, transition
from ..members.models import Member
from ..members.schemas import ID_TYPE_LABELS, MemberSearch
from ..members.services import alert_on_burst, decrypt_id_number, member_search
from ..programs.models import Program, Tier
from ..rules import N_, refuse
from ..rules.identity import mask_number
from ..users.models import User
from ..users.roles import can
from ..validation import REQUIRED, Schema
from .export_schemas import ChargeFilters, LedgerFilters, MoneyFilters, RefundFilters, RevealOptions

TEXT, INT, MONEY, TIME, DATE = "text", "int", "money", "time", "date"
BATCH = 1000  # rows fetched at a time, and CSV rows per chunk sent
YUAN_FORMAT = '"¥"#,##0.00;-"¥"#,##0.00'  # the sign before the currency, as on every page
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DATE_FORMAT = "yyyy-mm-dd"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What a spreadsheet reads as the start of a formula (OWASP's list: = + - @, and tab and carriage return).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Control characters an XLSX file cannot hold (openpyxl refuses them): a user agent may carry one.
UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

@dataclass(frozen=True)
class Column:
    header: str  # a msgid: said in the reader's language
    kind: str = TEXT
    width: int = 14


@dataclass(frozen=True)
class Request:
    """An export asked for: the list's filters read with its own model, and whether the numbers are wanted in full."""

    what: str
    filters: Any
    reveal: bool
    reason: str | None
    given: dict[str, str]  # the filters as asked, for the audit log
    user: Any


@dataclass(frozen=True)
class Kind:
    title: str  # a msgid: the sheet's name
    columns: tuple[Column, ...]
    filters: type[Schema]
    query: Callable[[Request], Any]  # the statement whose rows make the export
    row: Callable[[Any, Request, Say], list[Any]]
    personal: bool = False  # carries ID numbers and mobiles: masked unless revealed
    permission: str = "report.export"  # besides report.export
    ignored: frozenset[str] = frozenset()  # the list's filters that make no sense for a whole export (paging)


Say = Callable[[str], str]  # gettext, remembered for the length of one export


def _say(say: Say, labels: Mapping[Any, str], value: Any) -> str | None:
    return say(labels[value]) if value in labels else value


def _holder(member: Member, req: Request) -> tuple[str, str]:
    """The ID number and mobile as this export shows them: masked, or in full when revealed."""
    if req.reveal:
        return decrypt_id_number(member), member.phone
    return member.id_number_masked, mask_number(member.phone)


# Cards: the card list's query (app/cards/services.filtered_cards), with its holder, programme and money held.

_m, _p, _t, _u, _u2 = aliased(Member), aliased(Program), aliased(Tier), aliased(User), aliased(User)


def _cards_query(req: Request):
    f: CardFilters = req.filters
    return (filtered_cards(f, issued_by_id=req.user.id if f.mine else None)
            .join(_m, _m.id == Card.member_id).join(_p, _p.id == Card.program_id).join(_t, _t.id == Card.tier_id)
            .outerjoin(_u, _u.id == Card.issued_by_id)
            .with_only_columns(Card.number, Card.status, _p.project_name, _t.name, _m, Card.amount_fen,
                               held_sum(), Card.payment_method, Card.receipt_no, Card.issued_at, _u.display_name,
                               Card.valid_through)
            .order_by(*CARD_LIST_ORDER))


def _card_row(r: Any, req: Request, say: Say) -> list[Any]:
    number, status, project, tier, member, amount, held, method, receipt, issued_at, consultant, through = r
    id_number, phone = _holder(member, req)
    return [number, _say(say, STATUS_LABELS, status), project, tier, member.name,
            _say(say, ID_TYPE_LABELS, member.id_type), id_number, phone, amount, held,
            _say(say, PAYMENT_LABELS, method), receipt, issued_at, consultant, through]


# Members: the member search (app/members/services.member_search), every match.

def _members_query(req: Request):
    return member_search(req.filters.q or "")


def _member_row(r: Any, req: Request, say: Say) -> list[Any]:
    member = r[0]
    id_number, phone = _holder(member, req)
    return [member.id, member.name, _say(say, ID_TYPE_LABELS, member.id_type), id_number, phone, member.address,
            member.postal_code, member.created_at]


# Money: the ledger, refund requests and charges, oldest first as a journal reads, with the card and its holder.

def _money_filters(stmt, model, when, f: MoneyFilters):
    if f.program:
        stmt = stmt.where(_p.code == f.program.upper())
    if f.card:
        stmt = stmt.where(model.card_id.in_(lineage_ids(f.card) or [-1]))
    if f.date_from:
        stmt = stmt.where(when >= start_of(f.date_from))
    if f.date_to:
        stmt = stmt.where(when < start_of(f.date_to + dt.timedelta(days=1)))
    return stmt


# What the row's programme calls its money and its agreement (诚意金, 内部认购协议书): its kinds read in those words.
_WORDS = (_p.kind, _p.deposit_term, _p.agreement_title)
_Words = namedtuple("_Words", "kind deposit_term agreement_title")


def _with_card(model):
    return (select(model).join(Card, Card.id == model.card_id).join(_p, _p.id == Card.program_id)
            .join(_m, _m.id == Card.member_id))


def _ledger_query(req: Request):
    f: LedgerFilters = req.filters
    stmt = _money_filters(_with_card(LedgerEntry).outerjoin(_u, _u.id == LedgerEntry.actor_id), LedgerEntry,
                          LedgerEntry.created_at, f)
    if f.kind is not None:
        stmt = stmt.where(LedgerEntry.kind == f.kind)
    return stmt.with_only_columns(LedgerEntry.created_at, Card.number, _p.project_name, _m.name, LedgerEntry.kind,
                                  LedgerEntry.amount_fen, LedgerEntry.payment_method, LedgerEntry.reference,
                                  _u.display_name, *_WORDS).order_by(LedgerEntry.id)


def _ledger_row(r: Any, req: Request, say: Say) -> list[Any]:
    at, number, project, holder, kind, amount, method, reference, by, *words = r
    return [at, number, project, holder, ledger_label(kind, _Words(*words), say), amount,
            _say(say, PAYMENT_LABELS, method), reference, by]


def _refunds_query(req: Request):
    f: RefundFilters = req.filters
    stmt = _money_filters(_with_card(RefundRequest).outerjoin(_u, _u.id == RefundRequest.requested_by_id)
                          .outerjoin(_u2, _u2.id == RefundRequest.decided_by_id), RefundRequest,
                          RefundRequest.requested_at, f)
    if f.status is not None:
        stmt = stmt.where(RefundRequest.status == f.status)
    r = RefundRequest
    return stmt.with_only_columns(r.requested_at, Card.number, _p.project_name, _m.name, r.kind, r.status, r.amount_fen,
                                  r.reason, _u.display_name, r.decided_at, _u2.display_name, r.payout_method,
                                  r.payout_reference, *_WORDS).order_by(r.id)


def _refund_row(r: Any, req: Request, say: Say) -> list[Any]:
    at, number, project, holder, kind, status, amount, reason, by, decided_at, decided_by, method, reference, *words = r
    return [at, number, project, holder, refund_kind_label(kind, _Words(*words), say), _say(say, REQUEST_STATUS_LABELS, status),
            amount, reason, by, decided_at, decided_by, _say(say, PAYMENT_LABELS, method), reference]


def _charges_query(req: Request):
    f: ChargeFilters = req.filters
    stmt = _money_filters(_with_card(Charge).outerjoin(_u, _u.id == Charge.actor_id), Charge, Charge.created_at, f)
    if f.kind is not None:
        stmt = stmt.where(Charge.kind == f.kind)
    return stmt.with_only_columns(Charge.created_at, Card.number, _p.project_name, _m.name, Charge.kind,
                                  Charge.amount_fen, Charge.receipt_no, _u.display_name).order_by(Charge.id)


def _charge_row(r: Any, req: Request, say: Say) -> list[Any]:
    at, number, project, holder, kind, amount, receipt, by = r
    return [at, number, project, holder, _say(say, CHARGE_LABELS, kind), amount, receipt, by]


# The audit log: the log page's query (app/cards/history.audit_query), every match, newest first.

def _audit_query(req: Request):
    return audit_query(req.filters).with_only_columns(
        AuditEntry.id, AuditEntry.created_at, AuditEntry.actor_name, AuditEntry.action, AuditEntry.object_type,
        AuditEntry.object_id, AuditEntry.data, AuditEntry.ip, AuditEntry.user_agent)


def _audit_row(r: Any, req: Request, say: Say) -> list[Any]:
    entry_id, at, actor, action, object_type, object_id, data, ip, user_agent = r
    return [entry_id, at, actor, event_label(action, say), f"{object_label(object_type, say)} {object_id}",
            event_details(json.loads(data), say, what=action), ip, user_agent, action]


_WHEN, _CARD, _PROGRAMME, _HOLDER = Column(N_("When"), TIME, 19), Column(N_("Card number"), width=14), \
    Column(N_("Programme"), width=16), Column(N_("Holder"), width=10)

KINDS: dict[str, Kind] = {
    "cards": Kind(N_("Cards"), (
        _CARD, Column(N_("Status"), width=10), _PROGRAMME, Column(N_("Tier"), width=10), _HOLDER,
        Column(N_("ID type"), width=12), Column(N_("ID number"), width=20), Column(N_("Phone"), width=13),
        Column(N_("Amount"), MONEY), Column(N_("Held"), MONEY), Column(N_("Payment method"), width=10),
        Column(N_("Receipt number"), width=14), Column(N_("Issued"), TIME, 19), Column(N_("Consultant"), width=10),
        Column(N_("Valid through"), DATE, 11)),
        CardFilters, _cards_query, _card_row, personal=True, ignored=frozenset({"page", "per_page"})),
    "members": Kind(N_("Members"), (
        Column(N_("Member no."), INT, 9), Column(N_("Name"), width=10), Column(N_("ID type"), width=12),
        Column(N_("ID number"), width=20), Column(N_("Phone"), width=13), Column(N_("Address"), width=30),
        Column(N_("Postal code"), width=8), Column(N_("Registered"), TIME, 19)),
        MemberSearch, _members_query, _member_row, personal=True, permission="member.view"),
    "ledger": Kind(N_("Ledger"), (
        _WHEN, _CARD, _PROGRAMME, _HOLDER, Column(N_("Kind"), width=16), Column(N_("Amount"), MONEY),
        Column(N_("Payment method"), width=10), Column(N_("Reference"), width=14), Column(N_("Recorded by"), width=10)),
        LedgerFilters, _ledger_query, _ledger_row),
    "refunds": Kind(N_("Refunds"), (
        Column(N_("Requested"), TIME, 19), _CARD, _PROGRAMME, _HOLDER, Column(N_("Kind"), width=14),
        Column(N_("Status"), width=12), Column(N_("Amount"), MONEY), Column(N_("Reason"), width=24),
        Column(N_("Requested by"), width=10), Column(N_("Decided"), TIME, 19), Column(N_("Decided by"), width=10),
        Column(N_("Payout method"), width=10), Column(N_("Payout reference"), width=14)),
        RefundFilters, _refunds_query, _refund_row),
    "charges": Kind(N_("Charges"), (
        _WHEN, _CARD, _PROGRAMME, _HOLDER, Column(N_("Kind"), width=12), Column(N_("Amount"), MONEY),
        Column(N_("Receipt number"), width=14), Column(N_("Recorded by"), width=10)),
        ChargeFilters, _charges_query, _charge_row),
    "audit": Kind(N_("Audit log"), (
        Column(N_("Entry no."), INT, 9), _WHEN, Column(N_("User"), width=12), Column(N_("Action"), width=20),
        Column(N_("Object"), width=16), Column(N_("Details"), width=60), Column(N_("IP address"), width=15),
        Column(N_("User agent"), width=30), Column(N_("Action code"), width=20)),
        AuditFilters, _audit_query, _audit_row, permission="audit.view"),
}


def kind_of(what: str) -> Kind:
    if what not in KINDS:
        raise NotFound(refuse("export_not_found", N_("There is no export called %(what)s; there are: %(known)s."),
                              what=what, known=", ".join(KINDS)))
    return KINDS[what]


def read_request(what: str, args: Mapping[str, str], *, user) -> Request:
    """Who may, which export, its filters (as its list reads them) and whether in full: 403, 404 or 422 otherwise."""
    if not can(user, "report.export"):
        raise Forbidden(refuse("forbidden", N_("Your role does not allow this.")))
    kind = kind_of(what)
    if not can(user, kind.permission):
        raise Forbidden(refuse("forbidden", N_("Your role does not allow this.")))
    options = set(RevealOptions.names()) if kind.personal else set()
    unknown = sorted(set(args) - (kind.filters.names() - kind.ignored) - options)
    if unknown:
        raise ValidationFailed({k: refuse("unknown_field", N_("This field is not known here.")) for k in unknown})
    given = {k: v for k, v in args.items() if k not in options}
    filters = kind.filters.read(given)
    reveal = RevealOptions.read({k: args[k] for k in options if k in args})
    if reveal.reveal and not can(user, "member.reveal_any"):
        raise Forbidden(refuse("reveal_not_allowed", N_("Only a manager may export ID numbers and mobiles in full.")))
    if reveal.reveal and not reveal.reason:
        raise ValidationFailed({"reason": REQUIRED})
    return Request(what, filters, bool(reveal.reveal), reveal.reason if reveal.reveal else None, given, user)


def _logged_filters(given: Mapping[str, str]) -> dict[str, str]:
    """The filters for the log: a search that may be an ID number or a mobile is masked like one."""
    return {k: mask_number(v) if k == "q" and any(c.isdigit() for c in v) else v for k, v in given.items() if v}


@transition
def _record(req: Request, fmt: str, rows: int) -> None:
    data = {"what": req.what, "format": fmt, "rows": rows, "filters": _logged_filters(req.given) or None}
    # About the person exporting, as a burst of reveals is; the details say which list.
    if req.reveal:
        audit.record("export.revealed", req.user, {**data, "reason": req.reason}, actor=req.user)
        alert_on_burst(req.user)
    else:
        audit.record("export.downloaded", req.user, data, actor=req.user)


@dataclass(frozen=True)
class Prepared:
    """An export checked, counted and logged, ready to be written."""

    req: Request
    kind: Kind
    fmt: str

    @property
    def filename(self) -> str:
        return f"{self.req.what}-{utcnow().astimezone(clock().tz):%Y%m%d-%H%M}.{self.fmt}"

    def headers(self) -> list[str]:
        return [gettext(c.header) for c in self.kind.columns]

    def records(self) -> Iterator[list[Any]]:
        """The rows, read a batch at a time: memory stays flat however long the list."""
        statement = self.kind.query(self.req).execution_options(yield_per=BATCH)
        say = functools.lru_cache(maxsize=None)(gettext)
        for r in db.session.execute(statement):
            yield self.kind.row(r, self.req, say)


def prepare(what: str, fmt: str, args: Mapping[str, str], *, user) -> Prepared:
    """Check and log an export before any of it is written: the log says who took what, how many rows, filtered how."""
    req = read_request(what, args, user=user)
    kind = KINDS[what]
    rows = db.session.scalar(select(func.count()).select_from(kind.query(req).order_by(None).subquery()))
    _record(req, fmt, rows)
    return Prepared(req, kind, fmt)


# Writing ---------------------------------------------------------------------------------------------------------

def _local(moment: dt.datetime | None) -> dt.datetime | None:
    """The sales centre's wall-clock time, as a spreadsheet holds times (without a zone)."""
    return moment.astimezone(clock().tz).replace(tzinfo=None, microsecond=0) if moment is not None else None


def _yuan(fen: int | None) -> Decimal | None:
    return (Decimal(fen) / 100).quantize(Decimal("0.01")) if fen is not None else None


def inert(text: str) -> str:
    """CSV text that a spreadsheet would run as a formula, made plain text by a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv_cell(kind: str) -> Callable[[Any], Any]:
    if kind == MONEY:
        return lambda v: "" if v is None else str(_yuan(v))
    if kind == TIME:
        return lambda v: "" if v is None else f"{_local(v):%Y-%m-%d %H:%M:%S}"
    if kind == DATE:
        return lambda v: "" if v is None else v.isoformat()
    if kind == INT:
        return lambda v: "" if v is None else v
    return lambda v: "" if v is None else inert(str(v))


def csv_chunks(prepared: Prepared) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (so Excel reads the Chinese), sent a thousand rows at a time."""
    out = io.StringIO()
    writer = csv.writer(out)
    cells = [_csv_cell(c.kind) for c in prepared.kind.columns]
    out.write("\ufeff")
    writer.writerow(prepared.headers())
    for n, row in enumerate(prepared.records(), 1):
        writer.writerow([cell(v) for cell, v in zip(cells, row, strict=True)])
        if n % BATCH == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def xlsx_file(prepared: Prepared) -> IO[bytes]:
    """The export as a workbook in a temporary file (gone once closed), written row by row by openpyxl's write-only
    mode. Money cells are numbers in yuan with a ¥ format, times are local times with a date format, and text is always
    text: a value starting with = stays a string, never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(gettext(prepared.kind.title)[:31])
    columns = prepared.kind.columns
    for i, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for text in prepared.headers():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    # One styled cell per typed column, given each row's value: write-only rows are written as they are appended.
    styled: dict[int, Any] = {}
    for i, column in enumerate(columns):
        if column.kind in (MONEY, TIME, DATE):
            styled[i] = WriteOnlyCell(sheet)
            styled[i].number_format = {MONEY: YUAN_FORMAT, TIME: TIME_FORMAT, DATE: DATE_FORMAT}[column.kind]
    kinds = [c.kind for c in columns]

    def text(value: Any) -> Any:
        value = UNWRITABLE.sub("", str(value))
        if value.startswith("="):  # openpyxl would store it as a formula: a text cell instead
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell
        return value

    for row in prepared.records():
        out: list[Any] = []
        for i, (kind, value) in enumerate(zip(kinds, row, strict=True)):
            if value is None:
                out.append(None)
            elif kind == TEXT:
                out.append(text(value))
            elif kind == INT:
                out.append(value)
            else:
                cell = styled[i]
                cell.value = _yuan(value) if kind == MONEY else _local(value) if kind == TIME else value
                out.append(cell)
        sheet.append(out)
    spool = tempfile.TemporaryFile()
    book.save(spool)
    spool.seek(0)
    return spool


def download(prepared: Prepared):
    """The answer: CSV streamed while the rows are read, XLSX sent from its temporary file."""
    from flask import Response, stream_with_context

    disposition = {"Content-Disposition": f'attachment; filename="{prepared.filename}"'}
    if prepared.fmt == "csv":
        return Response(stream_with_context(csv_chunks(prepared)), mimetype="text/csv", headers=disposition)
    spool = xlsx_file(prepared)
    return Response(_sent(spool), mimetype=XLSX, headers={
        **disposition, "Content-Length": str(os.fstat(spool.fileno()).st_size)})


def _sent(spool: IO[bytes]) -> Iterator[bytes]:
    """The file in pieces, closed (and so gone) once sent or abandoned."""
    with spool:
        while chunk := spool.read(256 * 1024):
            yield chunk


def wants_reveal(args: Mapping[str, str]) -> bool:
    """Whether a request asks for the numbers in full (the reveal rate limit counts only those)."""
    return str(args.get("reveal", "")).strip().lower() in {"1", "true", "on", "yes", "y"}
