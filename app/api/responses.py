"""The API's answers, declared once: these models are the OpenAPI document's response schemas, and in tests every answer
is checked against them (strictly: each key the API sends is declared, and nothing else may appear)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import MISSING, BaseModel, ConfigDict, Field, RootModel

from ..agreements.models import AgreementKind, AgreementStatus, SignerRole, SigningMethod
from ..approvals.models import RefundKind
from ..cards.charges import ChargeKind
from ..cards.models import LedgerKind, PaymentMethod
from ..members.schemas import IdType
from ..queue.models import QueueStatus
from ..rules.terms import CardStatus, DisputeResolution, ProgramKind, RefundAnchor, RefundRequestMethod, TransferPolicy
from ..rules.units import UnitStatus, UnitUse
from ..signing.models import CertificateKind
from ..users.roles import Role

Money = Annotated[str, Field(pattern=r"^-?\d+\.\d{2}$", examples=["50000.00"])]  # yuan, as format_fen writes it
Rate = Annotated[str, Field(pattern=r"^[01]\.\d{2,4}$", examples=["0.95"])]  # share of the price payable, (0, 1]
Area = Annotated[str, Field(pattern=r"^\d+\.\d{2}$", examples=["89.56"])]  # m², as format_area writes it
DateTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
Date = Annotated[str, Field(json_schema_extra={"format": "date"})]
CardNumber = Annotated[str, Field(pattern=r"^\d{12}$", examples=["261234567890"])]


def _untitled(schema: dict[str, Any], cls: type[BaseModel]) -> None:
    """No pydantic titles in the document: the component's name says it."""
    schema.pop("title", None)
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)


class Shape(BaseModel):
    """An answer's shape: a key the API sends that is not declared here fails the tests."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_untitled)


# Errors ------------------------------------------------------------------------------------------------------------

class ErrorDetail(Shape):
    code: str = Field(description="Reason code, e.g. validation_failed, program_not_found")
    message: str = Field(description="A sentence for people, in the request's language")
    fields: dict[str, str] | MISSING = Field(MISSING, description="On 422: a sentence per wrong field")
    reasons: dict[str, str] | MISSING = Field(MISSING, description="With fields: the reason code per field")
    member_id: int | MISSING = Field(MISSING, description=(
        "On 409 id_number_registered*: the member who has that ID number"))
    card_status: CardStatus | None | MISSING = Field(MISSING, description=(
        "On 409 when a card's verdict refuses it (redeeming, check-in): the card's status"))
    unit_status: UnitStatus | MISSING = Field(MISSING, description="On 409 when the unit cannot be sold: its status")


class Error(Shape):
    """The body of every 4xx and 5xx answer."""

    error: ErrorDetail


# Users and members -------------------------------------------------------------------------------------------------

class Me(Shape):
    """The token's user."""

    username: str
    display_name: str
    role: Role


class Member(Shape):
    """A member; personal numbers masked (POST /members/{id}/reveal gives them in full)."""

    id: int
    name: str
    name_masked: str
    id_type: IdType
    id_number_masked: str = Field(examples=["110***********002X"])
    phone_masked: str = Field(examples=["138****8000"])
    address: str | None
    postal_code: str | None
    created_at: DateTime
    updated_at: DateTime


class RegisteredMember(Member):
    """A registration's answer: the member, and whether it was new."""

    created: bool = Field(description="false when the ID number was already registered under this name: the member is "
                                      "returned as on file (PATCH to change it)")


class MemberList(Shape):
    members: list[Member] = Field(description="A page: newest first, per_page (50) at most")
    next_before: int | None = Field(description="When the page is full: pass it as before= for the next (older) members")


class Revealed(Shape):
    """The full numbers, revealed on purpose (and logged)."""

    id: int = Field(description="The member")
    id_number: str
    phone: str


# Programmes --------------------------------------------------------------------------------------------------------

class Tier(Shape):
    code: str
    name: str
    amount: Money = Field(description="Deposit (pre-sale) or fee (membership), yuan")
    discount_rate: Rate = Field(description="Share of the price payable, (0, 1]")
    credit: Money = Field(description="0, or the whole offset including the deposit: amount + increment (value-add card)")
    increment: Money = Field(description="增值: what the card adds on top of the deposit, 0 for none")
    qualifying_spend: Money | None = Field(description="Spend that qualifies for the card, yuan")


