"""Organisers' pages of the speakers area: invitations, the slide board, ZIP, publication."""

from datetime import date

from flask import (
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth import role_required
from portal.htmx import is_htmx
from portal.speakers import board as boards
from portal.speakers import bp, services
from portal.speakers.forms import invite_form
from portal.storage import send_upload

PREFIX = "/organisation/veranstaltungen/<slug>/referierende"


def _actor():
    return current_user._get_current_object()


def _event_or_404(slug: str):
    event = services.get_event(slug)
    if event is None:
        abort(404)
    return event


@bp.get(PREFIX)
@role_required("organiser")
def invitations(slug):
    """Invitations of an event with their state; reminders for unanswered ones."""
    event = _event_or_404(slug)
    rows = services.invitation_rows(event)
    return render_template(
        "speakers/organiser_invitations.html",
        event=event,
        rows=rows,
        counts=services.status_counts(rows),
    )


@bp.route(f"{PREFIX}/einladen", methods=["GET", "POST"])
@role_required("organiser")
def invite(slug):
    """Invite a person by e-mail to one or more sessions, each with a role."""
    event = _event_or_404(slug)
    sessions = services.invitable_sessions(event)
    form = invite_form(sessions)
    if form.validate_on_submit():
        try:
            services.invite_speaker(
                event,
                email=form.email.data,
                name=form.name.data,
                roles=form.roles(),
                message=form.message.data,
                actor=_actor(),
            )
        except services.InvitationError as exc:
            form.bind_errors(exc.errors)
        else:
            flash(_("Die Einladung an %(email)s ist verschickt.", email=form.email.data), "success")
            return redirect(url_for("speakers.invitations", slug=slug), 303)
    status = 422 if request.method == "POST" else 200
    page = render_template(
        "speakers/organiser_invite.html",
        event=event,
        form=form,
        sessions_by_field={f"role_{s.id}": s for s in sessions},
    )
    return page, status


@bp.post(f"{PREFIX}/einladungen/<int:invitation_id>/erinnerung")
@role_required("organiser")
def remind_invitation(slug, invitation_id):
    """Send the invitation again with a fresh link."""
    event = _event_or_404(slug)
    invitation = services.get_event_invitation(event, invitation_id)
    if invitation is None:
        abort(404)
    try:
        services.remind_invitation(invitation, actor=_actor())
    except services.InvitationClosed:
        flash(_("Diese Einladung ist bereits beantwortet."), "info")
    else:
        flash(_("Die Erinnerung an %(email)s ist verschickt.", email=invitation.email), "success")
    return redirect(url_for("speakers.invitations", slug=slug), 303)


@bp.get(f"{PREFIX}/folien")
@role_required("organiser")
def board(slug):
    """Completeness board: which sessions and speakers still lack boards."""
    return render_template(
        "speakers/organiser_board.html", board=boards.slide_board(_event_or_404(slug))
    )


@bp.post(f"{PREFIX}/folien/erinnerung")
@role_required("organiser")
def remind_missing(slug):
    """Remind every speaker whose slides are missing and may still be uploaded."""
    count = boards.remind_missing_slides(_event_or_404(slug), actor=_actor())
    flash(_("Erinnerungen verschickt: %(count)s.", count=count), "success")
    return redirect(url_for("speakers.board", slug=slug), 303)


@bp.post(f"{PREFIX}/beitraege/<int:assignment_id>/nachreichen")
@role_required("organiser")
def reopen(slug, assignment_id):
    """Allow (or stop allowing) one speaker to upload after the deadline."""
    event = _event_or_404(slug)
    assignment = boards.get_event_assignment(event, assignment_id)
    if assignment is None:
        abort(404)
    reopened = request.form.get("reopened") == "1"
    boards.set_uploads_reopened(assignment, reopened=reopened, actor=_actor())
    if not is_htmx():
        return redirect(
            url_for("speakers.board", slug=slug, _anchor=f"beitrag-{assignment_id}"), 303
        )
    response = make_response(
        render_template(
            "speakers/_board_entry.html",
            event=event,
            entry=boards.board_entry(assignment),
            announce=True,
        )
    )
    response.headers["Vary"] = "HX-Request"
    return response


@bp.get(f"{PREFIX}/folien.zip")
@role_required("organiser")
def slides_zip(slug):
    """The current slides of a day and/or room as one ZIP for the room technicians."""
    event = _event_or_404(slug)
    try:
        day = date.fromisoformat(request.args["tag"]) if request.args.get("tag") else None
    except ValueError:
        abort(404)
    result = boards.slides_zip(event, day=day, room=request.args.get("raum") or None)
    if result is None:
        flash(_("Für diese Auswahl liegen noch keine Folien vor."), "info")
        return redirect(url_for("speakers.board", slug=slug), 303)
    archive, name = result
    response = send_file(
        archive, mimetype="application/zip", as_attachment=True, download_name=name
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get(f"{PREFIX}/folien/<int:version_id>")
@role_required("organiser")
def download_version(slug, version_id):
    """One version of a deck, named for the room technicians."""
    found = boards.get_event_version(_event_or_404(slug), version_id)
    if found is None:
        abort(404)
    version, name = found
    return send_upload(version.file, download_name=name)


@bp.post(f"{PREFIX}/folien/veroeffentlichen")
@role_required("organiser")
def publish(slug):
    """After the event: publish (or withdraw) the slides of speakers who agreed."""
    event = _event_or_404(slug)
    if request.form.get("action") == "withdraw":
        count = boards.withdraw_slides(event, actor=_actor())
        flash(_("Veröffentlichung zurückgenommen: %(count)s Foliensätze.", count=count), "success")
    else:
        try:
            count = boards.publish_slides(event, actor=_actor())
        except boards.PublishTooEarly:
            flash(
                _("Folien können erst nach dem Ende der Veranstaltung veröffentlicht werden."),
                "error",
            )
        else:
            flash(_("Veröffentlicht: %(count)s Foliensätze.", count=count), "success")
    return redirect(url_for("speakers.board", slug=slug), 303)
