"""The organisers' decisions on booths and the approval guard.

Approval takes one of the event's booth places with a conditional UPDATE of ExhibitionSettings
(`approved < places`) inside the transaction that changes the state, and checks that one row
changed: exact on SQLite and PostgreSQL. `places` is kept by the place services.
"""

from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from portal import audit
from portal.accounts.models import User
from portal.exhibitors.models import STATE_LABELS, Booth, BoothStaff, BoothState, ExhibitionSettings
from portal.exhibitors.services.booths import (
    BoothError,
    InvalidBooth,
    State,
    locked_booth,
    notify_exhibitor,
    register_staff,
)
from portal.extensions import db
from portal.timeutil import now

# Organisers' decisions: which state may follow which. A rejection is final.
TRANSITIONS = {
    State.SUBMITTED: {State.APPROVED, State.WAITLISTED, State.REJECTED},
    State.WAITLISTED: {State.APPROVED, State.REJECTED},
    State.APPROVED: {State.WAITLISTED, State.REJECTED},
    State.REJECTED: set(),
}


def ensure_settings(event) -> ExhibitionSettings:
    """The event's exhibition settings, created on first use."""
    event_id = getattr(event, "id", event)
    settings = ExhibitionSettings.get_or_none(ExhibitionSettings.event == event_id)
    if settings is not None:
        return settings
    try:
        with db.atomic():
            return ExhibitionSettings.create(event=event_id)
    except IntegrityError:
        return ExhibitionSettings.get(ExhibitionSettings.event == event_id)


def settings_for(event) -> ExhibitionSettings:
    """The settings, or unsaved empty ones (no places yet)."""
    settings = ExhibitionSettings.get_or_none(ExhibitionSettings.event == event)
    return settings or ExhibitionSettings(event=event)


def take_place(event) -> bool:
    """The approval guard: count one more approved booth if a place is free."""
    model = ExhibitionSettings
    query = model.update(approved=model.approved + 1).where(
        (model.event == getattr(event, "id", event)) & (model.approved < model.places)
    )
    return query.execute() == 1


def release_place(event) -> None:
    model = ExhibitionSettings
    model.update(approved=model.approved - 1).where(
        (model.event == getattr(event, "id", event)) & (model.approved > 0)
    ).execute()


def _has_rejected_duplicate(booth: Booth) -> bool:
    return (
        Booth.select()
        .where(
            (Booth.event == booth.event_id)
            & (Booth.organisation_key == booth.organisation_key)
            & (Booth.state == State.REJECTED)
            & (Booth.id != booth.id)
        )
        .exists()
    )


def decide_booth(booth: Booth, *, state: BoothState | str, message: str = "", actor: User):
    """Approve, waitlist or reject a booth; mailed to the exhibitor and audited.

    Approval takes one of the event's booth places (refused when all are taken) and is
    refused for a booth whose organisation was already rejected for this event. Leaving
    `approved` frees the place and the booth's position on the plan.
    """
    state = State(state)
    message = (message or "").strip()
    if state == State.REJECTED and not message:
        raise InvalidBooth({"message": _l("Bitte begründen Sie die Ablehnung.")})
    at = now()
    event = booth.event
    settings = ensure_settings(event)
    with db.atomic():
        current = locked_booth(booth.id)
        if current.state == state:
            raise BoothError(_l("Der Stand ist bereits %(state)s.", state=STATE_LABELS[state]))
        if state not in TRANSITIONS[current.state]:
            raise BoothError(_l("Dieser Stand wurde abgelehnt; die Entscheidung ist endgültig."))
        if state == State.APPROVED:
            if _has_rejected_duplicate(current):
                raise BoothError(
                    _l(
                        "Für „%(organisation)s“ wurde bei dieser Veranstaltung bereits ein Stand "
                        "abgelehnt. Diese weitere Anmeldung kann nicht genehmigt werden.",
                        organisation=current.organisation,
                    )
                )
            if not take_place(event):
                raise BoothError(
                    _l(
                        "Alle %(places)d Standplätze sind bereits vergeben. Legen Sie im Foyerplan "
                        "weitere Plätze an oder setzen Sie den Stand auf die Warteliste.",
                        places=ExhibitionSettings.get_by_id(settings.id).places,
                    )
                )
        elif current.state == State.APPROVED:
            release_place(event)
        previous = current.state
        current.state = state
        current.decision_message = message
        current.decided_at = at
        current.decided_by = actor
        current.updated_at = at
        if state != State.APPROVED:
            current.place = None
        current.save()
        if state == State.APPROVED:
            register_staff(current, list(current.staff.order_by(BoothStaff.position)), actor=actor)
        audit.record(
            f"booth.{state.value}", current, actor=actor, previous=previous, message=message
        )
        notify_exhibitor(current, message=message)
    return current
