"""Forms of the allocation pages: they parse input; the rules live in the services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.allocation.models import PIN_KIND_LABELS, PinKind
from portal.allocation.services.instance import session_label, slot_label

INVALID_CHOICE = _l("Bitte wählen Sie einen Eintrag aus der Liste.")
INVALID_NUMBER = _l("Bitte geben Sie eine ganze Zahl ein.")
TOO_LONG = _l("Bitte kürzen Sie die Eingabe auf höchstens %(max)d Zeichen.")


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    return int(value)


def _select(label, message):
    return SelectField(
        label,
        coerce=_int_or_none,
        invalid_value_message=INVALID_CHOICE,
        invalid_choice_message=INVALID_CHOICE,
        validators=[InputRequired(message)],
    )


class ServiceErrorsMixin:
    """Bind a service's AllocationError to its field (or the form)."""

    def bind_error(self, error) -> None:
        field = getattr(self, error.field or "", None)
        if isinstance(field, Field):
            field.errors = [*field.errors, error.message]
        else:
            self.form_errors.append(error.message)


def registration_choices(registrations) -> list[SelectChoice]:
    return [SelectChoice("", _l("– bitte wählen –"))] + [
        SelectChoice(str(r.id), f"{r.last_name}, {r.first_name} – {r.organisation} (Nr. {r.id})")
        for r in registrations
    ]


def session_choices(sessions) -> list[SelectChoice]:
    return [SelectChoice("", _l("– bitte wählen –"))] + [
        SelectChoice(str(s.id), f"{session_label(s)} – {s.title} ({slot_label(s.slot_key)})")
        for s in sessions
    ]


class RunForm(ServiceErrorsMixin, FlaskForm):
    """'Zuteilung berechnen'; before the deadline only with a reason."""

    override_reason = TextAreaField(
        _l("Begründung für eine Berechnung vor Ablauf der Frist"),
        validators=[Optional(), Length(max=1000, message=TOO_LONG)],
    )


class SettingsForm(ServiceErrorsMixin, FlaskForm):
    municipal_priority = BooleanField(
        _l("Kommunale Praktikerinnen und Praktiker (Gemeinde/Stadt, Landkreis) bevorzugen")
    )
    priority_weight = IntegerField(
        _l("Gewichtung der Zielgruppe"),
        invalid_value_message=INVALID_NUMBER,
        validators=[
            InputRequired(_l("Bitte geben Sie eine Gewichtung an.")),
            NumberRange(1, 10, message=_l("Bitte geben Sie eine Zahl von 1 bis 10 an.")),
        ],
    )
    offer_hours = IntegerField(
        _l("Stunden, die ein frei gewordener Platz angeboten bleibt"),
        invalid_value_message=INVALID_NUMBER,
        validators=[
            InputRequired(_l("Bitte geben Sie die Stunden an.")),
            NumberRange(1, 720, message=_l("Bitte geben Sie 1 bis 720 Stunden an.")),
        ],
    )

    def values(self) -> dict:
        return {
            "municipal_priority": bool(self.municipal_priority.data),
            "priority_weight": self.priority_weight.data,
            "offer_hours": self.offer_hours.data,
        }


class PinForm(ServiceErrorsMixin, FlaskForm):
    registration = _select(_l("Person"), _l("Bitte wählen Sie eine Person."))
    session = _select(_l("Session"), _l("Bitte wählen Sie eine Session."))
    kind = RadioField(
        _l("Regel"),
        choices=[SelectChoice(k.value, PIN_KIND_LABELS[k]) for k in PinKind],
        default=PinKind.PIN.value,
        invalid_choice_message=INVALID_CHOICE,
        validators=[InputRequired(_l("Bitte wählen Sie die Regel."))],
    )

    def set_choices(self, choices) -> None:
        self.registration.choices = registration_choices(choices.registrations)
        self.session.choices = session_choices(choices.sessions)

    def values(self) -> dict:
        return {
            "registration_id": self.registration.data,
            "session_id": self.session.data,
            "kind": self.kind.data,
        }


class PublishForm(ServiceErrorsMixin, FlaskForm):
    confirm = BooleanField(
        _l("Ich habe die Zuteilung geprüft. Alle Teilnehmenden erhalten jetzt eine E-Mail."),
        validators=[InputRequired(_l("Bitte bestätigen Sie die Veröffentlichung."))],
    )


class ReassignForm(ServiceErrorsMixin, FlaskForm):
    registration = _select(_l("Person"), _l("Bitte wählen Sie eine Person."))
    session = _select(_l("Neue Session"), _l("Bitte wählen Sie eine Session."))
    reason = TextAreaField(
        _l("Begründung (steht in der E-Mail an die Person)"),
        validators=[
            InputRequired(_l("Bitte begründen Sie die Umbuchung.")),
            Length(max=1000, message=TOO_LONG),
        ],
    )

    def set_choices(self, choices) -> None:
        self.registration.choices = registration_choices(choices.registrations)
        self.session.choices = session_choices(choices.sessions)

    def values(self) -> dict:
        return {
            "registration_id": self.registration.data,
            "session_id": self.session.data,
            "reason": self.reason.data,
        }


class ModeratorForm(ServiceErrorsMixin, FlaskForm):
    moderator = SelectField(
        _l("Moderation"),
        coerce=_int_or_none,
        invalid_value_message=INVALID_CHOICE,
        invalid_choice_message=INVALID_CHOICE,
        validators=[Optional()],
    )

    def set_choices(self, moderators) -> None:
        self.moderator.choices = [SelectChoice("", _l("– niemand –"))] + [
            SelectChoice(str(u.id), u.name) for u in moderators
        ]