class RefundWindow(Shape):
    """First day = anchor + opens_after_days; last day = anchor + closes_after_days (inclusive, null = no end)."""

    anchor: RefundAnchor
    opens_after_days: int
    closes_after_days: int | None


class ProgramTerms(Shape):
    """A programme's terms, as a preset gives them (no code, issuer or project yet)."""

    name: str
    kind: ProgramKind
    status: Literal["open", "closed"] = Field(description="Whether cards may be issued")
    issuer_address: str | None = Field(description="The issuer's registered address (住所), printed on agreements")
    issuer_credit_code: str | None = Field(description="统一社会信用代码")
    issuer_legal_rep: str | None = Field(description="法定代表人")
    dispute_resolution: DisputeResolution = Field(description=(
        "court: the people's court where the project lies (or dispute_body); arbitration: the commission named in "
        "dispute_body"))
    dispute_body: str | None = Field(description="The arbitration commission, or a named court")
    copies: int = Field(description="一式N份")
    copies_held_by: str | None = Field(description="Who keeps the copies, e.g. 认筹方一份，开发商两份")
    agreement_title: str | None = Field(description="The agreement's title, e.g. 内部认购协议书 (null: the kind's usual one)")
    deposit_term: str | None = Field(description="What the agreement calls the money: 诚意金, 认筹金, 认购金, 会费")
    refund_request_method: RefundRequestMethod = Field(description=(
        "How a holder asks for a refund: in_person (with the card and the agreement) or by_phone"))
    card_with_agreement: bool = Field(description="本卡与本协议配合使用，缺一无效")
    presale_permit_no: str | None
    presale_permit_date: Date | None
    opening_date: Date | None
    refund_window: RefundWindow | None = Field(description="Required for presale_deposit")
    transfer_policy: TransferPolicy
    transfer_fee: Money
    reissue_fee: Money
    validity_months: int | None
    valid_until: Date | None
    renewal_window_days: int | None = Field(description="Renewal opens this many days before expiry")
    max_active_cards_per_member: int
    multiple_redemptions: bool
    termination_notice_days: int | None = Field(description="The member's notice before their termination takes effect")
    payment_due_days: int | None = Field(description="The fee is due within this many days of signing")
    late_fee_per_day_bp: int | None = Field(description=(
        "Late fee per day after the due day, basis points of the contract total (5‰ = 50)"))
    issuer_termination_notice_days: int | None = Field(description=(
        "The issuer's notice before its termination takes effect; the fee is then refunded in full"))
    card_design: str = Field(description="A design in card_templates/, e.g. classic, minimal")
    points_per_yuan: str = Field(description="Retail: points per yuan paid (0.1 = 1 point per ¥10)", examples=["0.1"])
    point_value: Money = Field(description="Retail: what a point takes off a purchase")
    points_valid_months: int = Field(description="Retail: months of a card year, at whose end its points expire")
    birthday_multiplier: int = Field(description="Retail: multiplier of points earned in the birthday month")
    redeemable_uses: list[UnitUse] | None = Field(description="The kinds of unit the cards may buy; null for any")
    contract_sign_days: int | None = Field(description=(
        "Days after the 认购书 within which the sales contract is signed (null: 7)"))
    tiers: list[Tier]


class Program(ProgramTerms):
    """A programme."""

    code: str = Field(description="Immutable")
    issuer_name: str
    project_name: str
    contact_phone: str
    has_seal: bool = Field(description="Whether the issuer's seal is set (PUT /programs/{code}/seal)")


class AffectedCard(Shape):
    """A card still held under the programme, with the refund window the opening day now gives it."""

    number: CardNumber
    status: CardStatus
    holder_masked: str
    refund_from: Date | None
    refund_until: Date | None


class ProgramChanged(Program):
    """A changed programme; when the opening day moved, the cards whose refund window moved with it."""

    affected_cards: list[AffectedCard] | MISSING = Field(MISSING, description=(
        "Only when the opening day moved: the cards held and their refund windows now (nobody is notified)"))


class ProgramList(Shape):
    programs: list[Program]


class Preset(Shape):
    """A starting point for a programme."""

    key: str
    label: str
    program: ProgramTerms


class PresetList(Shape):
    presets: list[Preset]


