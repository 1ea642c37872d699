"""Organisers' back office: events, sessions and deadlines."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth import role_required
from portal.backoffice import bp
from portal.events import services
from portal.events.forms import DeadlineEditForm, EventEditForm, SessionEditForm
from portal.events.models import DeadlineKind


def _actor():
    return current_user._get_current_object()


def _event_or_404(event_id: int):
    event = services.get_event(event_id)
    if event is None:
        abort(404)
    return event


def _saved(endpoint: str, **values):
    """Flash the confirmation and answer the POST with a 303 redirect."""
    flash(_("Gespeichert."), "success")
    return redirect(url_for(endpoint, **values), 303)


def _render_form(template: str, **context):
    """A form page: 422 when it comes back from a failed POST."""
    status = 422 if request.method == "POST" else 200
    return render_template(template, **context), status


@bp.get("/")
@role_required("organiser")
def index():
    """Every event with its status."""
    return render_template("backoffice/index.html", events=services.all_events())


@bp.route("/veranstaltungen/neu", methods=["GET", "POST"])
@role_required("organiser")
def new_event():
    """Create an event."""
    form = EventEditForm()
    if form.validate_on_submit():
        try:
            event = services.create_event(actor=_actor(), **form.values())
        except services.ValidationError as exc:
            form.bind_errors(exc.errors)
        else:
            return _saved("backoffice.edit_event", event_id=event.id)
    return _render_form("backoffice/event_form.html", form=form, event=None)


@bp.route("/veranstaltungen/<int:event_id>", methods=["GET", "POST"])
@role_required("organiser")
def edit_event(event_id):
    """Edit an event's facts and status."""
    event = _event_or_404(event_id)
    form = EventEditForm(obj=event)
    if form.validate_on_submit():
        try:
            services.update_event(event, actor=_actor(), **form.values())
        except services.ValidationError as exc:
            form.bind_errors(exc.errors)
        else:
            return _saved("backoffice.edit_event", event_id=event.id)
    return _render_form("backoffice/event_form.html", form=form, event=event)


def _deadline_forms(rows, posted: DeadlineEditForm | None = None, posted_kind=None) -> dict:
    """One form per deadline kind, filled with the current date; `posted` replaces its own."""
    forms = {}
    for row in rows:
        data = {}
        if row.deadline is not None:
            data = {"due_on": row.deadline.due_at.date(), "due_time": row.deadline.due_at.time()}
        forms[row.kind] = DeadlineEditForm(formdata=None, prefix=row.kind.value, data=data)
    if posted is not None:
        forms[posted_kind] = posted
    return forms


@bp.get("/veranstaltungen/<int:event_id>/fristen")
@role_required("organiser")
def event_deadlines(event_id):
    """Deadlines of an event with their history."""
    event = _event_or_404(event_id)
    rows = services.deadline_rows(event)
    return render_template(
        "backoffice/deadlines.html", event=event, rows=rows, forms=_deadline_forms(rows)
    )


@bp.post("/veranstaltungen/<int:event_id>/fristen/<kind>")
@role_required("organiser")
def set_deadline(event_id, kind):
    """Set or extend one deadline."""
    event = _event_or_404(event_id)
    if kind not in {k.value for k in DeadlineKind}:
        abort(404)
    form = DeadlineEditForm(prefix=kind)
    if form.validate_on_submit():
        try:
            services.change_deadline(event, kind, form.due_at(), actor=_actor())
        except services.ValidationError as exc:
            form.bind_errors(exc.errors)
        else:
            return _saved("backoffice.event_deadlines", event_id=event.id, _anchor=f"frist-{kind}")
    rows = services.deadline_rows(event)
    forms = _deadline_forms(rows, form, DeadlineKind(kind))
    return _render_form("backoffice/deadlines.html", event=event, rows=rows, forms=forms)


@bp.get("/veranstaltungen/<int:event_id>/programm")
@role_required("organiser")
def event_sessions(event_id):
    """The programme of an event, for editing."""
    event = _event_or_404(event_id)
    sessions = services.event_sessions(event)
    return render_template("backoffice/sessions.html", event=event, sessions=sessions)


@bp.route("/veranstaltungen/<int:event_id>/programm/neu", methods=["GET", "POST"])
@role_required("organiser")
def new_session(event_id):
    """Add a programme item."""
    event = _event_or_404(event_id)
    form = SessionEditForm(data={"day": event.starts_on})
    form.set_required_choices(services.event_sessions(event))
    if form.validate_on_submit():
        try:
            services.create_session(event, actor=_actor(), **form.values())
        except services.ValidationError as exc:
            form.bind_errors(exc.errors)
        else:
            return _saved("backoffice.event_sessions", event_id=event.id)
    return _render_form("backoffice/session_form.html", form=form, event=event, session=None)


def _session_or_404(event, session_id):
    session = services.get_event_session(event, session_id)
    if session is None:
        abort(404)
    return session


@bp.route("/veranstaltungen/<int:event_id>/programm/<int:session_id>", methods=["GET", "POST"])
@role_required("organiser")
def edit_session(event_id, session_id):
    """Edit a programme item."""
    event = _event_or_404(event_id)
    session = _session_or_404(event, session_id)
    form = SessionEditForm(data=SessionEditForm.initial(session))
    form.set_required_choices(services.event_sessions(event), current=session)
    if form.validate_on_submit():
        try:
            services.update_session(session, actor=_actor(), **form.values())
        except services.ValidationError as exc:
            form.bind_errors(exc.errors)
        else:
            return _saved("backoffice.event_sessions", event_id=event.id)
    return _render_form("backoffice/session_form.html", form=form, event=event, session=session)


@bp.route(
    "/veranstaltungen/<int:event_id>/programm/<int:session_id>/loeschen",
    methods=["GET", "POST"],
)
@role_required("organiser")
def delete_session(event_id, session_id):
    """Ask, then delete a programme item."""
    event = _event_or_404(event_id)
    session = _session_or_404(event, session_id)
    error = None
    if request.method == "POST":
        try:
            services.delete_session(session, actor=_actor())
        except services.ValidationError as exc:
            error = exc.errors["session"]
        else:
            flash(_("Der Programmpunkt wurde gelöscht."), "success")
            return redirect(url_for("backoffice.event_sessions", event_id=event.id), 303)
    return _render_form("backoffice/session_delete.html", event=event, session=session, error=error)
