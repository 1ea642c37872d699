"""Validation of allocation instances and allocations (pure; no Flask, no peewee).

`validate(raw)` turns the JSON-shaped instance of issue 5 into a frozen `Instance` or raises
`InstanceError` naming the culprit. `violations(instance, holdings)` checks an allocation
against the hard rules, independently of how it was found.

Decisions taken here (the solver's docstring has the cost rules):
- Keys are checked strictly: an unknown key (say "pins" for "pinned") is an error.
- Ids are non-empty strings. `capacity` is an integer >= 0, or missing/null for "unlimited".
  `table_size` is an integer >= 1 or missing/null. `weight` is an integer >= 1 (default 1);
  the objective stays an integer. `group` is a string or missing/null.
- A ranking names known sessions, each at most once; an empty ranking wants nothing.
- `requires` pairs name known, different sessions; duplicates are ignored; a cycle is an error,
  and so is a session whose requirements (followed transitively) put two sessions into one
  slot, its own included, because nobody could ever take it.
- Pins name a known attendee and session; duplicates are ignored. A pin brings its required
  sessions with it. Pins that put one attendee into two sessions of a slot, or more attendees
  into a session than it has seats, are an error that names them all.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

MAX_NAMED = 20


class InstanceError(ValueError):
    """A bad instance; `culprits` holds the ids (or pairs) the message names."""

    def __init__(self, message: str, culprits: Iterable = ()):
        super().__init__(message)
        self.culprits = tuple(culprits)


@dataclass(frozen=True)
class Session:
    """A session in a slot; capacity None means unlimited."""

    id: str
    slot: str
    capacity: int | None
    table_size: int | None = None


@dataclass(frozen=True)
class Attendee:
    """An attendee with a ranking over sessions of any slots."""

    id: str
    ranking: tuple[str, ...]
    weight: int = 1
    group: str | None = None


@dataclass(frozen=True)
class Instance:
    """A validated instance; build it with `validate()`, which also fills the derived fields.

    `sessions` keep the input (programme) order, `slots` their order of first appearance;
    attendees, requires and pins are sorted. `forces[s]` is every session that taking s brings
    with it (transitively, without s); `fixed[a]` is every session the pins give attendee a;
    `ranked[a][slot]` is a's ranking within a wanted slot (unwanted slots are absent).
    """

    sessions: tuple[Session, ...]
    requires: tuple[tuple[str, str], ...]
    attendees: tuple[Attendee, ...]
    pinned: tuple[tuple[str, str], ...]
    slots: tuple[str, ...]
    session: Mapping[str, Session]
    forces: Mapping[str, frozenset[str]]
    fixed: Mapping[str, frozenset[str]]
    ranked: Mapping[str, Mapping[str, tuple[str, ...]]]


def _names(items, limit: int = MAX_NAMED) -> str:
    items = list(items)
    shown = ", ".join(str(i) for i in items[:limit])
    if len(items) > limit:
        shown += f" und {len(items) - limit} weitere"
    return shown


def _check_keys(obj, allowed: set[str], required: set[str], where: str) -> None:
    if not isinstance(obj, dict):
        raise InstanceError(f"{where} muss ein JSON-Objekt sein.", [where])
    if obj.keys() <= allowed and required <= obj.keys():
        return
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise InstanceError(f"{where}: unbekannte Schlüssel {_names(unknown)}.", unknown)
    missing = sorted(required - set(obj))
    raise InstanceError(f"{where}: es fehlt {_names(missing)}.", missing)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value, where: str, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InstanceError(f"{where}: '{field}' muss ein nicht leerer Text sein.", [where])
    return value


def _list(raw: dict, key: str, *, required: bool) -> list:
    value = raw.get(key, None if required else [])
    if value is None and not required:
        return []
    if not isinstance(value, list):
        raise InstanceError(f"'{key}' muss eine Liste sein.", [key])
    return value


def _sessions(items: list) -> tuple[Session, ...]:
    sessions, seen = [], set()
    for number, item in enumerate(items, 1):
        where = f"Sitzung Nr. {number}"
        _check_keys(item, {"id", "slot", "capacity", "table_size"}, {"id", "slot"}, where)
        sid = _text(item["id"], where, "id")
        where = f"Sitzung '{sid}'"
        if sid in seen:
            raise InstanceError(f"{where} ist doppelt vorhanden.", [sid])
        seen.add(sid)
        slot = _text(item["slot"], where, "slot")
        capacity = item.get("capacity")
        if capacity is not None and (not _is_int(capacity) or capacity < 0):
            raise InstanceError(
                f"{where}: 'capacity' muss eine ganze Zahl ≥ 0 oder null sein, nicht {capacity!r}.",
                [sid],
            )
        table_size = item.get("table_size")
        if table_size is not None and (not _is_int(table_size) or table_size < 1):
            raise InstanceError(
                f"{where}: 'table_size' muss eine ganze Zahl ≥ 1 oder null sein, "
                f"nicht {table_size!r}.",
                [sid],
            )
        sessions.append(Session(sid, slot, capacity, table_size))
    return tuple(sessions)


def _pair(item, number: int, what: str) -> tuple[str, str]:
    if (
        not isinstance(item, list)
        or len(item) != 2
        or not all(isinstance(v, str) and v for v in item)
    ):
        raise InstanceError(f"{what} Nr. {number} muss ein Paar aus zwei Ids sein: {item!r}.")
    return item[0], item[1]


def _requires(items: list, session: Mapping[str, Session]) -> tuple[tuple[str, str], ...]:
    pairs = set()
    for number, item in enumerate(items, 1):
        x, y = _pair(item, number, "requires")
        for sid in (x, y):
            if sid not in session:
                raise InstanceError(f"requires [{x}, {y}]: unbekannte Sitzung '{sid}'.", [sid])
        if x == y:
            raise InstanceError(f"requires [{x}, {y}]: eine Sitzung verlangt sich selbst.", [x])
        pairs.add((x, y))
    return tuple(sorted(pairs))


def _forces(
    requires: tuple[tuple[str, str], ...], session: Mapping[str, Session]
) -> dict[str, frozenset[str]]:
    needs = defaultdict(list)
    for x, y in requires:
        needs[x].append(y)
    forces: dict[str, frozenset[str]] = {}
    state: dict[str, int] = {}  # 1 = on the DFS path, 2 = done

    def visit(sid: str, path: list[str]) -> frozenset[str]:
        if state.get(sid) == 2:
            return forces[sid]
        if state.get(sid) == 1:
            cycle = path[path.index(sid) :] + [sid]
            raise InstanceError(
                f"requires bildet einen Zyklus: {' → '.join(cycle)}.", sorted(set(cycle))
            )
        state[sid] = 1
        found: set[str] = set()
        for other in needs[sid]:
            found.add(other)
            found |= visit(other, path + [sid])
        state[sid] = 2
        forces[sid] = frozenset(found)
        return forces[sid]

    for sid in sorted(session):
        visit(sid, [])
    for sid in sorted(session):
        by_slot = defaultdict(list)
        for other in sorted({sid} | forces[sid]):
            by_slot[session[other].slot].append(other)
        for slot, members in sorted(by_slot.items()):
            if len(members) > 1:
                raise InstanceError(
                    f"Sitzung '{sid}' kann nie vergeben werden: mit ihren Voraussetzungen läge "
                    f"die Person im Zeitfenster '{slot}' zugleich in {_names(members)}.",
                    [sid, *members],
                )
    return forces


def _attendees(items: list, session: Mapping[str, Session]) -> tuple[Attendee, ...]:
    attendees, seen = [], set()
    for number, item in enumerate(items, 1):
        where = f"Teilnehmende Nr. {number}"
        _check_keys(item, {"id", "ranking", "weight", "group"}, {"id"}, where)
        aid = _text(item["id"], where, "id")
        where = f"Teilnehmende '{aid}'"
        if aid in seen:
            raise InstanceError(f"{where} ist doppelt vorhanden.", [aid])
        seen.add(aid)
        ranking = item.get("ranking") or []
        if not isinstance(ranking, list):
            raise InstanceError(f"{where}: 'ranking' muss eine Liste sein.", [aid])
        try:
            known = session.keys() >= set(ranking)  # session ids are strings
        except TypeError:  # an unhashable entry such as a list
            known = False
        if not known:
            sid = next(sid for sid in ranking if not isinstance(sid, str) or sid not in session)
            raise InstanceError(
                f"{where}: unbekannte Sitzung {sid!r} in der Rangfolge.", [aid, sid]
            )
        if len(set(ranking)) != len(ranking):
            doubled = sorted(sid for sid, count in Counter(ranking).items() if count > 1)
            raise InstanceError(
                f"{where}: {_names(doubled)} steht mehrfach in der Rangfolge.", [aid, *doubled]
            )
        weight = item.get("weight", 1)
        if weight is None:
            weight = 1
        if not _is_int(weight) or weight < 1:
            raise InstanceError(
                f"{where}: 'weight' muss eine ganze Zahl ≥ 1 sein, nicht {weight!r}.", [aid]
            )
        group = item.get("group")
        if group is not None and not isinstance(group, str):
            raise InstanceError(f"{where}: 'group' muss ein Text oder null sein.", [aid])
        attendees.append(Attendee(aid, tuple(ranking), weight, group or None))
    return tuple(sorted(attendees, key=lambda a: a.id))


def _pins(
    items: list,
    attendee_ids: set[str],
    session: Mapping[str, Session],
    forces: Mapping[str, frozenset[str]],
) -> tuple[tuple[tuple[str, str], ...], dict[str, frozenset[str]]]:
    pins = set()
    for number, item in enumerate(items, 1):
        aid, sid = _pair(item, number, "pinned")
        if aid not in attendee_ids:
            raise InstanceError(f"pinned [{aid}, {sid}]: unbekannte Teilnehmende '{aid}'.", [aid])
        if sid not in session:
            raise InstanceError(f"pinned [{aid}, {sid}]: unbekannte Sitzung '{sid}'.", [sid])
        pins.add((aid, sid))
    pinned = tuple(sorted(pins))
    fixed: dict[str, set[str]] = defaultdict(set)
    origin: dict[tuple[str, str], str] = {}  # (attendee, forced session) -> the pin behind it
    for aid, sid in pinned:
        for other in sorted({sid} | forces[sid]):
            fixed[aid].add(other)
            origin.setdefault((aid, other), sid)
    clashes = []
    for aid in sorted(fixed):
        by_slot = defaultdict(list)
        for sid in sorted(fixed[aid]):
            by_slot[session[sid].slot].append(sid)
        for slot, members in sorted(by_slot.items()):
            if len(members) > 1:
                behind = sorted({origin[aid, sid] for sid in members})
                clashes.append(
                    (
                        aid,
                        f"{aid} im Zeitfenster {slot}: {_names(members)} (Festlegungen "
                        f"{_names(behind)})",
                    )
                )
    if clashes:
        raise InstanceError(
            "Festlegungen passen nicht, eine Person hätte zwei Sitzungen zugleich: "
            + "; ".join(text for _, text in clashes)
            + ".",
            [aid for aid, _ in clashes],
        )
    holders = defaultdict(list)
    for aid in sorted(fixed):
        for sid in fixed[aid]:
            holders[sid].append(aid)
    full = [
        (sid, members)
        for sid, members in sorted(holders.items())
        if session[sid].capacity is not None and len(members) > session[sid].capacity
    ]
    if full:
        raise InstanceError(
            "Festlegungen passen nicht: "
            + "; ".join(
                f"{sid} hat {session[sid].capacity} Plätze, aber {len(members)} Festlegungen: "
                f"{_names(members)}"
                for sid, members in full
            )
            + ".",
            [sid for sid, _ in full] + [aid for _, members in full for aid in members],
        )
    return pinned, {aid: frozenset(sids) for aid, sids in fixed.items()}


def validate(raw) -> Instance:
    """Check a JSON-shaped instance and return it as a frozen `Instance`."""
    if isinstance(raw, Instance):
        return raw
    _check_keys(
        raw,
        {"sessions", "requires", "attendees", "pinned"},
        {"sessions", "attendees"},
        "Die Instanz",
    )
    sessions = _sessions(_list(raw, "sessions", required=True))
    session = {s.id: s for s in sessions}
    requires = _requires(_list(raw, "requires", required=False), session)
    forces = _forces(requires, session)
    attendees = _attendees(_list(raw, "attendees", required=True), session)
    pinned, fixed = _pins(
        _list(raw, "pinned", required=False), {a.id for a in attendees}, session, forces
    )
    ranked = {}
    for attendee in attendees:
        by_slot = defaultdict(list)
        for sid in attendee.ranking:
            by_slot[session[sid].slot].append(sid)
        ranked[attendee.id] = {slot: tuple(sids) for slot, sids in by_slot.items()}
    return Instance(
        sessions=sessions,
        requires=requires,
        attendees=attendees,
        pinned=pinned,
        slots=tuple(dict.fromkeys(s.slot for s in sessions)),
        session=MappingProxyType(session),
        forces=MappingProxyType(forces),
        fixed=MappingProxyType(fixed),
        ranked=MappingProxyType(ranked),
    )


def violations(instance: Instance, holdings: Mapping[str, Iterable[str]]) -> list[str]:
    """Every hard rule the allocation `holdings` (attendee -> sessions) breaks; [] if none."""
    found = []
    session = instance.session
    count: Counter = Counter()
    pins = defaultdict(set)
    for aid, sid in instance.pinned:
        pins[aid].add(sid)
    needs = instance.forces
    empty = frozenset()
    for attendee in instance.attendees:
        aid = attendee.id
        held = set(holdings.get(aid, ()))
        if not held <= session.keys():
            unknown = sorted(held - session.keys())
            found.append(f"{aid}: unbekannte Sitzungen {_names(unknown)}")
            held -= set(unknown)
        count.update(held)
        if len({session[sid].slot for sid in held}) != len(held):
            found.append(f"{aid}: mehrere Sitzungen in einem Zeitfenster ({_names(sorted(held))})")
        forced = set().union(*(needs[sid] for sid in held))
        if not forced <= held:
            found.append(f"{aid}: es fehlen verlangte Sitzungen {_names(sorted(forced - held))}")
        if aid in pins and not pins[aid] <= held:
            found.append(f"{aid}: es fehlen Festlegungen {_names(sorted(pins[aid] - held))}")
        wanted = instance.ranked[aid]
        allowed = forced | instance.fixed.get(aid, empty)
        stray = sorted(sid for sid in held - allowed if session[sid].slot not in wanted)
        if stray:
            found.append(f"{aid}: {_names(stray)} in nicht gewünschtem Zeitfenster")
    for aid in sorted(set(holdings) - set(instance.ranked)):
        found.append(f"unbekannte Teilnehmende {aid}")
    for sid, n in sorted(count.items()):
        capacity = session[sid].capacity
        if capacity is not None and n > capacity:
            found.append(f"{sid}: {n} Personen bei {capacity} Plätzen")
    return found
