"""Event registration: form, self-service and the organisers' list."""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.auth import role_required
from portal.htmx import is_htmx, render_page_or_fragment
from portal.registration import bp, exports, services
from portal.registration.forms import DecisionForm, FilterForm, RegistrationForm, SettingsForm
from portal.registration.models import STATE_LABELS

ORGANISER = "/organisation/veranstaltungen/<slug>/anmeldungen"


def _user():
    return current_user._get_current_object()


def _send(content: bytes, mimetype: str, filename: str):
    response = make_response(content)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _outcome_message(registration, created=True) -> str:
    """The flash after registering, by state."""
    state = registration.state
    if not created:
        return _(
            "Sie sind für diese Veranstaltung bereits angemeldet (%(state)s).",
            state=registration.state_label,
        )
    if state == services.State.CONFIRMED:
        return _(
            "Ihre Anmeldung ist bestätigt. Die Bestätigung mit Kalendereintrag haben wir an "
            "%(email)s gesendet.",
            email=registration.email,
        )
    if state == services.State.WAITLISTED:
        return _(
            "Die Veranstaltung ist ausgebucht. Sie stehen auf Platz %(position)s der Warteliste "
            "und rücken automatisch nach, sobald ein Platz frei wird.",
            position=services.waitlist_position(registration),
        )
    return _("Ihre Anmeldung ist eingegangen und wird vom Organisationsbüro geprüft.")


# Status codes of a refused registration form; a closed window answers 200 (422 to a POST).
REFUSAL_STATUS = {"unavailable": 404, "unconfirmed": 403}


@bp.context_processor
def _registration_context():
    return {"state_labels": STATE_LABELS, "is_htmx": is_htmx()}


@bp.app_template_global()
def registration_cta(event):
    """The event page's call to action (used by registration/_event_cta.html)."""
    return services.cta_for(event, current_user)


# --- attendees ------------------------------------------------------------------------