class SigningCertificate(Shape):
    """A signing certificate: the issuer's own (uploaded), or the demo one."""

    kind: CertificateKind
    demo: bool = Field(description="Not the issuer's own: not for production")
    subject: str
    serial: str = Field(description="Hexadecimal")
    fingerprint_sha256: str
    not_before: DateTime
    not_after: DateTime
    uploaded_at: DateTime


class Certificate(Shape):
    """The certificate a programme's agreements are sealed under."""

    certificate: SigningCertificate | None = Field(description="null before the first sealing")


# Cards -------------------------------------------------------------------------------------------------------------

class CardProgram(Shape):
    code: str
    name: str
    project_name: str


class CardTier(Shape):
    code: str
    name: str


class Holder(Shape):
    """The holder, masked (the full name: GET /members/{member_id})."""

    member_id: int
    name_masked: str
    id_type: IdType = Field(description="The kind of ID document the masked number is of")
    id_number_masked: str


class Entitlement(Shape):
    discount_rate: Rate
    discount_words: str = Field(examples=["9.5折"])
    credit: Money = Field(description="0 once void")
    credit_void: bool = Field(description="A cancelled purchase or a refund voids the credit")
    amount: Money = Field(description="The tier's amount")


class AgreementRef(Shape):
    id: int
    number: str
    kind: AgreementKind
    status: AgreementStatus


class LedgerEntry(Shape):
    kind: LedgerKind
    amount: Money = Field(description="Effect on the money held: received > 0, paid out or applied < 0")
    reference: str | None
    at: DateTime


class Charge(Shape):
    """A fee for a service: the issuer's income, apart from the money held (never refunded, not in held_amount)."""

    kind: ChargeKind
    amount: Money
    receipt_no: str | None
    at: DateTime
    card: CardNumber = Field(description=(
        "The card the fee is recorded on: a reissue or transfer fee on the new card it paid for"))
    for_successor: bool = Field(description=(
        "The fee paid for the card that replaced this one (shown on both cards)"))


class AppliedDiscount(Shape):
    name: str
    kind: Literal["published", "card"]
    rate: Rate
    before: Money
    after: Money


class SettlementFigures(Shape):
    """What a purchase comes to and how it is paid."""

    list_price: Money
    discounts: list[AppliedDiscount] = Field(description=(
        "Each discount in the order applied: the published one, then the card's"))
    price: Money = Field(description="The day's price, after any published discount")
    discount_rate: Rate = Field(description="The card's")
    discounted: Money
    final_price: Money
    offset: Money
    deposit_applied: Money
    deposit_remaining: Money
    credit_used: Money
    credit_applied: Money
    credit_lapsed: Money
    payable: Money


class Redemption(Shape):
    """A purchase made with the card."""

    id: int
    item: str
    redeemed_at: DateTime
    agreement_id: int | None = Field(description="The redemption confirmation, or for a unit the 认购书")
    annulled_at: DateTime | None
    annul_reason: str | None
    unit: str | None = Field(description="The unit's code, for a purchase from the inventory")
    published_discount: str | None
    settlement: SettlementFigures
    earnest: Money | MISSING = Field(MISSING, description=(
        "Units only: the deposit turned into 定金 (at most 20% of the final price)"))
    contract_due_on: Date | None | MISSING = Field(MISSING, description=(
        "Units only: last day to sign the sales contract"))


class CardRefundWindow(Shape):
    """The card's refund window as real days: day N after the anchor counts from the day after it (民法典 第二百零一条:
    the anchor day itself is not counted), so 10 days after an opening day of 2026-06-01 is 2026-06-11."""

    first_day: Date | None = Field(description="The first day a refund may be asked for; null while the anchor is unknown")
    last_day: Date | None = Field(description="The last day, inclusive; null: open without end, or not known yet")
    code: str = Field(description="refund_window_known, or why the days are not known: opening_date_not_set, "
                                  "expiry_date_not_set")


class Dues(Shape):
    """A membership issued before its fee was paid: the fee falls due within the programme's days of signing; each
    day after the due day adds the late fee (of the contract total), charged when the fee is paid."""

    status: Literal["unpaid", "paid"] = Field(description="An unpaid card is not in force (verdict dues_unpaid)")
    fee: Money = Field(description="The contract total")
    due_on: Date | None = Field(description="The last day to pay without a late fee; null until the agreement is signed")
    paid_on: Date | None
    late_fee_per_day_bp: int | None = Field(description="Basis points of the contract total a day (5‰ = 50)")
    late_fee_per_day: Money
    days_late: int = Field(description="Whole days after the due day: as of today while unpaid, as paid once paid")
    late_fee: Money = Field(description="Accrued today while unpaid; charged, once paid")
    total: Money = Field(description="Fee plus late fee: what paying today costs (POST /cards/{number}/dues), or what was paid")


