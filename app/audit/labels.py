"""What each audit action and timeline event means, as a phrase for people in either language (the code stays in the
log and the API; pages and exports show these)."""

from __future__ import annotations

from ..rules import N_

ACTION_LABELS = {
    "agreement.created": N_("agreement drawn up"),
    "agreement.document_downloaded": N_("document downloaded"),
    "agreement.member_download_refused": N_("holder's download refused"),
    "agreement.member_downloaded": N_("downloaded by the holder"),
    "agreement.opened_for_signing": N_("opened to read before signing"),
    "agreement.sealed": N_("agreement signed and sealed"),
    "agreement.timestamp_failed": N_("timestamp server did not answer"),
    "annul.requested": N_("cancellation of the purchase requested"),
    "annul.done": N_("cancellation of the purchase approved"),
    "annul.rejected": N_("cancellation of the purchase rejected"),
    "annul.cancelled": N_("cancellation request withdrawn"),
    "api_token.issued": N_("API token issued"),
    "api_token.revoked": N_("API token revoked"),
    "call_screen.created": N_("call screen created"),
    "call_screen.revoked": N_("call screen revoked"),
    "card.expired": N_("card expired"),
    "card.in_force": N_("card in force"),
    "card.issued": N_("card issued"),
    "card.loss_reported": N_("loss reported"),
    "card.loss_cancelled": N_("loss report withdrawn: card found"),
    "card.redeemed": N_("card redeemed"),
    "card.reissued": N_("card reissued"),
    "card.renewed": N_("membership renewed"),
    "card.termination_notified": N_("termination notified"),
    "card.issuer_termination_notified": N_("issuer's termination notified"),
    "card.terminated": N_("membership ended after the member's notice"),
    "card.terminated_by_issuer": N_("membership ended after the issuer's notice"),
    "card.dues_paid": N_("membership fee paid"),
    "card.transfer_undone": N_("transfer undone"),
    "card.transferred": N_("card transferred"),
    "card.voided": N_("card voided"),
    "data_key.rotated": N_("data key rotated"),
    "export.downloaded": N_("list exported"),
    "export.revealed": N_("list exported with ID numbers and mobiles in full"),
    "lottery.drawn": N_("lottery drawn"),
    "member.created": N_("member registered"),
    "member.identity_revealed": N_("full ID number revealed"),
    "member.reveal_burst": N_("many ID numbers revealed in a short time"),
    "member.updated": N_("member changed"),
    "program.certificate_demo_issued": N_("demo signing certificate made"),
    "program.certificate_uploaded": N_("signing certificate uploaded"),
    "program.created": N_("programme created"),
    "program.seal_set": N_("issuer's seal set"),
    "program.seal_removed": N_("issuer's seal removed"),
    "program.updated": N_("programme changed"),
    "portal.code_refused": N_("holder's sign-in: card and ID ending do not match"),
    "portal.code_sent": N_("holder's sign-in: code sent by SMS"),
    "portal.code_wrong": N_("holder's sign-in: wrong code"),
    "portal.locked": N_("holder's sign-in refused: too many wrong codes"),
    "portal.signed_in": N_("holder signed in to their own page"),
    "portal.signed_out": N_("holder signed out of their own page"),
    "published_discount.created": N_("discount published"),
    "published_discount.deleted": N_("discount taken down"),
    "queue.called": N_("number called"),
    "queue.checked_in": N_("checked in"),
    "queue.recall": N_("number called again"),
    "queue.skip": N_("number skipped"),
    "queue.serve": N_("number served"),
    "redemption.annulled": N_("purchase cancelled"),
    "refund.requested": N_("refund requested"),
    "refund.paid": N_("refund paid out"),
    "refund.done": N_("refund paid out"),
    "refund.rejected": N_("refund rejected"),
    "refund.cancelled": N_("refund request withdrawn"),
    "transfer.requested": N_("transfer requested"),
    "transfer.approved": N_("transfer approved"),
    "transfer.done": N_("transfer approved"),
    "transfer.rejected": N_("transfer rejected"),
    "transfer.cancelled": N_("transfer request withdrawn"),
    "unit.created": N_("unit added"),
    "unit.status_changed": N_("unit status changed"),
    "unit.updated": N_("unit changed"),
    "units.imported": N_("units imported"),
    "import.queued": N_("card import started"),
    "import.finished": N_("card import finished"),
    "user.created": N_("user created"),
    "user.logged_in": N_("signed in"),
    "user.login_failed": N_("sign-in failed"),
    "user.login_locked": N_("sign-in refused: account locked"),
    "user.signed_out": N_("signed out"),
    "user.updated": N_("user changed"),
    "void.requested": N_("void requested"),
    "void.done": N_("void approved"),
    "void.rejected": N_("void rejected"),
    "void.cancelled": N_("void request withdrawn"),
    "scan.verify": N_("scanned"),
    "scan.redeem": N_("scanned to redeem"),
    "charge.reissue_fee": N_("reissue fee charged"),
    "charge.transfer_fee": N_("transfer fee charged"),
    "charge.renewal_fee": N_("renewal fee charged"),
    "charge.late_fee": N_("late fee charged"),
    "purchase.recorded": N_("purchase recorded"),
    "points.spent": N_("points spent"),
    "points.expired": N_("points expired"),
}

