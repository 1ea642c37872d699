"""Events: deadlines and extensions, the programme, and the organisers' edits."""

import re
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from peewee import JOIN, IntegrityError

from portal import audit
from portal.accounts.models import User
from portal.db import is_sqlite
from portal.events.models import (
    Deadline,
    DeadlineChange,
    DeadlineKind,
    Event,
    EventStatus,
    Session,
    SessionKind,
)
from portal.extensions import db
from portal.timeutil import now

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EVENT_FIELDS = (
    "slug",
    "title",
    "motto",
    "starts_on",
    "ends_on",
    "venue",
    "address",
    "description",
    "contact_name",
    "contact_email",
    "contact_phone",
    "service_hours",
    "registration_opens_at",
    "status",
)
SESSION_FIELDS = (
    "code",
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "room",
    "capacity",
    "is_breakout",
    "requires",
    "table_size",
    "presenters",
    "assumptions",
)
# Within one start time: workshops, then talks, then the rest (matches the printed programme).
KIND_ORDER = {
    SessionKind.GAME: 0,
    SessionKind.PLENARY: 1,
    SessionKind.WORKSHOP: 2,
    SessionKind.TALK: 3,
    SessionKind.SOCIAL: 4,
}


class ValidationError(Exception):
    """Invalid input: `errors` maps field names to German messages."""

    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors


class EventPage(NamedTuple):
    event: Event
    programme: dict
    registration_deadline: Deadline | None


class SessionPage(NamedTuple):
    event: Event
    session: Session
    required_by: list


class DeadlineRow(NamedTuple):
    kind: DeadlineKind
    deadline: Deadline | None
    changes: list


# --- deadlines ------------------------------------------------------------------------


def get_deadline(event, kind: DeadlineKind | str) -> Deadline | None:
    """The event's deadline of `kind`, or None when none is set."""
    return Deadline.get_or_none(
        (Deadline.event == getattr(event, "id", event)) & (Deadline.kind == DeadlineKind(kind))
    )


def set_deadline(event, kind: DeadlineKind | str, due_at: datetime, *, actor=None) -> Deadline:
    """Set a deadline; a later change keeps the original date and writes history and audit."""
    kind = DeadlineKind(kind)
    event_id = getattr(event, "id", event)
    with db.atomic():
        deadline = _locked_deadline(event_id, kind)
        if deadline is None:
            try:
                with db.atomic():
                    deadline = Deadline.create(
                        event=event_id, kind=kind, due_at=due_at, original_due_at=due_at
                    )
            except IntegrityError:
                # Someone set it at the same moment: treat ours as a change of theirs.
                deadline = _locked_deadline(event_id, kind)
            else:
                audit.record("deadline.set", deadline, actor=actor, kind=kind, due_at=due_at)
                return deadline
        previous = deadline.due_at
        if previous == due_at:
            return deadline
        deadline.due_at = due_at
        deadline.save(only=[Deadline.due_at])
        DeadlineChange.create(
            deadline=deadline,
            previous_due_at=previous,
            new_due_at=due_at,
            changed_by=actor,
            changed_at=now(),
        )
        audit.record(
            "deadline.extended" if due_at > previous else "deadline.changed",
            deadline,
            actor=actor,
            kind=kind,
            previous=previous,
            new=due_at,
        )
    return deadline


def _locked_deadline(event_id: int, kind: DeadlineKind) -> Deadline | None:
    query = Deadline.select().where((Deadline.event == event_id) & (Deadline.kind == kind))
    if not is_sqlite():  # SQLite writes are serialised by BEGIN IMMEDIATE already
        query = query.for_update()
    return query.first()


def deadline_open(event, kind: DeadlineKind | str, at: datetime | None = None) -> bool:
    """True while the deadline has not passed; an event without this deadline is open."""
    deadline = get_deadline(event, kind)
    if deadline is None:
        return True
    return (at or now()) <= deadline.due_at


