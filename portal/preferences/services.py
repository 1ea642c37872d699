"""Preferences: the ranking page, saving a slot, demand per session and the organisers' view.

Unit of consistency: the whole ranking of one registration (every slot and every skip). A
save names the version of the ranking it was based on; a conditional UPDATE raises the
version only when it is still current, inside the transaction that deletes and re-inserts the
registration's whole ranking. A stale save (a second tab) is refused with `Conflict` (409) and
the caller shows the fresh ranking: the stored ranking is always one tab's complete result,
never a mix. The UPDATE is exact on SQLite (IMMEDIATE transactions) and PostgreSQL (row lock).

Who may rank: registrations in ACTIVE_STATES (confirmed, pending approval, waitlisted), so
their wishes are ready when they move up or are approved. Demand counts confirmed ones only,
because only they hold seats. Only slots on the registration's days are offered; rows of
other days are ignored everywhere and dropped at the next save.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError, fn

from portal.events import services as event_services
from portal.events.models import Deadline, DeadlineKind, Event, Session, SessionKind
from portal.extensions import db
from portal.preferences import chart
from portal.preferences.models import Preference, Ranking, SlotOptOut
from portal.preferences.ranking import (
    Offer,
    RankingError,
    State,
    apply_move,
    check_order,
    positions,
    settle,
)
from portal.registration.models import ACTIVE_STATES, Registration, RegistrationState
from portal.timeutil import now

KIND_NAMES = {
    SessionKind.WORKSHOP: _l("Workshop"),
    SessionKind.TALK: _l("Vortrag"),
    SessionKind.GAME: _l("Planspiel"),
    SessionKind.PLENARY: _l("Plenum"),
    SessionKind.SOCIAL: _l("Rahmenprogramm"),
}
TOP = 3  # "top-3" in the organisers' demand


# --- errors ---------------------------------------------------------------------------


class PreferenceError(Exception):
    """A refused request; `message` is German and meant for the attendee."""

    status = 422

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class NotAllowed(PreferenceError):
    """No active registration for the event."""

    status = 403


class Closed(PreferenceError):
    """The preference deadline has passed (or the event has begun)."""

    status = 403


class UnknownSlot(PreferenceError):
    status = 404


class Conflict(PreferenceError):
    """The ranking changed since the page was loaded (another tab): nothing was saved."""

    status = 409


class InvalidRanking(PreferenceError):
    status = 422


# --- what the pages show --------------------------------------------------------------


@dataclass
class Item:
    session: Session
    name: str  # "Workshop 3": how the status region names it
    place: int | None = None  # 1-based place among the favourites, None for the others
    count: int = 0  # number of favourites in the slot
    first_choices: int = 0
    high_demand: bool = False
    requires: str | None = None  # name of the session this one requires
    required_by: list = field(default_factory=list)  # names of ranked sessions needing this


@dataclass
class Requirement:
    """Taking `session` means taking `required` too (the game and Workshop 2)."""

    session: Session
    required: Session
    name: str
    required_name: str


@dataclass
class SlotView:
    key: str
    starts_at: datetime
    ends_at: datetime
    favourites: list
    others: list
    skipped: bool = False
    message: str | None = None


@dataclass
class RankingPage:
    event: Event
    registration: Registration
    slots: list
    version: int
    deadline: Deadline | None
    deadline_is_registration: bool
    is_open: bool
    started: bool
    days: list  # the registration's days that have breakouts
    hidden_days: bool  # some event days with breakouts are not among the registration's
    requirements: list  # Requirement among the offered sessions
    message: str | None = None


@dataclass
class Saved:
    page: RankingPage
    announcement: str
    focus: list  # element ids, the first present one gets the focus after the swap
    anchor: str


@dataclass
class DemandRow:
    session: Session
    first: int
    top: int

    @property
    def capacity(self) -> int | None:
        return self.session.capacity

    @property
    def high_demand(self) -> bool:
        return self.capacity is not None and self.first > self.capacity


@dataclass
class OrganiserPage:
    event: Event
    slots: list  # (slot key, starts_at, ends_at, [DemandRow])
    deadline: Deadline | None
    deadline_is_registration: bool
    confirmed: int
    rankers: int
    chart_svg: str


# --- small helpers --------------------------------------------------------------------


def spoken_name(session: Session) -> str:
    """'Workshop 3', 'Vortrag 1', 'Planspiel': the kind and the number of its code."""
    kind = str(KIND_NAMES.get(session.kind, session.kind))
    digits = "".join(ch for ch in (session.code or "") if ch.isdigit())
    if digits:
        return f"{kind} {digits}"
    if session.kind == SessionKind.GAME:
        return kind
    return session.code or session.title


def get_event(slug: str) -> Event | None:
    """A published or archived event; drafts take no rankings."""
    return event_services.get_public_event(slug, include_drafts=False)


def preference_deadline(event) -> tuple[Deadline | None, bool]:
    """(deadline, is_the_registration_deadline): the preference deadline or the fallback."""
    deadline = event_services.get_deadline(event, DeadlineKind.PREFERENCES)
    if deadline is not None:
        return deadline, False
    deadline = event_services.get_deadline(event, DeadlineKind.REGISTRATION)
    return deadline, deadline is not None


def _started(event: Event, at: datetime) -> bool:
    return at >= datetime.combine(event.starts_on, datetime.min.time())


def _is_open(event: Event, deadline: Deadline | None, at: datetime) -> bool:
    """Open until the deadline (inclusive) and never after the event has begun."""
    if _started(event, at):
        return False
    return deadline is None or at <= deadline.due_at


def _registration(event: Event, user) -> Registration:
    """The user's active registration for `event`; NotAllowed with a clear message otherwise."""
    registration = Registration.get_or_none(
        (Registration.event == event) & (Registration.user == user.id)
    )
    if registration is None:
        raise NotAllowed(
            _(
                "Sie sind für diese Veranstaltung nicht angemeldet. Wünsche für die "
                "Breakout-Sessions können nur angemeldete Teilnehmende angeben."
            )
        )
    if registration.state not in ACTIVE_STATES:
        raise NotAllowed(
            _(
                "Ihre Anmeldung ist nicht aktiv (%(state)s). Wünsche können nur mit einer "
                "aktiven Anmeldung angegeben werden.",
                state=registration.state_label,
            )
        )
    return registration


