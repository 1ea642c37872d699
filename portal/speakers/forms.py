"""Forms of the speakers area; every message German and bound to its field."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from portal.accounts.forms import new_password_rules
from portal.speakers.models import SPEAKER_ROLE_LABELS

ROLE_CHOICES = [SelectChoice("", _l("nicht eingeladen"))] + [
    SelectChoice(role.value, label) for role, label in SPEAKER_ROLE_LABELS.items()
]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _max(n: int):
    return Length(max=n, message=_l("Bitte höchstens %(n)s Zeichen.", n=n))


class SpeakerInviteForm(FlaskForm):
    """Whom to invite; the session roles are added per event by `invite_form()`."""

    email = EmailField(
        _l("E-Mail-Adresse"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Bitte geben Sie die E-Mail-Adresse ein.")),
            _max(254),
            Email(
                _l(
                    "Bitte geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel "
                    "name@beispiel.de."
                )
            ),
        ],
    )
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[DataRequired(_l("Bitte geben Sie den Namen ein.")), _max(200)],
    )
    message = TextAreaField(
        _l("Persönliche Nachricht"), filters=[_strip], validators=[Optional(), _max(2000)]
    )
    # Carries the error "no session chosen"; the roles themselves are role_<session id>.
    sessions = HiddenField(_l("Programmpunkte und Rollen"))

    def role_fields(self):
        return [field for field in self if field.name.startswith("role_")]

    def roles(self) -> dict[int, str]:
        """{session id: role} for every session given a role."""
        return {int(f.name.removeprefix("role_")): f.data for f in self.role_fields() if f.data}

    def bind_errors(self, errors: dict) -> None:
        for name, message in errors.items():
            self[name].errors = [*self[name].errors, str(message)]


def invite_form(sessions, **kwargs) -> SpeakerInviteForm:
    """The invitation form with one role choice per session of the event."""

    class EventInviteForm(SpeakerInviteForm):
        pass

    for session in sessions:
        label = (f"{session.code} – " if session.code else "") + session.title
        setattr(
            EventInviteForm,
            f"role_{session.id}",
            SelectField(label, choices=ROLE_CHOICES, default="", validators=[Optional()]),
        )
    return EventInviteForm(**kwargs)


class InvitationAccountForm(FlaskForm):
    """A new account for the invited address."""

    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[DataRequired(_l("Bitte geben Sie Ihren Namen ein.")), _max(200)],
    )
    password = PasswordField(
        _l("Passwort"),
        validators=[DataRequired(_l("Bitte geben Sie ein Passwort ein.")), new_password_rules],
    )
    password_repeat = PasswordField(
        _l("Passwort wiederholen"),
        validators=[
            DataRequired(_l("Bitte geben Sie das Passwort ein zweites Mal ein.")),
            EqualTo("password", message=_l("Die beiden Passwörter stimmen nicht überein.")),
        ],
    )


class InvitationLoginForm(FlaskForm):
    """The password of the existing account with the invited address."""

    password = PasswordField(
        _l("Passwort"), validators=[DataRequired(_l("Bitte geben Sie Ihr Passwort ein."))]
    )


class SpeakerProfileForm(FlaskForm):
    academic_title = StringField(_l("Titel"), filters=[_strip], validators=[_max(50)])
    given_name = StringField(
        _l("Vorname"),
        filters=[_strip],
        validators=[DataRequired(_l("Bitte geben Sie Ihren Vornamen ein.")), _max(100)],
    )
    family_name = StringField(
        _l("Nachname"),
        filters=[_strip],
        validators=[DataRequired(_l("Bitte geben Sie Ihren Nachnamen ein.")), _max(100)],
    )
    position = StringField(_l("Funktion"), filters=[_strip], validators=[_max(200)])
    organisation = StringField(_l("Organisation"), filters=[_strip], validators=[_max(200)])
    bio = TextAreaField(_l("Kurzbiografie"), filters=[_strip], validators=[_max(1500)])
    new_photo = FileField(_l("Neues Foto"))
    remove_photo = BooleanField(_l("Foto entfernen"))
    show_public = BooleanField(
        _l(
            "Ich bin einverstanden, dass mein Name, meine Funktion, meine Organisation und mein "
            "Foto im öffentlichen Programm erscheinen."
        )
    )

    def values(self) -> dict:
        return {
            name: self[name].data
            for name in (
                "academic_title",
                "given_name",
                "family_name",
                "position",
                "organisation",
                "bio",
                "show_public",
            )
        }


class SlideUploadForm(FlaskForm):
    file = FileField(
        _l("Foliensatz"),
        validators=[FileRequired(_l("Bitte wählen Sie eine Datei aus."))],
    )


class ShareSlidesForm(FlaskForm):
    share = BooleanField(
        _l(
            "Ich bin einverstanden, dass meine Folien nach der Veranstaltung auf der Seite des "
            "Programmpunkts für die Teilnehmenden veröffentlicht werden."
        )
    )
