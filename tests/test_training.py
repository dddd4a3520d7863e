"""A training copy (issue 12 part 7): a date is set only on a copy in training mode; every page says so, card images
and documents carry a mark, answers a header; `cards expire --date` runs a later day only there."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageChops

from app import create_app
from app.cards.models import Card
from app.extensions import db
from app.jobs import JOBS
from tests.conftest import FRESH_KEYS, in_request

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def bare(monkeypatch, tmp_path):
    for name in ("VIP_SECRET_KEY", "VIP_DATA_KEY", "VIP_TOKEN_KEYS", "VIP_DATABASE_URL", "VIP_WORKERS", "VIP_TRAINING",
                 "VIP_TRAINING_DATE"):
        monkeypatch.delenv(name, raising=False)
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}", **FRESH_KEYS}


def test_a_date_outside_training_mode_refuses_to_start(bare, monkeypatch):
    with pytest.raises(RuntimeError, match="VIP_TRAINING_DATE sets the date of a training copy only"):
        create_app(bare | {"VIP_TRAINING_DATE": "2026-06-01"})
    monkeypatch.setenv("VIP_TRAINING_DATE", "2026-06-01")  # as an operator would set it
    with pytest.raises(RuntimeError, match="start a copy of the data with VIP_TRAINING=1"):
        create_app(bare)
    monkeypatch.setenv("VIP_TRAINING", "0")
    with pytest.raises(RuntimeError, match="training copy only"):
        create_app(bare)
    monkeypatch.setenv("VIP_TRAINING", "1")
    assert create_app(bare).extensions["vip_clock"].today() == dt.date(2026, 6, 1)


def test_a_date_that_is_not_one_refuses_to_start(bare):
    with pytest.raises(RuntimeError, match=r"a day \(2026-06-01\) or a day and time .* '2026-13-01' is neither"):
        create_app(bare | {"VIP_TRAINING": True, "VIP_TRAINING_DATE": "2026-13-01"})


def test_the_training_clock_runs_on_from_the_chosen_moment(bare):
    day = create_app(bare | {"VIP_TRAINING": True, "VIP_TRAINING_DATE": "2026-06-01"}).extensions["vip_clock"]
    now = day.now()
    assert day.today() == dt.date(2026, 6, 1) and now.tzinfo is not None
    # A day alone keeps the real time of day, so two workers started apart agree.
    assert abs(now.astimezone(SHANGHAI).time().hour - dt.datetime.now(SHANGHAI).hour) in (0, 1, 23)
    moment = create_app(bare | {"VIP_TRAINING": True, "VIP_TRAINING_DATE": "2026-06-01T08:30"}).extensions["vip_clock"]
    started = dt.datetime(2026, 6, 1, 8, 30, tzinfo=SHANGHAI)
    assert dt.timedelta(0) <= moment.now() - started < dt.timedelta(seconds=30)
    first = moment.now()
    assert moment.now() >= first  # it runs on
    live = create_app(bare).extensions["vip_clock"]
    assert live.today() == dt.datetime.now(SHANGHAI).date()


@pytest.fixture
def training(app, monkeypatch):
    monkeypatch.setitem(app.config, "VIP_TRAINING", True)
    return app


def test_every_page_says_training_copy_with_its_date(app, login, monkeypatch):
    live = app.test_client().get("/login")
    assert "培训副本" not in live.get_data(as_text=True) and "X-VIP-Training" not in live.headers
    monkeypatch.setitem(app.config, "VIP_TRAINING", True)
    public = app.test_client().get("/login")
    assert "培训副本 · 日期 2026-05-20" in public.get_data(as_text=True)  # the (fixed) clock's day
    assert public.headers["X-VIP-Training"] == "2026-05-20"
    english = app.test_client().get("/login?lang=en").get_data(as_text=True)
    assert "Training copy · date 2026-05-20" in english and "not valid" in english
    staff = login("admin").get("/cards/").get_data(as_text=True)
    assert 'class="training-banner"' in staff


def test_the_verify_page_and_api_of_a_training_copy_say_so(training, make_card, api_as):
    card = make_card()
    with training.test_request_context("/"):
        from app.cards.services import verify_url
        url = verify_url(card)
    token = url.rsplit("/v/", 1)[1]
    page = training.test_client().get(f"/v/{token}")
    assert "培训副本 · 日期 2026-05-20" in page.get_data(as_text=True)
    assert "此结果来自培训副本：仅为演练" in page.get_data(as_text=True)
    answer = api_as("counter").get(f"/verify/{token}")
    assert answer.status_code == 200 and answer.headers["X-VIP-Training"] == "2026-05-20"


def _red_pixels(png: bytes) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    red, green, blue = (band.point(lambda v, hi=hi: 255 if (v > 150) == hi else 0) for band, hi in
                        zip(image.split(), (True, False, False), strict=True))
    return ImageChops.multiply(ImageChops.multiply(red, green), blue).histogram()[255]


def test_card_images_and_documents_of_a_training_copy_carry_the_mark(app, make_card, login, monkeypatch):
    card = make_card()
    browser = login("consultant")
    real = browser.get(f"/cards/{card.number}/card.png").data
    monkeypatch.setitem(app.config, "VIP_TRAINING", True)
    marked = browser.get(f"/cards/{card.number}/card.png").data
    assert _red_pixels(marked) > _red_pixels(real) + 1000
    from app.documents.docx import render_docx
    with app.test_request_context("/"):
        from docx import Document
        rendered = render_docx("refund.docx", {}, {})
        first = Document(io.BytesIO(rendered)).paragraphs[0].text
    assert first.startswith("【培训副本 · 无效 · TRAINING COPY · NOT VALID · 2026-05-20】")


def _membership_card(make_card, make_program):
    return make_card(program=make_program(preset="online_membership", code="TRAINEXP"))


def test_expire_for_a_later_day_only_on_a_training_copy(app, make_card, make_program, monkeypatch):
    card = _membership_card(make_card, make_program)
    last_day = card.valid_through
    runner = app.test_cli_runner()
    later = (last_day + dt.timedelta(days=1)).isoformat()
    refused = runner.invoke(args=["cards", "expire", "--date", later])
    assert refused.exit_code != 0 and "只有培训副本（VIP_TRAINING=1）" in refused.output
    assert db.session.get(Card, card.id).status.value == "active"
    caught_up = runner.invoke(args=["cards", "expire", "--date", "2026-05-19"])  # an earlier day: safe anywhere
    assert caught_up.exit_code == 0 and caught_up.output.startswith("expired 0 card(s)")
    assert runner.invoke(args=["cards", "expire", "--date", "2026-02-30"]).exit_code == 2  # not a day: click says so

    monkeypatch.setitem(app.config, "VIP_TRAINING", True)
    on_the_last_day = runner.invoke(args=["cards", "expire", "--date", last_day.isoformat()])
    assert on_the_last_day.output.startswith("expired 0 card(s)")  # still valid on its last day
    rehearsed = runner.invoke(args=["cards", "expire", "--date", later])
    assert rehearsed.exit_code == 0 and rehearsed.output.startswith("expired 1 card(s)") and card.number in rehearsed.output
    db.session.expire_all()
    assert db.session.get(Card, card.id).status.value == "expired"


def test_the_expiry_job_takes_a_day(app, make_card, make_program, monkeypatch):
    card = _membership_card(make_card, make_program)
    later = (card.valid_through + dt.timedelta(days=1)).isoformat()
    from app.errors import ServiceError
    with pytest.raises(ServiceError) as refused:
        in_request(app, JOBS["cards.expire"], later)
    assert refused.value.decision.code == "expiry_day_in_future"
    monkeypatch.setitem(app.config, "VIP_TRAINING", True)
    in_request(app, JOBS["cards.expire"], later)
    db.session.expire_all()
    assert db.session.get(Card, card.id).status.value == "expired"
    entry = [e for e in in_request(app, _audit_of, card) if e.action == "card.expired"][0]
    assert entry.payload["as_of"] == later


def _audit_of(card):
    from sqlalchemy import select

    from app.audit import AuditEntry
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "card",
                                                            AuditEntry.object_id == str(card.id))))


def test_a_training_copy_never_texts_a_real_phone():
    from app.portal.sms import AliyunSender, OutboxSender, sender
    aliyun = {"VIP_SMS_PROVIDER": "aliyun", "VIP_SMS_ALIYUN_ACCESS_KEY_ID": "id", "VIP_SMS_ALIYUN_ACCESS_KEY_SECRET": "s",
              "VIP_SMS_ALIYUN_SIGN_NAME": "示例", "VIP_SMS_ALIYUN_TEMPLATE_CODE": "SMS_1"}
    assert isinstance(sender(aliyun), AliyunSender)
    assert isinstance(sender(aliyun | {"VIP_TRAINING": True}), OutboxSender)