def _days(registration: Registration, event: Event) -> set[date]:
    """The registration's days; an empty list (older data) means every day of the event."""
    return set(registration.day_list or event.days)


def _offers(slots: dict[str, list[Session]], days: set[date]) -> dict[int, Offer]:
    return {
        s.id: Offer(s.id, key, s.requires_id, s.starts_at.date() in days)
        for key, sessions in slots.items()
        for s in sessions
    }


def _load_state(registration: Registration, offers: dict[int, Offer]) -> State:
    """The stored ranking, reduced to what is offered now (two queries)."""
    slots: dict[str, list] = defaultdict(list)
    rows = (
        Preference.select(Preference.session, Preference.rank)
        .where(Preference.registration == registration)
        .order_by(Preference.rank, Preference.id)
        .tuples()
    )
    for session_id, _rank in rows:
        offer = offers.get(session_id)
        if offer is not None and offer.offered:
            slots[offer.slot].append(session_id)
    offered_slots = {o.slot for o in offers.values() if o.offered}
    skipped = {
        key
        for (key,) in SlotOptOut.select(SlotOptOut.slot_key)
        .where(SlotOptOut.registration == registration)
        .tuples()
        if key in offered_slots
    }
    return State({k: tuple(v) for k, v in slots.items()}, frozenset(skipped))


def _version(registration: Registration) -> int:
    row = Ranking.get_or_none(Ranking.registration == registration)
    return row.version if row is not None else 0


def demand(event, slots: dict[str, list[Session]] | None = None) -> dict[int, DemandRow]:
    """First choices and top-3 places per breakout of confirmed registrations (one query).

    `slots` (from breakout_slots) spares its query when the caller has them already.
    """
    if slots is None:
        slots = event_services.breakout_slots(event)
    sessions = {s.id: s for slot in slots.values() for s in slot}
    rows = {sid: DemandRow(s, 0, 0) for sid, s in sessions.items()}
    query = (
        Preference.select(
            Preference.session, Preference.rank, Registration.days, fn.COUNT(Preference.id)
        )
        .join(Registration)
        .where(
            (Registration.event == getattr(event, "id", event))
            & (Registration.state == RegistrationState.CONFIRMED)
            & (Preference.rank <= TOP)
        )
        .group_by(Preference.session, Preference.rank, Registration.days)
        .tuples()
    )
    for session_id, rank, days, count in query:
        row = rows.get(session_id)
        if row is None:
            continue
        day = row.session.starts_at.date().isoformat()
        if days and day not in days.split(","):
            continue  # ranked before the day was dropped from the registration
        row.top += count
        if rank == 1:
            row.first += count
    return rows


