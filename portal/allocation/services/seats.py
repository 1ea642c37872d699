"""Seats of a published run: counts, holdings, and moving one attendee (inside the run lock).

A seat is taken by an assignment or held for an open offer; free = capacity - both. Callers
hold `common.lock_run` while they read counts and write, so the counts stay true until the
commit; the unique index (run, registration, slot) keeps one session per slot regardless.
"""

from collections import Counter, defaultdict

from peewee import fn

from portal.allocation.models import (
    Assignment,
    AssignmentSource,
    GameTable,
    OfferState,
    SeatOffer,
)
from portal.events.models import Session
from portal.timeutil import now


def seat_counts(run_id: int) -> Counter:
    """Taken seats per session id: assignments plus open offers (two grouped queries)."""
    counts = Counter()
    assigned = (
        Assignment.select(Assignment.session, fn.COUNT(Assignment.id))
        .where(Assignment.run == run_id)
        .group_by(Assignment.session)
        .tuples()
    )
    offered = (
        SeatOffer.select(SeatOffer.session, fn.COUNT(SeatOffer.id))
        .where((SeatOffer.run == run_id) & (SeatOffer.state == OfferState.OFFERED))
        .group_by(SeatOffer.session)
        .tuples()
    )
    for session_id, count in [*assigned, *offered]:
        counts[session_id] += count
    return counts


def free_seats(session: Session, counts: Counter) -> int | None:
    """Free seats of a session given `seat_counts`; None when it has no limit."""
    if session.capacity is None:
        return None
    return max(session.capacity - counts[session.id], 0)


def has_seat(session: Session, counts: Counter) -> bool:
    free = free_seats(session, counts)
    return free is None or free > 0


def holdings(run_id: int, registration_ids) -> dict[int, dict[str, Assignment]]:
    """Registration id -> slot key -> assignment (with its session), one query."""
    query = (
        Assignment.select(Assignment, Session)
        .join(Session)
        .where((Assignment.run == run_id) & (Assignment.registration.in_(list(registration_ids))))
    )
    held = defaultdict(dict)
    for assignment in query:
        held[assignment.registration_id][assignment.slot_key] = assignment
    return held


def _table_for(run_id: int, session: Session) -> int | None:
    """The table with the fewest players that has room; a new one when all are full."""
    if not session.table_size:
        return None
    members = Counter(
        number
        for (number,) in Assignment.select(Assignment.table_number)
        .where((Assignment.run == run_id) & (Assignment.session == session.id))
        .tuples()
    )
    numbers = [
        n
        for (n,) in GameTable.select(GameTable.number)
        .where((GameTable.run == run_id) & (GameTable.session == session.id))
        .tuples()
    ]
    open_tables = [n for n in numbers if members[n] < session.table_size]
    if open_tables:
        return min(open_tables, key=lambda n: (members[n], n))
    number = max(numbers, default=0) + 1
    GameTable.create(run=run_id, session=session.id, number=number)
    return number


def take(run_id, registration_id, session: Session, *, rank, source: AssignmentSource):
    """Give a registration a seat in `session` (its slot must be free for it)."""
    return Assignment.create(
        run=run_id,
        registration=registration_id,
        session=session.id,
        slot_key=session.slot_key,
        rank=rank,
        table_number=_table_for(run_id, session),
        source=source,
        updated_at=now(),
    )


def release(assignments) -> None:
    """Remove assignments (their seats become free)."""
    ids = [a.id for a in assignments]
    if ids:
        Assignment.delete().where(Assignment.id.in_(ids)).execute()
