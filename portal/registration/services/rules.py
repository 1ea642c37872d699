"""What the rules allow: the registration window, editing and cancelling, and valid values."""

import enum
from datetime import datetime, time
from typing import NamedTuple

from flask_babel import lazy_gettext as _l

from portal.events import services as event_services
from portal.events.models import Deadline, DeadlineKind, Event, EventStatus
from portal.registration.models import (
    FEDERAL_STATES,
    ORGANISATION_TYPE_LABELS,
    OrganisationType,
    Registration,
    Salutation,
)
from portal.timeutil import now

TEXT_FIELDS = {
    "academic_title": 50,
    "first_name": 100,
    "last_name": 100,
    "organisation": 200,
    "function": 200,
    "email": 254,
    "phone": 60,
    "dietary_needs": 2000,
    "accessibility_needs": 2000,
}


REQUIRED_FIELDS = ("first_name", "last_name", "organisation", "email")


REQUIRED = _l("Bitte füllen Sie dieses Feld aus.")


class RegistrationError(Exception):
    """A refused action; `message` is German and meant for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class InvalidRegistration(RegistrationError):
    """Invalid values: `errors` maps field names to German messages."""

    def __init__(self, errors: dict):
        super().__init__(next(iter(errors.values())))
        self.errors = errors


class RegistrationUnavailable(RegistrationError):
    """The event takes no registrations at all (draft or archived)."""


class RegistrationClosed(RegistrationError):
    """Outside the registration window; `window` says why."""

    def __init__(self, window):
        super().__init__(_l("Die Anmeldung ist geschlossen."))
        self.window = window


class WindowState(enum.StrEnum):
    OPEN = "open"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"
    UNAVAILABLE = "unavailable"


class Window(NamedTuple):
    state: WindowState
    opens_at: datetime | None
    deadline: Deadline | None

    @property
    def is_open(self) -> bool:
        return self.state == WindowState.OPEN


def event_start(event: Event) -> datetime:
    return datetime.combine(event.starts_on, time.min)


def registration_window(event: Event, at: datetime | None = None) -> Window:
    """Whether `event` takes registrations at `at`: opening time, deadline, start, status.

    The deadline is inclusive (`at <= due_at`, stored as naive Berlin time, 23:59:59 of the
    last day); without a deadline registration stays open until the event starts.
    """
    at = at or now()
    deadline = event_services.get_deadline(event, DeadlineKind.REGISTRATION)
    opens_at = event.registration_opens_at
    if event.status != EventStatus.PUBLISHED:
        state = WindowState.UNAVAILABLE
    elif opens_at is not None and at < opens_at:
        state = WindowState.NOT_YET_OPEN
    elif (deadline is not None and at > deadline.due_at) or at >= event_start(event):
        state = WindowState.CLOSED
    else:
        state = WindowState.OPEN
    return Window(state, opens_at, deadline)


def can_edit(registration: Registration, event: Event, deadline, at: datetime) -> bool:
    """Attendees may change their details until the registration deadline."""
    if not registration.is_active or at >= event_start(event):
        return False
    return deadline is None or at <= deadline.due_at


def can_cancel(registration: Registration, event: Event, at: datetime | None = None) -> bool:
    """Attendees may cancel until the event starts."""
    return registration.is_active and (at or now()) < event_start(event)


def edit_refusal(registration, deadline):
    if not registration.is_active:
        return _l("Diese Anmeldung ist nicht mehr aktiv und kann nicht geändert werden.")
    if deadline is not None:
        return _l(
            "Die Anmeldefrist ist abgelaufen. Änderungen sind nicht mehr möglich; bitte wenden "
            "Sie sich an das Organisationsbüro."
        )
    return _l("Die Veranstaltung hat begonnen. Änderungen sind nicht mehr möglich.")


def _stamp(wanted: bool, previous: datetime | None, at: datetime) -> datetime | None:
    """Consent timestamp: kept while the consent stays, set when given, None when withdrawn."""
    if not wanted:
        return None
    return previous or at


def clean_values(event, settings, fields: dict, *, at, previous=None) -> dict:
    """Check the form values against the event's rules; raises InvalidRegistration."""
    errors = {}
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
    values["email"] = values["email"].lower()
    if values["email"] and "@" not in values["email"]:
        errors["email"] = _l("Bitte geben Sie eine gültige E-Mail-Adresse ein.")
    values["salutation"] = Salutation(fields.get("salutation") or "")
    try:
        org_type = OrganisationType(fields.get("organisation_type") or "")
    except ValueError:
        org_type = None
        errors["organisation_type"] = _l("Bitte wählen Sie die Art Ihrer Organisation.")
    values["organisation_type"] = org_type
    values["federal_state"] = fields.get("federal_state") or ""
    if values["federal_state"] not in FEDERAL_STATES:
        errors["federal_state"] = _l("Bitte wählen Sie ein Bundesland.")

    days = sorted(set(fields.get("days") or ()))
    if not event.is_multi_day:
        days = [event.starts_on]
    elif not days:
        errors["days"] = _l("Bitte wählen Sie mindestens einen Tag.")
    elif not set(days) <= set(event.days):
        errors["days"] = _l("Bitte wählen Sie nur Tage der Veranstaltung.")
    values["days"] = ",".join(d.isoformat() for d in days)

    evening = fields.get("evening") if settings.ask_evening else None
    if settings.ask_evening and evening is None:
        errors["evening"] = _l("Bitte geben Sie an, ob Sie am abendlichen Get-together teilnehmen.")
    values["evening"] = evening

    if not settings.ask_dietary:
        values["dietary_needs"] = ""
    if not settings.ask_accessibility:
        values["accessibility_needs"] = ""
    asks_sensitive = settings.ask_dietary or settings.ask_accessibility
    consent = bool(fields.get("sensitive_consent")) and asks_sensitive
    if (values["dietary_needs"] or values["accessibility_needs"]) and not consent:
        errors["sensitive_consent"] = _l(
            "Bitte willigen Sie in die Verarbeitung ein, damit wir Ihre Angaben zu Ernährung "
            "und Barrierefreiheit speichern dürfen, oder lassen Sie diese Felder leer."
        )
    values["sensitive_consent_at"] = _stamp(
        consent, getattr(previous, "sensitive_consent_at", None), at
    )

    wants = bool(fields.get("wants_reimbursement")) and settings.ask_reimbursement
    if wants and org_type is not None and org_type not in settings.eligible_types:
        eligible = ", ".join(str(ORGANISATION_TYPE_LABELS[t]) for t in settings.eligible_types)
        errors["wants_reimbursement"] = _l(
            "Die Übernahme von Reise- und Hotelkosten ist nur für kommunale Praktikerinnen und "
            "Praktiker möglich (%(types)s).",
            types=eligible,
        )
    values["wants_reimbursement"] = wants

    if not fields.get("privacy_accepted"):
        errors["privacy_accepted"] = _l(
            "Bitte bestätigen Sie, dass Sie die Datenschutzhinweise zur Kenntnis genommen haben."
        )
    values["privacy_accepted_at"] = _stamp(
        bool(fields.get("privacy_accepted")), getattr(previous, "privacy_accepted_at", None), at
    )
    for name, asked in (
        ("participant_list_consent", settings.ask_participant_list),
        ("photo_consent", settings.ask_photo_consent),
    ):
        values[f"{name}_at"] = _stamp(
            bool(fields.get(name)) and asked, getattr(previous, f"{name}_at", None), at
        )
    if errors:
        raise InvalidRegistration(errors)
    return values
