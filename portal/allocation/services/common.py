"""What every part of the allocation services shares: errors, lookups, locks, the audit."""

from urllib.parse import urlsplit

from flask import current_app

from portal import audit
from portal.allocation.models import AllocationRun, RunStatus
from portal.db import is_sqlite
from portal.events.models import Event


class AllocationError(Exception):
    """A refused action; `message` is German, `field` names the form field it belongs to."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def get_event(slug: str) -> Event | None:
    """Any event by slug (drafts included), for the organisers."""
    return Event.get_or_none(Event.slug == slug)


def published_run(event) -> AllocationRun | None:
    """The event's published run, if any (one query)."""
    return AllocationRun.get_or_none(
        (AllocationRun.event == getattr(event, "id", event))
        & (AllocationRun.status == RunStatus.PUBLISHED)
    )


def lock_run(run_id: int) -> AllocationRun:
    """Re-read a run inside a transaction, locked on PostgreSQL.

    Every change of a published assignment takes this lock first, so seat counts read after
    it stay true until the commit (SQLite serialises writers with BEGIN IMMEDIATE).
    """
    query = AllocationRun.select().where(AllocationRun.id == run_id)
    if not is_sqlite():
        query = query.for_update()
    return query.get()


def record(action: str, event, *, actor=None, **details) -> None:
    """Audit an allocation action on its event, so one event's trail is one indexed query."""
    if not isinstance(event, Event):
        event = Event(id=event)
    audit.record(f"allocation.{action}", event, actor=actor, **details)


def absolute_link(endpoint: str, **values) -> str:
    """A link for a mail, always on BASE_URL (never the request's Host header)."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)
