"""A purchase's receipt (会员消费凭证, contracts/purchase_receipt.docx): Chinese whatever the screen language, as the
agreements are. A receipt is rendered when asked for, from the purchase as recorded; nothing is signed or kept."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..documents.docx import render_docx
from ..extensions import db
from ..rules.cards import format_card_number
from ..rules.loyalty import points_rule_text
from ..rules.money import amount_in_words, discount_in_words, format_yuan
from ..users.models import User
from . import services
from .models import PointLot, PointSpend, Purchase

TEMPLATE = "purchase_receipt.docx"


def lot_of(purchase: Purchase) -> PointLot | None:
    return db.session.scalar(select(PointLot).where(PointLot.purchase_id == purchase.id))


def receipt_context(purchase: Purchase) -> dict[str, Any]:
    card, program = purchase.card, purchase.card.program
    spend = db.session.scalar(select(PointSpend).where(PointSpend.program_id == purchase.program_id,
                                                       PointSpend.receipt_no == purchase.receipt_no))
    lot = lot_of(purchase)
    if purchase.special_price:
        discount = "特价商品，不享受会员折扣（不与其他优惠同时使用）"
        earned = "特价商品不积分"
    else:
        discount = f"{discount_in_words(card.tier.discount_rate_bp)}，优惠{format_yuan(purchase.amount_fen - purchase.discounted_fen)}"
        earned = f"{purchase.points_earned}分" + ("（生日当月加倍）" if purchase.birthday_month and purchase.points_earned else "")
    clerk = db.session.get(User, purchase.created_by_id) if purchase.created_by_id else None
    return {
        "issuer_name": program.issuer_name, "project_name": program.project_name, "contact_phone": program.contact_phone,
        "program_name": program.name, "tier_name": card.tier.name, "card_number": format_card_number(card.number),
        "member_name": card.member.name, "receipt_no": purchase.receipt_no, "purchased_on": purchase.purchased_on,
        "amount_figures": format_yuan(purchase.amount_fen), "discount_text": discount,
        "discounted_figures": format_yuan(purchase.discounted_fen),
        "points_spent": spend.points if spend else 0, "points_value_figures": format_yuan(purchase.points_value_fen),
        "paid_figures": format_yuan(purchase.paid_fen), "paid_words": amount_in_words(purchase.paid_fen),
        "points_earned_text": earned, "expires_on": lot.expires_on if lot else None,
        "balance": services.balance_of(card), "consultant_name": clerk.display_name if clerk else "—",
        "points_rule_text": points_rule_text(program.loyalty_terms()),
    }


def receipt_docx(purchase: Purchase) -> bytes:
    return render_docx(TEMPLATE, receipt_context(purchase), {})
