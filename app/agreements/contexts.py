"""What each agreement says, in words, for a card: the values its template is rendered with.

Agreements are Chinese documents whatever the screen language, so the wording here is Chinese.
"""

from __future__ import annotations

from typing import Any

from ..clock import clock
from ..documents.docx import chinese_date
from ..rules.cards import format_card_number
from ..rules.identity import ID_TYPE_NAMES
from ..rules.loyalty import points_rule_text
from ..rules.money import amount_in_words, discount_in_words, format_yuan
from ..rules.terms import CardStatus, DisputeResolution, ProgramKind, RefundAnchor, RefundRequestMethod, TransferPolicy
from ..rules.units import format_area
from ..rules.windows import refund_window

PAYMENT_WORDS = {"cash": "现金", "bank_card": "银行卡", "bank_transfer": "银行转账", "wechat_pay": "微信支付", "alipay": "支付宝"}
ANCHOR_WORDS = {RefundAnchor.OPENING_DATE: "开盘日", RefundAnchor.ISSUE_DATE: "办卡之日", RefundAnchor.EXPIRY_DATE: "到期日"}


# By kind: the issuer's and the holder's names as parties, the agreement's usual title and the name of its money.
# Header and signature block print the same two names.
KIND_WORDS = {
    ProgramKind.PRESALE_DEPOSIT: ("开发商", "认筹方", "认筹协议书", "认筹金"),
    ProgramKind.PAID_MEMBERSHIP: ("服务方", "会员", "会员协议", "会费"),
    ProgramKind.RETAIL: ("发卡方", "会员", "VIP会员卡协议", "会费"),
}
OTHER_WORDS = ("发卡方", "持卡人", "会员协议", "会费")  # a kind with words of its own in its own template


def kind_words(kind) -> tuple[str, str, str, str]:
    return KIND_WORDS.get(kind, OTHER_WORDS)


def agreement_title(program) -> str:
    return program.agreement_title or kind_words(program.kind)[2]


def deposit_term(program) -> str:
    return program.deposit_term or kind_words(program.kind)[3]


def refund_request_text(program) -> str:
    """How the holder asks for a refund, as the agreement says: in person with the card and the agreement, or by phone."""
    if program.refund_request_method is RefundRequestMethod.BY_PHONE:
        return f"乙方申请退卡的，应拨打甲方联系电话{program.contact_phone}提出，"
    return "乙方申请退卡的，应由本人持本卡及本协议原件到甲方办理，"


def refund_window_text(program, days=None) -> str:
    """The window as the agreement states it; with ``days`` (the card's window, app/rules/windows.py) also the real
    dates. Day N after the anchor counts from the next day (民法典 第二百零一条, docs/rules.md)."""
    window = program.refund_window
    if window is None:
        return "本卡不接受会员申请退费。"
    anchor = ANCHOR_WORDS[window.anchor]
    start = f"自{anchor}起" if window.opens_after_days == 0 else f"自{anchor}后第{window.opens_after_days}日起"
    counted = "" if window.opens_after_days == 0 and not window.closes_after_days else f"{anchor}不计入"
    if days is not None:
        real = (f"即自{chinese_date(days.first_day)}起" if days.last_day is None
                else f"即{chinese_date(days.first_day)}至{chinese_date(days.last_day)}")
        counted = f"{counted}，{real}" if counted else real
    note = f"（{counted}）" if counted else ""
    if window.closes_after_days is None:
        return f"乙方可{start}申请退卡{note}，不设截止日。"
    return f"乙方可{start}至{anchor}后第{window.closes_after_days}日（含当日）止申请退卡{note}。"


def transfer_text(program) -> str:
    if program.transfer_policy is TransferPolicy.FORBIDDEN:
        return "本卡实行实名制，仅限乙方本人使用，不得转让、出借或更名。"
    fee = f"，转让费{format_yuan(program.transfer_fee_fen)}" if program.transfer_fee_fen else ""
    return f"本卡经甲方经理审批后可转让给他人{fee}；转让须双方到场签署转让协议，原卡即时作废。"


BLANK = "＿＿＿＿＿＿＿＿"  # a particular the programme has not recorded: filled in by hand on paper
UNSIGNED_DATE = "＿＿＿＿年＿＿月＿＿日"
COPY_WORDS = "一两三四五六七八九"  # 一式两份, as contracts say it