class ScannedCard(Shape):
    """A card as a scan's answer gives it: without its agreements, ledger and redemptions."""

    number_masked: str = Field(examples=["•••• •••• 7890"])
    status: CardStatus
    program: CardProgram
    tier: CardTier
    holder: Holder
    valid_from: Date
    valid_through: Date | None
    number: CardNumber = Field(description="12 digits, the last a Luhn check digit")
    number_formatted: str = Field(examples=["2612 3456 7890"])
    generation: int = Field(description="1, then one more for each reissue or transfer")
    entitlement: Entitlement
    amount: Money = Field(description="Paid when issued")
    held_amount: Money = Field(description="The money held now")
    payment_method: PaymentMethod | None
    receipt_no: str | None
    legacy_number: str | None = Field(description="An imported card's number on paper or in Excel")
    issued_on: Date
    issued_at: DateTime
    design: str
    permit_override: bool = Field(description="Issued before the presale permit, by an admin")
    redeemed_at: DateTime | None
    refund_window: CardRefundWindow | None = Field(description="null when the programme offers no refund on request")
    dues: Dues | None = Field(description="Paid memberships issued before their fee was paid; null otherwise")
    verify_url: str = Field(description="What the card's QR encodes")


class Card(ScannedCard):
    """A card with holder, entitlement, money held, ledger, agreements and redemptions."""

    agreement_id: int | None = Field(description="The subscription agreement")
    agreements: list[AgreementRef]
    ledger: list[LedgerEntry]
    redemptions: list[Redemption]
    charges: list[Charge] = Field(description=(
        "Fees (reissue, transfer, renewal…) beside the ledger: income, not money held"))


class CardPage(Shape):
    """A page of cards, newest first."""

    items: list[Card]
    total: int = Field(description="The cards found, counted up to 10,000: beyond, 10,000 and total_exact false")
    total_exact: bool
    page: int | None = Field(description="The page's number when asked by page=; null when asked by a cursor")
    per_page: int
    next_after: int | None = Field(description="The next (older) page: pass it as after=; null on the last page")
    prev_before: int | None = Field(description="The previous (newer) page: pass it as before=; null on the first")


class Scan(Shape):
    """A scan kept: a verification or redemption, genuine or not."""

    id: int
    at: DateTime
    action: Literal["verify", "redeem"]
    verdict: str = Field(description="The verdict's code: valid, invalid, card_not_found, lost, expired…")
    card_number: str | None = Field(description="The card the code or number named; null when none was found")
    token_excerpt: str | None = Field(description="The code's beginning, enough to recognise a forged one")
    by: str | None = Field(description="The username that scanned; null for the public page")
    station: str | None
    ip: str | None
    user_agent: str | None


class Scans(Shape):
    scans: list[Scan] = Field(description="Newest first, per_page (50) at most")
    next_before: int | None = Field(description="When the page is full: pass it as before= for the older scans")


class CardList(Shape):
    cards: list[Card]


class Redeemed(Redemption):
    """A purchase just made, with the card afterwards."""

    status: CardStatus = Field(description="The card's status afterwards")
    card: Card


class Settlement(Shape):
    """What redeeming would record; nothing is written."""

    result: Literal["valid"]
    card: Card
    item: str
    unit: str | None
    published_discount: str | None
    settlement: SettlementFigures
    earnest: Money | MISSING = Field(MISSING, description="Units only: the deposit that would become 定金")
    contract_due_on: Date | MISSING = Field(MISSING, description="Units only: last day to sign the sales contract")


VerdictCode = Literal["valid", "invalid", "wrong_program", "not_yet_valid", "awaiting_signature", "lost", "replaced",
                      "transferred", "refund_pending", "refunded", "redeemed", "expired", "voided", "dues_unpaid"]