# --- the attendee's page --------------------------------------------------------------


def _build_page(event, registration, *, at, message=None, message_slot=None) -> RankingPage:
    deadline, is_registration = preference_deadline(event)
    slots = event_services.breakout_slots(event)
    days = _days(registration, event)
    offers = _offers(slots, days)
    state = _load_state(registration, offers)
    counts = demand(event, slots)
    ranked = state.ranked()
    by_id = {s.id: s for sessions in slots.values() for s in sessions}
    required_by: dict[int, list] = defaultdict(list)
    for item in sorted(ranked):
        required = by_id[item].requires_id
        if required is not None:
            required_by[required].append(spoken_name(by_id[item]))

    def item(session, place=None, count=0):
        row = counts[session.id]
        return Item(
            session,
            spoken_name(session),
            place,
            count,
            row.first,
            row.high_demand,
            spoken_name(by_id[session.requires_id]) if session.requires_id in by_id else None,
            required_by.get(session.id, []),
        )

    views = []
    for key, sessions in slots.items():
        if sessions[0].starts_at.date() not in days:
            continue
        order = state.favourites(key)
        favourites = [item(by_id[sid], n, len(order)) for n, sid in enumerate(order, 1)]
        others = [item(s) for s in sessions if s.id not in order]
        views.append(
            SlotView(
                key,
                sessions[0].starts_at,
                max(s.ends_at for s in sessions),
                favourites,
                others,
                key in state.skipped,
                message if message_slot == key else None,
            )
        )
    breakout_days = sorted({s[0].starts_at.date() for s in slots.values()})
    requirements = [
        Requirement(s, by_id[s.requires_id], spoken_name(s), spoken_name(by_id[s.requires_id]))
        for s in by_id.values()
        if s.requires_id in by_id and offers[s.id].offered
    ]
    return RankingPage(
        event=event,
        registration=registration,
        slots=views,
        version=_version(registration),
        deadline=deadline,
        deadline_is_registration=is_registration,
        is_open=_is_open(event, deadline, at),
        started=_started(event, at),
        days=[d for d in breakout_days if d in days],
        hidden_days=any(d not in days for d in breakout_days),
        requirements=requirements,
        message=message if message_slot is None else None,
    )


def ranking_page(event: Event, user, *, message=None, message_slot=None, at=None) -> RankingPage:
    """Everything the ranking page shows; NotAllowed without an active registration."""
    registration = _registration(event, user)
    return _build_page(
        event, registration, at=at or now(), message=message, message_slot=message_slot
    )


# --- saving ---------------------------------------------------------------------------


def _claim_version(registration: Registration, version: int) -> None:
    """Raise the ranking's version from `version`; Conflict when it is no longer current."""
    changed = (
        Ranking.update(version=Ranking.version + 1, updated_at=now())
        .where((Ranking.registration == registration) & (Ranking.version == version))
        .execute()
    )
    if changed == 1:
        return
    if version == 0:
        try:
            with db.atomic():
                Ranking.create(registration=registration, version=1, updated_at=now())
            return
        except IntegrityError:
            pass  # another tab saved the first ranking at the same moment
    raise Conflict(
        _(
            "Ihre Wünsche wurden inzwischen an anderer Stelle geändert, zum Beispiel in einem "
            "anderen Fenster. Ihre letzte Änderung wurde nicht gespeichert; Sie sehen jetzt "
            "den aktuellen Stand."
        )
    )


def _write(registration: Registration, state: State) -> None:
    """Replace the registration's whole ranking by `state` (inside the caller's transaction)."""
    Preference.delete().where(Preference.registration == registration).execute()
    rows = [
        {"registration": registration.id, "session": sid, "slot_key": key, "rank": rank}
        for key, items in sorted(state.slots.items())
        for rank, sid in enumerate(items, 1)
    ]
    if rows:
        Preference.insert_many(rows).execute()
    SlotOptOut.delete().where(SlotOptOut.registration == registration).execute()
    if state.skipped:
        SlotOptOut.insert_many(
            [{"registration": registration.id, "slot_key": key} for key in sorted(state.skipped)]
        ).execute()


