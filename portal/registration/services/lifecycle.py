"""State changes: register (also late, by the organisers), edit, cancel, decide, erase.

Seats are taken through `seats.take_seat` (looked up on the module, so a test can swap the
guard); a unique index on (event, user) turns a double submit into the existing registration.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from portal import audit
from portal.accounts.models import User
from portal.db import is_sqlite
from portal.events import services as event_services
from portal.events.models import DeadlineKind, Event, EventStatus
from portal.extensions import db
from portal.registration.models import Registration, RegistrationState
from portal.registration.services import seats
from portal.registration.services.notify import STATE_MAIL, notify
from portal.registration.services.rules import (
    InvalidRegistration,
    RegistrationClosed,
    RegistrationError,
    RegistrationUnavailable,
    can_edit,
    clean_values,
    edit_refusal,
    event_start,
    registration_window,
)
from portal.timeutil import now

State = RegistrationState


def _claim_row(event, user, values, *, at, actor, late) -> tuple[Registration, bool]:
    """Insert the row, or reactivate a cancelled one; (existing, False) on a double submit."""
    try:
        with db.atomic():
            row = Registration.create(
                event=event,
                user=user,
                state=State.PENDING,
                is_late=late,
                created_by=actor,
                created_at=at,
                updated_at=at,
                **values,
            )
        return row, True
    except IntegrityError:
        existing = Registration.get((Registration.event == event) & (Registration.user == user))
    reactivated = (
        Registration.update(
            state=State.PENDING,
            is_late=late,
            created_by=actor,
            updated_at=at,
            cancelled_at=None,
            waitlisted_at=None,
            decided_at=None,
            decided_by=None,
            decision_message="",
            **values,
        )
        .where((Registration.id == existing.id) & (Registration.state == State.CANCELLED))
        .execute()
    )
    return Registration.get_by_id(existing.id), bool(reactivated)


def _allocation():
    """The allocation area's hooks (imported late: allocation reads registrations)."""
    from portal.allocation import services

    return services


def _place(registration: Registration, settings, *, at: datetime, approval: bool) -> None:
    """Give a new or approved registration its state: pending, confirmed or waitlisted."""
    if approval:
        state, waitlisted_at = State.PENDING, None
    elif seats.take_seat(settings):
        state, waitlisted_at = State.CONFIRMED, None
    else:
        state, waitlisted_at = State.WAITLISTED, at
    registration.state = state
    registration.waitlisted_at = waitlisted_at
    Registration.update(state=state, waitlisted_at=waitlisted_at).where(
        Registration.id == registration.id
    ).execute()
    if state == State.CONFIRMED:
        _allocation().on_registration_confirmed(registration)


def register(*, event: Event, user: User | None, actor=None, late=False, **fields):
    """Register `user` for `event`; returns (registration, created).

    A second submit returns the existing registration (created False); a cancelled one is
    reactivated. `late` marks the organisers' manual entry: no window, no approval step, but
    capacity and waitlist still apply.
    """
    at = now()
    if event.status != EventStatus.PUBLISHED:
        raise RegistrationUnavailable(_l("Für diese Veranstaltung ist keine Anmeldung möglich."))
    if user is not None and not late and not user.confirmed:
        raise RegistrationError(
            _l("Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse, um sich anzumelden.")
        )
    if not late:
        window = registration_window(event, at)
        if not window.is_open:
            raise RegistrationClosed(window)
    settings = seats.ensure_settings(event)
    values = clean_values(event, settings, fields, at=at)
    with db.atomic():
        registration, created = _claim_row(
            event, user, values, at=at, actor=actor or user, late=late
        )
        if not created:
            return registration, False
        _place(registration, settings, at=at, approval=settings.needs_approval and not late)
        audit.record(
            "registration.late_added" if late else "registration.created",
            registration,
            actor=actor or user,
            event=event.id,
            state=registration.state,
        )
        notify(registration, STATE_MAIL[registration.state])
    return registration, True


def add_late_registration(*, event: Event, actor: User, **fields):
    """The organisers' manual entry after the deadline; links an account with that address."""
    email = (fields.get("email") or "").strip().lower()
    user = User.get_or_none(User.email == email) if email else None
    return register(event=event, user=user, actor=actor, late=True, **fields)


