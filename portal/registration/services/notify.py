"""Mails about registrations, queued in the transaction of the change."""

from urllib.parse import urlsplit

from flask import current_app

from portal.mailer import queue_mail
from portal.registration import documents
from portal.registration.models import Registration, RegistrationState
from portal.registration.services.reading import day_times, waitlist_positions

State = RegistrationState


STATE_MAIL = {
    State.PENDING: "registration_pending",
    State.CONFIRMED: "registration_confirmed",
    State.WAITLISTED: "registration_waitlisted",
    State.REJECTED: "registration_rejected",
}


def absolute_link(endpoint: str, **values) -> str:
    """A link for a mail, always on BASE_URL (never the request's Host header)."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def notify(registration: Registration, template: str, **context) -> None:
    """Queue a mail about `registration` (in the caller's transaction); .ics when confirmed."""
    event = registration.event
    attachments = []
    if registration.state == State.CONFIRMED:
        ics = documents.calendar_ics(registration, event, day_times(event))
        attachments.append(("veranstaltung.ics", "text/calendar", ics))
    position = None
    if registration.state == State.WAITLISTED:
        position = waitlist_positions(event).get(registration.id)
    queue_mail(
        registration.email,
        template,
        attachments=attachments,
        registration=registration,
        event=event,
        position=position,
        link=absolute_link("registration.list_mine"),
        **context,
    )
