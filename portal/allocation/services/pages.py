"""What each page needs, gathered in one call per view (a constant number of queries)."""

from collections import defaultdict
from dataclasses import dataclass, field

from peewee import JOIN

from portal.accounts.models import User
from portal.allocation.models import (
    AllocationRun,
    AllocationSettings,
    Assignment,
    OfferState,
    Pin,
    RunStatus,
    SeatOffer,
)
from portal.allocation.services import offers, tables
from portal.allocation.services.common import published_run
from portal.allocation.services.instance import (
    build_instance,
    load_programme,
    settings_for,
    slot_label,
)
from portal.allocation.services.notify import Seat, seats_of
from portal.allocation.services.runs import (
    RunDiff,
    compare_runs,
    previous_run,
    profile_keys,
    rank_name,
)
from portal.allocation.services.settings import deadline_state
from portal.events.models import Deadline, Event, Session
from portal.registration.models import Registration, RegistrationState


@dataclass
class SlotChoices:
    """Confirmed registrations and breakouts for the select fields."""

    registrations: list
    sessions: list


def _choices(event) -> SlotChoices:
    registrations = list(
        Registration.select()
        .where((Registration.event == event) & (Registration.state == RegistrationState.CONFIRMED))
        .order_by(Registration.last_name, Registration.first_name, Registration.id)
    )
    programme = load_programme(event)
    return SlotChoices(registrations, list(programme.by_id.values()))


# --- overview ---------------------------------------------------------------------------


@dataclass
class Overview:
    event: Event
    settings: AllocationSettings
    deadline: Deadline | None
    deadline_passed: bool
    runs: list
    published: AllocationRun | None
    input_changed: bool  # the data differ from the latest run's
    pin_count: int


def overview_page(event: Event) -> Overview:
    """The allocation's start page: deadline, settings, runs."""
    deadline, passed = deadline_state(event)
    runs = list(
        AllocationRun.select(AllocationRun, User)
        .join(User, JOIN.LEFT_OUTER, on=(AllocationRun.created_by == User.id), attr="creator")
        .where(AllocationRun.event == event)
        .order_by(AllocationRun.number.desc())
    )
    published = next((r for r in runs if r.status == RunStatus.PUBLISHED), None)
    changed = (
        bool(runs)
        and published is None
        and (build_instance(event).input_hash != runs[0].input_hash)
    )
    return Overview(
        event,
        settings_for(event),
        deadline,
        passed,
        runs,
        published,
        changed,
        Pin.select().where(Pin.event == event).count(),
    )


# --- pins -------------------------------------------------------------------------------


@dataclass
class PinsPage:
    event: Event
    pins: list
    choices: SlotChoices
    published: bool


def pins_page(event: Event) -> PinsPage:
    pins = list(
        Pin.select(Pin, Registration, Session)
        .join(Registration)
        .switch(Pin)
        .join(Session)
        .where(Pin.event == event)
        .order_by(Registration.last_name, Registration.first_name, Session.starts_at)
    )
    return PinsPage(event, pins, _choices(event), published_run(event) is not None)


# --- one run ----------------------------------------------------------------------------


@dataclass
class ProfileRow:
    key: str
    label: str
    overall: int
    municipal: int
    other: int
    change: int | None


@dataclass
class Fill:
    session: Session
    taken: int
    change: int | None

    @property
    def capacity(self) -> int | None:
        return self.session.capacity

    @property
    def percent(self) -> int | None:
        if not self.session.capacity:
            return None
        return round(100 * self.taken / self.session.capacity)


@dataclass
class SlotFill:
    key: str
    label: str
    fills: list


@dataclass
class RunPage:
    event: Event
    run: AllocationRun
    profile: list
    worst: str | None
    slots: list
    diff: RunDiff | None
    tables: list
    members: dict  # session id -> [(registration, rank, table number)]
    published: AllocationRun | None
    moderators: list = field(default_factory=list)


def _worst(profile: dict) -> str | None:
    keys = [k for k in profile_keys(profile) if profile.get(k)]
    return rank_name(keys[-1]) if keys else None


def get_run(event: Event, run_id: int) -> AllocationRun | None:
    return (
        AllocationRun.select(AllocationRun, User)
        .join(User, JOIN.LEFT_OUTER, on=(AllocationRun.created_by == User.id), attr="creator")
        .where((AllocationRun.id == run_id) & (AllocationRun.event == event))
        .first()
    )