def dispute_text(program) -> str:
    """Court at the project's location, or the named arbitration commission (whose award is final)."""
    if program.dispute_resolution is DisputeResolution.ARBITRATION:
        return (f"任何一方均可将争议提交{program.dispute_body}，按照申请仲裁时该会现行有效的仲裁规则进行仲裁。"
                "仲裁裁决是终局的，对双方均有约束力。")
    court = program.dispute_body or f"「{program.project_name}」项目所在地有管辖权的人民法院"
    return f"任何一方均可向{court}提起诉讼。"


def copies_text(program) -> str:
    held = program.copies_held_by or ("甲乙双方各执一份" if program.copies == 2 else "由甲乙双方分别持有")
    return f"本协议一式{COPY_WORDS[program.copies - 1]}份，{held.rstrip('。，,;；')}，具有同等法律效力。"


def reissue_text(program) -> str:
    """Loss and reissue; the fee only when the programme charges one."""
    fee = f"，补办费{format_yuan(program.reissue_fee_fen)}" if program.reissue_fee_fen else ""
    if program.kind is ProgramKind.PRESALE_DEPOSIT:
        return ("本卡遗失的，乙方应立即通知甲方挂失，挂失后本卡即时停用。补办须由乙方本人持身份证件及本协议原件到售楼处办理"
                f"{fee}；补办后原卡永久作废，仅新卡有效。")
    return f"本卡遗失的，乙方应及时挂失；补办须本人持身份证件办理{fee}，补办后原卡作废。"


def _base(card, agreement_number: str, date: str, verify_url: str) -> dict[str, Any]:
    program, tier, member = card.program, card.tier, card.member
    issuer_party, member_party, _, _ = kind_words(program.kind)
    return {
        "agreement_title": agreement_title(program),
        "deposit_term": deposit_term(program),
        "issuer_role": f"甲方（{issuer_party}）",
        "member_role": f"乙方（{member_party}）",
        "has_credit": tier.credit_fen > 0,
        "agreement_number": agreement_number,
        "date": date,
        "verify_url": verify_url,
        "issuer_name": program.issuer_name,
        "issuer_address": program.issuer_address or BLANK,
        "issuer_credit_code": program.issuer_credit_code or BLANK,
        "issuer_legal_rep": program.issuer_legal_rep or BLANK,
        "dispute_text": dispute_text(program),
        "copies_text": copies_text(program),
        "project_name": program.project_name,
        "contact_phone": program.contact_phone,
        "program_name": program.name,
        "tier_name": tier.name,
        "member_name": member.name,
        "member_id_type": ID_TYPE_NAMES[member.id_type.value],  # 证件类型: the number printed is of this kind
        "member_phone": member.phone,
        "member_address": member.address or "",
        "card_number": format_card_number(card.number),
        "discount_words": discount_in_words(tier.discount_rate_bp),
        "member_signed_on": UNSIGNED_DATE,
        "consultant_signed_on": UNSIGNED_DATE,
    }


