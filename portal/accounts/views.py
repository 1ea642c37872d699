"""Accounts: register, confirm, log in and out, reset and change password or e-mail."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from portal.accounts import bp, services
from portal.accounts.forms import (
    PASSWORD_HINT,
    ROLE_LABELS,
    EmailChangeForm,
    EmailRequestForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    RegisterForm,
)
from portal.accounts.services import LoginStatus
from portal.accounts.tokens import TokenExpired, TokenInvalid

LOGIN_STATUS_CODES = {
    LoginStatus.INVALID: 422,
    LoginStatus.UNCONFIRMED: 403,
    LoginStatus.LOCKED: 429,
}


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 for char in target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def _start_session(user) -> None:
    """Log `user` in on a fresh session; only the chosen language survives."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)


def _form_page(template: str, form, status: int | None = None, **context):
    """Render a form page: 200 on first view, 422 after a failed submit."""
    if status is None:
        status = 422 if form.is_submitted() else 200
    return render_template(template, form=form, password_hint=PASSWORD_HINT, **context), status


def _lock_message() -> str:
    return _(
        "Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie %(minutes)s Minuten und "
        "versuchen Sie es dann erneut.",
        minutes=services.lock_minutes(),
    )


def _link_problem(exc: TokenInvalid, purpose: str):
    """The page for an expired or invalid link, with a way to ask for a new one."""
    expired = isinstance(exc, TokenExpired)
    page = render_template(
        "accounts/link_problem.html",
        expired=expired,
        purpose=purpose,
        form=EmailRequestForm(formdata=None),
    )
    return page, 410 if expired else 400


@bp.route("/registrieren", methods=["GET", "POST"])
def register():
    """Create an account; the answer is the same whether the address is known or not."""
    form = RegisterForm()
    if not form.validate_on_submit():
        return _form_page("accounts/register.html", form)
    services.register(name=form.name.data, email=form.email.data, password=form.password.data)
    return redirect(url_for("accounts.check_mail", reason="registrierung"), 303)


@bp.get("/postfach/<any(registrierung, bestaetigung, passwort):reason>")
def check_mail(reason):
    """'Please check your inbox' after a form that sent (or might have sent) a mail."""
    return render_template("accounts/check_mail.html", reason=reason)


@bp.get("/bestaetigen/<token>")
def confirm(token):
    """Confirm the address from the link in the registration mail."""
    try:
        services.confirm_email(token=token)
    except TokenInvalid as exc:
        return _link_problem(exc, "confirm")
    flash(_("Ihre E-Mail-Adresse ist bestätigt. Sie können sich jetzt anmelden."), "success")
    return redirect(url_for("accounts.login"), 303)


@bp.route("/bestaetigung-anfordern", methods=["GET", "POST"])
def resend_confirmation():
    """Ask for a new confirmation link; the answer never reveals whether the address exists."""
    form = EmailRequestForm()
    if not form.validate_on_submit():
        return _form_page("accounts/resend_confirmation.html", form)
    services.resend_confirmation(email=form.email.data)
    return redirect(url_for("accounts.check_mail", reason="bestaetigung"), 303)


@bp.route("/anmelden", methods=["GET", "POST"])
def login():
    """Log in with address and password, within the rate limits."""
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data) or url_for("events.index"), 303)
    if not form.validate_on_submit():
        return _form_page("accounts/login.html", form)
    result = services.authenticate(
        email=form.email.data, password=form.password.data, address=request.remote_addr
    )
    if result.status is LoginStatus.OK:
        _start_session(result.user)
        return redirect(safe_next(form.next.data) or url_for("events.index"), 303)
    if result.status is LoginStatus.INVALID:
        form.password.errors.append(_("E-Mail-Adresse oder Passwort ist nicht korrekt."))
    problem = _lock_message() if result.status is LoginStatus.LOCKED else None
    return _form_page(
        "accounts/login.html",
        form,
        LOGIN_STATUS_CODES[result.status],
        unconfirmed=result.status is LoginStatus.UNCONFIRMED,
        lock_message=problem,
    )


@bp.post("/abmelden")
def logout():
    """Log out here and everywhere else: the session version moves on."""
    if current_user.is_authenticated:
        services.end_sessions(current_user)
    logout_user()
    session.clear()
    flash(_("Sie sind abgemeldet."), "success")
    return redirect(url_for("events.index"), 303)