def change_deadline(event: Event, kind: DeadlineKind | str, due_at: datetime, *, actor=None):
    """The organisers' edit of a deadline: validate, then set_deadline()."""
    kind = DeadlineKind(kind)
    if kind == DeadlineKind.REGISTRATION and due_at.date() >= event.starts_on:
        raise ValidationError(
            {"due_on": _l("Die Anmeldefrist muss vor Beginn der Veranstaltung enden.")}
        )
    return set_deadline(event, kind, due_at, actor=actor)


def deadline_rows(event: Event) -> list[DeadlineRow]:
    """Every deadline kind with its deadline (or None) and change history, newest first."""
    deadlines = {d.kind: d for d in Deadline.select().where(Deadline.event == event)}
    changes: dict[int, list] = {}
    query = (
        DeadlineChange.select(DeadlineChange, User)
        .join(Deadline)
        .switch(DeadlineChange)
        .join(User, JOIN.LEFT_OUTER, on=(DeadlineChange.changed_by == User.id))
        .where(Deadline.event == event)
        .order_by(DeadlineChange.changed_at.desc(), DeadlineChange.id.desc())
    )
    for change in query:
        changes.setdefault(change.deadline_id, []).append(change)
    return [
        DeadlineRow(
            kind, deadlines.get(kind), changes.get(getattr(deadlines.get(kind), "id", 0), [])
        )
        for kind in DeadlineKind
    ]


# --- public pages ---------------------------------------------------------------------


def published_events() -> list[Event]:
    """Published events: upcoming ones by start date, then past ones, newest first."""
    today = now().date()
    events = list(Event.select().where(Event.status == EventStatus.PUBLISHED))
    upcoming = sorted((e for e in events if e.ends_on >= today), key=lambda e: e.starts_on)
    past = sorted((e for e in events if e.ends_on < today), key=lambda e: e.starts_on)
    return upcoming + past[::-1]


def event_listing() -> tuple[list[Event], list[Event]]:
    """Published events split into (upcoming, past)."""
    today = now().date()
    events = published_events()
    return [e for e in events if e.ends_on >= today], [e for e in events if e.ends_on < today]


def _viewer_is_organiser() -> bool:
    if not has_request_context():
        return False
    from portal.auth import has_role

    return has_role("organiser")


def get_public_event(slug: str, *, include_drafts: bool | None = None) -> Event | None:
    """The event for public pages; drafts only for organisers (the current user by default)."""
    event = Event.get_or_none(Event.slug == slug)
    if event is None:
        return None
    if include_drafts is None:
        include_drafts = _viewer_is_organiser()
    if event.status == EventStatus.DRAFT and not include_drafts:
        return None
    return event


def _session_query():
    """Sessions with their required session loaded in the same query."""
    required = Session.alias()
    return (
        Session.select(Session, required)
        .join(required, JOIN.LEFT_OUTER, on=(Session.requires == required.id), attr="requires")
        .switch(Session)
    )


def _code_key(code: str | None) -> tuple:
    """'WS 2' before 'WS 10': letters, then the number."""
    match = re.match(r"^(.*?)(\d+)\s*$", code or "")
    if match:
        return (match.group(1), int(match.group(2)))
    return (code or "", 0)


def _programme_key(session: Session) -> tuple:
    return (
        session.starts_at,
        KIND_ORDER.get(session.kind, 9),
        _code_key(session.code),
        session.id,
    )


def event_sessions(event) -> list[Session]:
    """All sessions of an event in programme order, required sessions included (one query)."""
    rows = list(_session_query().where(Session.event == getattr(event, "id", event)))
    return sorted(rows, key=_programme_key)


def programme(event) -> dict[date, list[Session]]:
    """Sessions grouped by day, each day in start order (one query)."""
    days: dict[date, list[Session]] = {}
    for session in event_sessions(event):
        days.setdefault(session.starts_at.date(), []).append(session)
    return days


def breakout_slots(event) -> dict[str, list[Session]]:
    """Breakouts grouped by Session.slot_key: sessions of one slot run in parallel."""
    slots: dict[str, list[Session]] = {}
    for session in event_sessions(event):
        if session.is_breakout:
            slots.setdefault(session.slot_key, []).append(session)
    return slots