class Verdict(Shape):
    """The verdict for a scanned token."""

    result: VerdictCode
    message: str
    card: ScannedCard | None = Field(description="null for a code that names no card")
    redeemed_at: DateTime | MISSING = Field(MISSING, description="Redeemed cards only")
    redeemed_by: str | None | MISSING = Field(MISSING, description="Redeemed cards only: who redeemed it (display name)")
    station: str | None | MISSING = Field(MISSING, description="Redeemed cards only: the counter it was redeemed at")


# Agreements --------------------------------------------------------------------------------------------------------

class Template(Shape):
    name: str
    version: str = Field(description="First 12 hex digits of the template file's SHA-256")


class Parties(Shape):
    issuer: str
    member: str = Field(description="The member's masked name")


class Signer(Shape):
    role: SignerRole
    name: str
    method: SigningMethod
    signed_at: DateTime


class PublicAgreement(Shape):
    """An agreement as anyone checking a file sees it: no card number, signers' names masked."""

    id: int
    number: str
    kind: AgreementKind
    status: AgreementStatus
    card_number: None
    created_at: DateTime
    template: Template
    signing_method: SigningMethod | None
    sealed_at: DateTime | None
    sha256: str | None = Field(description="Of the sealed original")
    seal_token: str | None
    parties: Parties
    signers: list[Signer]


class Agreement(PublicAgreement):
    """Agreement metadata: kind, status, template, signers, sha256."""

    card_number: CardNumber  # type: ignore[assignment]  # staff see it
    document_url: str = Field(description="The Word document (document.docx)")


class SignatureCertificate(Shape):
    subject: str | None
    serial: str | None
    fingerprint_sha256: str | None


class PdfSignature(Shape):
    """What the PDF's own signature says."""

    intact: bool = Field(description="The signed bytes are exactly what was signed")
    covers_whole_file: bool = Field(description="Nothing was added after signing")
    trusted: bool = Field(description="The signer's certificate chains to one of ours")
    certificate: SignatureCertificate
    signing_time: DateTime | None
    timestamp: DateTime | None
    timestamp_valid: bool | None


class DocumentCheck(Shape):
    """Is a file a sealed original, and what does its PDF signature say?"""

    verdict: Literal["sealed_original", "signed_copy", "altered", "changed_after_sealing", "foreign_signature",
                     "not_recognised"]
    genuine: bool
    agreement: PublicAgreement | None
    signature: PdfSignature | None = Field(description="null when the file carries no signature")


# Requests waiting for a second person (DESIGN §10.1) ---------------------------------------------------------------

class _Request(Shape):
    """What every request for a second person says: which card, who asked and when."""

    id: int
    card_number: CardNumber
    requested_at: DateTime
    requested_by: str | None


class _Decided(_Request):
    decided_by: str | None
    decided_at: DateTime | None


class RefundRequest(_Decided):
    kind: RefundKind
    status: Literal["pending", "paid", "rejected", "cancelled"]
    amount: Money = Field(description="The money held when asked")
    reason: str
    payout_method: PaymentMethod | None
    payout_reference: str | None
    agreement_id: int | None = Field(description="The refund confirmation")


class TransferRequest(_Request):
    to_member_id: int
    status: Literal["pending", "completed", "rejected", "cancelled"]
    fee: Money
    fee_receipt_no: str | None
    new_card_number: CardNumber | None = Field(description="Once completed")


class AnnulRequest(_Decided):
    """A request to cancel a purchase (退房)."""

    redemption_id: int
    status: Literal["pending", "approved", "rejected", "cancelled"]
    item: str
    unit: str | None
    reason: str
    agreement_id: int | None = Field(description="The 退房确认书, once approved")


class AnnulDecided(AnnulRequest):
    card: Card = Field(description="The card afterwards")


class VoidRequest(_Decided):
    status: Literal["pending", "approved", "rejected", "cancelled"]
    reason: str


class VoidDecided(VoidRequest):
    card: Card = Field(description="The card afterwards")


NEXT_AFTER = "When the page is full: pass it as after= for the next requests"


class RefundRequests(Shape):
    refund_requests: list[RefundRequest] = Field(description="Waiting, oldest first: a page of per_page (50) at most")
    next_after: int | None = Field(description=NEXT_AFTER)


class TransferRequests(Shape):
    transfer_requests: list[TransferRequest] = Field(description="Waiting, oldest first: a page of per_page (50) at most")
    next_after: int | None = Field(description=NEXT_AFTER)


