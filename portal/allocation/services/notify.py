"""Mails about assignments, queued in the transaction of the change (with an .ics)."""

from typing import NamedTuple

from portal.allocation import documents
from portal.allocation.models import Assignment
from portal.allocation.services.common import absolute_link
from portal.events.models import Session
from portal.mailer import queue_mail


class Seat(NamedTuple):
    """An assigned session as attendees see it."""

    session: Session
    table_number: int | None


def seats_of(assignments) -> list[Seat]:
    """Seats in programme order from assignments with their sessions loaded."""
    rows = sorted(assignments, key=lambda a: (a.session.starts_at, a.session.code or ""))
    return [Seat(a.session, a.table_number) for a in rows]


def current_seats(run_id: int, registration_id: int) -> list[Seat]:
    """A registration's seats in a run (one query)."""
    query = (
        Assignment.select(Assignment, Session)
        .join(Session)
        .where((Assignment.run == run_id) & (Assignment.registration == registration_id))
    )
    return seats_of(query)


def mail_seats(registration, event, seats, template: str, *, cancelled=(), **context) -> None:
    """Queue `template` to the registration's address with its sessions as .ics."""
    ics = documents.sessions_ics(registration, event, seats, cancelled=cancelled)
    queue_mail(
        registration.email,
        template,
        attachments=[("sessions.ics", "text/calendar", ics)],
        registration=registration,
        event=event,
        seats=seats,
        link=absolute_link("registration.list_mine"),
        **context,
    )
