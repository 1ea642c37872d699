"""Booths: the exhibitors' registration and edits, uploads, staff and the state mails."""

import re
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from portal import audit
from portal.accounts.models import User
from portal.db import is_sqlite
from portal.events import services as event_services
from portal.events.models import Deadline, DeadlineKind, Event, EventStatus, Session
from portal.exhibitors.models import (
    Booth,
    BoothStaff,
    BoothState,
)
from portal.extensions import db
from portal.mailer import queue_mail
from portal.registration import services as registration_services
from portal.registration.models import FEDERAL_STATES, OrganisationType
from portal.storage import IMAGES, MB, PDF, UploadError, delete_upload, save_upload
from portal.timeutil import now

State = BoothState

LOGO_MAX_BYTES = 5 * MB
LOGO_MAX_PX = 800
FLYER_MAX_BYTES = 10 * MB
MAX_STAFF = 4
TEXT_FIELDS = {
    "organisation": 200,
    "contact_name": 200,
    "contact_email": 254,
    "contact_phone": 60,
    "topic": 200,
    "description": 1000,
}
REQUIRED_FIELDS = ("organisation", "contact_name", "contact_email", "topic")
NUMBER_FIELDS = {"tables": 10, "chairs": 20, "poster_walls": 6}
STATE_MAIL = {
    State.SUBMITTED: "booth_submitted",
    State.APPROVED: "booth_approved",
    State.WAITLISTED: "booth_waitlisted",
    State.REJECTED: "booth_rejected",
}
REQUIRED = _l("Bitte füllen Sie dieses Feld aus.")


