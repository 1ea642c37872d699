"""The claimant's side: start a claim, journey, items with receipts, bank details, submit.

Totals are recomputed from the items in cents on every change; the browser never sends one.
Receipts are stored all-or-none: a refused file removes those saved before it, and a failed
database write removes the files.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from peewee import IntegrityError
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from portal import audit
from portal.accounts.models import User
from portal.accounts.passwords import verify_password
from portal.db import is_sqlite
from portal.events.models import Event
from portal.extensions import db
from portal.registration.models import Registration, RegistrationSettings
from portal.storage import StoredFile, UploadError, delete_upload, save_upload
from portal.templating import date_short, euro
from portal.timeutil import now
from portal.travel import crypto, rules
from portal.travel.models import (
    ClaimItem,
    ClaimReceipt,
    ClaimSettings,
    ItemKind,
    RailClass,
    TravelClaim,
)
from portal.travel.services.core import (
    MAX_FILES_PER_UPLOAD,
    MAX_ITEM_CENTS,
    MAX_KILOMETRES,
    MAX_NIGHTS,
    RECEIPT_TYPES,
    ClaimError,
    ClaimExists,
    ClaimIncomplete,
    ClaimInvalid,
    State,
    claim_window,
    completeness_problems,
    eligibility_problem,
    eligible_types_of,
    iban_context,
    items_with_receipts,
    notify,
    receipt_max_bytes,
    settings_for,
    transition,
    window_refusal,
)

# --- the claimant: start, journey, items, receipts, bank details ------------------------


def start_claim(registration: Registration, *, user: User) -> TravelClaim:
    """Open a draft for an eligible registration inside the claim window; one per registration."""
    event = Event.get_by_id(registration.event_id)
    settings = RegistrationSettings.get_or_none(RegistrationSettings.event == event)
    problem = eligibility_problem(registration, eligible_types_of(settings))
    if problem is not None:
        raise ClaimError(problem)
    refusal = window_refusal(claim_window(event), now())
    if refusal is not None:
        raise ClaimError(refusal)
    try:
        with db.atomic():
            claim = TravelClaim.create(
                registration=registration,
                event=event,
                user=user,
                destination=", ".join(p for p in (event.venue, event.address) if p)[:200],
                departs_on=event.starts_on,
                returns_on=event.ends_on,
            )
            audit.record("claim.created", claim, actor=user, registration=registration.id)
    except IntegrityError as exc:
        existing = TravelClaim.get(TravelClaim.registration == registration)
        raise ClaimExists(existing) from exc
    return claim


NOT_EDITABLE = _l("Der Antrag ist eingereicht und kann nicht mehr geändert werden.")


def _check_editable(claim: TravelClaim, event: Event) -> None:
    """Early refusal (before any file is stored): submitted, or a draft past the deadline."""
    if not claim.editable:
        raise ClaimError(NOT_EDITABLE)
    if claim.state == State.DRAFT:
        refusal = window_refusal(claim_window(event), now())
        if refusal is not None:
            raise ClaimError(refusal)


def _lock_editable(claim: TravelClaim) -> None:
    """Inside the write: the claim is still editable (its row locked on PostgreSQL).

    A submission from another tab between the early check and the write is caught here.
    """
    query = TravelClaim.select(TravelClaim.state).where(TravelClaim.id == claim.id)
    if not is_sqlite():  # SQLite writes are serialised by BEGIN IMMEDIATE already
        query = query.for_update()
    row = query.first()
    if row is None or row.state not in (State.DRAFT, State.QUERY):
        raise ClaimError(NOT_EDITABLE)


def _date_errors(event: Event, values: dict, names) -> dict:
    errors = {}
    for name in names:
        day = values.get(name)
        if day is None:
            errors[name] = _l("Bitte geben Sie ein Datum an.")
        elif not rules.near_event(day, event.starts_on, event.ends_on):
            errors[name] = _l(
                "Das Datum liegt zu weit von der Veranstaltung (%(start)s–%(end)s) entfernt.",
                start=date_short(event.starts_on),
                end=date_short(event.ends_on),
            )
    return errors


def save_journey(
    claim: TravelClaim,
    *,
    user: User,
    origin: str,
    destination: str,
    departs_on: date | None,
    returns_on: date | None,
) -> TravelClaim:
    """The journey: from, to, outward and return date (close to the event)."""
    event = Event.get_by_id(claim.event_id)
    _check_editable(claim, event)
    values = {
        "origin": (origin or "").strip(),
        "destination": (destination or "").strip(),
        "departs_on": departs_on,
        "returns_on": returns_on,
    }
    errors = _date_errors(event, values, ("departs_on", "returns_on"))
    if not values["origin"]:
        errors["origin"] = _l("Bitte geben Sie an, wo Ihre Reise begann.")
    if not values["destination"]:
        errors["destination"] = _l("Bitte geben Sie das Reiseziel an.")
    if departs_on and returns_on and returns_on < departs_on:
        errors.setdefault("returns_on", _l("Die Rückreise darf nicht vor der Hinreise liegen."))
    if errors:
        raise ClaimInvalid(errors)
    with db.atomic():
        _lock_editable(claim)
        for name, value in values.items():
            setattr(claim, name, value)
        claim.updated_at = now()
        claim.save(only=[*(getattr(TravelClaim, n) for n in values), TravelClaim.updated_at])
        audit.record("claim.journey_saved", claim, actor=user)
    return claim


def _reason_message(kind: ItemKind, rail_class, night_rate_cents: int) -> str:
    if kind == ItemKind.RAIL:
        return _l("Für die 1. Klasse ist eine Begründung nötig.")
    if kind == ItemKind.HOTEL:
        return _l(
            "Der Preis liegt über %(rate)s je Nacht. Bitte begründen Sie ihn.",
            rate=euro(night_rate_cents),
        )
    if kind == ItemKind.TAXI:
        return _l("Bitte begründen Sie, warum ein Taxi nötig war.")
    if kind == ItemKind.FLIGHT:
        return _l("Bitte begründen Sie, warum ein Flug nötig war.")
    return _l("Bitte beschreiben und begründen Sie diese Kosten.")


def clean_item(event: Event, settings: ClaimSettings, values: dict, *, file_count: int) -> dict:
    """Check an item's values against the event's rules; raise ClaimInvalid (German)."""
    errors = {}
    try:
        kind = ItemKind(values.get("kind") or "")
    except ValueError:
        raise ClaimInvalid({"kind": _l("Bitte wählen Sie die Art der Kosten.")}) from None
    clean = {
        "kind": kind,
        "spent_on": values.get("spent_on"),
        "description": (values.get("description") or "").strip()[:200],
        "reason": (values.get("reason") or "").strip(),
        "rail_class": None,
        "kilometres": None,
        "car_rate_cents": None,
        "nights": None,
    }
    errors.update(_date_errors(event, clean, ("spent_on",)))
    amount = values.get("amount_cents")
    if kind == ItemKind.CAR:
        km = values.get("kilometres")
        if km is None:
            errors["kilometres"] = _l("Bitte geben Sie die gefahrenen Kilometer an.")
        elif not 0 < km <= MAX_KILOMETRES:
            errors["kilometres"] = _l(
                "Bitte geben Sie zwischen 1 und %(max)s Kilometer an.", max=MAX_KILOMETRES
            )
        clean["kilometres"] = km
        clean["car_rate_cents"] = settings.car_rate_cents
        amount = rules.car_cost(km or 0, settings.car_rate_cents)
    elif amount is None:
        errors["amount"] = _l("Bitte geben Sie den Betrag an, zum Beispiel 12,50.")
    elif amount <= 0:
        errors["amount"] = _l("Der Betrag muss größer als 0,00 € sein.")
    elif amount > MAX_ITEM_CENTS:
        errors["amount"] = _l(
            "Bitte prüfen Sie den Betrag: höchstens %(max)s je Position.",
            max=euro(MAX_ITEM_CENTS),
        )
    if kind == ItemKind.RAIL:
        try:
            clean["rail_class"] = RailClass(values.get("rail_class") or RailClass.SECOND)
        except ValueError:
            errors["rail_class"] = _l("Bitte wählen Sie die Wagenklasse.")
    if kind == ItemKind.HOTEL:
        nights = values.get("nights")
        if nights is None or not 0 < nights <= MAX_NIGHTS:
            errors["nights"] = _l(
                "Bitte geben Sie die Zahl der Nächte an (1 bis %(max)s).", max=MAX_NIGHTS
            )
        clean["nights"] = nights
    needs_reason = rules.reason_required(
        kind,
        rail_class=clean["rail_class"],
        amount_cents=amount or 0,
        nights=clean["nights"],
        night_rate_cents=settings.hotel_night_cents,
    )
    if needs_reason and not clean["reason"]:
        errors["reason"] = _reason_message(kind, clean["rail_class"], settings.hotel_night_cents)
    if len(clean["reason"]) > 2000:
        errors["reason"] = _l("Bitte fassen Sie die Begründung in höchstens 2000 Zeichen.")
    if rules.receipt_required(kind) and file_count == 0:
        errors["receipts"] = _l("Bitte laden Sie mindestens einen Beleg hoch.")
    if file_count > MAX_FILES_PER_UPLOAD:
        errors["receipts"] = _l(
            "Bitte laden Sie höchstens %(max)s Belege auf einmal hoch.", max=MAX_FILES_PER_UPLOAD
        )
    if errors:
        raise ClaimInvalid(errors)
    clean["amount_cents"] = amount
    return clean


def _store_receipts(files, *, user: User) -> list[StoredFile]:
    """Save every receipt or none: a refused file removes the ones saved before it."""
    stored = []
    try:
        for file in files:
            try:
                stored.append(
                    save_upload(
                        file,
                        area="travel",
                        owner=user,
                        allowed=RECEIPT_TYPES,
                        max_bytes=receipt_max_bytes(),
                    )
                )
            except UploadError as exc:
                name = getattr(file, "filename", "") or ""
                message = f"„{name}“: {exc}" if name else str(exc)
                raise type(exc)(message) from exc
    except BaseException:
        for done in stored:
            delete_upload(done)
        raise
    return stored


def _recompute(claim: TravelClaim, settings: ClaimSettings) -> None:
    """Car amounts under the journey's cap, then the claim's total (inside a transaction)."""
    items = list(ClaimItem.select().where(ClaimItem.claim == claim).order_by(ClaimItem.id))
    cars = [i for i in items if i.kind == ItemKind.CAR]
    amounts = rules.car_amounts(
        [i.kilometres or 0 for i in cars], settings.car_rate_cents, settings.car_cap_cents
    )
    for item, amount in zip(cars, amounts, strict=True):
        if (item.amount_cents, item.car_rate_cents) != (amount, settings.car_rate_cents):
            item.amount_cents, item.car_rate_cents = amount, settings.car_rate_cents
            item.save(only=[ClaimItem.amount_cents, ClaimItem.car_rate_cents])
    claim.total_cents = rules.total_cents(i.amount_cents for i in items)
    claim.updated_at = now()
    TravelClaim.update(total_cents=claim.total_cents, updated_at=claim.updated_at).where(
        TravelClaim.id == claim.id
    ).execute()


def add_item(claim: TravelClaim, *, user: User, files=(), **values) -> ClaimItem:
    """Add a cost with its receipts; a refused receipt leaves neither item nor file behind."""
    event = Event.get_by_id(claim.event_id)
    _check_editable(claim, event)
    settings = settings_for(event)
    files = list(files or ())
    clean = clean_item(event, settings, values, file_count=len(files))
    stored = _store_receipts(files, user=user)
    try:
        with db.atomic():
            _lock_editable(claim)
            item = ClaimItem.create(claim=claim, **clean)
            for file in stored:
                ClaimReceipt.create(item=item, file=file)
            _recompute(claim, settings)
            audit.record(
                "claim.item_added",
                claim,
                actor=user,
                item=item.id,
                kind=item.kind.value,
                amount_cents=item.amount_cents,
                receipts=len(stored),
            )
    except BaseException:
        for file in stored:
            delete_upload(file)
        raise
    return ClaimItem.get_by_id(item.id)


def add_receipts(item: ClaimItem, *, user: User, files) -> list[ClaimReceipt]:
    """Add receipts to an item; all or none are stored."""
    claim = TravelClaim.get_by_id(item.claim_id)
    _check_editable(claim, Event.get_by_id(claim.event_id))
    files = list(files or ())
    if not files:
        raise ClaimInvalid({"receipts": _l("Bitte wählen Sie mindestens eine Datei aus.")})
    if len(files) > MAX_FILES_PER_UPLOAD:
        raise ClaimInvalid(
            {
                "receipts": _l(
                    "Bitte laden Sie höchstens %(max)s Belege auf einmal hoch.",
                    max=MAX_FILES_PER_UPLOAD,
                )
            }
        )
    stored = _store_receipts(files, user=user)
    try:
        with db.atomic():
            _lock_editable(claim)
            receipts = [ClaimReceipt.create(item=item, file=file) for file in stored]
            audit.record(
                "claim.receipts_added", claim, actor=user, item=item.id, receipts=len(stored)
            )
    except BaseException:
        for file in stored:
            delete_upload(file)
        raise
    return receipts


def _files_of(item_ids) -> list[StoredFile]:
    return list(
        StoredFile.select()
        .join(ClaimReceipt, on=(ClaimReceipt.file == StoredFile.id))
        .where(ClaimReceipt.item.in_(list(item_ids)))
    )


def delete_item(item: ClaimItem, *, user: User) -> None:
    """Remove an item and its receipts (rows and files); the total is recomputed."""
    claim = TravelClaim.get_by_id(item.claim_id)
    event = Event.get_by_id(claim.event_id)
    _check_editable(claim, event)
    files = _files_of([item.id])
    with db.atomic():
        _lock_editable(claim)
        audit.record("claim.item_deleted", claim, actor=user, item=item.id, kind=item.kind.value)
        item.delete_instance()
        _recompute(claim, settings_for(event))
    for file in files:
        delete_upload(file)


def delete_receipt(receipt: ClaimReceipt, *, user: User) -> None:
    """Remove one receipt (row and file)."""
    item = ClaimItem.get_by_id(receipt.item_id)
    claim = TravelClaim.get_by_id(item.claim_id)
    _check_editable(claim, Event.get_by_id(claim.event_id))
    stored = StoredFile.get_by_id(receipt.file_id)
    with db.atomic():
        _lock_editable(claim)
        audit.record("claim.receipt_deleted", claim, actor=user, item=item.id)
        receipt.delete_instance()
    delete_upload(stored)


def save_bank_details(
    claim: TravelClaim, *, user: User, account_holder: str, iban: str, password: str = ""
) -> TravelClaim:
    """Account holder and IBAN (checked by schwifty, BIC derived, stored encrypted).

    Changing existing details needs the account password and sends a notice (without IBAN).
    """
    event = Event.get_by_id(claim.event_id)
    _check_editable(claim, event)
    holder = " ".join((account_holder or "").split())
    errors = {}
    if not holder:
        errors["account_holder"] = _l(
            "Bitte geben Sie die Kontoinhaberin oder den Kontoinhaber an."
        )
    elif len(holder) > 70:
        errors["account_holder"] = _l("Bitte kürzen Sie den Namen auf höchstens 70 Zeichen.")
    parsed = None
    try:
        parsed = IBAN(iban or "")
    except SchwiftyException:
        errors["iban"] = _l(
            "Diese IBAN ist ungültig. Bitte prüfen Sie die Eingabe, zum Beispiel "
            "DE89 3704 0044 0532 0130 00."
        )
    if parsed is not None and not parsed.in_sepa_zone:
        errors["iban"] = _l("Wir können nur auf Konten im SEPA-Raum überweisen.")
    changing = bool(claim.iban_encrypted)
    if changing and not verify_password(user.password_hash, password or ""):
        errors["password"] = _l("Das Passwort ist nicht korrekt.")
    if errors:
        raise ClaimInvalid(errors)
    try:
        bic = str(parsed.bic or "")
    except SchwiftyException:
        bic = ""
    with db.atomic():
        _lock_editable(claim)
        claim.account_holder = holder
        claim.iban_encrypted = crypto.encrypt(parsed.compact, context=iban_context(claim))
        claim.iban_masked = crypto.mask_iban(parsed.compact)
        claim.bic = bic
        claim.updated_at = now()
        claim.save(
            only=[
                TravelClaim.account_holder,
                TravelClaim.iban_encrypted,
                TravelClaim.iban_masked,
                TravelClaim.bic,
                TravelClaim.updated_at,
            ]
        )
        audit.record(
            "claim.bank_details_changed" if changing else "claim.bank_details_set",
            claim,
            actor=user,
        )
        if changing:
            notify(claim, "claim_bank_changed")
    return claim


def submit_claim(
    claim: TravelClaim, *, user: User, declaration: bool, answer: str = ""
) -> TravelClaim:
    """Submit a draft (inside the window) or resubmit after a query (also after the deadline)."""
    if claim.state not in (State.DRAFT, State.QUERY):
        raise ClaimError(_l("Dieser Antrag ist bereits eingereicht."))
    event = Event.get_by_id(claim.event_id)
    if claim.state == State.DRAFT:
        refusal = window_refusal(claim_window(event), now())
        if refusal is not None:
            raise ClaimError(refusal)
    answer = (answer or "").strip()
    errors = {}
    if not declaration:
        errors["declaration"] = _l(
            "Bitte versichern Sie, dass Ihre Angaben vollständig und richtig sind."
        )
    if claim.state == State.QUERY and not answer:
        errors["answer"] = _l("Bitte beantworten Sie die Rückfrage des Organisationsbüros.")
    if errors:
        raise ClaimInvalid(errors)
    problems = completeness_problems(claim, items_with_receipts(claim))
    if problems:
        raise ClaimIncomplete(problems)
    at = now()
    return transition(
        claim,
        State.SUBMITTED,
        actor=user,
        note=answer,
        answer=answer,
        declared_at=at,
        submitted_at=at,
    )
