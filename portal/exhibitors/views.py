"""Foyer exhibition: exhibitors' booths, the organisers' list and plan, the public page."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth import has_role, role_required
from portal.exhibitors import bp, services
from portal.exhibitors.forms import BoothForm, DecisionForm, PlaceForm, PlacementForm
from portal.exhibitors.models import STATE_LABELS
from portal.htmx import is_htmx
from portal.storage import send_upload

ORGANISER = "/organisation/veranstaltungen/<slug>/ausstellung"
FILE_KINDS = "<any(logo,flyer):kind>"
CREATED = {
    True: _l("Ihr Stand ist angemeldet. Sie erhalten eine Bestätigung per E-Mail."),
    False: _l("Dieser Stand ist bereits angemeldet."),
}


@bp.app_template_filter("booth_state")
def booth_state_label(state) -> str:
    """'approved' -> 'genehmigt'."""
    return str(STATE_LABELS.get(state, state))


def _user():
    return current_user._get_current_object()


def _status(form) -> int:
    return 422 if form.is_submitted() else 200


def _download(booth, kind):
    stored = services.booth_file(booth, kind) or abort(404)
    return send_upload(stored)


# --- exhibitors -----------------------------------------------------------------------


@bp.get("/aussteller")
@role_required("exhibitor")
def index():
    """Meine Infostände: own booths with state and place, and events open for booths."""
    return render_template(
        "exhibitors/index.html", booths=services.my_booths(_user()), events=services.open_events()
    )


@bp.route("/veranstaltungen/<slug>/ausstellung/anmelden", methods=["GET", "POST"])
@role_required("exhibitor")
def new_booth(slug):
    """Register a booth for an event until the booth deadline."""
    event = services.get_event_for_booths(slug) or abort(404)
    deadline = services.booth_deadline(event)
    if not services.registration_open(event, deadline):
        status = 422 if request.method == "POST" else 200
        return render_template("exhibitors/closed.html", event=event, deadline=deadline), status
    form = BoothForm()
    form.set_session_choices(services.session_choices(event))
    if form.validate_on_submit():
        try:
            booth, created = services.create_booth(
                event=event, owner=_user(), **form.values(), **form.files()
            )
        except services.InvalidBooth as exc:
            form.bind_errors(exc.errors)
        except services.BoothError:  # the deadline passed while the form was open
            return render_template("exhibitors/closed.html", event=event, deadline=deadline), 422
        else:
            flash(CREATED[created], "success" if created else "info")
            return redirect(url_for(".edit_booth", booth_id=booth.id), 303)
    return render_template(
        "exhibitors/booth_form.html", form=form, event=event, deadline=deadline, page=None
    ), _status(form)


def _own_booth_or_404(booth_id):
    return services.get_own_booth(_user(), booth_id) or abort(404)


@bp.route("/aussteller/staende/<int:booth_id>", methods=["GET", "POST"])
@role_required("exhibitor")
def edit_booth(booth_id):
    """One's booth: state, place and the form (until the booth deadline)."""
    booth = _own_booth_or_404(booth_id)
    page = services.booth_page(booth)
    form = BoothForm(data=BoothForm.initial(booth, page.staff))
    form.set_session_choices(services.session_choices(booth.event))
    error = None
    if form.validate_on_submit():
        try:
            services.update_booth(booth, actor=_user(), **form.values(), **form.files())
        except services.InvalidBooth as exc:
            form.bind_errors(exc.errors)
        except services.BoothError as exc:
            error = exc.message
        else:
            flash(_("Ihre Änderungen wurden gespeichert."), "success")
            return redirect(url_for(".edit_booth", booth_id=booth.id), 303)
    return render_template(
        "exhibitors/booth_form.html",
        form=form,
        event=booth.event,
        deadline=page.deadline,
        page=page,
        error=error,
    ), _status(form)


@bp.get("/aussteller/staende/<int:booth_id>/" + FILE_KINDS)
@role_required("exhibitor")
def own_file(booth_id, kind):
    """Download one's own logo or flyer."""
    return _download(_own_booth_or_404(booth_id), kind)


# --- organisers: booths ---------------------------------------------------------------


def _event_or_404(slug):
    return services.get_event(slug) or abort(404)


@bp.get(ORGANISER)
@role_required("organiser")
def list_booths(slug):
    """Every booth of an event with state, needs and staff."""
    overview = services.organiser_overview(_event_or_404(slug))
    return render_template("exhibitors/admin_list.html", **overview._asdict())


@bp.route(ORGANISER + "/staende/<int:booth_id>", methods=["GET", "POST"])
@role_required("organiser")
def review_booth(slug, booth_id):
    """A booth's details and the decision: approve, waitlist or reject (mailed)."""
    event = _event_or_404(slug)
    booth = services.get_event_booth(event, booth_id) or abort(404)
    form = DecisionForm()
    error = None
    if form.validate_on_submit():
        try:
            booth = services.decide_booth(booth, actor=_user(), **form.data_for_service())
        except services.InvalidBooth as exc:
            form.bind_errors(exc.errors)
        except services.BoothError as exc:
            error = exc.message
        else:
            flash(
                _(
                    "Die Entscheidung „%(state)s“ wurde gespeichert und dem Aussteller gesendet.",
                    state=booth.state_label,
                ),
                "success",
            )
            return redirect(url_for(".review_booth", slug=slug, booth_id=booth.id), 303)
    return render_template(
        "exhibitors/admin_booth.html",
        event=event,
        booth=booth,
        staff=services.staff_of(booth),
        form=form,
        error=error,
    ), (422 if form.is_submitted() else 200)