# The words an entry's details are written with; a key not listed shows as it is.
DETAIL_LABELS = {
    "agreement": N_("agreement"), "amount": N_("amount"), "card": N_("card"), "card_id": N_("card"),
    "card_number_tail": N_("card number ends"), "certificate": N_("certificate"), "code": N_("code"),
    "consent": N_("read and agreed"), "count": N_("count"), "day": N_("day"), "deposit_applied": N_("deposit applied"),
    "document": N_("document"), "entrants": N_("entrants"), "error": N_("error"), "fee": N_("fee"),
    "fee_receipt_no": N_("fee receipt"), "fingerprint": N_("fingerprint"), "format": N_("format"), "from": N_("from"),
    "item": N_("item"), "kind": N_("kind"), "last_day": N_("last day"), "list_price": N_("list price"),
    "member_id": N_("member no."), "method": N_("method"), "mime": N_("file type"), "name": N_("name"),
    "new_number": N_("new card"), "note": N_("note"), "number": N_("number"), "pages": N_("pages"),
    "payable": N_("payable"), "payment_method": N_("payment method"), "program": N_("programme"),
    "published_discount": N_("published discount"), "rate_bp": N_("rate (bp)"), "reason": N_("reason"),
    "receipt_no": N_("receipt"), "reference": N_("reference"), "replaces": N_("replaces"),
    "requested_by": N_("requested by"), "role": N_("role"), "rows": N_("rows"), "seed": N_("seed"),
    "serial": N_("serial no."), "sha256": N_("SHA-256"), "station": N_("station"), "status": N_("status"),
    "subject": N_("subject"), "template": N_("template"), "tier": N_("tier"), "timestamp": N_("timestamp"),
    "to": N_("to"), "to_member_id": N_("new holder no."), "user": N_("user"), "username": N_("username"),
    "valid_from": N_("valid from"), "valid_through": N_("valid through"), "valid_until": N_("valid until"),
    "verdict": N_("verdict"), "voided": N_("voided card"), "why": N_("why"),
    "id_number_masked": N_("ID number"), "id_type": N_("ID type"), "phone_masked": N_("mobile"),
    "address": N_("address"), "postal_code": N_("postal code"),
    "what": N_("list"), "filters": N_("filters"),
    "file": N_("file"), "dry_run": N_("check only"), "created": N_("cards issued"), "skipped": N_("already there"),
    "errors": N_("wrong rows"),
    "late_fee": N_("late fee"), "days_late": N_("days late"), "due_on": N_("due on"), "dues_due_on": N_("fee due on"),
    "pay_later": N_("fee paid later"), "refund": N_("refund"),
    "payout_method": N_("payout method"), "payout_reference": N_("payout reference"), "price": N_("price"),
    "as_of": N_("as of the day"),
}

# The lists an export entry names (``export.downloaded``: what).
EXPORT_LABELS = {
    "cards": N_("Cards"), "members": N_("Members"), "ledger": N_("Ledger"), "refunds": N_("Refunds"),
    "charges": N_("Charges"), "audit": N_("Audit log"),
}

