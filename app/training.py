"""A training copy (VIP_TRAINING=1): a copy of the service where a sales centre rehearses, optionally at a chosen date
(VIP_TRAINING_DATE), e.g. its opening day before the day. Every page says so in a banner, every card image and
document carries a mark, every answer a header: nothing made on a training copy can pass as real."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_app_context
from flask_babel import gettext

from .clock import Clock, today

HEADER = "X-VIP-Training"
MARK = "培训副本 · 无效 · TRAINING COPY · NOT VALID"  # on cards and documents, which are Chinese whatever the screen


class TrainingClock(Clock):
    """Runs forward from the chosen moment: the copy's time moves as real time does, from there."""

    def __init__(self, start: dt.datetime, tz: str):
        super().__init__(tz)
        self.offset = start - dt.datetime.now(dt.UTC)

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset


def training_start(value: str, tz: str) -> dt.datetime:
    """VIP_TRAINING_DATE as a moment: a day (2026-06-01) keeps the real time of day, so several workers started
    apart agree on the copy's time; a day and time (2026-06-01T08:30) starts there, in the sales centre's time."""
    zone = ZoneInfo(tz)
    text = value.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return dt.datetime.combine(day, dt.datetime.now(zone).time(), zone)
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise RuntimeError(f"VIP_TRAINING_DATE must be a day (2026-06-01) or a day and time (2026-06-01T08:30) in "
                           f"the sales centre's time ({tz}): {value!r} is neither.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def clock_for(config) -> Clock | None:
    """The training copy's clock when a date is set; refuses a date outside training mode (a live service whose
    clock said another day would expire, refund and open windows on the wrong day for real members)."""
    value = config.get("VIP_TRAINING_DATE")
    if not value:
        return None
    if not config.get("VIP_TRAINING"):
        raise RuntimeError("VIP_TRAINING_DATE sets the date of a training copy only: a live service runs on the real "
                           "date. To rehearse, start a copy of the data with VIP_TRAINING=1 as well.")
    return TrainingClock(training_start(str(value), config["VIP_TIMEZONE"]), config["VIP_TIMEZONE"])


def training_mode() -> bool:
    return has_app_context() and bool(current_app.config.get("VIP_TRAINING"))


def document_mark() -> str | None:
    """The words stamped on a card image or document made on a training copy (None on the live service)."""
    return f"{MARK} · {today().isoformat()}" if training_mode() else None


def mark_image(image) -> None:
    """Stamp the training mark across a card image (PIL) in place: red bands along its top and bottom edges, leaving
    the QR code in between readable (a rehearsal scans it)."""
    from PIL import ImageDraw, ImageFont

    from .documents.fonts import find_cjk_fonts
    mark = document_mark()
    if mark is None:
        return
    fonts = find_cjk_fonts(current_app.config.get("VIP_CJK_FONT"))
    size = image.height // 12
    font = ImageFont.truetype(fonts[0], size) if fonts else ImageFont.load_default(size)
    while size > 8 and font.getlength(mark) > image.width * 0.94:
        size -= 2
        font = font.font_variant(size=size)
    band = size * 2
    draw = ImageDraw.Draw(image)
    for top in (0, image.height - band):
        draw.rectangle((0, top, image.width, top + band), fill=(200, 0, 0))
        draw.text((image.width // 2, top + band // 2), mark, font=font, fill=(255, 255, 255), anchor="mm")


def mark_document(document) -> None:
    """Put the training mark at the top of a Word document (python-docx), before anything else, in red."""
    from docx.shared import Pt, RGBColor

    mark = document_mark()
    if mark is None:
        return
    first = document.paragraphs[0] if document.paragraphs else document.add_paragraph()
    paragraph = first.insert_paragraph_before()
    paragraph.alignment = 1  # centred
    run = paragraph.add_run(f"【{mark}】")
    run.bold, run.font.size, run.font.color.rgb = True, Pt(12), RGBColor(0xC8, 0, 0)


def init_app(app: Flask) -> None:
    @app.context_processor
    def training_banner():
        if not training_mode():
            return {}
        return {"training_banner": gettext("Training copy · date %(date)s", date=today().isoformat())}

    @app.after_request
    def say_so(response):
        # API clients and scanners see it too: the copy's verdicts are rehearsals, not answers about real cards.
        if training_mode():
            response.headers[HEADER] = today().isoformat()
        return response