@bp.get(ORGANISER + "/staende/<int:booth_id>/" + FILE_KINDS)
@role_required("organiser")
def organiser_file(slug, booth_id, kind):
    """Download a booth's logo or flyer."""
    booth = services.get_event_booth(_event_or_404(slug), booth_id) or abort(404)
    return _download(booth, kind)


# --- organisers: the plan -------------------------------------------------------------


def _plan_page(event, place_form=None, status=200):
    page = services.plan_page(event)
    return render_template(
        "exhibitors/plan.html", page=page, place_form=place_form or PlaceForm(formdata=None)
    ), status


@bp.get(ORGANISER + "/plan")
@role_required("organiser")
def plan(slug):
    """The foyer plan: places on a grid and approved booths placed on them."""
    return _plan_page(_event_or_404(slug))


@bp.post(ORGANISER + "/plan/platzieren")
@role_required("organiser")
def place_booth(slug):
    """Put a booth on a place (select and button, or drag-and-drop); one booth per place."""
    event = _event_or_404(slug)
    form = PlacementForm()
    if not form.validate_on_submit():
        abort(400)
    booth = services.get_event_booth(event, form.booth.data) or abort(404)
    place = None
    if form.place.data is not None:
        place = services.get_event_place(event, form.place.data) or abort(404)
    try:
        placement = services.assign_place(booth, place, actor=_user())
    except services.BoothError as exc:
        message, category, status = exc.message, "error", 422
    else:
        message, category, status = _placement_message(placement), "success", 200
    if not is_htmx():
        flash(message, category)
        return redirect(url_for(".plan", slug=slug, _anchor=f"booth-item-{booth.id}"), 303)
    return render_template(
        "exhibitors/_plan_response.html",
        page=services.plan_page(event),
        focus_id=f"booth-item-{booth.id}",
        message=message,
        error=message if status == 422 else None,
    ), status


def _placement_message(placement) -> str:
    """'„X“ steht jetzt auf Platz 3.' plus the power warning."""
    booth, place = placement.booth, placement.place
    if place is None:
        return _("„%(name)s“ hat jetzt keinen Platz.", name=booth.organisation)
    text = _("„%(name)s“ steht jetzt auf %(place)s.", name=booth.organisation, place=place.name)
    if placement.power_warning:
        text += " " + _("Achtung: Der Stand braucht Strom, dieser Platz hat keinen Stromanschluss.")
    return text


@bp.post(ORGANISER + "/plan/plaetze")
@role_required("organiser")
def new_place(slug):
    """Add a place to the plan."""
    event = _event_or_404(slug)
    form = PlaceForm()
    if form.validate_on_submit():
        try:
            place = services.create_place(event, actor=_user(), **form.values())
        except services.InvalidBooth as exc:
            form.bind_errors(exc.errors)
        else:
            flash(_("%(place)s wurde angelegt.", place=place.name), "success")
            return redirect(url_for(".plan", slug=slug), 303)
    return _plan_page(event, form, 422)


@bp.route(ORGANISER + "/plan/plaetze/<int:place_id>", methods=["GET", "POST"])
@role_required("organiser")
def edit_place(slug, place_id):
    """Change a place's number, label, position, size or socket."""
    event = _event_or_404(slug)
    place = services.get_event_place(event, place_id) or abort(404)
    form = PlaceForm(obj=place)
    if form.validate_on_submit():
        try:
            services.update_place(place, actor=_user(), **form.values())
        except services.InvalidBooth as exc:
            form.bind_errors(exc.errors)
        else:
            flash(_("Gespeichert."), "success")
            return redirect(url_for(".plan", slug=slug), 303)
    return render_template(
        "exhibitors/place_form.html", event=event, place=place, form=form
    ), _status(form)


@bp.post(ORGANISER + "/plan/plaetze/<int:place_id>/loeschen")
@role_required("organiser")
def delete_place(slug, place_id):
    """Remove a free place from the plan."""
    event = _event_or_404(slug)
    place = services.get_event_place(event, place_id) or abort(404)
    try:
        services.delete_place(place, actor=_user())
    except services.BoothError as exc:
        flash(exc.message, "error")
    else:
        flash(_("%(place)s wurde entfernt.", place=place.name), "success")
    return redirect(url_for(".plan", slug=slug), 303)


# --- public ---------------------------------------------------------------------------


@bp.get("/veranstaltungen/<slug>/ausstellung")
def exhibition(slug):
    """Ausstellung im Foyer: approved booths, the plan as SVG and a text list."""
    page = services.exhibition_page(slug, include_drafts=has_role("organiser")) or abort(404)
    return render_template("exhibitors/exhibition.html", **page._asdict())


@bp.get("/veranstaltungen/<slug>/ausstellung/<int:booth_id>/" + FILE_KINDS)
def public_file(slug, booth_id, kind):
    """Logo or flyer of an approved booth."""
    stored = services.public_booth_file(
        slug, booth_id, kind, include_drafts=has_role("organiser")
    ) or abort(404)
    return send_upload(stored)