class AnnulRequests(Shape):
    annul_requests: list[AnnulRequest] = Field(description="Waiting, oldest first: a page of per_page (50) at most")
    next_after: int | None = Field(description=NEXT_AFTER)


class VoidRequests(Shape):
    void_requests: list[VoidRequest] = Field(description="Waiting, oldest first: a page of per_page (50) at most")
    next_after: int | None = Field(description=NEXT_AFTER)


# History and the audit log -----------------------------------------------------------------------------------------

class Event(Shape):
    """One event of a card's or a member's story."""

    at: DateTime
    kind: Literal["audit", "scan", "ledger", "charge"]
    what: str = Field(examples=["card.issued", "scan.verify", "ledger.deposit_received", "charge.reissue_fee"])
    card: CardNumber | None = Field(description="The card's number; null for audit entries")
    who: str | None = Field(description="A username")
    details: dict[str, Any] = Field(description=(
        "audit: the entry's data; scan: verdict, station; ledger: amount, reference; charge: amount, receipt_no"))


class Events(Shape):
    events: list[Event] = Field(description="Oldest first")


class AuditEntry(Shape):
    id: int
    at: DateTime
    actor: str = Field(description="A username, or system")
    action: str
    object_type: str
    object_id: str
    data: dict[str, Any] = Field(description="Secrets masked")
    ip: str | None
    user_agent: str | None


class AuditEntries(Shape):
    entries: list[AuditEntry] = Field(description="Newest first, 200 at most")
    next_before: int | None = Field(description="When the page is full: pass it as before= for the older entries")


# Opening day: the queue, call screens and the draw -----------------------------------------------------------------

class QueueEntry(Shape):
    """An arrival's place in the day's queue."""

    id: int
    queue_number: int
    program: str = Field(description="The programme's code")
    day: Date
    status: QueueStatus
    holder_masked: str
    card: CardNumber = Field(description="The card's number")
    checked_in_at: DateTime
    called_at: DateTime | None
    station: str | None = Field(description="The desk that called it")


class QueueEntries(Shape):
    entries: list[QueueEntry] = Field(description="Today's arrivals, in order")


class CallScreen(Shape):
    """A display in the hall."""

    id: int
    program: str = Field(description="The programme's code")
    name: str
    english: bool = Field(description="An English line under the Chinese")
    created_at: DateTime
    revoked_at: DateTime | None


class NewCallScreen(CallScreen):
    url: str = Field(description="The screen's link: its only key, shown this once")


class CallScreens(Shape):
    screens: list[CallScreen]


class Entrant(Shape):
    queue_number: int
    card: CardNumber


class Draw(Shape):
    """A draw by lot (摇号) of the order of the day's waiting arrivals."""

    id: int
    program: str = Field(description="The programme's code")
    day: Date
    seed: str
    algorithm: str = Field(examples=["hmac-sha256-sort-v1"])
    entrants: list[Entrant] = Field(description="In queue order")
    order: list[int] = Field(description="The queue numbers in the order drawn")
    drawn_at: DateTime
    drawn_by: str | None
    reproduced: bool = Field(description="A fresh check that the order follows from the seed and the entrants")


# Units of a programme's inventory ----------------------------------------------------------------------------------

class Unit(Shape):
    id: int
    code: str = Field(examples=["3-1-1201"])
    building: str
    unit: str = Field(description="单元 (entrance); may be empty")
    floor: int
    room: str
    use: UnitUse
    area: Area = Field(description="m²")
    list_price: Money
    unit_price: Money = Field(description="per m²")
    status: UnitStatus
    updated_at: DateTime


class UnitPage(Shape):
    items: list[Unit]
    total: int
    page: int
    per_page: int


class ImportProblem(Shape):
    row: int = Field(description="The sheet's row number (the header is row 1)")
    field: str
    code: str = Field(description="Reason code")
    message: str


class UnitImport(Shape):
    """An import's outcome: all rows or none."""

    status: Literal["done", "failed"] = Field(description="failed (422): nothing was imported")
    dry_run: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    errors: list[ImportProblem]


class UnitImportRefused(RootModel[UnitImport | Error]):
    """422 from an import: the rows refused (an import with status failed, every wrong row named), or the file itself
    (an error: no file, unreadable, columns missing, too many rows)."""

    model_config = ConfigDict(json_schema_extra=_untitled)