def _refusal(error: RankingError, names: dict[int, str]) -> InvalidRanking:
    """The German message of a RankingError."""
    name = names.get(error.item, "")
    other = names.get(error.other, "")
    messages = {
        "unknown": _(
            "Diese Session gibt es in dieser Veranstaltung nicht. Bitte laden Sie die Seite neu."
        ),
        "wrong_slot": _("%(name)s findet in einem anderen Zeitfenster statt.", name=name),
        "not_offered": _(
            "%(name)s findet an einem Tag statt, für den Sie nicht angemeldet sind.", name=name
        ),
        "duplicate": _(
            "%(name)s ist doppelt genannt. Bitte nennen Sie jede Session nur einmal.", name=name
        ),
        "direction": _("Diese Aktion gibt es nicht."),
        "not_ranked": _("%(name)s steht nicht in Ihren Favoriten.", name=name),
        "required": _(
            "%(required)s kann nicht entfernt werden, solange %(name)s in Ihren Favoriten "
            "steht: Wer an %(name)s teilnimmt, nimmt auch an %(required)s teil. Entfernen Sie "
            "zuerst %(name)s.",
            required=name,
            name=other,
        ),
        "required_not_offered": _(
            "%(name)s setzt %(required)s voraus, das an einem Tag stattfindet, für den Sie "
            "nicht angemeldet sind.",
            name=name,
            required=other,
        ),
    }
    return InvalidRanking(messages[error.reason])


def _announce(action, session_id, direction, skip, outcome, slot, names) -> str:
    if action == "skip":
        text = (
            _("Gespeichert: In diesem Zeitfenster nehmen Sie an keiner Session teil.")
            if skip
            else _("Gespeichert: Sie können in diesem Zeitfenster wieder Favoriten wählen.")
        )
    elif action == "move" and direction == "remove":
        text = _("%(name)s wurde aus Ihren Favoriten entfernt.", name=names[session_id])
    elif action == "move":
        place, count = positions(outcome.state.favourites(slot), session_id)
        text = _(
            "%(name)s ist jetzt auf Platz %(place)s von %(count)s.",
            name=names[session_id],
            place=place,
            count=count,
        )
    else:
        text = _("Gespeichert.")
    for required, because in outcome.added:
        text += " " + _(
            "%(required)s wurde ebenfalls zu Ihren Favoriten hinzugefügt: Die Teilnahme an "
            "%(name)s setzt %(required)s voraus.",
            required=names[required],
            name=names[because],
        )
    return text


def _focus(action, session_id, direction, slot) -> list[str]:
    """Where the keyboard focus goes after the swap: the same control of the moved item."""
    if action == "skip":
        return [f"skip-{slot}"]
    if action != "move":
        return []
    target = {"add": "up", "remove": "add"}.get(direction, direction)
    return [f"pref-{session_id}-{target}", f"pref-{session_id}"]


def save_slot(
    event: Event,
    user,
    *,
    slot_key: str,
    version: int,
    action: str,
    order=(),
    session_id: int | None = None,
    direction: str | None = None,
    skip: bool = False,
    at=None,
) -> Saved:
    """Save one slot from a drag (`order`), a move button or the skip choice.

    action "order": `order` is the complete list of favourites of the slot, in order;
    "move": `session_id` goes `direction` (up, down, add, remove); "skip": `skip` sets or
    ends "no session in this slot". Raises a PreferenceError and changes nothing on refusal.
    """
    at = at or now()
    registration = _registration(event, user)
    deadline, _is_registration = preference_deadline(event)
    if not _is_open(event, deadline, at):
        raise Closed(
            _("Die Frist für Ihre Wünsche ist abgelaufen. Änderungen sind nicht mehr möglich.")
        )
    slots = event_services.breakout_slots(event)
    if slot_key not in slots:
        raise UnknownSlot(_("Dieses Zeitfenster gibt es in dieser Veranstaltung nicht."))
    offers = _offers(slots, _days(registration, event))
    names = {s.id: spoken_name(s) for sessions in slots.values() for s in sessions}
    if not any(o.offered for o in offers.values() if o.slot == slot_key):
        raise InvalidRanking(
            _("Dieses Zeitfenster liegt an einem Tag, für den Sie nicht angemeldet sind.")
        )
    try:
        if action == "move":
            check_order([session_id], slot=slot_key, offers=offers)
        elif action == "order":
            order = check_order(order, slot=slot_key, offers=offers)
        with db.atomic():
            _claim_version(registration, version)
            previous = _load_state(registration, offers)
            if action == "move":
                order = apply_move(previous.favourites(slot_key), session_id, direction)
            elif action == "skip":
                order = () if skip else previous.favourites(slot_key)
            outcome = settle(
                previous,
                slot_key,
                order,
                offers=offers,
                skip=skip if action == "skip" else None,
            )
            _write(registration, outcome.state)
    except RankingError as exc:
        raise _refusal(exc, names) from exc
    return Saved(
        page=_build_page(event, registration, at=at),
        announcement=_announce(action, session_id, direction, skip, outcome, slot_key, names),
        focus=_focus(action, session_id, direction, slot_key),
        anchor=f"pref-{session_id}" if action == "move" else f"slot-{slot_key}",
    )


