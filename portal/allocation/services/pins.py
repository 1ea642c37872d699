"""The organisers' pins (always this session) and forbids (never it), before publication."""

from flask_babel import gettext as _
from peewee import IntegrityError

from portal.allocation.models import Pin, PinKind
from portal.allocation.services.common import AllocationError, published_run, record
from portal.allocation.services.instance import attendee_label, session_label
from portal.events.models import Event, Session
from portal.extensions import db
from portal.registration.models import Registration, RegistrationState
from portal.timeutil import now


def add_pin(event: Event, *, registration_id: int, session_id: int, kind: str, actor) -> Pin:
    """Pin an attendee to a session or forbid it; one rule per attendee and session."""
    if published_run(event) is not None:
        raise AllocationError(
            _("Die Zuteilung ist veröffentlicht: Festlegungen wirken nur auf neue Läufe.")
        )
    registration = Registration.get_or_none(
        (Registration.id == registration_id)
        & (Registration.event == event)
        & (Registration.state == RegistrationState.CONFIRMED)
    )
    if registration is None:
        raise AllocationError(
            _("Bitte wählen Sie eine bestätigte Anmeldung."), field="registration"
        )
    session = Session.get_or_none(
        (Session.id == session_id) & (Session.event == event) & Session.is_breakout
    )
    if session is None:
        raise AllocationError(_("Bitte wählen Sie eine Breakout-Session."), field="session")
    try:
        with db.atomic():
            pin = Pin.create(
                event=event,
                registration=registration,
                session=session,
                kind=PinKind(kind),
                created_by=actor,
                created_at=now(),
            )
            record(
                "pin_added",
                event,
                actor=actor,
                pin=pin.id,
                kind=pin.kind,
                person=attendee_label(registration),
                session=session_label(session),
            )
    except IntegrityError as exc:
        raise AllocationError(
            _(
                "Für %(person)s und %(session)s gibt es bereits eine Festlegung. Entfernen Sie "
                "sie zuerst, um sie zu ändern.",
                person=registration.full_name,
                session=session_label(session),
            ),
            field="session",
        ) from exc
    return pin


def remove_pin(event: Event, pin_id: int, *, actor) -> bool:
    """Remove a pin or forbid of the event; False when there is none (already removed)."""
    if published_run(event) is not None:
        raise AllocationError(
            _("Die Zuteilung ist veröffentlicht: Festlegungen wirken nur auf neue Läufe.")
        )
    pin = (
        Pin.select(Pin, Registration, Session)
        .join(Registration)
        .switch(Pin)
        .join(Session)
        .where((Pin.id == pin_id) & (Pin.event == event))
        .first()
    )
    if pin is None:
        return False
    with db.atomic():
        removed = Pin.delete().where(Pin.id == pin.id).execute()
        if removed:
            record(
                "pin_removed",
                event,
                actor=actor,
                pin=pin.id,
                kind=pin.kind,
                person=attendee_label(pin.registration),
                session=session_label(pin.session),
            )
    return bool(removed)
