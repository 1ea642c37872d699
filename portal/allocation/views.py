"""Allocation pages: the organisers' runs, pins and changes; offers; moderators' tables."""

import click
from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.allocation import bp, documents, services
from portal.allocation.forms import (
    ModeratorForm,
    PinForm,
    PublishForm,
    ReassignForm,
    RunForm,
    SettingsForm,
)
from portal.auth import has_role, role_required

ORGANISER = "/organisation/veranstaltungen/<slug>/zuteilung"


def _user():
    return current_user._get_current_object()


def _event_or_404(slug):
    return services.get_event(slug) or abort(404)


def _done(message, endpoint, category="success", **values):
    """Flash the outcome and answer the POST with a 303 redirect."""
    flash(message, category)
    return redirect(url_for(endpoint, **values), 303)


def _download(content: bytes, mimetype: str, filename: str):
    response = make_response(content)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- overview, settings, runs -----------------------------------------------------------


def _overview(event, status=200, run_form=None, settings_form=None):
    page = services.overview_page(event)
    if settings_form is None:
        settings_form = SettingsForm(formdata=None, obj=page.settings)
    return render_template(
        "allocation/index.html",
        page=page,
        run_form=run_form or RunForm(formdata=None),
        settings_form=settings_form,
    ), status


@bp.get(ORGANISER)
@role_required("organiser")
def index(slug):
    """Deadline, settings, 'Zuteilung berechnen' and every run of the event."""
    return _overview(_event_or_404(slug))


@bp.post(ORGANISER + "/berechnen")
@role_required("organiser")
def run_allocation(slug):
    """Compute a dry run; before the deadline only with a reason."""
    event = _event_or_404(slug)
    form = RunForm()
    if form.validate_on_submit():
        try:
            run = services.run_allocation(
                event, actor=_user(), override_reason=form.override_reason.data
            )
        except services.AllocationError as exc:
            form.bind_error(exc)
        else:
            message = _("Lauf %(number)s wurde berechnet.", number=run.number)
            return _done(message, ".show_run", slug=slug, run_id=run.id)
    return _overview(event, 422, run_form=form)


@bp.post(ORGANISER + "/einstellungen")
@role_required("organiser")
def update_settings(slug):
    """Priority of the target group and the hours an offer stays open."""
    event = _event_or_404(slug)
    form = SettingsForm()
    if form.validate_on_submit():
        try:
            services.update_settings(event, actor=_user(), **form.values())
        except services.AllocationError as exc:
            form.bind_error(exc)
        else:
            return _done(_("Einstellungen gespeichert."), ".index", slug=slug)
    return _overview(event, 422, settings_form=form)


@bp.get(ORGANISER + "/laeufe/<int:run_id>")
@role_required("organiser")
def show_run(slug, run_id):
    """A run: rank profile, worst rank, fill per session and the difference to the last."""
    page = services.run_page(_event_or_404(slug), run_id) or abort(404)
    return render_template("allocation/run.html", page=page)


@bp.route(ORGANISER + "/laeufe/<int:run_id>/veroeffentlichen", methods=["GET", "POST"])
@role_required("organiser")
def publish_run(slug, run_id):
    """The confirmation step, then publication with a mail to every attendee."""
    event = _event_or_404(slug)
    page = services.publish_page(event, run_id) or abort(404)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            count = services.publish_run(page.run, actor=_user())
        except services.AllocationError as exc:
            form.bind_error(exc)
        else:
            message = _(
                "Die Zuteilung ist veröffentlicht; %(count)s E-Mails gehen hinaus.", count=count
            )
            return _done(message, ".show_run", slug=slug, run_id=run_id)
    status = 422 if request.method == "POST" else 200
    return render_template("allocation/publish.html", page=page, form=form), status


@bp.get(ORGANISER + "/laeufe/<int:run_id>/tische.<any(pdf, csv):fmt>")
@role_required("organiser")
def download_tables(slug, run_id, fmt):
    """Table lists of a run as PDF or CSV."""
    event = _event_or_404(slug)
    run = services.get_run(event, run_id) or abort(404)
    tables = services.run_tables(run)
    name = f"tische-{event.slug}-lauf-{run.number}.{fmt}"
    if fmt == "csv":
        return _download(documents.tables_csv(tables), "text/csv; charset=utf-8", name)
    return _download(documents.tables_pdf(event, run, tables), "application/pdf", name)


