"""The solver's instance from the database, in a constant number of queries (six).

Mapping (issue 5):
- sessions: the event's breakouts with capacity, slot (Session.slot_key, shown as
  "19.11.2024, 16:00 Uhr") and table_size; requires: Session.requires among the breakouts.
- attendees: confirmed registrations. Ranking: their Preference rows, per slot by rank, minus
  every session they cannot take: on a day they do not attend, in a slot they opted out of
  (SlotOptOut), forbidden by the organisers, or requiring such a session (taking the game
  means attending Workshop 2). A slot whose ranking ends up empty is not wanted: the solver
  assigns nothing there. Weight: the event's priority weight for MUNICIPAL_TYPES when the
  priority is on, else 1. Group: the organisation (tables spread organisations).
- pinned: Pin rows of kind "pin" of confirmed registrations.
- Forbids: the solver has no forbid. A forbidden session is taken out of the attendee's
  ranking above; in a wanted slot the solver may still give it as an unranked session when
  nothing else is free, so the run checks every result against the forbids (`violations`).
Ids are readable ("Erika Muster (Nr. 12)", "WS 2") so that the solver's German errors name
people and sessions the organisers recognise.
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from portal.allocation.models import AllocationSettings, Pin, PinKind
from portal.events import services as event_services
from portal.events.models import Event, Session
from portal.preferences.models import Preference, SlotOptOut
from portal.registration.models import MUNICIPAL_TYPES, Registration, RegistrationState


def slot_label(slot_key: str) -> str:
    """'2024-11-19-1600' -> '19.11.2024, 16:00 Uhr'."""
    day, hhmm = slot_key[:10], slot_key[11:]
    year, month, mday = day.split("-")
    return f"{mday}.{month}.{year}, {hhmm[:2]}:{hhmm[2:]} Uhr"


def session_label(session: Session) -> str:
    """The session's id in the instance: its code, else its title and number."""
    return session.code or f"{session.title} (Nr. {session.id})"


def attendee_label(registration: Registration) -> str:
    """The attendee's id in the instance: name and registration number."""
    return f"{registration.full_name} (Nr. {registration.id})"


def attendance_days(registration: Registration, event: Event) -> set[date]:
    """The registration's days; none stored (older data) means every day of the event."""
    return set(registration.day_list or event.days)


def default_settings(event) -> AllocationSettings:
    return AllocationSettings(event=getattr(event, "id", event))


def settings_for(event) -> AllocationSettings:
    """The event's settings, or unsaved defaults (one query)."""
    found = AllocationSettings.get_or_none(AllocationSettings.event == getattr(event, "id", event))
    return found or default_settings(event)


def weight_of(registration: Registration, settings: AllocationSettings) -> int:
    if settings.municipal_priority and registration.organisation_type in MUNICIPAL_TYPES:
        return max(settings.priority_weight, 1)
    return 1


@dataclass
class Programme:
    """The event's breakouts: by slot in programme order, by id, and what each one forces."""

    slots: dict[str, list[Session]]
    by_id: dict[int, Session] = field(init=False)
    forces: dict[int, frozenset[int]] = field(init=False)
    order: dict[int, int] = field(init=False)

    def __post_init__(self):
        self.by_id = {s.id: s for sessions in self.slots.values() for s in sessions}
        self.order = {sid: i for i, sid in enumerate(self.by_id)}
        self.forces = {sid: frozenset(self._closure(sid)) for sid in self.by_id}

    def _closure(self, sid: int) -> set[int]:
        found, todo = set(), [sid]
        while todo:
            required = self.by_id[todo.pop()].requires_id
            if required in self.by_id and required not in found and required != sid:
                found.add(required)
                todo.append(required)
        return found

    def required_by(self, sid: int) -> set[int]:
        """Sessions that bring `sid` with them."""
        return {other for other, forced in self.forces.items() if sid in forced}


def load_programme(event) -> Programme:
    """The breakouts of `event` (one query)."""
    return Programme(event_services.breakout_slots(event))


@dataclass
class Rules:
    """What limits each registration: opted-out slots, pins and forbids (by registration id)."""

    opt_outs: dict[int, set[str]]
    pins: dict[int, set[int]]
    forbids: dict[int, set[int]]


def load_rules(event, registration_ids=None) -> Rules:
    """Opt-outs and the organisers' pins and forbids (two queries)."""
    opt_outs, pins, forbids = defaultdict(set), defaultdict(set), defaultdict(set)
    skips = SlotOptOut.select(SlotOptOut.registration, SlotOptOut.slot_key).join(Registration)
    skips = skips.where(Registration.event == getattr(event, "id", event))
    rows = Pin.select(Pin.registration, Pin.session, Pin.kind).where(
        Pin.event == getattr(event, "id", event)
    )
    if registration_ids is not None:
        skips = skips.where(SlotOptOut.registration.in_(list(registration_ids)))
        rows = rows.where(Pin.registration.in_(list(registration_ids)))
    for registration_id, slot_key in skips.tuples():
        opt_outs[registration_id].add(slot_key)
    for registration_id, session_id, kind in rows.tuples():
        target = pins if PinKind(kind) == PinKind.PIN else forbids
        target[registration_id].add(session_id)
    return Rules(opt_outs, pins, forbids)


