"""Reading: the exhibitors' booths, the organisers' lists and plan, the public exhibition."""

from datetime import datetime
from typing import NamedTuple

from peewee import JOIN

from portal.accounts.models import User
from portal.events import services as event_services
from portal.events.models import Deadline, DeadlineKind, Event, EventStatus, Session
from portal.exhibitors import plan
from portal.exhibitors.models import Booth, BoothPlace, BoothStaff, ExhibitionSettings
from portal.exhibitors.services.booths import State, booth_deadline, can_edit, registration_open
from portal.exhibitors.services.decisions import settings_for
from portal.registration.models import Registration
from portal.storage import StoredFile
from portal.timeutil import now

# --- reading: exhibitors --------------------------------------------------------------


class OpenEvent(NamedTuple):
    event: Event
    deadline: Deadline | None


def open_events(at: datetime | None = None) -> list[OpenEvent]:
    """Published events that take booth registrations now (two queries)."""
    at = at or now()
    events = list(
        Event.select().where(Event.status == EventStatus.PUBLISHED).order_by(Event.starts_on)
    )
    deadlines = {
        d.event_id: d
        for d in Deadline.select().where(
            (Deadline.kind == DeadlineKind.BOOTHS) & Deadline.event.in_([e.id for e in events])
        )
    }
    return [
        OpenEvent(e, deadlines.get(e.id))
        for e in events
        if registration_open(e, deadlines.get(e.id), at)
    ]


def _booth_query():
    """Booths with event and place in the same query."""
    return (
        Booth.select(Booth, Event, BoothPlace)
        .join(Event)
        .switch(Booth)
        .join(BoothPlace, JOIN.LEFT_OUTER)
        .switch(Booth)
    )


def my_booths(user: User) -> list[Booth]:
    return list(
        _booth_query().where(Booth.owner == user).order_by(Event.starts_on.desc(), Booth.id)
    )


def get_own_booth(user: User, booth_id: int) -> Booth | None:
    """The user's booth; another exhibitor's booth is None (a 404)."""
    return _booth_query().where((Booth.id == booth_id) & (Booth.owner == user)).first()


def get_event_for_booths(slug: str) -> Event | None:
    """A published event that exhibitors may look at."""
    return Event.get_or_none((Event.slug == slug) & (Event.status == EventStatus.PUBLISHED))


def staff_of(booth: Booth) -> list[BoothStaff]:
    return list(BoothStaff.select().where(BoothStaff.booth == booth).order_by(BoothStaff.position))


def session_choices(event: Event) -> list[Session]:
    return event_services.event_sessions(event)


class BoothPage(NamedTuple):
    booth: Booth
    staff: list
    deadline: Deadline | None
    editable: bool


def booth_page(booth: Booth) -> BoothPage:
    deadline = booth_deadline(booth.event)
    return BoothPage(booth, staff_of(booth), deadline, can_edit(booth, deadline))


def booth_file(booth: Booth, kind: str) -> StoredFile | None:
    """The booth's logo or flyer."""
    file_id = {"logo": booth.logo_id, "flyer": booth.flyer_id}.get(kind)
    return StoredFile.get_or_none(StoredFile.id == file_id) if file_id else None


# --- reading: organisers --------------------------------------------------------------


def get_event(slug: str) -> Event | None:
    """Any event by slug (drafts included), for the organisers."""
    return Event.get_or_none(Event.slug == slug)


def get_event_booth(event: Event, booth_id: int) -> Booth | None:
    return _booth_query().where((Booth.id == booth_id) & (Booth.event == event)).first()


def get_event_place(event: Event, place_id: int) -> BoothPlace | None:
    return BoothPlace.get_or_none((BoothPlace.id == place_id) & (BoothPlace.event == event))


class StaffRow(NamedTuple):
    staff: BoothStaff
    registration: Registration | None


class Overview(NamedTuple):
    event: Event
    settings: ExhibitionSettings
    booths: list
    staff: dict  # booth id -> [StaffRow]
    counts: dict  # BoothState -> number


