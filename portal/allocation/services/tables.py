"""Game tables: their lists, the moderators (one per table) and what a moderator sees."""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from peewee import JOIN, IntegrityError

from portal.accounts.models import Role, RoleGrant, User
from portal.allocation.models import AllocationRun, Assignment, GameTable
from portal.allocation.services.common import AllocationError, published_run, record
from portal.allocation.services.instance import session_label
from portal.events.models import Event, Session
from portal.extensions import db
from portal.registration.models import Registration


@dataclass
class TableView:
    """One table of a session with its moderator and players (sorted by name)."""

    id: int
    session: Session
    number: int
    moderator: User | None
    members: list = field(default_factory=list)


def _tables(run_id: int, where=None) -> list[TableView]:
    """Tables of a run with their players (two queries)."""
    query = (
        GameTable.select(GameTable, Session, User)
        .join(Session)
        .switch(GameTable)
        .join(User, JOIN.LEFT_OUTER, on=(GameTable.moderator == User.id), attr="moderator")
        .where(GameTable.run == run_id)
    )
    if where is not None:
        query = query.where(where)
    views = {
        (t.session_id, t.number): TableView(
            t.id, t.session, t.number, t.moderator if t.moderator_id else None
        )
        for t in query
    }
    if not views:
        return []
    members = (
        Assignment.select(Assignment.session, Assignment.table_number, Registration)
        .join(Registration)
        .where(
            (Assignment.run == run_id)
            & Assignment.table_number.is_null(False)
            & Assignment.session.in_({s for s, _n in views})
        )
    )
    for assignment in members:
        view = views.get((assignment.session_id, assignment.table_number))
        if view is not None:
            view.members.append(assignment.registration)
    for view in views.values():
        view.members.sort(key=lambda r: (r.last_name.casefold(), r.first_name.casefold(), r.id))
    return sorted(views.values(), key=lambda v: (v.session.starts_at, v.session.id, v.number))


def run_tables(run: AllocationRun) -> list[TableView]:
    return _tables(run.id)


def moderators_of(event) -> list[User]:
    """Accounts holding the moderator role for this event, by name (one query)."""
    return list(
        User.select()
        .join(RoleGrant, on=(RoleGrant.user == User.id))
        .where(
            (RoleGrant.role == Role.MODERATOR)
            & (RoleGrant.event == getattr(event, "id", event))
            & User.is_active
        )
        .order_by(User.name, User.id)
    )


def _published_or_refuse(event) -> AllocationRun:
    run = published_run(event)
    if run is None:
        raise AllocationError(
            _("Die Moderation wird nach der Veröffentlichung der Zuteilung eingeteilt.")
        )
    return run


def assign_moderators(event: Event, *, actor) -> int:
    """Give every table without moderator one of the event's free moderators; the count."""
    run = _published_or_refuse(event)
    with db.atomic():
        tables = list(
            GameTable.select()
            .join(Session)
            .where(GameTable.run == run.id)
            .order_by(Session.starts_at, Session.id, GameTable.number)
        )
        busy = {t.moderator_id for t in tables if t.moderator_id}
        free = [u for u in moderators_of(event) if u.id not in busy]
        done = []
        for table, moderator in zip([t for t in tables if not t.moderator_id], free, strict=False):
            GameTable.update(moderator=moderator.id).where(GameTable.id == table.id).execute()
            done.append((table.number, moderator.name))
        if done:
            record("moderators_assigned", event, actor=actor, tables=[f"{n}: {m}" for n, m in done])
    return len(done)


def set_table_moderator(event: Event, *, table_id: int, moderator_id: int | None, actor) -> None:
    """Set (or clear, with None) the moderator of one table of the published run."""
    run = _published_or_refuse(event)
    table = GameTable.get_or_none((GameTable.id == table_id) & (GameTable.run == run.id))
    if table is None:
        raise AllocationError(_("Diesen Tisch gibt es nicht."))
    moderator = None
    if moderator_id is not None:
        moderator = next((u for u in moderators_of(event) if u.id == moderator_id), None)
        if moderator is None:
            raise AllocationError(
                _("Bitte wählen Sie eine Person mit der Rolle Moderation für diese Veranstaltung."),
                field="moderator",
            )
    try:
        with db.atomic():
            GameTable.update(moderator=moderator_id).where(GameTable.id == table.id).execute()
            record(
                "moderator_set",
                event,
                actor=actor,
                table=table.number,
                session=session_label(Session.get_by_id(table.session_id)),
                moderator=moderator.name if moderator else "",
            )
    except IntegrityError as exc:
        raise AllocationError(
            _("%(name)s moderiert bereits einen anderen Tisch.", name=moderator.name),
            field="moderator",
        ) from exc


def moderator_tables(event: Event, user) -> list[TableView]:
    """The tables of the published run that `user` moderates, with their players."""
    run = published_run(event)
    if run is None:
        return []
    return _tables(run.id, GameTable.moderator == user.id)


def moderator_table(event: Event, user, table_id: int) -> TableView | None:
    """One table that `user` moderates; None for any other table."""
    run = published_run(event)
    if run is None:
        return None
    found = _tables(run.id, (GameTable.id == table_id) & (GameTable.moderator == user.id))
    return found[0] if found else None
