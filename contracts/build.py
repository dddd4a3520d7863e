"""Builds the agreement templates in this folder with python-docx.

    .venv/bin/python contracts/build.py

The templates are docxtpl (Jinja) documents: each tag sits in a run of its own so Word never splits
it. Page: A4, 2.5 cm margins; body 宋体 (SimSun) 10.5 pt, titles 黑体 (SimHei). Word and WPS render
with the reader's fonts, so the server needs no Chinese font for agreements. The wording is ours.
Re-run after editing; the template's SHA-256 becomes its version, so documents name what made them.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

HERE = Path(__file__).resolve().parent


def _east_asian(style_or_run, font: str) -> None:
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), font)


def new_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(10.5)
    _east_asian(normal, "SimSun")
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.3
    normal.paragraph_format.widow_control = True
    doc.core_properties.author = "VIP cards"
    page_numbers(section)
    return doc


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that every reader fills in when it lays the pages out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def page_numbers(section) -> None:
    """第 X 页 共 Y 页, centred in the footer of every page."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("第 ").font.size = Pt(9)
    _field(p, "PAGE")
    p.add_run(" 页　共 ").font.size = Pt(9)
    _field(p, "NUMPAGES")
    p.add_run(" 页").font.size = Pt(9)


def title(doc, text: str, sub: str | None = None) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.bold = True
    run.font.size = Pt(18)
    _east_asian(run, "SimHei")
    if sub:
        q = doc.add_paragraph()
        q.alignment = WD_ALIGN_PARAGRAPH.CENTER
        q.add_run(sub).font.size = Pt(9)


def para(doc, *parts: str, bold: bool = False, size: float | None = None, align=None):
    """A paragraph whose parts are runs; a part holding a Jinja tag stays one run. A clause is never split
    across pages. The article's heading, when one waits, opens it."""
    pending = getattr(doc, "article_heading", None)
    if pending is not None and parts and parts[0].startswith("{%p"):
        _heading_alone(doc)  # a conditional paragraph may go: the heading cannot ride on it
        pending = None
    p = doc.add_paragraph()
    p.paragraph_format.keep_together = True
    if pending is not None:
        doc.article_heading = None
        p.paragraph_format.space_before = Pt(6)
        run = p.add_run(pending)
        run.bold = True
        _east_asian(run, "SimHei")
        run.add_break()
    if align is not None:
        p.alignment = align
    for part in parts:
        run = p.add_run(part)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
    return p


def heading(doc, text: str) -> None:
    """An article's heading: it opens the article's first paragraph (a line break between), so it is never stranded
    at a page's foot — LibreOffice does not always honour "keep with next" (a heading fitting exactly at the foot
    stayed there). Before a table or a conditional paragraph it stands alone, kept with the next."""
    _heading_alone(doc)
    doc.article_heading = text


def _heading_alone(doc) -> None:
    text = getattr(doc, "article_heading", None)
    if text is None:
        return
    doc.article_heading = None
    p = doc.add_paragraph()
    p.paragraph_format.keep_with_next = True
    p.paragraph_format.space_before = Pt(6)
    run = p.add_run(text)
    run.bold = True
    _east_asian(run, "SimHei")


def facts(doc, rows: list[tuple[str, ...]]) -> None:
    """A two-column table; a row given as (label, value, condition) is printed only when the condition holds, so no
    line stands in a document whose programme it does not apply to."""
    _heading_alone(doc)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value, *condition in rows:
        if condition:
            table.add_row().cells[0].paragraphs[0].add_run(f"{{%tr if {condition[0]} %}}")
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Cm(4.2), Cm(11.8)
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].paragraphs[0].add_run(value)
        if condition:
            table.add_row().cells[0].paragraphs[0].add_run("{%tr endif %}")


def header_block(doc) -> None:
    para(doc, "协议编号：", "{{ agreement_number }}", "　　签订日期：", "{{ date|cn_date }}", size=9)


def _keep_rows_together(table) -> None:
    """A signature block stays on one page: every row keeps with the next."""
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True
                p.paragraph_format.keep_together = True