def subscription(card, *, agreement_number: str, date: str, verify_url: str, id_number: str) -> dict[str, Any]:
    program, tier = card.program, card.tier
    _, refund_days = refund_window(program.terms(), issue_date=card.issued_on, expiry_date=card.valid_through)
    context = _base(card, agreement_number, date, verify_url) | {
        "member_id_number": id_number,
        "amount_figures": format_yuan(card.amount_fen),
        "amount_words": amount_in_words(card.amount_fen),
        "payment_method": PAYMENT_WORDS.get(card.payment_method.value, "") if card.payment_method else "—",
        "receipt_no": card.receipt_no or "—",
        "refund_window_text": refund_window_text(program, refund_days),
        # the real days, as the card page and the API print them ("" while the anchor day is not known)
        "refund_first_day": chinese_date(refund_days.first_day) if refund_days else "",
        "refund_last_day": chinese_date(refund_days.last_day) if refund_days and refund_days.last_day else "",
        "transfer_text": transfer_text(program),
        "reissue_text": reissue_text(program),
        "card_with_agreement": program.card_with_agreement,
    }
    term = deposit_term(program)
    if program.kind is ProgramKind.PRESALE_DEPOSIT:
        context |= {
            "credit_figures": format_yuan(tier.credit_fen),
            "credit_words": amount_in_words(tier.credit_fen),
            "increment_figures": format_yuan(tier.increment_fen),
            "increment_words": amount_in_words(tier.increment_fen),
            "has_discount": tier.discount_rate_bp < 10_000,
            "once_text": "" if program.multiple_redemptions else "本卡限选购一套房屋。",
            "refund_text": (context["refund_window_text"] + f"乙方退卡的，甲方退还乙方实际交付的{term}，不计利息"
                            + ("；第二条所列增值权益同时作废。" if tier.credit_fen else "。")
                            + refund_request_text(program) + "经甲方两名工作人员复核后支付。"),
            "opening_date_text": chinese_date(program.opening_date) if program.opening_date else "以甲方书面通知为准",
            "permit_text": (f"甲方已取得「{program.project_name}」预售许可证，编号{program.presale_permit_no}，"
                            f"发证日期{chinese_date(program.presale_permit_date)}。") if program.presale_permit_no
                           else "甲方尚未取得预售许可证；本卡经管理员核准后办理，相关风险已向乙方说明。",
        }
    else:
        due = f"，乙方应于签约后{program.payment_due_days}日内付清" if program.payment_due_days is not None else ""
        if due and program.late_fee_per_day_bp:  # 5‰ of the contract total a day (issue 12)
            due += f"；逾期付款的，每逾期一日按合同总额的{program.late_fee_per_day_bp / 10:g}‰支付违约金"
        validity = (f"本卡有效期自{chinese_date(card.valid_from)}至{chinese_date(card.valid_through)}。"
                    if card.valid_through else "本卡长期有效。")
        if (program.kind is ProgramKind.PAID_MEMBERSHIP and program.validity_months and card.predecessor_id is None
                and card.status is CardStatus.AWAITING_SIGNATURE
                and card.issued_at.astimezone(clock().tz).date() == card.issued_on):  # not an imported card
            # Drafted before signing: the term runs from the day the agreement takes effect, not the issue day.
            validity = f"本卡有效期自本协议生效之日起{program.validity_months}个月。"
        # The template goes on: 因甲方原因终止本协议的，甲方全额退还乙方已交付的会费。
        issuer_notice = (f"甲方提前终止的，应提前{program.issuer_termination_notice_days}日通知乙方。"
                         if program.issuer_termination_notice_days is not None else "")
        renewal = (f"有效期届满前{program.renewal_window_days}日内，乙方可按届时会费续期，无须另签协议。"
                   if program.renewal_window_days else "")
        notice = (f"乙方提前终止的，应提前{program.termination_notice_days}日书面通知甲方；"
                  if program.termination_notice_days is not None else "")
        discounted = tier.discount_rate_bp < 10_000
        context |= {
            "benefit_text": (f"会员凭本卡购物享受{discount_in_words(tier.discount_rate_bp)}优惠，并享受甲方公布的会员权益。"
                             if discounted else "会员凭本卡享受甲方公布的会员权益。"),
            "has_fee": card.amount_fen > 0,
            "payment_due_text": due,
            "qualifying_spend_text": (f"乙方单笔或一年内累计消费满{format_yuan(tier.qualifying_spend_fen)}，具备办卡资格。"
                                      if tier.qualifying_spend_fen else ""),
            "validity_text": validity,
            "renewal_text": renewal,
            "termination_text": notice + (f"退卡窗口外终止的，已交{term}不予退还。" if program.refund_window
                                          else f"已交{term}不予退还。") + issuer_notice,
            "refund_request_text": (refund_request_text(program).replace("乙方申请退卡的，", "乙方申请退费的，")
                                    .removesuffix("，") + "。") if program.refund_window else "",
        }
    if program.kind is ProgramKind.RETAIL:
        context |= _retail(card)
    return context


def _retail(card) -> dict[str, Any]:
    """A shop's VIP card: its points as the agreement states them; a free card says so, and nothing of refunds."""
    program = card.program
    return {
        "validity_period": (f"{chinese_date(card.valid_from)}至{chinese_date(card.valid_through)}" if card.valid_through
                            else "长期有效"),
        "fee_text": "" if card.amount_fen else "本卡免费办理。",
        # Continued as it is, for the fee of the day if the tier has one (a free card stays free).
        "renewal_text": (f"有效期届满前{program.renewal_window_days}日内，乙方可申请续期，无须另签协议。"
                         if program.renewal_window_days else ""),
        "points_text": points_rule_text(program.loyalty_terms()).removeprefix("积分规则：") + "积分可在此后消费时抵扣，不兑换现金、"
                       "不得转让；积分按到期日先后使用，先到期的先用。",
    }