# --- pins -------------------------------------------------------------------------------


def _pins(event, form=None, status=200):
    page = services.pins_page(event)
    form = form or PinForm(formdata=None)
    form.set_choices(page.choices)
    return render_template("allocation/pins.html", page=page, form=form), status


@bp.get(ORGANISER + "/festlegungen")
@role_required("organiser")
def list_pins(slug):
    """Pins and forbids, and the form to add one."""
    return _pins(_event_or_404(slug))


@bp.post(ORGANISER + "/festlegungen")
@role_required("organiser")
def add_pin(slug):
    """Pin an attendee to a session, or forbid it."""
    event = _event_or_404(slug)
    form = PinForm()
    form.set_choices(services.pins_page(event).choices)
    if form.validate_on_submit():
        try:
            services.add_pin(event, actor=_user(), **form.values())
        except services.AllocationError as exc:
            form.bind_error(exc)
        else:
            return _done(_("Festlegung gespeichert."), ".list_pins", slug=slug)
    return _pins(event, form, 422)


@bp.post(ORGANISER + "/festlegungen/<int:pin_id>/entfernen")
@role_required("organiser")
def remove_pin(slug, pin_id):
    """Remove a pin or forbid."""
    event = _event_or_404(slug)
    try:
        services.remove_pin(event, pin_id, actor=_user())
    except services.AllocationError as exc:
        return _done(exc.message, ".list_pins", "error", slug=slug)
    return _done(_("Festlegung entfernt."), ".list_pins", slug=slug)


# --- after publication ------------------------------------------------------------------


def _live(event, status=200, reassign_form=None, failed_table=None):
    page = services.live_page(event)
    reassign_form = reassign_form or ReassignForm(formdata=None)
    reassign_form.set_choices(page.choices)
    moderator_forms = {}
    for table in page.tables:
        if failed_table is not None and failed_table.table_id == table.id:
            form = failed_table
        else:
            data = {"moderator": table.moderator.id if table.moderator else None}
            form = ModeratorForm(formdata=None, prefix=f"table-{table.id}", data=data)
        form.set_choices(page.moderators)
        moderator_forms[table.id] = form
    return render_template(
        "allocation/live.html",
        page=page,
        reassign_form=reassign_form,
        moderator_forms=moderator_forms,
    ), status


@bp.get(ORGANISER + "/aenderungen")
@role_required("organiser")
def changes(slug):
    """After publication: reassign, offers, late registrants, moderators."""
    return _live(_event_or_404(slug))


@bp.post(ORGANISER + "/umbuchen")
@role_required("organiser")
def reassign(slug):
    """Move one attendee, with a reason that is mailed to them."""
    event = _event_or_404(slug)
    form = ReassignForm()
    form.set_choices(services.live_page(event).choices)
    if form.validate_on_submit():
        try:
            registration = services.reassign(event, actor=_user(), **form.values())
        except services.AllocationError as exc:
            form.bind_error(exc)
        else:
            message = _("%(name)s wurde umgebucht und benachrichtigt.", name=registration.full_name)
            return _done(message, ".changes", slug=slug)
    return _live(event, 422, reassign_form=form)


@bp.post(ORGANISER + "/angebote")
@role_required("organiser")
def refresh_offers(slug):
    """Expire overdue offers and offer every free seat."""
    expired, offered = services.refresh_offers(_event_or_404(slug), actor=_user())
    message = _(
        "%(expired)s Angebote abgelaufen, %(offered)s neue Angebote verschickt.",
        expired=expired,
        offered=offered,
    )
    return _done(message, ".changes", slug=slug)


@bp.post(ORGANISER + "/nachmeldungen")
@role_required("organiser")
def place_late(slug):
    """Place late registrants into free seats without moving anyone."""
    try:
        count = services.place_all_late(_event_or_404(slug), actor=_user())
    except services.AllocationError as exc:
        return _done(exc.message, ".changes", "error", slug=slug)
    return _done(_("%(count)s Nachmeldungen eingeteilt.", count=count), ".changes", slug=slug)