# What an entry is about.
OBJECT_LABELS = {
    "agreement": N_("agreement"), "annul_request": N_("cancellation request"), "api_token": N_("API token"),
    "call_screen": N_("call screen"), "card": N_("card"), "charge": N_("fee"), "document": N_("document"),
    "import": N_("import"), "installation": N_("installation"), "ledger_entry": N_("ledger entry"),
    "lottery_draw": N_("draw"), "member": N_("member"), "program": N_("programme"),
    "portal": N_("holder's own page"),
    "published_discount": N_("published discount"), "queue_entry": N_("queue number"), "redemption": N_("redemption"),
    "refund_request": N_("refund request"), "scan": N_("scan"), "signature": N_("signature"),
    "signing_certificate": N_("signing certificate"), "tier": N_("tier"), "transfer_request": N_("transfer request"),
    "unit": N_("unit"), "user": N_("user"), "void_request": N_("void request"),
    "purchase": N_("purchase"), "point_spend": N_("points spend"), "point_lot": N_("points lot"),
}
SIGNING_LABELS = {"drawn": N_("signed on screen"), "scan": N_("signed on paper, scan uploaded"),
                  # a document's role beside its agreement
                  "draft": N_("draft"), "signed": N_("signed copy"), "sealed": N_("sealed original"),
                  # a sealed PDF's timestamp (app/documents/pades.py)
                  "stamped": N_("timestamped by the TSA"), "failed": N_("the TSA did not answer"), "none": N_("none")}

# A programme's settings, as its form names them (a programme's creation and changes list them).
DETAIL_LABELS |= {
    "issuer_name": N_("Issuer (legal name)"), "project_name": N_("Project"), "contact_phone": N_("Contact phone"),
    "issuer_address": N_("issuer address"), "issuer_credit_code": N_("Unified social credit code"),
    "issuer_legal_rep": N_("Legal representative"), "dispute_resolution": N_("disputes"),
    "dispute_body": N_("Court or arbitration commission"), "copies": N_("Copies of each agreement"),
    "copies_held_by": N_("Who keeps them"), "presale_permit_no": N_("Presale permit number"),
    "presale_permit_date": N_("Presale permit date"), "opening_date": N_("Opening day"),
    "refund_window": N_("Refund window"), "anchor": N_("counted from"), "opens_after_days": N_("opens after (days)"),
    "closes_after_days": N_("closes after (days)"), "transfer_policy": N_("Transfers"),
    "transfer_fee": N_("Transfer fee (yuan)"), "reissue_fee": N_("Reissue fee (yuan)"),
    "validity_months": N_("Valid for (months)"), "renewal_window_days": N_("Renewal opens (days before expiry)"),
    "max_active_cards_per_member": N_("Active cards per member, at most"),
    "multiple_redemptions": N_("redeemable more than once"), "termination_notice_days": N_("Notice for termination (days)"),
    "payment_due_days": N_("Fee due within (days of signing)"),
    "late_fee_per_day_bp": N_("Late fee per day (‱ of the contract total)"),
    "issuer_termination_notice_days": N_("Issuer's notice for termination (days)"), "card_design": N_("Card design"),
    "redeemable_uses": N_("redeemable for"), "contract_sign_days": N_("Sales contract within (days)"),
    "has_seal": N_("seal set"), "tiers": N_("tiers"), "discount_rate": N_("Discount"), "credit": N_("Credit"),
    "qualifying_spend": N_("Qualifying spend"), "use": N_("use"), "area": N_("area"),
    "points_per_yuan": N_("Points per yuan paid"), "point_value": N_("Value of a point (yuan)"),
    "points_valid_months": N_("Points expire after (months of a card year)"),
    "birthday_multiplier": N_("Birthday month multiplier"),
}
# A purchase's and a points spend's details.
DETAIL_LABELS |= {
    "discounted": N_("after discount"), "special_price": N_("special price"), "points_value": N_("paid with points"),
    "points": N_("points"), "birthday_month": N_("birthday month"), "expires_on": N_("expire after"),
}
# The agreement's own words (issue 12, documents to the letter).
DETAIL_LABELS |= {
    "agreement_title": N_("Title of the agreement"), "deposit_term": N_("What the agreement calls the money"),
    "refund_request_method": N_("A refund is asked for"), "card_with_agreement": N_("card valid only with the agreement"),
    "increment": N_("Increment"),
}

# A refund request's kind in the log (refund.* entries): "refund" is also the code of the refund's confirmation, which
# is a document (退卡确认书), not what was asked for.
REFUND_REQUEST_KIND_LABELS = {"refund": N_("refund"), "issuer_termination": N_("membership ended by the issuer")}
# A detail naming the programme's money, said in its agreement's word (诚意金) when the page knows the programme.
OWN_DETAIL_LABELS = {"deposit_applied": N_("%(deposit)s applied")}