def loss_reissue(new_card, old_card, *, agreement_number: str, date: str, verify_url: str, id_number: str,
                 reason: str, fee_fen: int, fee_receipt_no: str | None) -> dict[str, Any]:
    return _base(new_card, agreement_number, date, verify_url) | {
        "member_id_number": id_number,
        "old_card_number": format_card_number(old_card.number),
        "loss_reason": reason or "—",
        "has_fee": fee_fen > 0,
        "fee_figures": format_yuan(fee_fen),
        "fee_receipt_no": fee_receipt_no or "—",
        "held_figures": format_yuan(new_card.held_fen),
        "held_words": amount_in_words(new_card.held_fen),
    }


def transfer(new_card, old_card, *, agreement_number: str, date: str, verify_url: str, from_id_number: str,
             to_id_number: str, fee_fen: int, fee_receipt_no: str | None, approver_name: str) -> dict[str, Any]:
    return _base(new_card, agreement_number, date, verify_url) | {
        "from_name": old_card.member.name,
        "from_id_type": ID_TYPE_NAMES[old_card.member.id_type.value],
        "from_id_number": from_id_number,
        "member_id_number": to_id_number,
        "old_card_number": format_card_number(old_card.number),
        "has_fee": fee_fen > 0,
        "fee_figures": format_yuan(fee_fen),
        "fee_receipt_no": fee_receipt_no or "—",
        "held_figures": format_yuan(new_card.held_fen),
        "held_words": amount_in_words(new_card.held_fen),
        "approver_name": approver_name,
    }


def refund(card, request, *, agreement_number: str, date: str, verify_url: str, id_number: str,
           approver_name: str) -> dict[str, Any]:
    return _base(card, agreement_number, date, verify_url) | {
        "member_id_number": id_number,
        "refund_reason": request.reason or "—",
        "amount_figures": format_yuan(request.amount_fen),
        "amount_words": amount_in_words(request.amount_fen),
        "payout_method": PAYMENT_WORDS.get(request.payout_method.value, "") if request.payout_method else "—",
        "payout_reference": request.payout_reference or "—",
        "requested_by": request.requested_by.display_name if request.requested_by else "—",
        "approved_by": approver_name,
        "credit_text": (f"原卡增值权益（增值{format_yuan(card.tier.increment_fen)}，连同{deposit_term(card.program)}合计抵扣"
                        f"{format_yuan(card.tier.credit_fen)}）同时作废，不予兑现。" if card.tier.credit_fen else ""),
    }


def renewal(card, *, agreement_number: str, date: str, verify_url: str, id_number: str, old_valid_through,
            amount_fen: int, payment_method: str | None, receipt_no: str | None) -> dict[str, Any]:
    return _base(card, agreement_number, date, verify_url) | {
        "member_id_number": id_number,
        "old_valid_through": chinese_date(old_valid_through) if old_valid_through else "—",
        "new_valid_through": chinese_date(card.valid_through) if card.valid_through else "—",
        "amount_figures": format_yuan(amount_fen),
        "amount_words": amount_in_words(amount_fen),
        "payment_method": PAYMENT_WORDS.get(payment_method, "—") if payment_method else "—",
        "receipt_no": receipt_no or "—",
    }


def redemption(card, redemption, *, agreement_number: str, date: str, verify_url: str, id_number: str,
               consultant_name: str) -> dict[str, Any]:
    def money(fen: int) -> str:
        return format_yuan(fen)

    return _base(card, agreement_number, date, verify_url) | {
        "member_id_number": id_number,
        "item": redemption.item,
        "price_figures": money(redemption.price_fen),
        "price_words": amount_in_words(redemption.price_fen),
        "discounted_figures": money(redemption.discounted_fen),
        "discounted_words": amount_in_words(redemption.discounted_fen),
        "offset_figures": money(redemption.offset_fen),
        "deposit_applied_figures": money(redemption.deposit_applied_fen),
        "credit_used_figures": money(redemption.credit_used_fen),
        "payable_figures": money(redemption.payable_fen),
        "payable_words": amount_in_words(redemption.payable_fen),
        "deposit_remaining_figures": money(redemption.deposit_remaining_fen),
        "credit_lapsed_figures": money(redemption.credit_lapsed_fen),
        "redeemed_at": date,
        "consultant_name": consultant_name,
        "once_text": "" if card.program.multiple_redemptions else "本卡一卡限用一次，核销后即失效。",
        # a membership's fee is never set against a price: no deposit or offset lines, no 解筹
        "is_presale": card.program.kind is ProgramKind.PRESALE_DEPOSIT,
        "redemption_title": ("VIP卡使用（解筹）确认书" if card.program.kind is ProgramKind.PRESALE_DEPOSIT
                             else "VIP卡使用确认书"),
    }


USE_WORDS = {"residential": "住宅", "commercial": "商业", "parking": "车位"}


