"""Reading registrations: waitlist places, the attendee's list, the organisers' search."""

from datetime import date, datetime
from typing import NamedTuple

from peewee import JOIN, fn

from portal.accounts.models import User
from portal.events.models import Deadline, DeadlineKind, Event, EventStatus, Session
from portal.registration.models import (
    FEDERAL_STATES,
    OrganisationType,
    Registration,
    RegistrationState,
)
from portal.registration.services.rules import Window, can_cancel, can_edit, registration_window
from portal.timeutil import now

State = RegistrationState


class Cta(NamedTuple):
    """What the event page shows: the window and the viewer's registration."""

    window: Window
    registration: Registration | None
    position: int | None


class MyRegistration(NamedTuple):
    registration: Registration
    event: Event
    position: int | None
    can_edit: bool
    can_cancel: bool


def waitlist_positions(event) -> dict[int, int]:
    """Waitlist places by registration id for one event (one ordered query)."""
    ids = (
        Registration.select(Registration.id)
        .where(
            (Registration.event == getattr(event, "id", event))
            & (Registration.state == State.WAITLISTED)
        )
        .order_by(Registration.waitlisted_at, Registration.id)
        .tuples()
    )
    return {row[0]: place for place, row in enumerate(ids, start=1)}


def _positions_for_user(user) -> dict[int, int]:
    """Waitlist places of the user's registrations in every event (one windowed query)."""
    place = (
        fn.ROW_NUMBER()
        .over(
            partition_by=[Registration.event],
            order_by=[Registration.waitlisted_at, Registration.id],
        )
        .alias("place")
    )
    ranked = (
        Registration.select(Registration.id, Registration.user, place)
        .where(Registration.state == State.WAITLISTED)
        .alias("ranked")
    )
    query = (
        Registration.select(ranked.c.id, ranked.c.place)
        .from_(ranked)
        .where(ranked.c.user_id == user.id)
        .tuples()
    )
    return dict(query)


def my_registrations(user: User, at: datetime | None = None) -> list[MyRegistration]:
    """The user's registrations, newest event first, with place and what they may do."""
    at = at or now()
    query = (
        Registration.select(Registration, Event, Deadline)
        .join(Event)
        .join(
            Deadline,
            JOIN.LEFT_OUTER,
            on=((Deadline.event == Event.id) & (Deadline.kind == DeadlineKind.REGISTRATION)),
            attr="registration_deadline",
        )
        .where(Registration.user == user)
        .order_by(Event.starts_on.desc(), Registration.id.desc())
    )
    positions = _positions_for_user(user)
    rows = []
    for reg in query:
        event = reg.event
        deadline = getattr(event, "registration_deadline", None)
        deadline = deadline if deadline is not None and deadline.id else None
        rows.append(
            MyRegistration(
                reg,
                event,
                positions.get(reg.id),
                can_edit(reg, event, deadline, at),
                can_cancel(reg, event, at),
            )
        )
    return rows


def get_own_registration(user: User, registration_id: int) -> Registration | None:
    """A registration of `user` with its event (someone else's is None)."""
    return (
        Registration.select(Registration, Event)
        .join(Event)
        .where((Registration.id == registration_id) & (Registration.user == user))
        .first()
    )


def get_event_registration(event: Event, registration_id: int) -> Registration | None:
    return Registration.get_or_none(
        (Registration.id == registration_id) & (Registration.event == event)
    )


def registration_of(event: Event, user) -> Registration | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Registration.get_or_none((Registration.event == event) & (Registration.user == user.id))


def cta_for(event: Event, user) -> Cta:
    """The call to action on the event page."""
    registration = registration_of(event, user)
    position = None
    if registration is not None and registration.state == State.WAITLISTED:
        position = waitlist_positions(event).get(registration.id)
    return Cta(registration_window(event), registration, position)


def day_times(event: Event) -> dict[date, tuple[datetime, datetime]]:
    """First start and last end of the programme per day (one query)."""
    times: dict[date, tuple[datetime, datetime]] = {}
    rows = Session.select(Session.starts_at, Session.ends_at).where(Session.event == event)
    for starts_at, ends_at in rows.tuples():
        day = starts_at.date()
        first, last = times.get(day, (starts_at, ends_at))
        times[day] = (min(first, starts_at), max(last, ends_at))
    return times


class Filters(NamedTuple):
    q: str = ""
    state: str = ""
    organisation_type: str = ""
    federal_state: str = ""
    day: str = ""
    reimbursement: str = ""


def search_registrations(event: Event, filters: Filters) -> list[Registration]:
    """The organisers' list: free text over name, organisation and e-mail, plus filters."""
    query = Registration.select().where(Registration.event == event)
    text = filters.q.strip()
    if text:
        query = query.where(
            Registration.first_name.contains(text)
            | Registration.last_name.contains(text)
            | Registration.organisation.contains(text)
            | Registration.email.contains(text)
            | Registration.function.contains(text)
        )
    if filters.state in State.__members__.values():
        query = query.where(Registration.state == filters.state)
    if filters.organisation_type in OrganisationType.__members__.values():
        query = query.where(Registration.organisation_type == filters.organisation_type)
    if filters.federal_state in FEDERAL_STATES:
        query = query.where(Registration.federal_state == filters.federal_state)
    if filters.day:
        query = query.where(Registration.days.contains(filters.day))
    if filters.reimbursement in ("yes", "no"):
        query = query.where(Registration.wants_reimbursement == (filters.reimbursement == "yes"))
    return list(query.order_by(Registration.last_name, Registration.first_name, Registration.id))


def state_counts(event: Event) -> dict[RegistrationState, int]:
    """Registrations per state (one grouped query); every state present."""
    counts = dict.fromkeys(State, 0)
    query = (
        Registration.select(Registration.state, fn.COUNT(Registration.id))
        .where(Registration.event == event)
        .group_by(Registration.state)
        .tuples()
    )
    for state, count in query:
        counts[State(state)] = count
    return counts


def get_event_for_registration(slug: str) -> Event | None:
    """A published or archived event by slug; drafts are not visible here."""
    return Event.get_or_none((Event.slug == slug) & (Event.status != EventStatus.DRAFT))


def get_event(slug: str) -> Event | None:
    return Event.get_or_none(Event.slug == slug)


def prefill_for(user: User) -> dict:
    """Form defaults from the account and the person's latest registration (one query)."""
    latest = (
        Registration.select()
        .where(Registration.user == user)
        .order_by(Registration.created_at.desc(), Registration.id.desc())
        .first()
    )
    if latest is not None:
        keep = (
            "salutation",
            "academic_title",
            "first_name",
            "last_name",
            "organisation",
            "organisation_type",
            "function",
            "federal_state",
            "phone",
        )
        data = {name: getattr(latest, name) for name in keep}
    else:
        first, _, last = user.name.strip().rpartition(" ")
        data = {"first_name": first, "last_name": last} if first else {"last_name": last}
    data["email"] = user.email
    return data
