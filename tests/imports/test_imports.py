"""Importing cards from a sheet (issue 11 part 5): the template, a dry run that names every wrong row and writes
nothing, the real run that issues each good row as issuing one card does, the same sheet again without duplicates, a
run interrupted and resumed, the CLI with its progress bar, and the web page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.agreements.models import Agreement
from app.audit import AuditEntry
from app.cards.models import Card, LedgerEntry
from app.extensions import db
from app.imports.models import ImportJob, JobStatus
from app.imports.services import HEADERS, run_job
from app.members.models import Member
from tests.conftest import csrf_token, in_request, valid_id_number

COLUMNS = [HEADERS[k][0] for k in HEADERS]  # the template's Chinese names, in its order


def sheet(rows: list[dict], columns: list[str] = COLUMNS) -> bytes:
    book = Workbook()
    ws = book.active
    ws.append(columns)
    for row in rows:
        ws.append([row.get(c) for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good_row(program, n: int, **overrides) -> dict:
    tier = program.tiers[0]
    row = {"姓名": f"导入{n}", "证件类型": "居民身份证", "证件号码": valid_id_number(5000 + n), "手机": f"1390000{n:04d}",
           "项目": program.code, "卡种": tier.code, "金额": tier.amount_fen / 100, "支付方式": "微信支付",
           "收据号": f"SJ{n:05d}", "发卡日期": dt.datetime(2026, 5, 1), "原卡号": f"ZK-{n:04d}"}
    row.update(overrides)
    return row


def upload(api, content: bytes, *, dry_run: bool, name: str = "cards.xlsx"):
    return api.client.post("/api/v1/imports", headers=api._headers(), content_type="multipart/form-data",
                           data={"file": (io.BytesIO(content), name), **({"dry_run": "true"} if dry_run else {})})


def counts() -> tuple[int, int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(t)) for t in (Member, Card, LedgerEntry, Agreement))


@pytest.fixture
def program(make_program):
    return make_program()


def mixed_sheet(program) -> bytes:
    return sheet([
        good_row(program, 1),
        good_row(program, 2, **{"证件号码": "110101199003070001"}),  # wrong check digit
        good_row(program, 3, **{"卡种": "NOPE"}),
        good_row(program, 4, **{"金额": 1}),
        good_row(program, 5, **{"收据号": "SJ00001"}),  # the receipt of row 2 again
        good_row(program, 6, **{"支付方式": None}),
        good_row(program, 7, **{"发卡日期": "2027-01-01"}),
        good_row(program, 8, **{"收据号": "@SJ8"}),  # text that a spreadsheet could take for a formula
        good_row(program, 9, **{"发卡日期": "2026年4月3日"}),
        good_row(program, 10, **{"支付方式": "刷脸"}),
    ])


def test_template_has_the_chinese_columns_and_the_programmes(app, api_as, program, login):
    response = api_as("admin").get("/imports/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    header = [c.value for c in book["卡"][1]]
    for name in ("姓名", "证件号码", "手机", "项目", "卡种", "金额", "支付方式", "收据号", "发卡日期", "原卡号"):
        assert name in header
    listing = [[c.value for c in row] for row in book["项目与卡种"].iter_rows(min_row=2)]
    assert [program.code, program.name, program.tiers[0].code, program.tiers[0].name,
            program.tiers[0].amount_fen / 100] in listing
    assert login("admin").get("/imports/template.xlsx").data[:2] == b"PK"


def test_dry_run_names_every_wrong_row_and_writes_nothing(app, api_as, program):
    api = api_as("admin")
    before = counts()
    response = upload(api, mixed_sheet(program), dry_run=True)
    assert response.status_code == 202, response.get_json()
    job = response.get_json()
    assert job["status"] == "done" and job["dry_run"] and job["rows"] == 10 and job["done_rows"] == 10
    assert (job["created"], job["skipped"], job["error_rows"]) == (3, 0, 7), job["errors"]
    assert counts() == before
    wrong = {(e["row"], e["column"], e["code"]) for e in job["errors"]}
    assert wrong == {(3, "证件号码", "id_checksum_invalid"), (4, "卡种", "tier_not_found"), (5, "金额", "amount_mismatch"),
                     (6, "收据号", "receipt_twice"), (7, "支付方式", "required"), (8, "发卡日期", "issued_in_future"),
                     (11, "支付方式", "word_unknown")}, wrong
    assert all(e["message"] and "%(" not in e["message"] for e in job["errors"])

    errors = api.get(f"/imports/{job['id']}/errors.xlsx")
    assert errors.status_code == 200
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(errors.data)).active.iter_rows()]
    assert rows[0][:3] == ["Row", "Column", "Why"] and rows[0][3:] == COLUMNS
    assert sorted(r[0] for r in rows[1:]) == [3, 4, 5, 6, 7, 8, 11]
    assert "现金、银行卡" in next(r for r in rows if r[0] == 11)[2]  # the words the sheet may use, not codes
    amount = next(r for r in rows if r[0] == 5)
    assert "costs" in amount[2] and amount[3] == "导入4"  # the reason, and the row as given beside it


def test_the_import_issues_each_good_row_as_issuing_does(app, api_as, program):
    api = api_as("admin")
    before = counts()
    job = upload(api, mixed_sheet(program), dry_run=False).get_json()
    assert (job["status"], job["created"], job["error_rows"]) == ("done", 3, 7)
    assert [a - b for a, b in zip(counts(), before, strict=True)] == [3, 3, 3, 3]
    card = db.session.scalar(select(Card).where(Card.receipt_no == "SJ00001", Card.program_id == program.id))
    assert card.issued_on == dt.date(2026, 5, 1) and card.legacy_number == "ZK-0001"
    assert card.member.name == "导入1" and card.status.value == "awaiting_signature"
    assert card.ledger[0].amount_fen == program.tiers[0].amount_fen and card.ledger[0].reference == "SJ00001"
    assert card.agreements and card.valid_from == dt.date(2026, 5, 1)
    typed = db.session.scalar(select(Card).where(Card.receipt_no == "SJ00009", Card.program_id == program.id))
    assert typed.issued_on == dt.date(2026, 4, 3)  # 2026年4月3日 as people type it
    assert db.session.scalar(select(Card.id).where(Card.receipt_no == "@SJ8")) is not None  # kept as the text it is
    issued = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "card.issued",
                                                        AuditEntry.object_id == str(card.id)))
    assert issued is not None and issued.actor_name  # in the name of the manager who imported the sheet
    found = api.get("/cards", query_string={"q": "ZK-0001"}).get_json()
    assert [c["number"] for c in found["items"]] == [card.number]
    assert api.get(f"/cards/{card.number}").get_json()["legacy_number"] == "ZK-0001"

    again = upload(api, mixed_sheet(program), dry_run=False).get_json()  # the same sheet again: nothing twice
    assert (again["created"], again["skipped"], again["error_rows"]) == (0, 3, 7)
    assert [a - b for a, b in zip(counts(), before, strict=True)] == [3, 3, 3, 3]


def test_an_interrupted_run_resumes_where_it_stopped(app, api_as, program, make_user, clock):
    """A worker killed mid-job leaves the job running with rows done; a new delivery after the worker's silence takes
    it over at the first row not done, and the rows done before are not issued twice."""
    api = api_as("admin")
    content = sheet([good_row(program, n) for n in range(1, 9)])
    from app.imports.services import create_job
    admin = make_user("admin")
    job = in_request(app, create_job, content, "eight.xlsx", dry_run=False, by=admin)

    class Killed(BaseException):
        pass

    def kill_after_three(done, total):
        if done == 3:
            raise Killed

    with app.test_request_context("/"), pytest.raises(Killed):
        run_job(job.id, progress=kill_after_three)
    job = db.session.get(ImportJob, job.id)
    assert (job.status, job.done_rows, job.created_rows) == (JobStatus.RUNNING, 3, 3)
    with app.test_request_context("/"):
        assert run_job(job.id) is None  # its worker may still be alive: a second delivery leaves it alone
    clock.at = clock.at + dt.timedelta(seconds=app.config["VIP_JOB_STALE_SECONDS"] + 1)
    with app.test_request_context("/"):
        run_job(job.id)
    db.session.refresh(job)
    assert (job.status, job.done_rows, job.created_rows, job.skipped_rows) == (JobStatus.DONE, 8, 8, 0)
    receipts = list(db.session.scalars(select(Card.receipt_no).where(Card.program_id == program.id)))
    assert sorted(receipts) == [f"SJ{n:05d}" for n in range(1, 9)]
    assert api.get(f"/imports/{job.id}").get_json()["status"] == "done"


def test_the_file_itself_is_refused_at_once(app, api_as, program):
    api = api_as("admin")
    unreadable = upload(api, b"\x00\x01 not a sheet", dry_run=True, name="x.xlsx")
    assert unreadable.status_code == 422 and unreadable.get_json()["error"]["reasons"]["file"] == "file_unreadable"
    missing = upload(api, sheet([{"姓名": "张三"}], columns=["姓名", "手机"]), dry_run=True)
    assert missing.status_code == 422
    assert "证件号码" in missing.get_json()["error"]["fields"]["file"]
    empty = api.client.post("/api/v1/imports", headers=api._headers(), content_type="multipart/form-data", data={})
    assert empty.status_code == 422
    assert upload(api_as("consultant"), mixed_sheet(program), dry_run=True).status_code == 403
    assert api.get("/imports/999999").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 0


def test_csv_in_gbk_with_english_headers(app, api_as, program):
    tier = program.tiers[0]
    text = ("name,id_number,phone,program,tier,amount,payment_method,receipt_no,issued_on\n"
            f"李四,{valid_id_number(7001)},13900001111,{program.code},{tier.code},{tier.amount_fen / 100},现金,CSV1,2026/5/2\n"
            f"=HYPERLINK(\"http://x\"),{valid_id_number(7002)},13900001112,{program.code},{tier.code},{tier.amount_fen / 100},"
            "现金,CSV2,2026/5/2\n")
    api = api_as("admin")
    job = upload(api, text.encode("gb18030"), dry_run=False, name="cards.csv").get_json()
    assert (job["created"], job["error_rows"]) == (1, 1), job
    card = db.session.scalar(select(Card).where(Card.receipt_no == "CSV1"))
    assert card.payment_method.value == "cash" and card.issued_on == dt.date(2026, 5, 2)
    # The error file gives the row back as text: a formula someone typed stays inert.
    sheet_back = load_workbook(io.BytesIO(api.get(f"/imports/{job['id']}/errors.xlsx").data)).active
    name = sheet_back.cell(row=2, column=4)
    assert name.value.startswith("=HYPERLINK") and name.data_type == "s"


def test_cli_imports_with_a_progress_bar_and_resumes_by_receipt(app, program, tmp_path):
    path = tmp_path / "cards.xlsx"
    path.write_bytes(sheet([good_row(program, n) for n in range(1, 5)]))
    runner = app.test_cli_runner()
    checked = runner.invoke(args=["cards", "import", str(path), "--dry-run"])
    assert checked.exit_code == 0, checked.output
    assert "4 rows: 4 would be issued, 0 already there, 0 wrong" in checked.output
    done = runner.invoke(args=["cards", "import", str(path)])
    assert "4 rows: 4 issued" in done.output and "import" in done.output
    again = runner.invoke(args=["cards", "import", str(path)])
    assert "0 issued, 4 already there" in again.output
    assert db.session.scalar(select(func.count()).select_from(Card).where(Card.program_id == program.id)) == 4


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_page_uploads_and_follows_the_job(app, login, program, lang):
    client = login("admin")
    headers = {"Accept-Language": lang}
    page = client.get("/imports/", headers=headers)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert ("导入卡" if lang == "zh-CN" else "Import cards") in text
    response = client.post("/imports/", headers=headers, content_type="multipart/form-data", data={
        "csrf_token": csrf_token(text), "dry_run": "1", "file": (io.BytesIO(mixed_sheet(program)), "cards.xlsx")})
    assert response.status_code == 302
    job_page = client.get(response.headers["Location"], headers=headers).get_data(as_text=True)
    assert "10</span> / 10" in job_page
    assert ("有问题的行" if lang == "zh-CN" else "Wrong rows") in job_page
    assert ("卡种" in job_page) and ("tier_not_found" not in job_page)
    progress = client.get(response.headers["Location"] + ".json").get_json()
    assert progress["status"] == "done" and progress["error_rows"] == 7
    bad = client.post("/imports/", headers=headers, content_type="multipart/form-data",
                      data={"csrf_token": csrf_token(text), "file": (io.BytesIO(b"nonsense"), "x.csv")})
    assert bad.status_code == 422
    assert ("首行须为列名" if lang == "zh-CN" else "first row") in bad.get_data(as_text=True)
    assert login("consultant").get("/imports/").status_code == 403
