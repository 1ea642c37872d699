"""Speakers: the invitation link, the speaker area (sessions, profile, slides), public files.

The organisers' pages are in organiser.py, imported at the end.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask import session as http_session
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from portal.accounts.forms import PASSWORD_HINT
from portal.accounts.services import LoginStatus, lock_minutes
from portal.auth import has_role
from portal.speakers import board as boards
from portal.speakers import bp, profiles, services, slides
from portal.speakers.forms import (
    InvitationAccountForm,
    InvitationLoginForm,
    ShareSlidesForm,
    SlideUploadForm,
    SpeakerProfileForm,
)
from portal.speakers.models import SPEAKER_ROLE_LABELS
from portal.speakers.tokens import InvitationLinkExpired, InvitationLinkInvalid
from portal.storage import MB, UploadError, UploadTooLarge, send_upload
from portal.templating import datetime_short

LOGIN_STATUS_CODES = {
    LoginStatus.INVALID: 422,
    LoginStatus.UNCONFIRMED: 403,
    LoginStatus.LOCKED: 429,
}


@bp.app_template_filter("speaker_role")
def speaker_role_label(role) -> str:
    """'panel' -> 'Podium'."""
    return str(SPEAKER_ROLE_LABELS.get(role, role))


@bp.app_template_filter("session_name")
def session_name(session) -> str:
    """'WS 2 – Continuity of Government …' as plain text (for mails)."""
    return (f"{session.code} – " if session.code else "") + session.title


@bp.app_template_filter("file_size")
def file_size(size: int) -> str:
    """'2,4 MB' or '830 KB' in the current language."""
    if size >= MB:
        return format_decimal(size / MB, format="#,##0.0") + " MB"
    return format_decimal(max(round(size / 1024), 1), format="#,##0") + " KB"


def _actor():
    return current_user._get_current_object()


def _start_session(user) -> None:
    """Log `user` in on a fresh session; only the chosen language survives."""
    lang = http_session.get("lang")
    http_session.clear()
    if lang:
        http_session["lang"] = lang
    login_user(user)


# --- the invitation link -------------------------------------------------------------


def _link_problem(exc: InvitationLinkInvalid):
    expired = isinstance(exc, InvitationLinkExpired)
    page = render_template("speakers/invitation_problem.html", expired=expired)
    return page, 410 if expired else 400


def _invitation_page(page, token, *, account_form=None, login_form=None, status=200, **extra):
    account_form = account_form or InvitationAccountForm(
        formdata=None, data={"name": page.invitation.name}
    )
    return render_template(
        "speakers/invitation.html",
        page=page,
        token=token,
        account_form=account_form,
        login_form=login_form or InvitationLoginForm(formdata=None),
        password_hint=PASSWORD_HINT,
        **extra,
    ), status


def _answered(token):
    flash(_("Diese Einladung ist bereits beantwortet."), "info")
    return redirect(url_for("speakers.invitation", token=token), 303)


def _accepted():
    flash(_("Vielen Dank für Ihre Zusage. Hier finden Sie Ihre Programmpunkte."), "success")
    return redirect(url_for("speakers.index"), 303)


@bp.get("/referierende/einladung/<token>")
def invitation(token):
    """The invitation: sessions and roles, and the ways to accept or decline."""
    try:
        page = services.invitation_page(token=token)
    except InvitationLinkInvalid as exc:
        return _link_problem(exc)
    return _invitation_page(page, token)


@bp.post("/referierende/einladung/<token>/annehmen")
def accept_invitation(token):
    """Accept as the logged-in user."""
    if not current_user.is_authenticated:
        return redirect(url_for("speakers.invitation", token=token), 303)
    try:
        invitation = services.check_token(token=token)
        services.accept_invitation(invitation, user=_actor())
    except InvitationLinkInvalid as exc:
        return _link_problem(exc)
    except services.InvitationClosed:
        return _answered(token)
    return _accepted()


@bp.post("/referierende/einladung/<token>/ablehnen")
def decline_invitation(token):
    """Decline; the link is enough, no account needed."""
    user = _actor() if current_user.is_authenticated else None
    try:
        services.decline_invitation(services.check_token(token=token), user=user)
    except InvitationLinkInvalid as exc:
        return _link_problem(exc)
    except services.InvitationClosed:
        return _answered(token)
    flash(_("Sie haben die Einladung abgelehnt. Vielen Dank für Ihre Rückmeldung."), "success")
    return redirect(url_for("speakers.invitation", token=token), 303)


def _login_refusal(status: LoginStatus) -> str:
    """Why the password did not open the account, in German."""
    if status is LoginStatus.LOCKED:
        return _(
            "Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie %(minutes)s Minuten.",
            minutes=lock_minutes(),
        )
    if status is LoginStatus.UNCONFIRMED:
        return _(
            "Ihre E-Mail-Adresse ist noch nicht bestätigt. Bitte öffnen Sie zuerst den Link aus "
            "der Bestätigungs-E-Mail."
        )
    return _("Das Passwort ist nicht korrekt.")


@bp.post("/referierende/einladung/<token>/anmelden")
def accept_with_login(token):
    """Log in to the existing account of the invited address, then accept."""
    try:
        page = services.invitation_page(token=token)
    except InvitationLinkInvalid as exc:
        return _link_problem(exc)
    form = InvitationLoginForm()
    if not form.validate_on_submit():
        return _invitation_page(page, token, login_form=form, status=422)
    try:
        result = services.accept_with_login(
            page.invitation, password=form.password.data, address=request.remote_addr
        )
    except services.InvitationClosed:
        return _answered(token)
    if result.status is LoginStatus.OK:
        _start_session(result.user)
        return _accepted()
    form.password.errors.append(_login_refusal(result.status))
    return _invitation_page(page, token, login_form=form, status=LOGIN_STATUS_CODES[result.status])


@bp.post("/referierende/einladung/<token>/konto")
def accept_with_account(token):
    """Create an account for the invited address, then accept."""
    try:
        page = services.invitation_page(token=token)
    except InvitationLinkInvalid as exc:
        return _link_problem(exc)
    form = InvitationAccountForm()
    if not form.validate_on_submit():
        return _invitation_page(page, token, account_form=form, status=422)
    try:
        user = services.accept_with_new_account(
            page.invitation, name=form.name.data, password=form.password.data
        )
    except services.AccountExists:
        notice = _("Zu dieser Adresse gibt es bereits ein Konto. Bitte melden Sie sich damit an.")
        return _invitation_page(
            page._replace(account_exists=True), token, status=409, notice=notice
        )
    except services.InvitationClosed:
        return _answered(token)
    _start_session(user)
    return _accepted()


# --- speaker area ---------------------------------------------------------------------


@bp.get("/referierende/")
@login_required
def index():
    """'Meine Programmpunkte': day, time, room, role, co-speakers and slide state."""
    return render_template(
        "speakers/index.html",
        sessions=slides.my_sessions(_actor()),
        profile=profiles.profile_of(_actor()),
    )


@bp.route("/referierende/profil", methods=["GET", "POST"])
@login_required
def profile():
    """Name, title, organisation, biography, photo and consent to appear publicly."""
    current = profiles.profile_of(_actor())
    form = SpeakerProfileForm(obj=current)
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            profiles.save_profile(
                _actor(),
                photo=form.new_photo.data,
                remove_photo=form.remove_photo.data,
                **form.values(),
            )
        except UploadError as exc:
            form.new_photo.errors.append(str(exc))
            status = 413 if isinstance(exc, UploadTooLarge) else 422
        else:
            flash(_("Ihr Profil ist gespeichert."), "success")
            return redirect(url_for("speakers.profile"), 303)
    return render_template("speakers/profile.html", form=form, profile=current), status


def _session_page(session_id, *, upload_form=None, share_form=None, status=200):
    page = slides.speaker_session_page(_actor(), session_id)
    if page is None:
        abort(404)
    share_form = share_form or ShareSlidesForm(
        formdata=None, data={"share": page.status.assignment.share_slides}
    )
    return render_template(
        "speakers/session.html",
        page=page,
        upload_form=upload_form or SlideUploadForm(formdata=None),
        share_form=share_form,
    ), status


@bp.get("/referierende/programmpunkte/<int:session_id>")
@login_required
def session(session_id):
    """One of my sessions: upload form, versions, deadline and co-speakers."""
    return _session_page(session_id)


@bp.post("/referierende/programmpunkte/<int:session_id>/folien")
@login_required
def upload_slides(session_id):
    """Upload a new version; only the invited speaker of this session may (others: 404)."""
    assignment = slides.speaker_assignment(_actor(), session_id)
    if assignment is None:
        abort(404)
    form = SlideUploadForm()
    status = 422
    if form.validate_on_submit():
        try:
            version = slides.upload_slides(assignment, file=form.file.data, user=_actor())
        except slides.DeadlinePassed as exc:
            form.file.errors.append(_deadline_message(exc.due_at))
            status = 403
        except UploadError as exc:
            form.file.errors.append(str(exc))
            status = 413 if isinstance(exc, UploadTooLarge) else 422
        else:
            flash(
                _(
                    "Version %(number)s ist gespeichert und jetzt aktuell. Sie erhalten eine "
                    "Bestätigung per E-Mail.",
                    number=version.number,
                ),
                "success",
            )
            return redirect(url_for("speakers.session", session_id=session_id), 303)
    return _session_page(session_id, upload_form=form, status=status)


def _deadline_message(due_at) -> str:
    return _(
        "Die Frist für Folien ist am %(date)s abgelaufen. Bitte wenden Sie sich an das "
        "Organisationsbüro, wenn Sie noch eine Fassung einreichen möchten.",
        date=datetime_short(due_at),
    )


@bp.post("/referierende/programmpunkte/<int:session_id>/freigabe")
@login_required
def share_slides(session_id):
    """The speaker's consent to publishing the slides after the event."""
    assignment = slides.speaker_assignment(_actor(), session_id)
    if assignment is None:
        abort(404)
    form = ShareSlidesForm()
    if not form.validate_on_submit():
        return _session_page(session_id, share_form=form, status=422)
    slides.set_share_slides(assignment, share=form.share.data, user=_actor())
    flash(_("Ihre Entscheidung zur Veröffentlichung ist gespeichert."), "success")
    return redirect(url_for("speakers.session", session_id=session_id), 303)


@bp.get("/referierende/folien/<int:version_id>")
@login_required
def download_own(version_id):
    """A version of my own slides."""
    version = slides.get_own_version(_actor(), version_id)
    if version is None:
        abort(404)
    return send_upload(version.file)


@bp.get("/referierende/fotos/<int:profile_id>/<int:file_id>")
def photo(profile_id, file_id):
    """A speaker's photo: public once they agreed, else only for them and the organisers."""
    viewer = _actor() if current_user.is_authenticated else None
    stored = profiles.photo_file(
        profile_id, file_id, viewer=viewer, privileged=has_role("organiser")
    )
    if stored is None:
        abort(404)
    return send_upload(stored)


@bp.get("/veranstaltungen/<slug>/programm/<int:session_id>/folien/<int:assignment_id>")
def published_slides(slug, session_id, assignment_id):
    """A deck published on the session page after the event."""
    version = boards.get_published_version(slug, session_id, assignment_id)
    if version is None:
        abort(404)
    return send_upload(version.file)


from portal.speakers import organiser  # noqa: E402, F401  (registers the organisers' routes)