# --- organisers -----------------------------------------------------------------------


def organiser_page(event: Event) -> OrganiserPage:
    """Demand per session with the bar chart, and how many confirmed attendees ranked."""
    breakouts = event_services.breakout_slots(event)
    counts = demand(event, breakouts)
    slots = []
    for key, sessions in breakouts.items():
        rows = [counts[s.id] for s in sessions]
        slots.append((key, sessions[0].starts_at, max(s.ends_at for s in sessions), rows))
    confirmed = (
        Registration.select()
        .where((Registration.event == event) & (Registration.state == RegistrationState.CONFIRMED))
        .count()
    )
    rankers = (
        Preference.select(fn.COUNT(fn.DISTINCT(Preference.registration)))
        .join(Registration)
        .where((Registration.event == event) & (Registration.state == RegistrationState.CONFIRMED))
        .scalar()
    )
    deadline, is_registration = preference_deadline(event)
    bars = [
        chart.Bar(
            label=row.session.code or spoken_name(row.session),
            first=row.first,
            top=row.top,
            capacity=row.capacity,
        )
        for _key, _start, _end, rows in slots
        for row in rows
    ]
    svg = chart.bar_chart(
        bars,
        title=_("Nachfrage nach Breakout-Sessions"),
        description=_(
            "Balken je Session: Erstwünsche und Nennungen unter den ersten drei Plätzen, "
            "die senkrechte Linie markiert die Plätze. Die Zahlen stehen in der Tabelle."
        ),
        legend=(_("Erstwünsche"), _("Unter den ersten drei"), _("Plätze")),
    )
    return OrganiserPage(event, slots, deadline, is_registration, confirmed, rankers or 0, svg)


def export_rows(event: Event) -> list[tuple]:
    """Every ranking of active registrations, one row per favourite or skipped slot.

    Columns: registration id, last name, first name, organisation, e-mail, state, slot start,
    rank (None for a skipped slot), code, title. Two queries.
    """
    slots = event_services.breakout_slots(event)
    starts = {key: sessions[0].starts_at for key, sessions in slots.items()}
    query = (
        Preference.select(Preference, Registration, Session)
        .join(Registration)
        .switch(Preference)
        .join(Session)
        .where((Registration.event == event) & (Registration.state.in_(ACTIVE_STATES)))
    )
    rows = []
    for pref in query:
        reg, session = pref.registration, pref.session
        if not session.is_breakout or session.starts_at.date() not in _days(reg, event):
            continue
        rows.append((reg, session.slot_key, session.starts_at, pref.rank, session))
    skips = (
        SlotOptOut.select(SlotOptOut, Registration)
        .join(Registration)
        .where((Registration.event == event) & (Registration.state.in_(ACTIVE_STATES)))
    )
    for skip in skips:
        if skip.slot_key in starts:
            rows.append((skip.registration, skip.slot_key, starts[skip.slot_key], None, None))
    rows.sort(
        key=lambda r: (r[0].last_name.lower(), r[0].first_name.lower(), r[0].id, r[2], r[3] or 0)
    )
    return [
        (
            reg.id,
            reg.last_name,
            reg.first_name,
            reg.organisation,
            reg.email,
            reg.state_label,
            start,
            rank,
            session.code if session else "",
            session.title if session else "",
        )
        for reg, _key, start, rank, session in rows
    ]


def get_organiser_event(slug: str) -> Event | None:
    """Any event by slug (drafts included), for the organisers."""
    return Event.get_or_none(Event.slug == slug)


def events_with_breakouts() -> set[int]:
    """Ids of the events that have breakout sessions to rank (one query)."""
    query = Session.select(Session.event).where(Session.is_breakout).distinct().tuples()
    return {event_id for (event_id,) in query}