def organiser_overview(event: Event) -> Overview:
    """Every booth of the event with staff and their registration state (four queries)."""
    booths = list(_booth_query().where(Booth.event == event).order_by(Booth.created_at, Booth.id))
    people = list(
        BoothStaff.select()
        .join(Booth)
        .where(Booth.event == event)
        .order_by(BoothStaff.booth, BoothStaff.position)
    )
    emails = [p.email for p in people]
    registrations = {}
    if emails:
        query = Registration.select().where(
            (Registration.event == event) & Registration.email.in_(emails)
        )
        registrations = {r.email: r for r in query.order_by(Registration.id)}
    staff: dict[int, list] = {}
    for person in people:
        staff.setdefault(person.booth_id, []).append(
            StaffRow(person, registrations.get(person.email))
        )
    counts = {state: 0 for state in State}
    for booth in booths:
        counts[booth.state] += 1
    return Overview(event, settings_for(event), booths, staff, counts)


class PlanPage(NamedTuple):
    event: Event
    settings: ExhibitionSettings
    places: list
    booth_by_place: dict  # place id -> Booth
    unplaced: list
    warnings: list  # booths needing power on a place without socket
    grid: plan.Grid


def plan_page(event: Event) -> PlanPage:
    """Places and approved booths of the foyer plan, with power warnings (three queries)."""
    places = list(BoothPlace.select().where(BoothPlace.event == event).order_by(BoothPlace.number))
    booths = list(
        _booth_query()
        .where((Booth.event == event) & (Booth.state == State.APPROVED))
        .order_by(Booth.organisation_key, Booth.id)
    )
    by_place = {b.place_id: b for b in booths if b.place_id}
    unplaced = [b for b in booths if not b.place_id]
    warnings = [b for b in booths if b.power_conflict]
    return PlanPage(event, settings_for(event), places, by_place, unplaced, warnings, plan.Grid())


# --- reading: public ------------------------------------------------------------------


class ExhibitionPage(NamedTuple):
    event: Event
    booths: list
    svg_places: list
    svg_size: tuple


def exhibition_page(slug: str, *, include_drafts: bool = False) -> ExhibitionPage | None:
    """Approved booths with place and session, and the plan for the SVG (three queries)."""
    event = event_services.get_public_event(slug, include_drafts=include_drafts)
    if event is None:
        return None
    booths = list(
        _booth_query()
        .select_extend(Session)
        .join(Session, JOIN.LEFT_OUTER)
        .where((Booth.event == event) & (Booth.state == State.APPROVED))
        .order_by(Booth.organisation_key, Booth.id)
    )
    places = list(BoothPlace.select().where(BoothPlace.event == event).order_by(BoothPlace.number))
    by_place = {b.place_id: b for b in booths if b.place_id}
    return ExhibitionPage(event, booths, plan.svg_places(places, by_place), plan.svg_size())


def booths_by_session(event) -> dict[int, list[Booth]]:
    """Approved booths that belong to a session, by session id (one query), for its page."""
    query = (
        _booth_query()
        .where(
            (Booth.event == getattr(event, "id", event))
            & (Booth.state == State.APPROVED)
            & Booth.session.is_null(False)
        )
        .order_by(Booth.organisation_key, Booth.id)
    )
    grouped: dict[int, list[Booth]] = {}
    for booth in query:
        grouped.setdefault(booth.session_id, []).append(booth)
    return grouped


def public_booth_file(slug: str, booth_id: int, kind: str, *, include_drafts=False):
    """Logo or flyer of an approved booth on a visible event; None otherwise."""
    event = event_services.get_public_event(slug, include_drafts=include_drafts)
    if event is None:
        return None
    booth = Booth.get_or_none(
        (Booth.id == booth_id) & (Booth.event == event) & (Booth.state == State.APPROVED)
    )
    return booth_file(booth, kind) if booth else None