@bp.post(ORGANISER + "/moderation")
@role_required("organiser")
def assign_moderators(slug):
    """One free moderator for every table without one."""
    try:
        count = services.assign_moderators(_event_or_404(slug), actor=_user())
    except services.AllocationError as exc:
        return _done(exc.message, ".changes", "error", slug=slug)
    return _done(
        _("%(count)s Tische haben eine Moderation erhalten.", count=count), ".changes", slug=slug
    )


@bp.post(ORGANISER + "/tische/<int:table_id>/moderation")
@role_required("organiser")
def set_moderator(slug, table_id):
    """Set or clear one table's moderator."""
    event = _event_or_404(slug)
    form = ModeratorForm(prefix=f"table-{table_id}")
    form.table_id = table_id
    form.set_choices(services.moderators_of(event))
    if form.validate_on_submit():
        try:
            services.set_table_moderator(
                event, table_id=table_id, moderator_id=form.moderator.data, actor=_user()
            )
        except services.AllocationError as exc:
            form.bind_error(exc)
        else:
            return _done(_("Moderation gespeichert."), ".changes", slug=slug)
    return _live(event, 422, failed_table=form)


@bp.get(ORGANISER + "/protokoll")
@role_required("organiser")
def audit_trail(slug):
    """Every run, pin, publication and change: who, when, what."""
    event = _event_or_404(slug)
    return render_template("allocation/audit.html", event=event, rows=services.audit_page(event))


# --- attendees --------------------------------------------------------------------------


@bp.app_template_global()
def allocation_seats(registration) -> list:
    """The published seats of one of the current user's registrations (one query per page)."""
    if not current_user.is_authenticated:
        return []
    if "allocation_seats" not in g:
        g.allocation_seats = services.assignments_of_user(_user())
    return g.allocation_seats.get(registration.id, [])


@bp.get("/zuteilung/angebot/<token>")
@login_required
def show_offer(token):
    """A freed seat offered to the current user; someone else's link is a 404."""
    page = services.offer_page(token, _user()) or abort(404)
    return render_template("allocation/offer.html", page=page)


@bp.post("/zuteilung/angebot/<token>/<any(annehmen, ablehnen):answer>")
@login_required
def answer_offer(token, answer):
    """Accept (move to the offered session) or decline an offer."""
    try:
        offer = services.respond_to_offer(token, user=_user(), accept=answer == "annehmen")
    except services.OfferClosed as exc:
        return _done(exc.message, ".show_offer", "error", token=token)
    if offer is None:
        abort(404)
    if answer == "annehmen":
        return _done(_("Sie haben den Platz angenommen."), "registration.list_mine")
    return _done(_("Sie haben das Angebot abgelehnt."), "registration.list_mine")


@bp.get("/zuteilung/anmeldungen/<int:registration_id>/sessions.ics")
@login_required
def download_calendar(registration_id):
    """The current user's assigned sessions as a calendar file."""
    found = services.calendar_for(_user(), registration_id) or abort(404)
    registration, event, seats = found
    content = documents.sessions_ics(registration, event, seats)
    return _download(content, "text/calendar; charset=utf-8", f"sessions-{event.slug}.ics")


# --- moderators -------------------------------------------------------------------------


@bp.get("/moderation/<slug>")
@login_required
def moderation(slug):
    """The tables the current user moderates at this event."""
    event = _event_or_404(slug)
    if not has_role("moderator", event):
        abort(404)
    tables = services.moderator_tables(event, _user())
    return render_template("allocation/moderation.html", event=event, tables=tables)


@bp.get("/moderation/<slug>/tische/<int:table_id>")
@login_required
def moderation_table(slug, table_id):
    """One table's list; only for its moderator (another table is a 404)."""
    event = _event_or_404(slug)
    table = services.moderator_table(event, _user(), table_id) or abort(404)
    return render_template("allocation/moderation_table.html", event=event, table=table)


# --- command line -----------------------------------------------------------------------


@bp.cli.command("offers")
def offers_command():
    """Expire overdue seat offers and offer free seats to the next attendees."""
    expired, offered = services.refresh_all_offers()
    click.echo(f"abgelaufen: {expired}, neu angeboten: {offered}")