@bp.route("/veranstaltungen/<slug>/anmeldung", methods=["GET", "POST"])
@login_required
def register(slug):
    """Show the registration form and register."""
    event = services.get_event_for_registration(slug) or abort(404)
    page = services.registration_page(event, _user(), with_prefill=request.method == "GET")
    if page.existing is not None:
        flash(_outcome_message(page.existing, created=False), "info")
        return redirect(url_for(".list_mine"), 303)
    if page.refusal is not None:
        status = REFUSAL_STATUS.get(page.refusal, 422 if request.method == "POST" else 200)
        return render_template("registration/closed.html", event=event, page=page), status
    form = RegistrationForm(event=event, settings=page.settings, data=page.prefill)
    if form.validate_on_submit():
        try:
            registration, created = services.register(event=event, user=_user(), **form.values())
        except services.InvalidRegistration as exc:
            form.bind_errors(exc.errors)
        except services.RegistrationError as exc:
            flash(exc.message, "error")
            return redirect(url_for(".register", slug=slug), 303)
        else:
            flash(_outcome_message(registration, created), "success" if created else "info")
            return redirect(url_for(".list_mine"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "registration/form.html", form=form, event=event, page=page, action="register"
    ), status


@bp.get("/meine-anmeldungen")
@login_required
def list_mine():
    """Meine Anmeldungen: every registration with its state and what can be done."""
    return render_template("registration/mine.html", rows=services.my_registrations(_user()))


def _own_or_404(registration_id):
    return services.get_own_registration(_user(), registration_id) or abort(404)


@bp.route("/meine-anmeldungen/<int:registration_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit_registration(registration_id):
    """Change one's details until the registration deadline."""
    registration = _own_or_404(registration_id)
    page = services.edit_page(registration)
    form = RegistrationForm(
        event=registration.event,
        settings=page.settings,
        data=RegistrationForm.initial(registration),
    )
    if page.refusal is None and form.validate_on_submit():
        try:
            services.update_registration(registration, actor=_user(), **form.values())
        except services.InvalidRegistration as exc:
            form.bind_errors(exc.errors)
        else:
            flash(_("Ihre Änderungen wurden gespeichert."), "success")
            return redirect(url_for(".list_mine"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "registration/form.html",
        form=form,
        event=registration.event,
        page=page,
        registration=registration,
        action="edit",
    ), status


@bp.route("/meine-anmeldungen/<int:registration_id>/stornieren", methods=["GET", "POST"])
@login_required
def cancel_registration(registration_id):
    """Ask for confirmation, then cancel (until the event starts)."""
    registration = _own_or_404(registration_id)
    if request.method == "POST":
        try:
            services.cancel_registration(registration, actor=_user())
        except services.RegistrationError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Ihre Anmeldung wurde storniert."), "success")
        return redirect(url_for(".list_mine"), 303)
    allowed = services.can_cancel(registration, registration.event)
    return render_template(
        "registration/cancel.html", registration=registration, allowed=allowed
    ), (200 if allowed else 422)


@bp.get("/meine-anmeldungen/<int:registration_id>/bestaetigung.pdf")
@login_required
def download_confirmation(registration_id):
    """The confirmation of a confirmed registration as PDF."""
    registration = _own_or_404(registration_id)
    pdf = services.confirmation_pdf(registration) or abort(404)
    return _send(pdf, "application/pdf", f"anmeldebestaetigung-{registration.event.slug}.pdf")


@bp.get("/meine-anmeldungen/<int:registration_id>/veranstaltung.ics")
@login_required
def download_calendar(registration_id):
    """The event as a calendar entry (Europe/Berlin) for a confirmed registration."""
    registration = _own_or_404(registration_id)
    ics = services.calendar_entry(registration) or abort(404)
    return _send(ics, "text/calendar; charset=utf-8", f"{registration.event.slug}.ics")


# --- organisers -----------------------------------------------------------------------


def _event_or_404(slug):
    return services.get_event(slug) or abort(404)


@bp.get(ORGANISER)
@role_required("organiser")
def list_registrations(slug):
    """The organisers' list with live search, filters and counts per state."""
    event = _event_or_404(slug)
    form = FilterForm(request.args, event=event)
    overview = services.organiser_overview(event, services.Filters(**form.filters()))
    return render_page_or_fragment(
        "registration/admin_list.html",
        "registration/_list.html",
        event=event,
        form=form,
        overview=overview,
        query={name: value for name, value in form.filters().items() if value},
    )


@bp.get(ORGANISER + "/export.<fmt>")
@role_required("organiser")
def export_registrations(slug, fmt):
    """The (filtered) list as CSV for German Excel or as XLSX."""
    event = _event_or_404(slug)
    if fmt not in exports.FORMATS:
        abort(404)
    form = FilterForm(request.args, event=event)
    overview = services.organiser_overview(event, services.Filters(**form.filters()))
    content, mimetype = exports.export(fmt, overview.registrations, overview.positions)
    return _send(content, mimetype, f"anmeldungen-{event.slug}.{fmt}")


@bp.route(ORGANISER + "/einstellungen", methods=["GET", "POST"])
@role_required("organiser")
def edit_settings(slug):
    """Capacity, opening, deadline (with extension), approval and optional questions."""
    event = _event_or_404(slug)
    page = services.settings_page(event)
    form = SettingsForm(data=page.initial)
    if form.validate_on_submit():
        try:
            services.update_settings(event, actor=_user(), **form.values())
        except services.InvalidRegistration as exc:
            form.bind_errors(exc.errors)
        else:
            flash(_("Die Einstellungen wurden gespeichert."), "success")
            return redirect(url_for(".list_registrations", slug=slug), 303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "registration/admin_settings.html", event=event, form=form, page=page
    ), status


@bp.route(ORGANISER + "/nachmeldung", methods=["GET", "POST"])
@role_required("organiser")
def add_late_registration(slug):
    """Enter a registration by hand, also after the deadline."""
    event = _event_or_404(slug)
    settings = services.settings_for(event)
    form = RegistrationForm(event=event, settings=settings)
    if form.validate_on_submit():
        try:
            registration, created = services.add_late_registration(
                event=event, actor=_user(), **form.values()
            )
        except services.InvalidRegistration as exc:
            form.bind_errors(exc.errors)
        except services.RegistrationError as exc:
            flash(exc.message, "error")
            return redirect(url_for(".list_registrations", slug=slug), 303)
        else:
            flash(_late_message(registration, created), "success" if created else "info")
            return redirect(
                url_for(".show_registration", slug=slug, registration_id=registration.id), 303
            )
    status = 422 if form.is_submitted() else 200
    return render_template(
        "registration/admin_new.html", event=event, form=form, settings=settings
    ), status


def _late_message(registration, created) -> str:
    if not created:
        return _("Für dieses Konto besteht bereits eine Anmeldung; sie wird hier angezeigt.")
    return _("Die Nachmeldung wurde gespeichert (%(state)s).", state=registration.state_label)


def _event_registration_or_404(slug, registration_id):
    event = _event_or_404(slug)
    return event, services.get_event_registration(event, registration_id) or abort(404)


@bp.get(ORGANISER + "/<int:registration_id>")
@role_required("organiser")
def show_registration(slug, registration_id):
    """One registration with every detail, the decision form and cancelling."""
    event, registration = _event_registration_or_404(slug, registration_id)
    return render_template(
        "registration/admin_show.html",
        event=event,
        registration=registration,
        form=DecisionForm(),
        position=services.waitlist_positions(event).get(registration.id),
    )


@bp.post(ORGANISER + "/<int:registration_id>/entscheidung")
@role_required("organiser")
def decide_registration(slug, registration_id):
    """Approve or reject a pending registration with a message."""
    event, registration = _event_registration_or_404(slug, registration_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            services.decide_registration(
                registration,
                approve=form.decision.data == "approve",
                message=form.message.data,
                actor=_user(),
            )
        except services.InvalidRegistration as exc:
            form.bind_errors(exc.errors)
        except services.RegistrationError as exc:
            flash(exc.message, "error")
            return redirect(
                url_for(".show_registration", slug=slug, registration_id=registration_id), 303
            )
        else:
            flash(_("Die Entscheidung wurde gespeichert und mitgeteilt."), "success")
            return redirect(url_for(".list_registrations", slug=slug), 303)
    return render_template(
        "registration/admin_show.html",
        event=event,
        registration=registration,
        form=form,
        position=None,
    ), 422


@bp.post(ORGANISER + "/<int:registration_id>/stornieren")
@role_required("organiser")
def cancel_by_organiser(slug, registration_id):
    """Cancel a registration on the person's behalf (also after the start)."""
    event, registration = _event_registration_or_404(slug, registration_id)
    services.cancel_registration(registration, actor=_user(), by_organiser=True)
    flash(_("Die Anmeldung wurde storniert."), "success")
    return redirect(url_for(".show_registration", slug=slug, registration_id=registration_id), 303)


# --- command line ---------------------------------------------------------------------


@bp.cli.command("purge-sensitive")
def purge_sensitive_command():
    """Erase dietary and accessibility data of events that have ended."""
    import click

    from portal.extensions import db

    with db.connection_context():
        count = services.purge_sensitive()
    click.echo(f"Sensible Angaben gelöscht: {count} Anmeldung(en).")