def update_registration(registration: Registration, *, actor, by_organiser=False, **fields):
    """Change the details (not the state); attendees only until the deadline."""
    at = now()
    event = registration.event
    deadline = event_services.get_deadline(event, DeadlineKind.REGISTRATION)
    if not by_organiser and not can_edit(registration, event, deadline, at):
        raise RegistrationError(edit_refusal(registration, deadline))
    settings = seats.settings_for(event)
    values = clean_values(event, settings, fields, at=at, previous=registration)
    with db.atomic():
        Registration.update(updated_at=at, **values).where(
            Registration.id == registration.id
        ).execute()
        audit.record("registration.updated", registration, actor=actor, event=event.id)
    return Registration.get_by_id(registration.id)


def _locked(registration_id: int) -> Registration:
    """Re-read a registration inside a transaction, locked on PostgreSQL."""
    query = Registration.select().where(Registration.id == registration_id)
    if not is_sqlite():  # SQLite write transactions are serialised by BEGIN IMMEDIATE
        query = query.for_update()
    return query.get()


def cancel_registration(registration: Registration, *, actor, by_organiser=False):
    """Cancel; a confirmed seat goes to the first on the waitlist in the same transaction."""
    at = now()
    event = registration.event
    if not by_organiser and at >= event_start(event):
        raise RegistrationError(
            _l("Die Veranstaltung hat begonnen. Eine Stornierung ist nicht mehr möglich.")
        )
    with db.atomic():
        current = _locked(registration.id)
        if not current.is_active:
            return current  # a second click: already cancelled
        previous = current.state
        Registration.update(state=State.CANCELLED, cancelled_at=at, updated_at=at).where(
            Registration.id == current.id
        ).execute()
        current.state = State.CANCELLED
        _allocation().on_registration_cancelled(current, actor=actor)
        audit.record(
            "registration.cancelled", current, actor=actor, previous=previous, event=event.id
        )
        notify(current, "registration_cancelled", by_organiser=by_organiser)
        if previous == State.CONFIRMED:
            settings = seats.ensure_settings(event)
            seats.release_seat(settings)
            seats.promote_waitlisted(settings, at=at, actor=actor)
    return current


def decide_registration(registration: Registration, *, approve: bool, message="", actor):
    """Approve (confirmed, or waitlisted when full) or reject a pending registration."""
    message = (message or "").strip()
    if not approve and not message:
        raise InvalidRegistration({"message": _l("Bitte begründen Sie die Ablehnung.")})
    at = now()
    settings = seats.ensure_settings(registration.event)
    with db.atomic():
        current = _locked(registration.id)
        if current.state != State.PENDING:
            raise RegistrationError(_l("Über diese Anmeldung wurde bereits entschieden."))
        Registration.update(
            decision_message=message, decided_at=at, decided_by=actor, updated_at=at
        ).where(Registration.id == current.id).execute()
        current.decision_message = message
        if approve:
            _place(current, settings, at=at, approval=False)
        else:
            current.state = State.REJECTED
            Registration.update(state=State.REJECTED).where(Registration.id == current.id).execute()
        audit.record(
            "registration.approved" if approve else "registration.rejected",
            current,
            actor=actor,
            state=current.state,
            message=message,
        )
        notify(current, STATE_MAIL[current.state], message=message)
    return current


def purge_sensitive(at: datetime | None = None) -> int:
    """Erase dietary and accessibility data of events that have ended; returns the count."""
    at = at or now()
    ended = Event.select(Event.id).where(Event.ends_on < at.date())
    with db.atomic():
        count = (
            Registration.update(
                dietary_needs="",
                accessibility_needs="",
                sensitive_consent_at=None,
                sensitive_erased_at=at,
            )
            .where(
                Registration.event.in_(ended)
                & ((Registration.dietary_needs != "") | (Registration.accessibility_needs != ""))
            )
            .execute()
        )
        if count:
            audit.record("registration.sensitive_purged", None, count=count)
    return count
