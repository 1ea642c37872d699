"""What each page needs, gathered in one call per view."""

from datetime import datetime
from typing import NamedTuple

from portal.accounts.models import User
from portal.events import services as event_services
from portal.events.models import Deadline, DeadlineKind, Event
from portal.registration import documents
from portal.registration.models import Registration, RegistrationSettings, RegistrationState
from portal.registration.services.reading import (
    Filters,
    day_times,
    prefill_for,
    registration_of,
    search_registrations,
    state_counts,
    waitlist_positions,
)
from portal.registration.services.rules import (
    Window,
    WindowState,
    can_edit,
    edit_refusal,
    registration_window,
)
from portal.registration.services.seats import SETTINGS_FIELDS, settings_for
from portal.timeutil import now

State = RegistrationState


class RegistrationPage(NamedTuple):
    """What the registration form needs; `refusal` names why there is no form."""

    settings: RegistrationSettings
    window: Window
    existing: Registration | None
    refusal: str | None
    prefill: dict | None


def registration_page(event: Event, user: User, *, with_prefill: bool = True):
    """The form's settings and window, an existing registration, or why it is refused."""
    window = registration_window(event)
    existing = registration_of(event, user)
    if existing is not None and existing.state == State.CANCELLED:
        existing = None
    refusal = None
    if window.state == WindowState.UNAVAILABLE:
        refusal = "unavailable"
    elif not user.confirmed:
        refusal = "unconfirmed"
    elif not window.is_open:
        refusal = str(window.state)
    prefill = prefill_for(user) if with_prefill and refusal is None and existing is None else None
    return RegistrationPage(settings_for(event), window, existing, refusal, prefill)


class EditPage(NamedTuple):
    settings: RegistrationSettings
    deadline: Deadline | None
    refusal: str | None


def edit_page(registration: Registration, at: datetime | None = None) -> EditPage:
    """Settings for the edit form and, once editing is over, the reason in German."""
    event = registration.event
    deadline = event_services.get_deadline(event, DeadlineKind.REGISTRATION)
    editable = can_edit(registration, event, deadline, at or now())
    refusal = None if editable else edit_refusal(registration, deadline)
    return EditPage(settings_for(event), deadline, refusal)


class SettingsPage(NamedTuple):
    settings: RegistrationSettings
    deadline: Deadline | None
    initial: dict


def settings_page(event: Event) -> SettingsPage:
    """The organisers' settings with the current deadline and form defaults."""
    settings = settings_for(event)
    deadline = event_services.get_deadline(event, DeadlineKind.REGISTRATION)
    initial = {name: getattr(settings, name) for name in SETTINGS_FIELDS}
    initial["reimbursement_types"] = [t.value for t in settings.eligible_types]
    initial["opens_at"] = event.registration_opens_at
    initial["deadline_on"] = deadline.due_at.date() if deadline else None
    return SettingsPage(settings, deadline, initial)


class Overview(NamedTuple):
    registrations: list
    counts: dict
    positions: dict
    settings: RegistrationSettings
    window: Window


def organiser_overview(event: Event, filters: Filters) -> Overview:
    """The organisers' list: filtered registrations, counts per state, waitlist places."""
    return Overview(
        search_registrations(event, filters),
        state_counts(event),
        waitlist_positions(event),
        settings_for(event),
        registration_window(event),
    )


def waitlist_position(registration: Registration) -> int | None:
    if registration.state != State.WAITLISTED:
        return None
    return waitlist_positions(registration.event_id).get(registration.id)


def confirmation_pdf(registration: Registration) -> bytes | None:
    """The PDF confirmation; only a confirmed registration has one."""
    if registration.state != State.CONFIRMED:
        return None
    return documents.confirmation_pdf(registration, registration.event)


def calendar_entry(registration: Registration) -> bytes | None:
    """The .ics entry; only for a confirmed registration."""
    if registration.state != State.CONFIRMED:
        return None
    event = registration.event
    return documents.calendar_ics(registration, event, day_times(event))
