"""Demo data for a first look: one programme of each preset, a user per role, a few members."""

from __future__ import annotations

import base64
import datetime as dt
import io
import math

from flask import current_app
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from .agreements.services import sign_drawn
from .cards.services import issue_card
from .clock import today
from .documents.pdf import converter_available
from .extensions import db
from .loyalty.services import checkout
from .members.services import register_member
from .programs import presets
from .programs.services import create_program, get_program, set_seal, update_program
from .units.services import create_published_discount, create_unit, get_unit, update_unit
from .users.models import User
from .users.services import create_user

DEMO_USERS = (
    ("admin", "Demo manager 王经理", "admin", "admin-demo-1"),
    ("consultant", "Demo consultant 李顾问", "consultant", "consultant-demo-1"),
    ("counter", "Demo counter 赵前台", "counter", "counter-demo-1"),
    ("auditor", "Demo auditor 孙审计", "auditor", "auditor-demo-1"),
)

DEMO_MEMBERS = (
    {"name": "张三", "id_number": "11010519491231002X", "phone": "13800138000", "address": "北京市西城区示例路1号", "postal_code": "100032"},
    {"name": "李四", "id_number": "440106199001011235", "phone": "+86 139 0013 9000", "address": "广东省汕头市示例街2号", "postal_code": "515000"},
    {"name": "欧阳明月", "id_number": "320102198001011238", "phone": "15800001111", "address": "江苏省南京市示例大道3号", "postal_code": "210000"},
)


def demo_seal_png() -> bytes:
    """A plainly fake seal (a red ring, a star, 'DEMO'), so demo agreements show where a real seal goes."""
    image = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (200, 30, 30, 255)
    draw.ellipse([10, 10, 290, 290], outline=red, width=14)
    # A five-pointed star: outer and inner points alternate every 36 degrees.
    draw.polygon([(150 + (60 if i % 2 == 0 else 24) * math.sin(math.radians(i * 36)),
                   140 - (60 if i % 2 == 0 else 24) * math.cos(math.radians(i * 36))) for i in range(10)], fill=red)
    draw.text((112, 215), "DEMO", fill=red, font=ImageFont.load_default(size=30))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def is_empty() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is None


