"""Administration of accounts: search, each account's roles, grants and revocations."""

from collections import defaultdict
from dataclasses import dataclass

from peewee import JOIN, IntegrityError, fn

from portal import audit
from portal.accounts.models import Role, RoleGrant, User
from portal.events.models import Event
from portal.extensions import db

PER_PAGE = 50
ROLE_ORDER = list(Role)
# Roles that make sense for one event only; the others are held for the whole portal.
EVENT_SCOPED_ROLES = frozenset({Role.SPEAKER, Role.MODERATOR})


class AccountNotFound(LookupError):
    """No such account, or no such grant on that account."""


class RoleAlreadyGranted(Exception):
    """The account holds this role for this scope already."""


class EventScopeNotAllowed(Exception):
    """The role can only be granted for all events."""


class OwnAdminRole(Exception):
    """An administrator tried to revoke their own global admin role."""


@dataclass(frozen=True)
class AccountRow:
    user: User
    grants: list[RoleGrant]


@dataclass(frozen=True)
class AccountPage:
    rows: list[AccountRow]
    query: str
    page: int
    has_next: bool


@dataclass(frozen=True)
class AccountDetail:
    user: User
    grants: list[RoleGrant]
    events: list[Event]


def _grant_order(grant: RoleGrant):
    return (ROLE_ORDER.index(grant.role), grant.event_id is not None, grant.event_id or 0)


def _grants_by_user(user_ids: list[int]) -> dict[int, list[RoleGrant]]:
    """All grants of these users with their events and granters: one query."""
    if not user_ids:
        return {}
    granter = User.alias()
    query = (
        RoleGrant.select(
            RoleGrant, Event.id, Event.title, Event.starts_on, granter.id, granter.name
        )
        .join(Event, JOIN.LEFT_OUTER)
        .switch(RoleGrant)
        .join(granter, JOIN.LEFT_OUTER, on=(RoleGrant.granted_by == granter.id), attr="granter")
        .where(RoleGrant.user.in_(user_ids))
    )
    grouped = defaultdict(list)
    for grant in query:
        grouped[grant.user_id].append(grant)
    return {user_id: sorted(grants, key=_grant_order) for user_id, grants in grouped.items()}


def search_accounts(*, query: str = "", page: int = 1, per_page: int | None = None) -> AccountPage:
    """Accounts whose name or address contains `query`, with their roles: two queries."""
    per_page = per_page or PER_PAGE
    query = query.strip()
    users = User.select().order_by(fn.LOWER(User.name), User.email)
    if query:
        users = users.where(User.name.contains(query) | User.email.contains(query.lower()))
    page = max(page, 1)
    # One row more than shown tells whether a next page exists.
    found = list(users.limit(per_page + 1).offset((page - 1) * per_page))
    shown = found[:per_page]
    grants = _grants_by_user([u.id for u in shown])
    rows = [AccountRow(user=u, grants=grants.get(u.id, [])) for u in shown]
    return AccountPage(rows=rows, query=query, page=page, has_next=len(found) > per_page)


def account_detail(user_id: int) -> AccountDetail | None:
    """One account with its grants and the events a role can be scoped to."""
    user = User.get_or_none(User.id == user_id)
    if user is None:
        return None
    events = list(Event.select().order_by(Event.starts_on.desc(), Event.title))
    return AccountDetail(
        user=user, grants=_grants_by_user([user.id]).get(user.id, []), events=events
    )


def grant_role(*, user: User, role: str, event_id: int | None, actor: User) -> RoleGrant:
    """Give `user` a role, globally or for one event, and record it in the audit trail."""
    role = Role(role)
    if event_id is not None and role not in EVENT_SCOPED_ROLES:
        raise EventScopeNotAllowed()
    try:
        with db.atomic():
            grant = RoleGrant.create(user=user, role=role, event=event_id, granted_by=actor.id)
            audit.record(
                "role.granted",
                user,
                actor=actor.id,
                role=str(role),
                event_id=event_id,
                grant_id=grant.id,
            )
    except IntegrityError:
        raise RoleAlreadyGranted() from None
    return grant


def revoke_role(*, user_id: int, grant_id: int, actor: User) -> RoleGrant:
    """Take a role away; an administrator keeps their own global admin role."""
    grant = RoleGrant.get_or_none((RoleGrant.id == grant_id) & (RoleGrant.user == user_id))
    if grant is None:
        raise AccountNotFound()
    if grant.role == Role.ADMIN and grant.event_id is None and grant.user_id == actor.id:
        raise OwnAdminRole()
    with db.atomic():
        grant.delete_instance()
        audit.record(
            "role.revoked",
            User(id=user_id),
            actor=actor.id,
            role=str(grant.role),
            event_id=grant.event_id,
            grant_id=grant.id,
        )
    return grant