def public_event_page(slug: str, *, include_drafts: bool | None = None) -> EventPage | None:
    """Everything the public event page shows, in three queries."""
    event = get_public_event(slug, include_drafts=include_drafts)
    if event is None:
        return None
    return EventPage(event, programme(event), get_deadline(event, DeadlineKind.REGISTRATION))


def public_session_page(
    slug: str, session_id: int, *, include_drafts: bool | None = None
) -> SessionPage | None:
    """A session of the event `slug`; None when either is missing or hidden."""
    event = get_public_event(slug, include_drafts=include_drafts)
    if event is None:
        return None
    session = _session_query().where((Session.id == session_id) & (Session.event == event)).first()
    if session is None:
        return None
    required_by = list(
        Session.select().where(Session.requires == session).order_by(Session.starts_at)
    )
    return SessionPage(event, session, required_by)


# --- organisers: events ---------------------------------------------------------------


def get_event(event_id: int) -> Event | None:
    """Any event by id (drafts included), for the back office."""
    return Event.get_or_none(Event.id == event_id)


def all_events() -> list[Event]:
    """Every event for the back office, newest first."""
    return list(Event.select().order_by(Event.starts_on.desc(), Event.id.desc()))


def _clean_event(values: dict) -> dict:
    """Normalise and check event values; raises ValidationError."""
    values = {k: v for k, v in values.items() if k in EVENT_FIELDS}
    for key, value in values.items():
        if isinstance(value, str):
            values[key] = value.strip()
    errors = {}
    if "slug" in values:
        values["slug"] = values["slug"].lower()
        if not SLUG_PATTERN.match(values["slug"]):
            errors["slug"] = _l(
                "Bitte verwenden Sie nur Kleinbuchstaben, Ziffern und einzelne Bindestriche."
            )
    if "title" in values and not values["title"]:
        errors["title"] = _l("Bitte geben Sie einen Titel ein.")
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if starts and ends and ends < starts:
        errors["ends_on"] = _l("Das Ende darf nicht vor dem Beginn liegen.")
    if "status" in values:
        values["status"] = EventStatus(values["status"])
    if errors:
        raise ValidationError(errors)
    return values


def _save_event(event: Event, *, action: str, actor) -> Event:
    try:
        with db.atomic():
            event.save()
            audit.record(action, event, actor=actor, slug=event.slug, status=event.status)
    except IntegrityError as exc:
        raise ValidationError({"slug": _l("Diese Kurzbezeichnung ist bereits vergeben.")}) from exc
    return event


def create_event(*, actor=None, **values) -> Event:
    """Create an event from form values (slug, title, starts_on, ends_on, ...)."""
    values = _clean_event(values)
    missing = {k for k in ("slug", "title", "starts_on", "ends_on") if not values.get(k)}
    if missing:
        raise ValidationError({k: _l("Bitte füllen Sie dieses Feld aus.") for k in missing})
    return _save_event(Event(**values), action="event.created", actor=actor)


def update_event(event: Event, *, actor=None, **values) -> Event:
    """Change an event; its sessions must still fall on its days."""
    values = _clean_event({**{f: getattr(event, f) for f in EVENT_FIELDS}, **values})
    starts = values.get("starts_on", event.starts_on)
    ends = values.get("ends_on", event.ends_on)
    outside = (
        Session.select()
        .where(
            (Session.event == event)
            & (
                (Session.starts_at < datetime.combine(starts, time()))
                | (Session.ends_at > datetime.combine(ends + timedelta(days=1), time()))
            )
        )
        .count()
    )
    if outside:
        raise ValidationError(
            {
                "starts_on": _l(
                    "Es gibt Programmpunkte außerhalb dieser Tage. Bitte verschieben Sie "
                    "diese zuerst."
                )
            }
        )
    for key, value in values.items():
        setattr(event, key, value)
    event.updated_at = now()
    return _save_event(event, action="event.updated", actor=actor)


# --- organisers: sessions -------------------------------------------------------------


