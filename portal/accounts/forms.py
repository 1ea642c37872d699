"""Forms of the accounts area; every message German and bound to its field."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from portal.accounts import passwords
from portal.accounts.models import Role

MAX_PASSWORD_LENGTH = 256

ROLE_LABELS = {
    Role.ATTENDEE: _l("Teilnehmende"),
    Role.SPEAKER: _l("Referierende"),
    Role.EXHIBITOR: _l("Aussteller"),
    Role.MODERATOR: _l("Moderation"),
    Role.ORGANISER: _l("Organisationsbüro"),
    Role.ADMIN: _l("Administration"),
}

PASSWORD_HINT = _l(
    "Mindestens 12 Zeichen. Ein Satz aus mehreren Wörtern ist leicht zu merken und schwer "
    "zu erraten."
)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _required(message):
    return DataRequired(message=message)


def new_password_rules(form, field):
    """At least 12 and at most 256 characters, and not on the list of common passwords."""
    value = field.data or ""
    if len(value) < passwords.MIN_LENGTH:
        raise ValidationError(
            _l("Das Passwort muss mindestens %(n)s Zeichen lang sein.", n=passwords.MIN_LENGTH)
        )
    if len(value) > MAX_PASSWORD_LENGTH:
        raise ValidationError(
            _l("Das Passwort darf höchstens %(n)s Zeichen lang sein.", n=MAX_PASSWORD_LENGTH)
        )
    if passwords.is_common(value):
        raise ValidationError(
            _l(
                "Dieses Passwort ist sehr verbreitet und leicht zu erraten. "
                "Bitte wählen Sie ein anderes."
            )
        )


def _email_field(label, required_message):
    return EmailField(
        label,
        filters=[_strip],
        validators=[
            _required(required_message),
            Length(max=254, message=_l("Die E-Mail-Adresse ist zu lang.")),
            Email(
                message=_l(
                    "Bitte geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel "
                    "name@beispiel.de."
                )
            ),
        ],
    )


def _new_password_field(label=None):
    return PasswordField(
        label or _l("Passwort"),
        validators=[_required(_l("Bitte geben Sie ein Passwort ein.")), new_password_rules],
    )


def _repeat_field(other):
    return PasswordField(
        _l("Passwort wiederholen"),
        validators=[
            _required(_l("Bitte geben Sie das Passwort ein zweites Mal ein.")),
            EqualTo(other, message=_l("Die beiden Passwörter stimmen nicht überein.")),
        ],
    )


def _current_password_field():
    return PasswordField(
        _l("Aktuelles Passwort"),
        validators=[_required(_l("Bitte geben Sie Ihr aktuelles Passwort ein."))],
    )


class RegisterForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[
            _required(_l("Bitte geben Sie Ihren Namen ein.")),
            Length(max=200, message=_l("Der Name darf höchstens 200 Zeichen lang sein.")),
        ],
    )
    email = _email_field(_l("E-Mail-Adresse"), _l("Bitte geben Sie Ihre E-Mail-Adresse ein."))
    password = _new_password_field()
    password_repeat = _repeat_field("password")


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-Mail-Adresse"),
        filters=[_strip],
        validators=[_required(_l("Bitte geben Sie Ihre E-Mail-Adresse ein."))],
    )
    password = PasswordField(
        _l("Passwort"), validators=[_required(_l("Bitte geben Sie Ihr Passwort ein."))]
    )
    next = HiddenField()


class EmailRequestForm(FlaskForm):
    """Only an address: to request a new confirmation or reset link."""

    email = _email_field(_l("E-Mail-Adresse"), _l("Bitte geben Sie Ihre E-Mail-Adresse ein."))


class PasswordResetForm(FlaskForm):
    password = _new_password_field(_l("Neues Passwort"))
    password_repeat = _repeat_field("password")


class PasswordChangeForm(FlaskForm):
    current_password = _current_password_field()
    new_password = _new_password_field(_l("Neues Passwort"))
    new_password_repeat = _repeat_field("new_password")


class EmailChangeForm(FlaskForm):
    new_email = _email_field(
        _l("Neue E-Mail-Adresse"), _l("Bitte geben Sie die neue E-Mail-Adresse ein.")
    )
    confirm_password = _current_password_field()