def signature_block(doc, left: str = "{{ member_role }}", right: str = "{{ issuer_role }}") -> None:
    """Both parties sign and date; the issuer's seal sits on the issuer's name. The parties are named as in the
    header (the programme kind's words, from the context)."""
    lead = para(doc, "（以下无正文，为签署栏）", size=9)
    lead.paragraph_format.keep_with_next = True
    table = doc.add_table(rows=4, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cells = table.rows
    cells[0].cells[0].paragraphs[0].add_run(left).bold = True
    cells[0].cells[1].paragraphs[0].add_run(right + "（盖章）：").bold = True
    cells[1].cells[0].paragraphs[0].add_run("签名：")
    cells[1].cells[0].paragraphs[0].add_run("{{ member_signature }}")
    cells[1].cells[1].paragraphs[0].add_run("{{ issuer_name }}")
    cells[1].cells[1].paragraphs[0].add_run("{{ issuer_seal }}")
    cells[2].cells[1].paragraphs[0].add_run("经办人签名：")
    cells[2].cells[1].paragraphs[0].add_run("{{ consultant_signature }}")
    cells[3].cells[0].paragraphs[0].add_run("日期：")
    cells[3].cells[0].paragraphs[0].add_run("{{ member_signed_on|cn_date }}")
    cells[3].cells[1].paragraphs[0].add_run("日期：")
    cells[3].cells[1].paragraphs[0].add_run("{{ consultant_signed_on|cn_date }}")
    _keep_rows_together(table)


def verification(doc) -> None:
    p = para(doc, "{{ verify_qr }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    p.paragraph_format.space_before = Pt(12)
    para(doc, "扫描二维码或访问 ", "{{ verify_url }}", " 核验本文件是否为系统签署封存的原件。", size=8,
         align=WD_ALIGN_PARAGRAPH.RIGHT)


ISSUER_ROWS = [
    ("住所", "{{ issuer_address }}"),
    ("统一社会信用代码", "{{ issuer_credit_code }}"),
    ("法定代表人", "{{ issuer_legal_rep }}"),
]


def parties(doc) -> None:
    """The two parties, named as the signature block names them."""
    facts(doc, [
        ("{{ issuer_role }}", "{{ issuer_name }}"),
        *ISSUER_ROWS,
        ("项目", "{{ project_name }}　联系电话：{{ contact_phone }}"),
        ("{{ member_role }}", "{{ member_name }}"),
        ("证件类型", "{{ member_id_type }}"),
        ("证件号码", "{{ member_id_number }}"),
        ("联系电话", "{{ member_phone }}"),
        ("通讯地址", "{{ member_address }}"),
    ])


def card_facts(doc) -> None:
    facts(doc, [
        ("卡号", "{{ card_number }}"),
        ("卡种", "{{ program_name }} · {{ tier_name }}"),
        ("金额（小写）", "{{ amount_figures }}"),
        ("金额（大写）", "人民币{{ amount_words }}"),
        ("支付方式 / 收据号", "{{ payment_method }} / {{ receipt_no }}"),
    ])


def closing_clauses(doc, disputes: str, other: str) -> None:
    """争议解决 (the programme's court or commission) and the closing article: effect, copies, supplements."""
    heading(doc, f"{disputes}　争议解决")
    para(doc, "因本协议引起的或与本协议有关的争议，双方应友好协商解决；协商不成的，", "{{ dispute_text }}")
    heading(doc, f"{other}　其他")
    para(doc, "本协议自乙方签字、甲方盖章之日起生效。", "{{ copies_text }}",
         "本协议未尽事宜，双方可另行签订书面补充协议，补充协议与本协议具有同等法律效力。")


def confirmation(heading_text: str, rows: list[tuple[str, ...]], *statement: str) -> Document:
    """A one-page confirmation: parties, the facts of the event, the statement both sign, the QR."""
    doc = new_document()
    title(doc, heading_text)
    header_block(doc)
    parties(doc)
    para(doc, "")
    facts(doc, rows)
    para(doc, "")
    para(doc, *statement)
    signature_block(doc)
    verification(doc)
    return doc


def subscription_presale() -> Document:
    """The pre-sale agreement under the programme's own title and name of the money (内部认购协议书 / 诚意金…)."""
    doc = new_document()
    title(doc, "{{ agreement_title }}")
    header_block(doc)
    parties(doc)
    para(doc, "")
    card_facts(doc)
    heading(doc, "第一条　{{ deposit_term }}")
    para(doc, "乙方自愿办理甲方「", "{{ project_name }}", "」项目VIP卡一张，并已向甲方交付", "{{ deposit_term }}", "人民币",
         "{{ amount_words }}", "（", "{{ amount_figures }}", "）。", "{{ deposit_term }}",
         "为乙方享有本协议约定权益的凭证，不是定金，亦不是购房款；不计利息。")
    para(doc, "{%p if card_with_agreement %}")
    para(doc, "本卡与本协议配合使用，缺一无效。", bold=True)
    para(doc, "{%p endif %}")
    heading(doc, "第二条　权益")
    para(doc, "{{ once_text }}", "开盘日：", "{{ opening_date_text }}", "。开盘当日未选房的，本卡在此后"
         "的选房中继续有效，直至乙方使用、退卡或本卡因其他原因失效。")
    para(doc, "{%p if has_credit %}")
    para(doc, "本卡增值", "{{ increment_figures }}", "（大写：", "{{ increment_words }}", "）。乙方在选房时，已交付的",
         "{{ deposit_term }}", "{{ amount_figures }}", "连同增值部分合计可抵扣房价款", "{{ credit_figures }}", "（大写：",
         "{{ credit_words }}", "）。增值部分仅用于冲抵房价款，不得兑换现金；购房合同解除或未购房的，增值部分自动作废，"
         "结算以乙方实际支付的款项为准。")
    para(doc, "{%p endif %}")
    para(doc, "{%p if has_discount %}")
    para(doc, "乙方在选房时，就所选房屋以甲方届时公布的价格享受", "{{ discount_words }}", "优惠，", "{{ deposit_term }}",
         "在签订认购书时转为购房款的一部分。")
    para(doc, "{%p endif %}")
    heading(doc, "第三条　退卡")
    para(doc, "{{ refund_text }}")
    heading(doc, "第四条　转让")
    para(doc, "{{ transfer_text }}")
    heading(doc, "第五条　挂失与补办")
    para(doc, "{{ reissue_text }}")
    heading(doc, "第六条　预售许可")
    para(doc, "{{ permit_text }}")
    heading(doc, "第七条　个人信息")
    para(doc, "甲方仅为办理、核验和结算本卡收集乙方的姓名、证件号码、联系电话和地址，加密保存，系统及页面"
         "显示时作脱敏处理，查看完整号码的操作均有记录。")
    heading(doc, "第八条　违约责任")
    para(doc, "任何一方违反本协议约定的，应当承担违约责任，赔偿由此给对方造成的直接损失。甲方无正当理由拒绝或拖延退还",
         "{{ deposit_term }}", "的，除退还", "{{ deposit_term }}", "外，还应自应当退还之日起，按同期全国银行间同业拆借中心公布的"
         "一年期贷款市场报价利率向乙方支付逾期期间的利息。乙方以伪造、变造或冒用的证件、卡片办理挂失、补办、转让或退卡的，"
         "由乙方承担由此产生的全部法律责任。")
    closing_clauses(doc, "第九条", "第十条")
    signature_block(doc)
    verification(doc)
    return doc


def subscription_membership() -> Document:
    doc = new_document()
    title(doc, "{{ agreement_title }}")
    header_block(doc)
    parties(doc)
    para(doc, "")
    card_facts(doc)
    heading(doc, "第一条　会员资格")
    para(doc, "乙方自愿成为甲方「", "{{ program_name }}", "」会员，卡种为", "{{ tier_name }}", "。")
    para(doc, "{%p if has_fee %}")
    para(doc, "{{ deposit_term }}", "为人民币", "{{ amount_words }}", "（", "{{ amount_figures }}", "）", "{{ payment_due_text }}", "。")
    para(doc, "{%p endif %}")
    para(doc, "{%p if qualifying_spend_text %}")
    para(doc, "{{ qualifying_spend_text }}")
    para(doc, "{%p endif %}")
    para(doc, "{%p if card_with_agreement %}")
    para(doc, "本卡与本协议配合使用，缺一无效。", bold=True)
    para(doc, "{%p endif %}")
    heading(doc, "第二条　权益与有效期")
    para(doc, "{{ benefit_text }}", "{{ validity_text }}")
    para(doc, "{%p if renewal_text %}")
    para(doc, "{{ renewal_text }}")
    para(doc, "{%p endif %}")
    heading(doc, "第三条　终止与退费")
    para(doc, "{{ refund_window_text }}", "{{ refund_request_text }}", "{{ termination_text }}",
         "因甲方原因终止本协议的，甲方全额退还乙方已交付的", "{{ deposit_term }}", "。")
    heading(doc, "第四条　转让、挂失与补办")
    para(doc, "{{ transfer_text }}", "{{ reissue_text }}")
    heading(doc, "第五条　个人信息")
    para(doc, "甲方仅为提供会员服务收集乙方的姓名、证件号码和联系电话，加密保存，显示时作脱敏处理。")
    # Only the programme's terms (DESIGN §3): no pro-rata refund for undelivered benefits, which the card cannot give.
    heading(doc, "第六条　违约责任")
    para(doc, "任何一方违反本协议约定的，应当承担违约责任，赔偿由此给对方造成的直接损失。甲方未按约定提供会员权益的，"
         "属甲方违约。")
    closing_clauses(doc, "第七条", "第八条")
    signature_block(doc)
    verification(doc)
    return doc


def subscription_retail() -> Document:
    """A shop's VIP card: free, earned by spend; discount and points; no refund, no termination, no house purchase."""
    doc = new_document()
    title(doc, "{{ agreement_title }}")
    header_block(doc)
    parties(doc)
    para(doc, "")
    facts(doc, [
        ("卡号", "{{ card_number }}"),
        ("卡种", "{{ program_name }} · {{ tier_name }}"),
        ("会员折扣", "{{ discount_words }}"),
        ("有效期", "{{ validity_period }}"),
        ("会费", "{{ amount_figures }}（{{ payment_method }} / {{ receipt_no }}）", "has_fee"),
    ])
    heading(doc, "第一条　会员资格")
    para(doc, "乙方自愿申领甲方「", "{{ program_name }}", "」，卡种为", "{{ tier_name }}", "。",
         "{{ qualifying_spend_text }}", "{{ fee_text }}")
    heading(doc, "第二条　会员折扣")
    para(doc, "{{ benefit_text }}", "特价、团购及议价商品不享受会员折扣；会员折扣不与其他优惠同时使用。")
    heading(doc, "第三条　积分")
    para(doc, "{{ points_text }}")
    heading(doc, "第四条　有效期与续期")
    para(doc, "{{ validity_text }}", "{{ renewal_text }}", "有效期届满未续期的，本卡自动失效，未使用的积分同时作废。")
    heading(doc, "第五条　实名、挂失与补办")
    para(doc, "本卡一人限办一张。", "{{ transfer_text }}", "{{ reissue_text }}")
    para(doc, "{%p if card_with_agreement %}")
    para(doc, "本卡与本协议配合使用，缺一无效。", bold=True)
    para(doc, "{%p endif %}")
    heading(doc, "第六条　个人信息")
    para(doc, "甲方仅为提供会员服务收集乙方的姓名、证件号码和联系电话，加密保存，显示时作脱敏处理；"
         "居民身份证所载出生日期仅用于计算生日当月积分。")
    heading(doc, "第七条　违约责任")
    para(doc, "任何一方违反本协议约定的，应当承担违约责任。甲方未按约定给予会员折扣或积分的，乙方有权要求甲方补足；"
         "乙方冒用他人会员卡或以不正当手段取得积分的，甲方有权取消相应积分。")
    closing_clauses(doc, "第八条", "第九条")
    signature_block(doc)
    verification(doc)
    return doc


def purchase_receipt() -> Document:
    """会员消费凭证: what one purchase on a retail card cost, its discount, points spent and earned. A receipt, not an
    agreement: nothing to sign, no house-purchase line."""
    doc = new_document()
    title(doc, "会员消费凭证")
    para(doc, "{{ issuer_name }}", "　", "{{ project_name }}", "　联系电话：", "{{ contact_phone }}", size=9,
         align=WD_ALIGN_PARAGRAPH.CENTER)
    para(doc, "")
    facts(doc, [
        ("收据号", "{{ receipt_no }}"),
        ("消费日期", "{{ purchased_on|cn_date }}"),
        ("会员卡号", "{{ card_number }}"),
        ("持卡人", "{{ member_name }}"),
        ("卡种", "{{ program_name }} · {{ tier_name }}"),
        ("商品金额", "{{ amount_figures }}"),
        ("会员折扣", "{{ discount_text }}"),
        ("折后金额", "{{ discounted_figures }}"),
        ("积分抵扣", "使用积分{{ points_spent }}分，抵扣{{ points_value_figures }}", "points_spent"),
        ("实付金额", "{{ paid_figures }}（人民币{{ paid_words }}）"),
        ("本次积分", "{{ points_earned_text }}"),
        ("积分有效期至", "{{ expires_on|cn_date }}", "expires_on"),
        ("当前积分余额", "{{ balance }}分"),
        ("经办人", "{{ consultant_name }}"),
    ])
    para(doc, "")
    para(doc, "{{ points_rule_text }}", size=9)
    para(doc, "本凭证为会员折扣及积分记录，不作为发票或退换货凭证；积分不兑换现金。", size=9)
    return doc


def redemption() -> Document:
    return confirmation("{{ redemption_title }}", [
        ("卡号", "{{ card_number }}"),
        ("卡种", "{{ program_name }} · {{ tier_name }}"),
        ("选购标的", "{{ item }}"),
        ("成交价格", "{{ price_figures }}（人民币{{ price_words }}）"),
        ("折扣", "{{ discount_words }}"),
        ("折后价格", "{{ discounted_figures }}（人民币{{ discounted_words }}）"),
        ("抵扣", "{{ offset_figures }}", "is_presale"),
        ("其中：{{ deposit_term }}转入购房款", "{{ deposit_applied_figures }}", "is_presale"),
        ("其中：增值抵扣", "{{ credit_used_figures }}", "has_credit"),
        ("应付余款", "{{ payable_figures }}（人民币{{ payable_words }}）"),
        ("剩余可退{{ deposit_term }}", "{{ deposit_remaining_figures }}", "is_presale"),
        ("作废的增值额度", "{{ credit_lapsed_figures }}", "has_credit"),
        ("核销时间 / 经办人", "{{ redeemed_at|cn_date }} / {{ consultant_name }}"),
    ], "乙方确认以上述VIP卡选购上列标的，结算如上。", "{% if has_credit %}增值抵扣仅冲抵价款，不兑换现金；购买合同解除的，"
       "增值抵扣作废，以乙方实际支付的款项结算。{% endif %}", "{{ once_text }}")


def loss_reissue() -> Document:
    return confirmation("VIP卡挂失补办申请书", [
        ("原卡号", "{{ old_card_number }}"),
        ("挂失原因", "{{ loss_reason }}"),
        ("新卡号", "{{ card_number }}"),
        ("卡种", "{{ program_name }} · {{ tier_name }}"),
        ("补办费", "{{ fee_figures }}（收据号：{{ fee_receipt_no }}）", "has_fee"),
        ("在册金额", "{{ held_figures }}（人民币{{ held_words }}）"),
    ], "乙方本人持身份证件到场，申请补办上述VIP卡。甲方已核对乙方身份证件与原协议登记信息一致。补办后原卡永久作废，"
       "原卡二维码不再有效；原协议项下的权利义务及在册金额转至新卡，其他约定不变。")


def transfer() -> Document:
    doc = new_document()
    title(doc, "VIP卡转让协议")
    header_block(doc)
    facts(doc, [
        ("{{ issuer_role }}", "{{ issuer_name }}"),
        *ISSUER_ROWS,
        ("项目", "{{ project_name }}　联系电话：{{ contact_phone }}"),
        ("转让方（原持卡人）", "{{ from_name }}（{{ from_id_type }}：{{ from_id_number }}）"),
        ("受让方（新持卡人）", "{{ member_name }}（{{ member_id_type }}：{{ member_id_number }}）"),
        ("受让方联系电话", "{{ member_phone }}"),
        ("原卡号", "{{ old_card_number }}"),
        ("新卡号", "{{ card_number }}"),
        ("卡种", "{{ program_name }} · {{ tier_name }}"),
        ("转让费", "{{ fee_figures }}（收据号：{{ fee_receipt_no }}）", "has_fee"),
        ("随卡转移的在册金额", "{{ held_figures }}（人民币{{ held_words }}）"),
        ("经理审批", "{{ approver_name }}"),
    ])
    para(doc, "")
    para(doc, "转让方自愿将上述VIP卡及原协议项下的全部权利义务转让给受让方，受让方同意受让，并与甲方另行签订《",
         "{{ agreement_title }}", "》。在册金额随卡转移，由甲方记入新卡；转让方不再就该款项向甲方主张任何权利。转让完成后原卡即时作废，原卡二维码不再有效。")
    lead = para(doc, "（以下无正文，为签署栏）", size=9)
    lead.paragraph_format.keep_with_next = True
    table = doc.add_table(rows=3, cols=3)
    table.rows[0].cells[0].paragraphs[0].add_run("转让方签名：").bold = True
    table.rows[0].cells[1].paragraphs[0].add_run("受让方签名：").bold = True
    table.rows[0].cells[2].paragraphs[0].add_run("{{ issuer_role }}（盖章）：").bold = True
    table.rows[1].cells[0].paragraphs[0].add_run("{{ from_signature }}")
    table.rows[1].cells[1].paragraphs[0].add_run("{{ member_signature }}")
    table.rows[1].cells[2].paragraphs[0].add_run("{{ issuer_name }}")
    table.rows[1].cells[2].paragraphs[0].add_run("{{ issuer_seal }}")
    for cell in table.rows[2].cells:
        cell.paragraphs[0].add_run("日期：")
        cell.paragraphs[0].add_run("{{ member_signed_on|cn_date }}")
    _keep_rows_together(table)
    para(doc, "经办人签名：", "{{ consultant_signature }}", "　　日期：", "{{ consultant_signed_on|cn_date }}")
    verification(doc)
    return doc


def refund() -> Document:
    return confirmation("VIP卡退卡确认书", [
        ("卡号", "{{ card_number }}"),
        ("卡种", "{{ program_name }} · {{ tier_name }}"),
        ("退卡原因", "{{ refund_reason }}"),
        ("退款金额（小写）", "{{ amount_figures }}"),
        ("退款金额（大写）", "人民币{{ amount_words }}"),
        ("退款方式 / 凭证号", "{{ payout_method }} / {{ payout_reference }}"),
        ("申请人 / 审批人", "{{ requested_by }} / {{ approved_by }}"),
    ], "甲方按原协议约定向乙方退还上述款项，不计利息。", "{{ credit_text }}",
       "退卡后本卡即时作废，本卡二维码不再有效，原协议终止，双方再无其他争议。")


def renewal() -> Document:
    return confirmation("会员续期确认书", [
        ("卡号", "{{ card_number }}"),
        ("卡种", "{{ program_name }} · {{ tier_name }}"),
        ("原有效期至", "{{ old_valid_through }}"),
        ("续期后有效期至", "{{ new_valid_through }}"),
        ("续期{{ deposit_term }}", "{{ amount_figures }}（人民币{{ amount_words }}）"),
        ("支付方式 / 收据号", "{{ payment_method }} / {{ receipt_no }}"),
    ], "乙方按原《{{ agreement_title }}》续期，原协议其他条款继续有效，无须另签协议。")


def purchase_subscription() -> Document:
    """认购书: the card redeemed for one unit of the inventory; the deposit becomes 定金 and the sales contract falls due."""
    doc = new_document()
    title(doc, "商品房认购书")
    header_block(doc)
    facts(doc, [
        ("甲方（出卖人）", "{{ issuer_name }}"),
        *ISSUER_ROWS,
        ("项目", "{{ project_name }}　联系电话：{{ contact_phone }}"),
        ("预售许可证", "{{ permit_text }}"),
        ("乙方（认购人）", "{{ member_name }}"),
        ("证件类型", "{{ member_id_type }}"),
        ("证件号码", "{{ member_id_number }}"),
        ("联系电话", "{{ member_phone }}"),
        ("通讯地址", "{{ member_address }}"),
        ("VIP卡", "{{ card_number }}（{{ program_name }} · {{ tier_name }}）"),
    ])
    heading(doc, "第一条　认购房屋")
    facts(doc, [
        ("房号", "{{ unit_code }}"),
        ("坐落", "{{ unit_location }}"),
        ("用途", "{{ unit_use }}"),
        ("建筑面积", "{{ unit_area }}平方米"),
        ("表价（总价）", "{{ list_price_figures }}（人民币{{ list_price_words }}）"),
    ])
    heading(doc, "第二条　价格")
    para(doc, "该房屋以表价为基础，依次适用以下优惠，每一步按四舍五入计至分：")
    facts(doc, [
        ("表价", "{{ list_price_figures }}"),
        ("优惠（依次适用）", "{{ steps_text }}"),
        ("成交总价", "{{ final_figures }}（人民币{{ final_words }}）"),
        ("成交单价", "{{ final_unit_price }}元/平方米"),
    ])
    para(doc, "{{ credit_text }}")
    heading(doc, "第三条　定金")
    para(doc, "乙方已交付的", "{{ deposit_term }}", "{{ deposit_applied_figures }}", "自本认购书生效之日起转为定金", "{{ earnest_figures }}",
         "（人民币", "{{ earnest_words }}", "）", "{{ advance_text }}",
         "签订商品房买卖合同时，定金抵作购房款。扣除上述款项后，乙方尚应支付", "{{ payable_figures }}",
         "（人民币", "{{ payable_words }}", "），按商品房买卖合同约定的付款方式支付。")
    heading(doc, "第四条　签订商品房买卖合同")
    para(doc, "乙方应于", "{{ contract_due_text }}", "（含当日）前，持本认购书及身份证件到甲方售楼处签订商品房买卖合同，"
         "并办理网上签约备案。")
    para(doc, "乙方逾期未签订的，甲方有权解除本认购书并将该房屋另行出售，定金不予退还。因甲方原因，或因不可归责于双方的事由"
         "（包括双方就商品房买卖合同条款未能协商一致），未能在上述期限内签订商品房买卖合同的，甲方应将定金全额退还乙方，"
         "不计利息。甲方在上述期限内将该房屋另行出售的，应向乙方双倍返还定金。")
    heading(doc, "第五条　房屋保留")
    para(doc, "自本认购书签订之日起至上述期限届满之日止，甲方为乙方保留该房屋，不得另行出售。")
    heading(doc, "第六条　认筹卡")
    para(doc, "乙方的VIP卡已用于认购本房屋，一卡限购一套，不得再用于认购其他房屋。本认购书解除或商品房买卖合同解除的，"
         "按原VIP协议的约定处理", "{{ deposit_term }}", "与优惠权益。")
    closing_clauses(doc, "第七条", "第八条")
    signature_block(doc, "乙方（认购人）", "甲方（出卖人）")
    verification(doc)
    return doc


def cancellation() -> Document:
    return confirmation("退房确认书", [
        ("原认购书编号", "{{ subscription_number }}"),
        ("房号", "{{ unit_code }}（{{ unit_location }}）"),
        ("成交总价", "{{ final_figures }}"),
        ("VIP卡", "{{ card_number }}（{{ program_name }} · {{ tier_name }}）"),
        ("退房原因", "{{ reason }}"),
        ("退回VIP卡的{{ deposit_term }}", "{{ deposit_released_figures }}（人民币{{ deposit_released_words }}）"),
        ("作废的增值权益", "{{ credit_voided_figures }}", "has_credit"),
        ("申请人 / 审批人", "{{ requested_by }} / {{ approved_by }}"),
        ("办理日期", "{{ cancelled_on|cn_date }}"),
    ], "经双方协商一致，解除上述认购，该房屋由甲方收回另行销售。乙方已转入定金的{{ deposit_term }}退回至上述VIP卡，VIP卡恢复可用，"
       "按原VIP协议的约定继续有效或申请退卡，不计利息。", "{{ credit_text }}",
       "本确认书签署后，原认购书终止，双方就该房屋的认购再无其他争议。")  # the parties as its header names them


TEMPLATES = {
    "subscription_presale_deposit.docx": subscription_presale,
    "subscription_paid_membership.docx": subscription_membership,
    "subscription_retail.docx": subscription_retail,
    "purchase_receipt.docx": purchase_receipt,
    "redemption.docx": redemption,
    "loss_reissue.docx": loss_reissue,
    "transfer.docx": transfer,
    "refund.docx": refund,
    "renewal.docx": renewal,
    "purchase_subscription.docx": purchase_subscription,
    "cancellation.docx": cancellation,
}


def main() -> None:
    """All templates, or only those named (a rebuilt template is a new version, so rebuild only what changed)."""
    import sys

    for name, build in TEMPLATES.items():
        if sys.argv[1:] and name not in sys.argv[1:]:
            continue
        build().save(HERE / name)
        print("wrote", HERE / name)


if __name__ == "__main__":
    main()