class BoothError(Exception):
    """A refused action; `message` is German and meant for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class InvalidBooth(BoothError):
    """Invalid values: `errors` maps field names to German messages."""

    def __init__(self, errors: dict):
        super().__init__(next(iter(errors.values())))
        self.errors = errors


# --- time window ----------------------------------------------------------------------


def booth_deadline(event) -> Deadline | None:
    return event_services.get_deadline(event, DeadlineKind.BOOTHS)


def registration_open(event: Event, deadline: Deadline | None, at: datetime | None = None) -> bool:
    """Booths can be registered and edited until the booth deadline (or the event's start)."""
    at = at or now()
    if event.status != EventStatus.PUBLISHED:
        return False
    if deadline is not None:
        return at <= deadline.due_at
    return at < datetime.combine(event.starts_on, time.min)


def can_edit(booth: Booth, deadline: Deadline | None, at: datetime | None = None) -> bool:
    return booth.state != State.REJECTED and registration_open(booth.event, deadline, at or now())


def _edit_refusal(booth: Booth):
    if booth.state == State.REJECTED:
        return _l("Dieser Stand wurde abgelehnt und kann nicht mehr geändert werden.")
    return _l(
        "Die Frist für Infostände ist abgelaufen. Änderungen sind nicht mehr möglich; bitte "
        "wenden Sie sich an das Organisationsbüro."
    )


# --- values ---------------------------------------------------------------------------


def organisation_key(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


def _clean_staff(rows, errors: dict) -> list[dict]:
    """Complete staff rows (empty ones dropped), each e-mail once; errors keyed by field.

    An error of row 1's e-mail has the key 'staff-1-email'.
    """
    staff, seen = [], set()
    for index, row in enumerate(rows or ()):
        person = {
            "first_name": (row.get("first_name") or "").strip(),
            "last_name": (row.get("last_name") or "").strip(),
            "email": (row.get("email") or "").strip().lower(),
        }
        if not any(person.values()):
            continue
        missing = [name for name, value in person.items() if not value]
        if missing:
            errors[f"staff-{index}-{missing[0]}"] = _l(
                "Bitte geben Sie Vorname, Nachname und E-Mail-Adresse der Person an."
            )
        elif "@" not in person["email"]:
            errors[f"staff-{index}-email"] = _l("Bitte geben Sie eine gültige E-Mail-Adresse ein.")
        elif person["email"] in seen:
            errors[f"staff-{index}-email"] = _l("Diese E-Mail-Adresse steht bereits in der Liste.")
        else:
            seen.add(person["email"])
            staff.append(person)
    if len(staff) > MAX_STAFF:
        errors["staff"] = _l("Bitte nennen Sie höchstens %(max)d Personen.", max=MAX_STAFF)
    return staff


def _clean_times(event: Event, values: dict, errors: dict) -> None:
    """Set-up from the day before the event, tear-down by its last day, set-up first."""
    setup, teardown = values.get("setup_at"), values.get("teardown_at")
    first_day = event.starts_on - timedelta(days=1)
    if setup is None:
        errors["setup_at"] = _l("Bitte geben Sie an, wann Sie aufbauen.")
    elif not first_day <= setup.date() <= event.ends_on:
        errors["setup_at"] = _l(
            "Der Aufbau ist vom Vortag bis zum letzten Tag der Veranstaltung möglich."
        )
    if teardown is None:
        errors["teardown_at"] = _l("Bitte geben Sie an, wann Sie abbauen.")
    elif not first_day <= teardown.date() <= event.ends_on:
        errors["teardown_at"] = _l(
            "Der Abbau muss spätestens am letzten Tag der Veranstaltung sein."
        )
    elif setup is not None and teardown <= setup:
        errors["teardown_at"] = _l("Der Abbau muss nach dem Aufbau liegen.")


def clean_values(event: Event, fields: dict, *, at: datetime, previous=None) -> tuple[dict, list]:
    """Check a booth's values against the event; returns (values, staff) or raises."""
    errors: dict = {}
    values = {}
    for name, limit in TEXT_FIELDS.items():
        value = (fields.get(name) or "").strip()
        if len(value) > limit:
            errors[name] = _l(
                "Bitte kürzen Sie die Eingabe auf höchstens %(max)d Zeichen.", max=limit
            )
        values[name] = value
    for name in REQUIRED_FIELDS:
        if not values[name]:
            errors[name] = REQUIRED
    values["contact_email"] = values["contact_email"].lower()
    if values["contact_email"] and "@" not in values["contact_email"]:
        errors["contact_email"] = _l("Bitte geben Sie eine gültige E-Mail-Adresse ein.")
    values["organisation_key"] = organisation_key(values["organisation"])
    try:
        values["organisation_type"] = OrganisationType(fields.get("organisation_type") or "")
    except ValueError:
        errors["organisation_type"] = _l("Bitte wählen Sie die Art Ihrer Organisation.")
    values["federal_state"] = fields.get("federal_state") or ""
    if values["federal_state"] not in FEDERAL_STATES:
        errors["federal_state"] = _l("Bitte wählen Sie ein Bundesland.")
    session_id = fields.get("session")
    values["session"] = None
    if session_id:
        session = Session.get_or_none((Session.id == session_id) & (Session.event == event))
        if session is None:
            errors["session"] = _l("Bitte wählen Sie einen Programmpunkt dieser Veranstaltung.")
        values["session"] = session
    for name, limit in NUMBER_FIELDS.items():
        number = fields.get(name) or 0
        if not 0 <= number <= limit:
            errors[name] = _l("Bitte geben Sie eine Zahl von 0 bis %(max)d an.", max=limit)
        values[name] = number
    floor_space = fields.get("floor_space")
    if floor_space is not None and not 1 <= floor_space <= 100:
        errors["floor_space"] = _l("Bitte geben Sie eine Fläche von 1 bis 100 m² an.")
    values["floor_space"] = floor_space
    values["needs_power"] = bool(fields.get("needs_power"))
    values["needs_network"] = bool(fields.get("needs_network"))
    values["setup_at"], values["teardown_at"] = fields.get("setup_at"), fields.get("teardown_at")
    _clean_times(event, values, errors)
    staff = _clean_staff(fields.get("staff"), errors)
    confirmed = bool(fields.get("staff_privacy_confirmed"))
    if staff and not confirmed:
        errors["staff_privacy_confirmed"] = _l(
            "Bitte bestätigen Sie, dass die Standbesetzung die Datenschutzhinweise kennt; sie "
            "wird mit diesen Angaben zur Veranstaltung angemeldet."
        )
    previous_at = getattr(previous, "staff_privacy_confirmed_at", None)
    values["staff_privacy_confirmed_at"] = (previous_at or at) if confirmed else None
    if errors:
        raise InvalidBooth(errors)
    return values, staff


# --- uploads --------------------------------------------------------------------------


def _store_files(owner: User, logo, flyer) -> dict:
    """Store the given logo and flyer; on any refusal, keep neither and raise InvalidBooth."""
    stored, errors = {}, {}
    specs = (
        ("logo", logo, IMAGES, LOGO_MAX_BYTES, LOGO_MAX_PX),
        ("flyer", flyer, PDF, FLYER_MAX_BYTES, None),
    )
    for name, file, allowed, max_bytes, max_px in specs:
        if file is None or not getattr(file, "filename", ""):
            continue
        try:
            stored[name] = save_upload(
                file,
                area="exhibitors",
                owner=owner,
                allowed=allowed,
                max_bytes=max_bytes,
                image_max_px=max_px,
            )
        except UploadError as exc:
            errors[name] = str(exc)
    if errors:
        _discard(stored.values())
        raise InvalidBooth(errors)
    return stored


def _discard(files) -> None:
    for stored in files:
        if stored is not None:
            with db.atomic():
                delete_upload(stored)


# --- exhibitors -----------------------------------------------------------------------


def _link(booth: Booth) -> str:
    """The absolute address of the booth's page, from BASE_URL (works outside requests too)."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build("exhibitors.edit_booth", {"booth_id": booth.id}, force_external=True)


def notify_exhibitor(booth: Booth, **context) -> None:
    """Queue the mail of the booth's current state to the exhibitor (in the transaction)."""
    queue_mail(
        booth.owner.email,
        STATE_MAIL[booth.state],
        booth=booth,
        event=booth.event,
        link=_link(booth),
        **context,
    )


def create_booth(*, event: Event, owner: User, logo=None, flyer=None, **fields):
    """Register a booth; returns (booth, created). A double submit returns the first booth."""
    at = now()
    if not registration_open(event, booth_deadline(event), at):
        raise BoothError(
            _l("Für diese Veranstaltung können keine Infostände (mehr) angemeldet werden.")
        )
    values, staff = clean_values(event, fields, at=at)
    files = _store_files(owner, logo, flyer)
    try:
        with db.atomic():
            booth = Booth.create(
                event=event,
                owner=owner,
                state=State.SUBMITTED,
                created_at=at,
                updated_at=at,
                **files,
                **values,
            )
            _save_staff(booth, staff)
            audit.record("booth.submitted", booth, actor=owner, event=event.id)
            notify_exhibitor(booth)
    except IntegrityError:
        _discard(files.values())
        existing = Booth.get(
            (Booth.event == event)
            & (Booth.owner == owner)
            & (Booth.organisation_key == values["organisation_key"])
        )
        return existing, False
    return booth, True


def _save_staff(booth: Booth, staff: list[dict]) -> list[BoothStaff]:
    """Make the booth's staff rows match `staff`; kept rows keep their registration stamp."""
    existing = {row.email: row for row in BoothStaff.select().where(BoothStaff.booth == booth)}
    wanted = {person["email"] for person in staff}
    gone = [row.id for email, row in existing.items() if email not in wanted]
    if gone:
        BoothStaff.delete().where(BoothStaff.id.in_(gone)).execute()
    rows = []
    for position, person in enumerate(staff):
        row = existing.get(person["email"])
        if row is None:
            row = BoothStaff.create(booth=booth, position=position, **person)
        else:
            BoothStaff.update(position=position, **person).where(BoothStaff.id == row.id).execute()
        rows.append(row)
    return rows


def update_booth(booth: Booth, *, actor: User, logo=None, flyer=None, **fields) -> Booth:
    """Change a booth until the booth deadline; new staff of an approved booth are registered."""
    at = now()
    event = booth.event
    if not can_edit(booth, booth_deadline(event), at):
        raise BoothError(_edit_refusal(booth))
    values, staff = clean_values(event, fields, at=at, previous=booth)
    files = _store_files(actor, logo, flyer)
    replaced = [getattr(booth, name) for name in files]
    try:
        with db.atomic():
            current = locked_booth(booth.id)
            if current.state == State.REJECTED:
                raise BoothError(_edit_refusal(current))
            Booth.update(updated_at=at, **files, **values).where(Booth.id == booth.id).execute()
            rows = _save_staff(booth, staff)
            current = Booth.get_by_id(booth.id)
            if current.state == State.APPROVED:
                register_staff(current, rows, actor=actor)
            audit.record("booth.updated", current, actor=actor, event=event.id)
    except IntegrityError as exc:
        _discard(files.values())
        raise InvalidBooth(
            {"organisation": _l("Sie haben für diese Organisation bereits einen Stand angemeldet.")}
        ) from exc
    except BoothError:
        _discard(files.values())
        raise
    _discard(replaced)
    return current


def register_staff(booth: Booth, rows: list[BoothStaff], *, actor: User) -> None:
    """Register every not yet registered staff member for the event (registration area)."""
    event = booth.event
    for row in rows:
        if row.registered_at is not None:
            continue
        try:
            registration_services.add_late_registration(
                event=event,
                actor=actor,
                first_name=row.first_name,
                last_name=row.last_name,
                organisation=booth.organisation,
                organisation_type=booth.organisation_type.value,
                federal_state=booth.federal_state,
                email=row.email,
                days=event.days,
                evening=False,
                privacy_accepted=True,
            )
        except registration_services.RegistrationError as exc:
            raise BoothError(
                _l(
                    "%(name)s konnte nicht zur Veranstaltung angemeldet werden: %(reason)s",
                    name=row.name,
                    reason=exc.message,
                )
            ) from exc
        row.registered_at = now()
        BoothStaff.update(registered_at=row.registered_at).where(BoothStaff.id == row.id).execute()


def locked_booth(booth_id: int) -> Booth:
    """Re-read a booth inside a transaction, locked on PostgreSQL."""
    query = Booth.select().where(Booth.id == booth_id)
    if not is_sqlite():  # SQLite write transactions are serialised by BEGIN IMMEDIATE
        query = query.for_update()
    return query.get()
