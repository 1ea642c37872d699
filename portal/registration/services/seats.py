"""Seats: the per-event settings, the capacity guard, its invariant and the waitlist move-up.

`take_seat` is the guard: a conditional UPDATE of the event's `taken` counter, run inside the
transaction that records the registration. It is exact on SQLite and PostgreSQL alike.
"""

from datetime import datetime, time

from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from portal import audit
from portal.events import services as event_services
from portal.events.models import DeadlineKind, Event
from portal.extensions import db
from portal.registration.models import (
    OrganisationType,
    Registration,
    RegistrationSettings,
    RegistrationState,
)
from portal.registration.services.notify import notify
from portal.registration.services.rules import InvalidRegistration
from portal.timeutil import now

State = RegistrationState


SETTINGS_FIELDS = (
    "capacity",
    "needs_approval",
    "ask_evening",
    "ask_dietary",
    "ask_accessibility",
    "ask_reimbursement",
    "ask_photo_consent",
    "ask_participant_list",
)


def settings_for(event: Event) -> RegistrationSettings:
    """The event's settings, or unsaved defaults when the organisers set none yet."""
    settings = RegistrationSettings.get_or_none(RegistrationSettings.event == event)
    return settings or RegistrationSettings(event=event)


def ensure_settings(event: Event) -> RegistrationSettings:
    """The event's settings row, created with defaults on first use."""
    settings = RegistrationSettings.get_or_none(RegistrationSettings.event == event)
    if settings is not None:
        return settings
    try:
        with db.atomic():
            return RegistrationSettings.create(event=event)
    except IntegrityError:
        return RegistrationSettings.get(RegistrationSettings.event == event)


def take_seat(settings: RegistrationSettings) -> bool:
    """The capacity guard: take one seat if one is free. Call inside the recording transaction.

    A conditional UPDATE decides in the database, so concurrent requests cannot both take the
    last seat (PostgreSQL re-checks the WHERE after the row lock; SQLite writes serialise).
    """
    model = RegistrationSettings
    query = model.update(taken=model.taken + 1).where(
        (model.id == settings.id) & (model.capacity.is_null() | (model.taken < model.capacity))
    )
    return query.execute() == 1


def release_seat(settings: RegistrationSettings) -> None:
    model = RegistrationSettings
    model.update(taken=model.taken - 1).where(
        (model.id == settings.id) & (model.taken > 0)
    ).execute()


def capacity_violations(event: Event) -> list[str]:
    """The invariant of the guard: confirmed <= capacity and taken == confirmed (empty: fine)."""
    settings = settings_for(event)
    confirmed = (
        Registration.select()
        .where((Registration.event == event) & (Registration.state == State.CONFIRMED))
        .count()
    )
    problems = []
    if settings.capacity is not None and confirmed > settings.capacity:
        problems.append(f"overbooked: {confirmed} confirmed for {settings.capacity} seats")
    if settings.id is not None and settings.taken != confirmed:
        problems.append(f"counter drift: taken={settings.taken}, confirmed={confirmed}")
    return problems


def promote_waitlisted(settings: RegistrationSettings, *, at: datetime, actor=None) -> list:
    """Move the first waitlisted (by waitlisted_at, id) up while seats are free; mail each."""
    promoted = []
    while True:
        candidate = (
            Registration.select()
            .where(
                (Registration.event == settings.event_id) & (Registration.state == State.WAITLISTED)
            )
            .order_by(Registration.waitlisted_at, Registration.id)
            .first()
        )
        if candidate is None or not take_seat(settings):
            return promoted
        changed = (
            Registration.update(state=State.CONFIRMED, updated_at=at)
            .where((Registration.id == candidate.id) & (Registration.state == State.WAITLISTED))
            .execute()
        )
        if not changed:  # cancelled at the same moment: give the seat to the next one
            release_seat(settings)
            continue
        candidate.state = State.CONFIRMED
        from portal.allocation import services as allocation_services

        allocation_services.on_registration_confirmed(candidate, actor=actor)
        audit.record("registration.promoted", candidate, actor=actor, event=settings.event_id)
        notify(candidate, "registration_promoted")
        promoted.append(candidate)


def update_settings(
    event: Event, *, actor=None, opens_at=None, deadline_on=None, reimbursement_types=None, **values
):
    """Save capacity, approval and questions; set opening and deadline; promote if seats grew."""
    values = {k: v for k, v in values.items() if k in SETTINGS_FIELDS}
    if reimbursement_types is not None:
        values["reimbursement_types"] = ",".join(
            OrganisationType(t).value for t in reimbursement_types
        )
    errors = {}
    capacity = values.get("capacity")
    if capacity is not None and capacity < 0:
        errors["capacity"] = _l("Die Platzzahl darf nicht negativ sein.")
    if deadline_on is not None and deadline_on >= event.starts_on:
        errors["deadline_on"] = _l("Die Anmeldefrist muss vor Beginn der Veranstaltung enden.")
    if opens_at is not None and deadline_on is not None and opens_at.date() > deadline_on:
        errors["opens_at"] = _l("Die Anmeldung muss vor dem Ende der Frist öffnen.")
    if errors:
        raise InvalidRegistration(errors)
    at = now()
    settings = ensure_settings(event)
    with db.atomic():
        RegistrationSettings.update(updated_at=at, **values).where(
            RegistrationSettings.id == settings.id
        ).execute()
        Event.update(registration_opens_at=opens_at, updated_at=at).where(
            Event.id == event.id
        ).execute()
        event.registration_opens_at = opens_at
        current = event_services.get_deadline(event, DeadlineKind.REGISTRATION)
        # Only a new day changes the deadline: a time set in the back office stays as it is.
        if deadline_on is not None and (current is None or current.due_at.date() != deadline_on):
            due_at = datetime.combine(deadline_on, time(23, 59, 59))
            event_services.set_deadline(event, DeadlineKind.REGISTRATION, due_at, actor=actor)
        audit.record("registration.settings_changed", settings, actor=actor, **values)
        settings = RegistrationSettings.get_by_id(settings.id)
        promote_waitlisted(settings, at=at, actor=actor)
    return settings