def _unit_facts(unit, item: str = "") -> dict[str, Any]:
    if unit is None:  # a programme without an inventory: the item as the counter wrote it
        return {"unit_code": item, "unit_location": item, "unit_use": "—", "unit_area": "—"}
    floor = f"地下{-unit.floor}层" if unit.floor < 0 else f"{unit.floor}层"
    location = "".join(p for p in (f"{unit.building}栋", f"{unit.unit_no}单元" if unit.unit_no else "", floor,
                                   f"{unit.room}室" if unit.use.value != "parking" else f"{unit.room}号"))
    return {"unit_code": unit.code, "unit_location": location, "unit_use": USE_WORDS[unit.use.value],
            "unit_area": format_area(unit.area_dm2)}


def purchase_subscription(card, redemption, *, agreement_number: str, date: str, verify_url: str, id_number: str,
                          consultant_name: str) -> dict[str, Any]:
    """认购书: the unit, each discount in the order applied, the deposit turned into 定金 and the contract's due day."""
    program, unit = card.program, redemption.unit
    steps = [f"表价{format_yuan(redemption.list_price_fen)}"]
    if redemption.published_discount:
        steps.append(f"{redemption.published_discount}{discount_in_words(redemption.published_rate_bp)}后"
                     f"{format_yuan(redemption.price_fen)}")
    if redemption.discount_rate_bp < 10_000:
        steps.append(f"VIP卡{discount_in_words(redemption.discount_rate_bp)}后{format_yuan(redemption.discounted_fen)}")
    earnest = redemption.earnest_fen or 0
    advance = redemption.deposit_applied_fen - earnest
    final = redemption.discounted_fen
    return _base(card, agreement_number, date, verify_url) | _unit_facts(unit) | {
        "member_id_number": id_number,
        "permit_text": (f"{program.presale_permit_no}（{chinese_date(program.presale_permit_date)}核发）"
                        if program.presale_permit_no else BLANK),
        "list_price_figures": format_yuan(redemption.list_price_fen),
        "list_price_words": amount_in_words(redemption.list_price_fen),
        "steps_text": "；".join(steps[1:]) if len(steps) > 1 else "无",
        "final_figures": format_yuan(final),
        "final_words": amount_in_words(final),
        "final_unit_price": format_yuan((final * 100 * 2 + unit.area_dm2) // (2 * unit.area_dm2)).lstrip("¥"),
        "credit_text": (f"另按VIP卡的增值权益抵扣{format_yuan(redemption.credit_used_fen)}，仅冲抵房价款，不兑换现金；"
                        "本认购书或商品房买卖合同解除的，该抵扣作废，以乙方实际支付的款项结算。"
                        if redemption.credit_used_fen else ""),
        "deposit_applied_figures": format_yuan(redemption.deposit_applied_fen),
        "earnest_figures": format_yuan(earnest),
        "earnest_words": amount_in_words(earnest),
        "advance_text": (f"；其余{format_yuan(advance)}超过成交总价百分之二十，依法不作定金，作为预付购房款。"
                         if advance else "。"),
        "payable_figures": format_yuan(redemption.payable_fen),
        "payable_words": amount_in_words(redemption.payable_fen),
        "contract_due_text": chinese_date(redemption.contract_due_on),
        "consultant_name": consultant_name,
    }


def cancellation(card, redemption, request, *, agreement_number: str, date: str, verify_url: str, id_number: str,
                 approver_name: str, credit_voided_fen: int, cancelled_on) -> dict[str, Any]:
    return _base(card, agreement_number, date, verify_url) | _unit_facts(redemption.unit, redemption.item) | {
        "member_id_number": id_number,
        "subscription_number": redemption.agreement.number if redemption.agreement else "—",
        "final_figures": format_yuan(redemption.discounted_fen),
        "reason": request.reason,
        "deposit_released_figures": format_yuan(redemption.deposit_applied_fen),
        "deposit_released_words": amount_in_words(redemption.deposit_applied_fen),
        "credit_voided_figures": format_yuan(credit_voided_fen) if credit_voided_fen else "无",
        "credit_text": (f"按原VIP协议的约定，认购解除后增值权益（抵扣{format_yuan(credit_voided_fen)}）作废，"
                        "此后以乙方实际支付的款项结算。" if credit_voided_fen else ""),
        "requested_by": request.requested_by.display_name if request.requested_by else "—",
        "approved_by": approver_name,
        "cancelled_on": chinese_date(cancelled_on),
    }