def load_demo() -> None:
    """Create the demo set: a user per role, one programme per preset, three members, two cards (and, where LibreOffice
    can render the agreement to sign, 李四's shop card with three purchases)."""
    for username, display_name, role, password in DEMO_USERS:
        create_user({"username": username, "display_name": display_name, "role": role, "password": password})
    day = today()
    issuer = {"issuer_name": "甘肃示例置业有限责任公司", "issuer_address": "甘肃省天水市秦州区示例大道88号",
              "issuer_credit_code": "91620102MA72XQ8B1K", "issuer_legal_rep": "陈示例"}
    shop = {"issuer_name": "示例商贸有限公司", "issuer_address": "甘肃省兰州市城关区示例路18号",
            "issuer_credit_code": "91620100MA74YJ3K27", "issuer_legal_rep": "刘示例"}
    online = {"issuer_name": "示例网络科技有限公司", "issuer_address": "广东省深圳市南山区示例科技园3栋",
              "issuer_credit_code": "91440300MA5G8R6Q1A", "issuer_legal_rep": "黄示例",
              "dispute_resolution": "arbitration", "dispute_body": "深圳国际仲裁院"}
    programs = {
        "presale_95": {"code": "DEMO-PRESALE", "project_name": "示例尚城", "presale_permit_no": "示预售字(2026)第001号",
                       "presale_permit_date": (day - dt.timedelta(days=30)).isoformat(),
                       "opening_date": day.isoformat(), **issuer},  # opening day is today, so the counter can be tried
        "presale_value_add": {"code": "DEMO-ZZ", "project_name": "示例雅苑", "presale_permit_no": "示预售字(2026)第002号",
                              "presale_permit_date": (day - dt.timedelta(days=10)).isoformat(), **issuer,
                              # opening day today: its units can be sold. Its agreement's words (认筹协议书,
                              # 一式三份, refund by phone, card and agreement together) come with the preset.
                              "opening_date": day.isoformat()},
        "retail_vip": {"code": "DEMO-RETAIL", "project_name": "示例生活馆", **shop},
        "online_membership": {"code": "DEMO-ONLINE", "project_name": "示例在线会员", **online},
    }
    for key, fields in programs.items():
        create_program({**presets.preset(key), "contact_phone": "0938-1234567", **fields}, by=None)
    for code in ("DEMO-PRESALE", "DEMO-ZZ"):
        set_seal(get_program(code), demo_seal_png(), by=None)
    _demo_inventory(get_program("DEMO-ZZ"))
    members = [register_member(member, by=None)[0] for member in DEMO_MEMBERS]
    # Two cards to look at, issued by the demo consultant: 李四's is signed and in force (try the counter), 欧阳明月's
    # waits for signatures (try reading and signing). 张三 has none, to try issuing.
    with current_app.test_request_context("/"):
        consultant = db.session.scalar(select(User).where(User.username == "consultant"))
        signed = issue_card({"program": "DEMO-PRESALE", "tier": "VIP", "member_id": members[1].id, "amount": "50000",
                             "payment_method": "bank_card", "receipt_no": "DEMO-0001"}, by=consultant)
        # The membership's fee is paid later: due within 2 days of signing, 5‰ a day late (try the card's dues).
        issue_card({"program": "DEMO-ONLINE", "tier": "ANNUAL", "member_id": members[2].id, "amount": "2000",
                    "pay_later": True}, by=consultant)
        if converter_available():
            sign_drawn(signed.agreements[0].id, {"member_signature": _demo_signature("李四"), "consent": True,
                                                 "consultant_signature": _demo_signature("李顾问")}, consultant=consultant)
            # 李四 also holds the shop's VIP card, with two purchases and a points spend to look at.
            shop_card = issue_card({"program": "DEMO-RETAIL", "tier": "VIP", "member_id": members[1].id, "amount": "0",
                                    "qualifying_spend": "5000"}, by=consultant)
            sign_drawn(shop_card.agreements[0].id, {"member_signature": _demo_signature("李四"), "consent": True,
                                                    "consultant_signature": _demo_signature("李顾问")}, consultant=consultant)
            checkout(shop_card.id, {"amount": "5800.00", "receipt_no": "DEMO-S-0001"}, by=consultant)
            checkout(shop_card.id, {"amount": "399.00", "special_price": True, "receipt_no": "DEMO-S-0002"}, by=consultant)
            checkout(shop_card.id, {"amount": "1200.00", "points": "200", "receipt_no": "DEMO-S-0003"}, by=consultant)


def _demo_inventory(program) -> None:
    """示例雅苑's sales control sheet: two buildings of homes and a row of parking spaces, a published 98折 for payment
    in full, its cards good for homes only (so a parking space is refused at the counter)."""
    update_program(program, {"redeemable_uses": ["residential"], "contract_sign_days": 7}, by=None)
    areas = {"01": "89.56", "02": "118.20", "03": "118.20", "04": "89.56"}
    for building, floors in (("1", 12), ("2", 9)):
        for floor in range(1, floors + 1):
            for room, area in areas.items():
                per_m2 = 9_800 + 120 * min(floor, 10) + (300 if room in ("02", "03") else 0)
                create_unit(program, {"building": building, "unit": "1", "floor": floor, "room": f"{floor}{room}",
                                      "use": "residential", "area": area,
                                      "list_price": str(round(per_m2 * float(area)))}, by=None)
    for n in range(1, 7):
        create_unit(program, {"building": "1", "unit": "B", "floor": -1, "room": f"C{n:02d}", "use": "parking",
                              "area": "13.20", "list_price": "128000"}, by=None)
    update_unit(get_unit(program, "1-1-1202"), {"status": "held"}, by=None)
    update_unit(get_unit(program, "2-1-101"), {"status": "withdrawn"}, by=None)
    create_published_discount(program, {"name": "一次性付款", "rate": "0.98", "valid_from": today().isoformat()}, by=None)
    create_published_discount(program, {"name": "按揭付款", "rate": "0.99", "valid_from": today().isoformat()}, by=None)


def _demo_signature(text: str) -> str:
    """A drawn-looking squiggle for the demo's signed agreement."""
    image = Image.new("RGBA", (600, 220), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    wobble = sum(map(ord, text)) % 50
    draw.line([(40, 150), (140, 60 + wobble), (240, 170), (360, 50 + wobble), (520, 140)], fill=(20, 20, 20, 255), width=7)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