def load_rankings(
    event, programme: Programme, registrations, rules: Rules, *, all_confirmed=False
) -> dict[int, dict[str, list[int]]]:
    """Each registration's takeable favourites: slot -> session ids by rank (one query).

    `all_confirmed` says that `registrations` are every confirmed one of the event, which
    selects by a join instead of a (long) list of ids.
    """
    by_id = {r.id: r for r in registrations}
    rows = (
        Preference.select(Preference.registration, Preference.session, Preference.rank)
        .join(Registration)
        .where(Registration.event == getattr(event, "id", event))
        .order_by(Preference.registration, Preference.rank, Preference.id)
        .tuples()
    )
    if all_confirmed:
        rows = rows.where(Registration.state == RegistrationState.CONFIRMED)
    else:
        rows = rows.where(Preference.registration.in_(list(by_id)))
    raw = defaultdict(list)
    for registration_id, session_id, rank in rows:
        if session_id in programme.by_id and registration_id in by_id:
            raw[registration_id].append((rank, session_id))
    rankings = {}
    for registration_id, registration in by_id.items():
        days = attendance_days(registration, event)
        blocked = rules.opt_outs.get(registration_id, set())
        forbidden = rules.forbids.get(registration_id, set())

        def takeable(sid, days=days, blocked=blocked, forbidden=forbidden):
            return all(
                programme.by_id[s].starts_at.date() in days
                and programme.by_id[s].slot_key not in blocked
                and s not in forbidden
                for s in {sid} | programme.forces[sid]
            )

        slots = defaultdict(list)
        for _rank, sid in sorted(raw[registration_id]):
            if takeable(sid):
                slots[programme.by_id[sid].slot_key].append(sid)
        rankings[registration_id] = {key: slots[key] for key in programme.slots if key in slots}
    return rankings


@dataclass
class Built:
    """An instance for the solver and what its ids mean."""

    instance: dict
    programme: Programme
    settings: AllocationSettings
    registrations: dict[str, Registration]  # attendee id -> registration
    sessions: dict[str, Session]  # session id -> session
    rankings: dict[int, dict[str, list[int]]]
    rules: Rules
    input_hash: str

    def forbidden_pairs(self) -> set[tuple[int, int]]:
        return {(rid, sid) for rid, sids in self.rules.forbids.items() for sid in sids}


def confirmed_registrations(event) -> list[Registration]:
    """Confirmed registrations of an event by id (one query)."""
    return list(
        Registration.select()
        .where(
            (Registration.event == getattr(event, "id", event))
            & (Registration.state == RegistrationState.CONFIRMED)
        )
        .order_by(Registration.id)
    )


def build_instance(event: Event) -> Built:
    """The solver instance of `event` from the database (six queries, any number of people)."""
    programme = load_programme(event)
    settings = settings_for(event)
    registrations = confirmed_registrations(event)
    rules = load_rules(event)
    rankings = load_rankings(event, programme, registrations, rules, all_confirmed=True)
    session_ids = {sid: session_label(s) for sid, s in programme.by_id.items()}
    sessions = [
        {
            "id": session_ids[s.id],
            "slot": slot_label(s.slot_key),
            "capacity": s.capacity,
            **({"table_size": s.table_size} if s.table_size else {}),
        }
        for s in programme.by_id.values()
    ]
    requires = [
        [session_ids[s.id], session_ids[s.requires_id]]
        for s in programme.by_id.values()
        if s.requires_id in programme.by_id
    ]
    attendees, pinned, by_label = [], [], {}
    for registration in registrations:
        aid = attendee_label(registration)
        by_label[aid] = registration
        ranking = [sid for slot in rankings[registration.id].values() for sid in slot]
        group = registration.organisation.strip().casefold() or None
        attendees.append(
            {
                "id": aid,
                "ranking": [session_ids[sid] for sid in ranking],
                "weight": weight_of(registration, settings),
                "group": group,
            }
        )
        for sid in sorted(rules.pins.get(registration.id, ())):
            if sid in session_ids:
                pinned.append([aid, session_ids[sid]])
    instance = {"sessions": sessions, "requires": requires, "attendees": attendees}
    if pinned:
        instance["pinned"] = pinned
    forbids = sorted(
        [rid, sid] for rid, sids in rules.forbids.items() if rid in rankings for sid in sids
    )
    digest = hashlib.sha256(
        json.dumps(
            {"instance": instance, "forbidden": forbids}, sort_keys=True, ensure_ascii=False
        ).encode()
    ).hexdigest()
    return Built(
        instance=instance,
        programme=programme,
        settings=settings,
        registrations=by_label,
        sessions={session_ids[sid]: s for sid, s in programme.by_id.items()},
        rankings=rankings,
        rules=rules,
        input_hash=digest,
    )