class StatusCounts(Shape):
    available: int
    held: int
    sold: int
    withdrawn: int


class StatusTotals(Shape):
    available: Money
    held: Money
    sold: Money
    withdrawn: Money


class SalesControl(Shape):
    """The sales control sheet's figures."""

    total: int
    counts: StatusCounts
    list_price_totals: StatusTotals
    sold_value: Money = Field(description="What the sold units were sold for, after every discount")
    units: dict[str, UnitStatus] = Field(description="Each unit's status, by code")


class PublishedDiscount(Shape):
    id: int
    name: str = Field(examples=["一次性付款"])
    rate: Rate
    valid_from: Date
    valid_until: Date | None


class PublishedDiscounts(Shape):
    published_discounts: list[PublishedDiscount]


# The dashboard (GET /stats) -----------------------------------------------------------------------------------------

class IssuedOnDay(Shape):
    day: Date
    new: int = Field(description="Cards issued to a new holder (a subscription, 认筹)")
    successors: int = Field(description="Cards issued by a reissue or transfer, succeeding an earlier card")


class ConsultantCards(Shape):
    username: str | None = Field(description="None: issued by the system (the command line, an import)")
    name: str | None
    cards: int


class CountAndAmount(Shape):
    count: int
    amount: Money


class Refunds(Shape):
    pending: CountAndAmount = Field(description="Refund requests waiting for a manager, as of today")
    paid: CountAndAmount = Field(description="Refunds paid in the period")


class RefundWindowsThisWeek(Shape):
    from_: Date = Field(alias="from", description="This week's Monday")
    to: Date = Field(description="This week's Sunday")
    cards: int = Field(description="Active cards whose refund window opens this week")


class ApprovalsWaiting(Shape):
    refund: int
    transfer: int
    void: int
    annul: int
    total: int


class Stats(Shape):
    """The dashboard's figures. The period (from–to, local days) selects the cards issued in it (issued, by status,
    by consultant, redeemed, conversion) and the redemptions and refunds paid in it; the rest is as of today."""

    program: str | None = Field(description="The programme's code; None: all programmes")
    from_: Date = Field(alias="from")
    to: Date
    today: Date
    issued: int = Field(description="Cards issued in the period, successors of reissues and transfers included")
    new_cards: int = Field(description="Of those, cards issued to a new holder (认筹量)")
    issued_per_day: list[IssuedOnDay] = Field(description="Every day of the period, oldest first")
    by_status: dict[CardStatus, int] = Field(description="The period's cards by their status now")
    by_consultant: list[ConsultantCards] = Field(description="The period's cards by who issued them, most first")
    money_held: Money = Field(description="Money held for members now: the sum of the ledger of every card")
    refunds: Refunds
    redemptions: int = Field(description="Purchases made with cards in the period (cancelled ones left out)")
    redeemed: int = Field(description="The period's cards redeemed now")
    conversion: float | None = Field(description=(
        "redeemed ÷ the period's cards, not counting cards replaced by a reissue or transfer nor voided ones; None "
        "without any"))
    refund_windows_this_week: RefundWindowsThisWeek
    expiring_within_30_days: int = Field(description="Active cards whose last valid day is within 30 days")
    approvals_waiting: ApprovalsWaiting = Field(description="Requests waiting for a manager's decision")


class ImportRowError(Shape):
    row: int = Field(description="The sheet's row number, as Excel shows it (the header is row 1)")
    column: str | None = Field(description="The column as the sheet names it; null when the row as a whole is refused")
    code: str = Field(description="Reason code")
    message: str


class ImportJob(Shape):
    """An import of cards from a sheet, as a job (DESIGN §10.1)."""

    id: int
    status: Literal["queued", "running", "done", "failed"]
    dry_run: bool = Field(description="Checked every row, wrote no card")
    filename: str
    rows: int = Field(description="Rows of cards in the sheet (total_rows)")
    total_rows: int
    done_rows: int = Field(description="Rows gone through so far")
    created: int = Field(description="Cards issued (a dry run: rows that would be)")
    skipped: int = Field(description="Rows whose receipt number already has a card in its programme")
    error_rows: int
    errors: list[ImportRowError] = Field(description="The first 100 reasons; errors_url has them all")
    errors_url: str | None = Field(description="Every wrong row and why, with the row as given, as XLSX")
    created_at: DateTime
    finished_at: DateTime | None