def run_page(event: Event, run_id: int) -> RunPage | None:
    """A run: rank profile, worst rank, fill per session, difference to the run before."""
    run = get_run(event, run_id)
    if run is None:
        return None
    programme = load_programme(event)
    diff = compare_runs(run, previous_run(run))
    profile = run.profile
    overall = profile.get("overall", {})
    rows = [
        ProfileRow(
            key,
            rank_name(key),
            overall.get(key, 0),
            profile.get("municipal", {}).get(key, 0),
            profile.get("other", {}).get(key, 0),
            diff.profile_change.get(key) if diff else None,
        )
        for key in profile_keys(overall)
    ]
    members = defaultdict(list)
    query = (
        Assignment.select(Assignment, Registration)
        .join(Registration)
        .where(Assignment.run == run.id)
        .order_by(Registration.last_name, Registration.first_name, Registration.id)
    )
    for assignment in query:
        members[assignment.session_id].append(
            (assignment.registration, assignment.rank, assignment.table_number)
        )
    slots = [
        SlotFill(
            key,
            slot_label(key),
            [
                Fill(s, len(members[s.id]), diff.fill_change.get(s.id, 0) if diff else None)
                for s in sessions
            ],
        )
        for key, sessions in programme.slots.items()
    ]
    published = published_run(event)
    is_published = run.status == RunStatus.PUBLISHED
    return RunPage(
        event=event,
        run=run,
        profile=rows,
        worst=_worst(overall),
        slots=slots,
        diff=diff,
        tables=tables.run_tables(run),
        members=dict(members),
        published=published,
        moderators=tables.moderators_of(event) if is_published else [],
    )


@dataclass
class PublishPage:
    event: Event
    run: AllocationRun
    input_changed: bool
    published: AllocationRun | None
    recipients: int


def publish_page(event: Event, run_id: int) -> PublishPage | None:
    """The confirmation step: who will be mailed, and whether the data changed since."""
    run = get_run(event, run_id)
    if run is None:
        return None
    built = build_instance(event)
    return PublishPage(
        event,
        run,
        built.input_hash != run.input_hash,
        published_run(event),
        len(built.registrations),
    )


# --- after publication ------------------------------------------------------------------


@dataclass
class LivePage:
    event: Event
    run: AllocationRun | None
    offers: list
    open_offers: int
    choices: SlotChoices
    late: int
    tables: list
    moderators: list


def live_page(event: Event) -> LivePage:
    """Reassignments, offers, late registrants and moderators of the published run."""
    run = published_run(event)
    if run is None:
        return LivePage(event, None, [], 0, SlotChoices([], []), 0, [], [])
    found = list(
        SeatOffer.select(SeatOffer, Registration, Session)
        .join(Registration)
        .switch(SeatOffer)
        .join(Session)
        .where(SeatOffer.run == run.id)
        .order_by(SeatOffer.created_at.desc(), SeatOffer.id.desc())
    )
    choices = _choices(event)
    seated = {
        rid
        for (rid,) in Assignment.select(Assignment.registration)
        .where(Assignment.run == run.id)
        .distinct()
        .tuples()
    }
    known = run.attendee_id_set
    late = sum(1 for r in choices.registrations if r.id not in known and r.id not in seated)
    return LivePage(
        event,
        run,
        found,
        sum(1 for o in found if o.state == OfferState.OFFERED),
        choices,
        late,
        tables.run_tables(run),
        tables.moderators_of(event),
    )


# --- attendees and offers ---------------------------------------------------------------


def _published_seats(condition) -> dict[int, list[Seat]]:
    query = (
        Assignment.select(Assignment, Session)
        .join(Session)
        .switch(Assignment)
        .join(AllocationRun)
        .switch(Assignment)
        .join(Registration)
        .where(condition & (AllocationRun.status == RunStatus.PUBLISHED))
    )
    grouped = defaultdict(list)
    for assignment in query:
        grouped[assignment.registration_id].append(assignment)
    return {rid: seats_of(rows) for rid, rows in grouped.items()}


def my_assignments(registrations) -> dict[int, list[Seat]]:
    """Published seats per registration id, for a list of registrations (one query)."""
    ids = [getattr(r, "id", r) for r in registrations]
    if not ids:
        return {}
    return _published_seats(Assignment.registration.in_(ids))


def assignments_of_user(user) -> dict[int, list[Seat]]:
    """Published seats of all the user's registrations (one query)."""
    return _published_seats(Registration.user == user.id)


def calendar_for(user, registration_id: int):
    """(registration, event, seats) of the user's own registration; None otherwise."""
    registration = (
        Registration.select(Registration, Event)
        .join(Event)
        .where((Registration.id == registration_id) & (Registration.user == user.id))
        .first()
    )
    if registration is None or registration.state != RegistrationState.CONFIRMED:
        return None
    seats = my_assignments([registration]).get(registration.id)
    if not seats:
        return None
    return registration, registration.event, seats


offer_page = offers.offer_page