def _clean_session(event: Event, values: dict, session: Session | None) -> dict:
    """Normalise and check session values against the event; raises ValidationError."""
    values = {k: v for k, v in values.items() if k in SESSION_FIELDS}
    for key, value in values.items():
        if isinstance(value, str):
            values[key] = value.strip()
    values["code"] = values.get("code") or None
    errors = {}
    if not values.get("title"):
        errors["title"] = _l("Bitte geben Sie einen Titel ein.")
    if values.get("kind"):
        values["kind"] = SessionKind(values["kind"])
    else:
        errors["kind"] = _l("Bitte wählen Sie die Art des Programmpunkts.")
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if starts is None:
        errors["starts_at"] = _l("Bitte geben Sie den Beginn an.")
    elif not event.starts_on <= starts.date() <= event.ends_on:
        errors["starts_at"] = _l("Der Programmpunkt muss an einem Tag der Veranstaltung liegen.")
    if ends is None:
        errors["ends_at"] = _l("Bitte geben Sie das Ende an.")
    elif starts is not None and ends <= starts:
        errors["ends_at"] = _l("Das Ende muss nach dem Beginn liegen.")
    elif not event.starts_on <= ends.date() <= event.ends_on:
        errors["ends_at"] = _l("Der Programmpunkt muss an einem Tag der Veranstaltung enden.")
    capacity = values.get("capacity")
    if capacity is not None and capacity < 0:
        errors["capacity"] = _l("Die Platzzahl darf nicht negativ sein.")
    table_size = values.get("table_size")
    if table_size is not None and table_size < 1:
        errors["table_size"] = _l("Ein Tisch muss mindestens einen Platz haben.")
    required = values.get("requires")
    if required is not None:
        required_id = getattr(required, "id", required)
        required = Session.get_or_none(Session.id == required_id)
        if required is None or required.event_id != event.id:
            errors["requires"] = _l(
                "Die vorausgesetzte Session muss zur selben Veranstaltung gehören."
            )
        elif session is not None and required.id == session.id:
            errors["requires"] = _l("Eine Session kann nicht sich selbst voraussetzen.")
        elif session is not None and required.requires_id == session.id:
            errors["requires"] = _l("Zwei Sessions können sich nicht gegenseitig voraussetzen.")
        values["requires"] = required
    if errors:
        raise ValidationError(errors)
    return values


def _save_session(session: Session, *, action: str, actor) -> Session:
    try:
        with db.atomic():
            session.save()
            audit.record(action, session, actor=actor, code=session.code, title=session.title)
    except IntegrityError as exc:
        raise ValidationError(
            {"code": _l("Dieses Kürzel ist in dieser Veranstaltung bereits vergeben.")}
        ) from exc
    return session


def create_session(event: Event, *, actor=None, **values) -> Session:
    """Add a programme item to an event."""
    values = _clean_session(event, values, None)
    return _save_session(Session(event=event, **values), action="session.created", actor=actor)


def update_session(session: Session, *, actor=None, **values) -> Session:
    """Change a programme item (partial values keep the rest)."""
    current = {f: getattr(session, f) for f in SESSION_FIELDS if f != "requires"}
    current["requires"] = session.requires_id
    values = _clean_session(session.event, {**current, **values}, session)
    for key, value in values.items():
        setattr(session, key, value)
    return _save_session(session, action="session.updated", actor=actor)


def get_event_session(event: Event, session_id: int) -> Session | None:
    """A session of `event` (a session of another event is None)."""
    return Session.get_or_none((Session.id == session_id) & (Session.event == event))


def delete_session(session: Session, *, actor=None) -> None:
    """Remove a programme item; refused while other records still depend on it."""
    try:
        with db.atomic():
            audit.record("session.deleted", session, actor=actor, code=session.code)
            session.delete_instance()
    except IntegrityError as exc:
        raise ValidationError(
            {
                "session": _l(
                    "Dieser Programmpunkt kann nicht gelöscht werden, weil bereits Daten "
                    "(zum Beispiel Wünsche oder Zuteilungen) daran hängen."
                )
            }
        ) from exc
