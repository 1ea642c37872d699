"""Public pages: the event list, an event with its programme, a session."""

from flask import abort, render_template

from portal.auth import has_role
from portal.events import bp, services
from portal.events.forms import DEADLINE_KIND_LABELS, EVENT_STATUS_LABELS, SESSION_KIND_LABELS
from portal.exhibitors import services as exhibitor_services
from portal.speakers import services as speaker_services


@bp.app_template_filter("session_kind")
def session_kind_label(kind) -> str:
    """'workshop' -> 'Workshop', 'talk' -> 'Vortrag', ..."""
    return str(SESSION_KIND_LABELS.get(kind, kind))


@bp.app_template_filter("event_status")
def event_status_label(status) -> str:
    return str(EVENT_STATUS_LABELS.get(status, status))


@bp.app_template_filter("deadline_kind")
def deadline_kind_label(kind) -> str:
    return str(DEADLINE_KIND_LABELS.get(kind, kind))


@bp.get("/")
def index():
    """Home page: published events, upcoming ones first."""
    upcoming, past = services.event_listing()
    return render_template("events/index.html", upcoming=upcoming, past=past)


@bp.get("/veranstaltungen/<slug>")
def show(slug):
    """An event with its facts, deadline and programme."""
    page = services.public_event_page(slug, include_drafts=has_role("organiser"))
    if page is None:
        abort(404)
    return render_template(
        "events/show.html",
        speakers_by_session=speaker_services.public_speakers_by_session(page.event),
        **page._asdict(),
    )


@bp.get("/veranstaltungen/<slug>/programm/<int:session_id>")
def show_session(slug, session_id):
    """One programme item of an event."""
    page = services.public_session_page(slug, session_id, include_drafts=has_role("organiser"))
    if page is None:
        abort(404)
    return render_template(
        "events/session.html",
        speakers=speaker_services.public_speakers_by_session(page.event).get(page.session.id, []),
        slides=speaker_services.published_slides(page.session),
        booths=exhibitor_services.booths_by_session(page.event).get(page.session.id, []),
        **page._asdict(),
    )
