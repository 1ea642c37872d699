"""Ranking page of attendees, its save endpoint, and the organisers' demand view and export."""

import json

from flask import abort, flash, g, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.auth import role_required
from portal.htmx import hx_redirect, is_htmx
from portal.preferences import bp, exports, services
from portal.preferences.forms import RankingSaveForm

PAGE = "/veranstaltungen/<slug>/wuensche"
ORGANISER = "/organisation/veranstaltungen/<slug>/wuensche"


def _user():
    return current_user._get_current_object()


def _event_or_404(slug):
    return services.get_event(slug) or abort(404)


def _unavailable(event, error):
    page = render_template("preferences/unavailable.html", event=event, message=error.message)
    return page, error.status


def _refused(event, slot_key, error):
    """A refused save changed nothing: show the fresh ranking with the message."""
    if isinstance(error, services.NotAllowed):
        if is_htmx():
            return hx_redirect(url_for(".show_ranking", slug=event.slug))
        return _unavailable(event, error)
    page = services.ranking_page(event, _user(), message=error.message, message_slot=slot_key)
    if is_htmx():
        return _slots_response(page, slot_key, error.message, status=error.status)
    return render_template("preferences/ranking.html", page=page, error=error.message), (
        error.status
    )


def _slots_response(page, slot_key, announcement, *, status=200, focus=()):
    """htmx: the slot's fragment, the other slots out of band, and the announcement."""
    response = make_response(
        render_template(
            "preferences/_save_response.html", page=page, slot_key=slot_key, message=announcement
        ),
        status,
    )
    response.headers["Vary"] = "HX-Request"
    if focus:
        response.headers["HX-Trigger-After-Settle"] = json.dumps({"ranking-focus": list(focus)})
    return response


@bp.app_template_global()
def ranking_event_ids() -> set[int]:
    """Ids of events with breakout sessions (one query per request, for the link fragment)."""
    if "ranking_event_ids" not in g:
        g.ranking_event_ids = services.events_with_breakouts()
    return g.ranking_event_ids


@bp.get(PAGE)
@login_required
def show_ranking(slug):
    """The attendee's favourites per time slot, to drag or move with buttons."""
    event = _event_or_404(slug)
    try:
        page = services.ranking_page(event, _user())
    except services.NotAllowed as exc:
        return _unavailable(event, exc)
    return render_template("preferences/ranking.html", page=page)


@bp.post(PAGE + "/<slot_key>")
@login_required
def save_ranking(slug, slot_key):
    """Save one slot (drag, move button or skip); htmx gets the slot, a plain form a 303."""
    event = _event_or_404(slug)
    form = RankingSaveForm()
    try:
        if not form.validate_on_submit():
            raise services.InvalidRanking(form.error_message())
        saved = services.save_slot(event, _user(), slot_key=slot_key, **form.command())
    except services.PreferenceError as exc:
        return _refused(event, slot_key, exc)
    if not is_htmx():
        flash(saved.announcement, "success")
        return redirect(url_for(".show_ranking", slug=slug, _anchor=saved.anchor), 303)
    return _slots_response(saved.page, slot_key, saved.announcement, focus=saved.focus)


@bp.get(ORGANISER)
@role_required("organiser")
def organiser_demand(slug):
    """Demand per session against its seats: bar chart and table."""
    event = services.get_organiser_event(slug) or abort(404)
    return render_template("preferences/organiser.html", page=services.organiser_page(event))


@bp.get(ORGANISER + ".csv")
@role_required("organiser")
def export_rankings(slug):
    """Every ranking as CSV (semicolon, UTF-8 with BOM) for German spreadsheets."""
    event = services.get_organiser_event(slug) or abort(404)
    response = make_response(exports.rankings_csv(services.export_rows(event)))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="wuensche-{event.slug}.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
