"""Payment exports: approved, unpaid claims into one SEPA file; marking an export as paid.

The paying account comes from the event's claim settings, else from the configuration
(TRAVEL_DEBTOR_NAME, TRAVEL_DEBTOR_IBAN, TRAVEL_DEBTOR_BIC). A claim belongs to at most one
open export (TravelClaim.export, set by a conditional UPDATE); PaymentExportLine keeps which
claims and amounts went into which file, also after an export is discarded. The SEPA file is
stored encrypted, like the IBANs it carries.
"""

import logging
from datetime import date, timedelta
from typing import NamedTuple

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal import audit
from portal.accounts.models import User
from portal.events.models import Event
from portal.extensions import db
from portal.registration.models import Registration
from portal.timeutil import now
from portal.travel import crypto, exports
from portal.travel.models import (
    ClaimState,
    PaymentExport,
    PaymentExportLine,
    TravelClaim,
)
from portal.travel.services.core import (
    APPROVED_STATES,
    ClaimError,
    ClaimInvalid,
    decrypted_iban,
    settings_for,
    transition,
)

log = logging.getLogger(__name__)


class ExportPage(NamedTuple):
    exportable: list
    exportable_cents: int
    exports: list
    debtor: exports.Debtor | None


def debtor_account(event: Event) -> exports.Debtor | None:
    """The paying account: the event's settings, else TRAVEL_DEBTOR_* from the config."""
    settings = settings_for(event)
    if settings.debtor_name and settings.debtor_iban:
        return exports.Debtor(settings.debtor_name, settings.debtor_iban, settings.debtor_bic)
    config = current_app.config
    name, iban = config.get("TRAVEL_DEBTOR_NAME"), config.get("TRAVEL_DEBTOR_IBAN")
    if name and iban:
        return exports.Debtor(name, iban.replace(" ", ""), config.get("TRAVEL_DEBTOR_BIC") or "")
    return None


def _exportable_query(event: Event):
    return (
        TravelClaim.select(TravelClaim, Registration)
        .join(Registration)
        .where(
            (TravelClaim.event == event)
            & TravelClaim.state.in_(APPROVED_STATES)
            & TravelClaim.export.is_null()
        )
        .order_by(TravelClaim.id)
    )


def export_page(event: Event) -> ExportPage:
    """Claims waiting for payment, earlier exports and the paying account."""
    exportable = list(_exportable_query(event))
    earlier = list(
        PaymentExport.select()
        .where(PaymentExport.event == event)
        .order_by(PaymentExport.created_at.desc(), PaymentExport.id.desc())
    )
    return ExportPage(
        exportable,
        sum(c.approved_cents or 0 for c in exportable),
        earlier,
        debtor_account(event),
    )


def next_business_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def end_to_end_id(claim: TravelClaim) -> str:
    return claim.number


def _iban(claim: TravelClaim) -> str:
    try:
        return decrypted_iban(claim)
    except crypto.DecryptionError as exc:
        raise ClaimError(
            _l(
                "Die Bankverbindung von Antrag %(number)s lässt sich nicht entschlüsseln. "
                "Wurde der Schlüssel (PORTAL_IBAN_KEY oder PORTAL_SECRET_KEY) geändert?",
                number=claim.number,
            )
        ) from exc


def _payment(claim: TravelClaim, event: Event) -> exports.Payment:
    registration = claim.registration
    return exports.Payment(
        claim.number,
        claim.account_holder,
        _iban(claim),
        claim.bic,
        claim.approved_cents,
        end_to_end_id(claim),
        exports.remittance(event.title, claim.number),
        registration.full_name,
        registration.organisation,
    )


def sepa_context(message_id: str) -> str:
    return f"payment-export:{message_id}"