@bp.route("/passwort-vergessen", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link; the answer never reveals whether the address exists."""
    form = EmailRequestForm()
    if not form.validate_on_submit():
        return _form_page("accounts/forgot_password.html", form)
    services.request_password_reset(email=form.email.data)
    return redirect(url_for("accounts.check_mail", reason="passwort"), 303)


@bp.route("/passwort-neu/<token>", methods=["GET", "POST"])
def reset_password(token):
    """Set a new password from the link in the reset mail (valid two hours, once)."""
    form = PasswordResetForm()
    try:
        services.check_reset_token(token=token)
        if not form.validate_on_submit():
            return _form_page("accounts/reset_password.html", form, token=token)
        services.reset_password(token=token, password=form.password.data)
    except TokenInvalid as exc:
        return _link_problem(exc, "reset")
    logout_user()
    flash(
        _("Ihr Passwort ist geändert. Bitte melden Sie sich mit dem neuen Passwort an."), "success"
    )
    return redirect(url_for("accounts.login"), 303)


def _settings_page(password_form=None, email_form=None, status=200):
    page = render_template(
        "accounts/settings.html",
        password_form=password_form or PasswordChangeForm(formdata=None),
        email_form=email_form or EmailChangeForm(formdata=None),
        grants=services.roles_of(current_user),
        role_labels=ROLE_LABELS,
        password_hint=PASSWORD_HINT,
    )
    return page, status


def _bind_refusal(form, exc: Exception, password_field: str) -> int:
    """Show a service's refusal at the field it concerns; returns the status code."""
    if isinstance(exc, services.SameAddress):
        form.new_email.errors.append(_("Das ist bereits Ihre E-Mail-Adresse."))
        return 422
    if isinstance(exc, services.TooManyAttempts):
        form[password_field].errors.append(_lock_message())
        return 429
    form[password_field].errors.append(_("Das aktuelle Passwort ist nicht korrekt."))
    return 422


@bp.get("/")
@login_required
def settings():
    """'Mein Konto': name, address, roles, and the forms to change password and address."""
    return _settings_page()


@bp.post("/passwort")
@login_required
def change_password():
    """Change the password; other sessions end, this one continues."""
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return _settings_page(password_form=form, status=422)
    try:
        user = services.change_password(
            current_user,
            current_password=form.current_password.data,
            new_password=form.new_password.data,
        )
    except (services.WrongPassword, services.TooManyAttempts) as exc:
        status = _bind_refusal(form, exc, "current_password")
        return _settings_page(password_form=form, status=status)
    _start_session(user)
    flash(_("Ihr Passwort ist geändert. Alle anderen Sitzungen sind beendet."), "success")
    return redirect(url_for("accounts.settings"), 303)


@bp.post("/e-mail")
@login_required
def change_email():
    """Request a new address: it applies once the link sent to it is opened."""
    form = EmailChangeForm()
    if not form.validate_on_submit():
        return _settings_page(email_form=form, status=422)
    try:
        services.request_email_change(
            current_user,
            new_email=form.new_email.data,
            current_password=form.confirm_password.data,
        )
    except (services.SameAddress, services.WrongPassword, services.TooManyAttempts) as exc:
        status = _bind_refusal(form, exc, "confirm_password")
        return _settings_page(email_form=form, status=status)
    flash(
        _(
            "Wir haben einen Bestätigungslink an die neue Adresse geschickt. Die Änderung gilt "
            "erst, wenn Sie diesen Link öffnen."
        ),
        "info",
    )
    return redirect(url_for("accounts.settings"), 303)


@bp.get("/e-mail-bestaetigen/<token>")
def confirm_email_change(token):
    """Apply a requested address change from the link mailed to the new address."""
    try:
        services.confirm_email_change(token=token)
    except services.AddressTaken:
        flash(
            _(
                "Diese E-Mail-Adresse gehört inzwischen zu einem anderen Konto. Ihre bisherige "
                "Adresse bleibt gültig."
            ),
            "error",
        )
        return redirect(url_for("accounts.settings"), 303)
    except TokenInvalid as exc:
        return _link_problem(exc, "email")
    flash(_("Ihre E-Mail-Adresse ist geändert."), "success")
    return redirect(url_for("accounts.settings"), 303)