def create_export(event: Event, *, actor: User, execution_date: date | None) -> PaymentExport:
    """Put every approved, unpaid claim into a new SEPA file (validated and read back)."""
    if execution_date is None or execution_date < now().date():
        raise ClaimInvalid(
            {"execution_date": _l("Das Ausführungsdatum darf nicht in der Vergangenheit liegen.")}
        )
    debtor = debtor_account(event)
    if debtor is None:
        raise ClaimError(
            _l(
                "Bitte hinterlegen Sie zuerst das auszahlende Konto (Name und IBAN) in den "
                "Einstellungen."
            )
        )
    with db.atomic():
        claims = list(_exportable_query(event))
        if not claims:
            raise ClaimError(_l("Es gibt keine bewilligten, noch nicht ausgezahlten Anträge."))
        payments = [_payment(claim, event) for claim in claims]
        total = sum(p.amount_cents for p in payments)
        try:
            xml, message_id = exports.sepa_transfer(debtor, payments, execution_date)
            summary = exports.read_sepa(xml)
            if (summary.count, summary.control_sum_cents) != (len(payments), total):
                raise exports.SepaInvalid("read-back mismatch")
        except (exports.SepaInvalid, ValueError) as exc:
            log.error("SEPA file for event %s not valid: %s", event.id, type(exc).__name__)
            raise ClaimError(
                _l(
                    "Die Zahlungsdatei entspricht nicht dem SEPA-Schema und wurde nicht "
                    "erstellt. Bitte prüfen Sie das auszahlende Konto in den Einstellungen."
                )
            ) from exc
        export = PaymentExport.create(
            event=event,
            message_id=message_id,
            execution_date=execution_date,
            claim_count=len(claims),
            total_cents=total,
            sepa_encrypted=crypto.encrypt(xml.decode("utf-8"), context=sepa_context(message_id)),
            created_by=actor,
        )
        PaymentExportLine.insert_many(
            [
                {
                    "export": export.id,
                    "claim": claim.id,
                    "amount_cents": claim.approved_cents,
                    "end_to_end_id": end_to_end_id(claim),
                }
                for claim in claims
            ]
        ).execute()
        changed = (
            TravelClaim.update(export=export)
            .where(TravelClaim.id.in_([c.id for c in claims]) & TravelClaim.export.is_null())
            .execute()
        )
        if changed != len(claims):
            raise ClaimError(
                _l("Die Auswahl hat sich inzwischen geändert. Bitte versuchen Sie es erneut.")
            )
        audit.record(
            "payment_export.created",
            export,
            actor=actor,
            claims=[c.id for c in claims],
            total_cents=total,
            execution_date=execution_date,
        )
    return export


def get_event_export(event: Event, export_id: int) -> PaymentExport | None:
    return PaymentExport.get_or_none(
        (PaymentExport.id == export_id) & (PaymentExport.event == event)
    )


def export_claims(export: PaymentExport) -> list[TravelClaim]:
    """The claims of an export with their registration, in file order."""
    return list(
        TravelClaim.select(TravelClaim, Registration)
        .join(Registration)
        .switch(TravelClaim)
        .join(PaymentExportLine, on=(PaymentExportLine.claim == TravelClaim.id))
        .where(PaymentExportLine.export == export)
        .order_by(TravelClaim.id)
    )


def sepa_file(export: PaymentExport) -> bytes:
    """The SEPA file exactly as it was created."""
    return crypto.decrypt(export.sepa_encrypted, context=sepa_context(export.message_id)).encode()


def payment_list(export: PaymentExport, fmt: str) -> bytes:
    """The cash office's list of an export as CSV or XLSX."""
    event = Event.get_by_id(export.event_id)
    lines = {
        line.claim_id: line
        for line in PaymentExportLine.select().where(PaymentExportLine.export == export)
    }
    payments = [
        _payment(claim, event)._replace(amount_cents=lines[claim.id].amount_cents)
        for claim in export_claims(export)
    ]
    builder = exports.to_csv if fmt == "csv" else exports.to_xlsx
    return builder(payments, export.execution_date)


def _lock_open(export: PaymentExport, **changes) -> None:
    changed = (
        PaymentExport.update(**changes)
        .where(
            (PaymentExport.id == export.id)
            & PaymentExport.paid_at.is_null()
            & PaymentExport.cancelled_at.is_null()
        )
        .execute()
    )
    if changed != 1:
        raise ClaimError(_l("Diese Zahlungsdatei ist bereits abgeschlossen."))
    for name, value in changes.items():
        setattr(export, name, value)


def mark_export_paid(export: PaymentExport, *, actor: User) -> PaymentExport:
    """The bank has paid the file: every claim in it becomes "paid" (mail and audit each)."""
    with db.atomic():
        at = now()
        _lock_open(export, paid_at=at, paid_by=actor)
        claims = list(
            TravelClaim.select().where(
                (TravelClaim.export == export) & TravelClaim.state.in_(APPROVED_STATES)
            )
        )
        for claim in claims:
            transition(claim, ClaimState.PAID, actor=actor, paid_at=at)
        audit.record("payment_export.paid", export, actor=actor, claims=[c.id for c in claims])
    return export


def cancel_export(export: PaymentExport, *, actor: User) -> PaymentExport:
    """Discard an unpaid file (e.g. refused by the bank): its claims can be exported again."""
    with db.atomic():
        _lock_open(export, cancelled_at=now(), cancelled_by=actor)
        TravelClaim.update(export=None).where(
            (TravelClaim.export == export) & TravelClaim.state.in_(APPROVED_STATES)
        ).execute()
        audit.record("payment_export.cancelled", export, actor=actor)
    return export
