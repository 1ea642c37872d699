"""Forms of the organisers' back office for events, deadlines and sessions."""

from datetime import datetime, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from portal.events.models import DeadlineKind, EventStatus, SessionKind

SESSION_KIND_LABELS = {
    SessionKind.WORKSHOP: _l("Workshop"),
    SessionKind.TALK: _l("Vortrag"),
    SessionKind.GAME: _l("Planspiel"),
    SessionKind.PLENARY: _l("Plenum"),
    SessionKind.SOCIAL: _l("Rahmenprogramm"),
}
EVENT_STATUS_LABELS = {
    EventStatus.DRAFT: _l("Entwurf"),
    EventStatus.PUBLISHED: _l("Veröffentlicht"),
    EventStatus.ARCHIVED: _l("Archiviert"),
}
DEADLINE_KIND_LABELS = {
    DeadlineKind.REGISTRATION: _l("Anmeldefrist"),
    DeadlineKind.PREFERENCES: _l("Frist für Session-Wünsche"),
    DeadlineKind.CLAIMS: _l("Frist für Reisekostenanträge"),
    DeadlineKind.SLIDES: _l("Frist für Vortragsfolien"),
    DeadlineKind.BOOTHS: _l("Frist für Infostände"),
}

INVALID_DATE = _l("Bitte geben Sie ein gültiges Datum ein.")
INVALID_TIME = _l("Bitte geben Sie eine gültige Uhrzeit ein (zum Beispiel 09:30).")
INVALID_NUMBER = _l("Bitte geben Sie eine ganze Zahl ein.")
REQUIRED = _l("Bitte füllen Sie dieses Feld aus.")
INVALID_CHOICE = _l("Bitte wählen Sie einen der angebotenen Einträge.")
TOO_LONG = _l("Bitte kürzen Sie die Eingabe auf höchstens %(max)d Zeichen.")


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(str(value), label) for value, label in labels.items()]


def _required():
    return DataRequired(message=REQUIRED)


def _max(n: int):
    return Length(max=n, message=TOO_LONG)


class ServiceErrorsMixin:
    """Bind a service's ValidationError messages to the form's fields."""

    # service field name -> form field name, where they differ
    service_fields: dict = {}

    def bind_errors(self, errors: dict) -> None:
        for name, message in errors.items():
            field = getattr(self, self.service_fields.get(name, name), None)
            if field is None:
                continue
            field.errors = [*field.errors, message]


class EventEditForm(ServiceErrorsMixin, FlaskForm):
    slug = StringField(_l("Kurzbezeichnung für die Adresse"), validators=[_required(), _max(80)])
    title = StringField(_l("Titel"), validators=[_required(), _max(200)])
    motto = StringField(_l("Motto"), validators=[Optional(), _max(200)])
    starts_on = DateField(
        _l("Erster Tag"), validators=[InputRequired(REQUIRED)], invalid_value_message=INVALID_DATE
    )
    ends_on = DateField(
        _l("Letzter Tag"), validators=[InputRequired(REQUIRED)], invalid_value_message=INVALID_DATE
    )
    venue = StringField(_l("Veranstaltungsort"), validators=[Optional(), _max(200)])
    address = StringField(_l("Anschrift"), validators=[Optional(), _max(300)])
    description = TextAreaField(_l("Beschreibung"), validators=[Optional()])
    contact_name = StringField(_l("Ansprechstelle"), validators=[Optional(), _max(200)])
    contact_email = EmailField(
        _l("E-Mail-Adresse der Ansprechstelle"),
        validators=[
            Optional(),
            _max(254),
            Email(message=_l("Bitte geben Sie eine gültige E-Mail-Adresse ein.")),
        ],
    )
    contact_phone = StringField(_l("Telefon der Ansprechstelle"), validators=[Optional(), _max(60)])
    service_hours = StringField(_l("Servicezeiten"), validators=[Optional(), _max(200)])
    registration_opens_at = DateTimeLocalField(
        _l("Anmeldung möglich ab"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        validators=[Optional()],
        invalid_value_message=_l("Bitte geben Sie Datum und Uhrzeit an."),
    )
    status = RadioField(
        _l("Status"),
        choices=_choices(EVENT_STATUS_LABELS),
        invalid_choice_message=INVALID_CHOICE,
        default=EventStatus.DRAFT.value,
        validators=[InputRequired(_l("Bitte wählen Sie einen Status."))],
    )

    def values(self) -> dict:
        """The plain values for the events services."""
        return {
            name: field.data or ("" if field.type in {"StringField", "TextAreaField"} else None)
            for name, field in self._fields.items()
            if name != "csrf_token"
        } | {"contact_email": (self.contact_email.data or "").strip().lower()}


class DeadlineEditForm(ServiceErrorsMixin, FlaskForm):
    due_on = DateField(
        _l("Datum"), validators=[InputRequired(REQUIRED)], invalid_value_message=INVALID_DATE
    )
    due_time = TimeField(
        _l("Uhrzeit"),
        default=time(23, 59),
        validators=[InputRequired(REQUIRED)],
        invalid_value_message=INVALID_TIME,
    )

    def due_at(self) -> datetime:
        return datetime.combine(self.due_on.data, self.due_time.data)


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class SessionEditForm(ServiceErrorsMixin, FlaskForm):
    service_fields = {"starts_at": "day", "ends_at": "ends"}

    code = StringField(_l("Kürzel"), validators=[Optional(), _max(20)])
    kind = SelectField(
        _l("Art"),
        choices=_choices(SESSION_KIND_LABELS),
        invalid_choice_message=INVALID_CHOICE,
        validators=[InputRequired(_l("Bitte wählen Sie die Art des Programmpunkts."))],
    )
    title = StringField(_l("Titel"), validators=[_required(), _max(300)])
    description = TextAreaField(_l("Beschreibung"), validators=[Optional()])
    day = DateField(
        _l("Tag"), validators=[InputRequired(REQUIRED)], invalid_value_message=INVALID_DATE
    )
    starts = TimeField(
        _l("Beginn"), validators=[InputRequired(REQUIRED)], invalid_value_message=INVALID_TIME
    )
    ends = TimeField(
        _l("Ende"), validators=[InputRequired(REQUIRED)], invalid_value_message=INVALID_TIME
    )
    room = StringField(_l("Raum"), validators=[Optional(), _max(120)])
    capacity = IntegerField(
        _l("Platzzahl"), validators=[Optional()], invalid_value_message=INVALID_NUMBER
    )
    is_breakout = BooleanField(_l("Breakout-Session (wird gewählt und zugeteilt)"))
    table_size = IntegerField(
        _l("Personen pro Tisch"), validators=[Optional()], invalid_value_message=INVALID_NUMBER
    )
    requires = SelectField(
        _l("Setzt die Teilnahme an dieser Session voraus"),
        coerce=_int_or_none,
        validate_choice=False,
        invalid_value_message=INVALID_CHOICE,
        validators=[Optional()],
    )
    presenters = TextAreaField(_l("Referierende und Organisationen"), validators=[Optional()])
    assumptions = TextAreaField(_l("Annahmen (nicht aus den Unterlagen)"), validators=[Optional()])

    def set_required_choices(self, sessions, current=None) -> None:
        """Offer the event's other sessions as the required session."""
        self.requires.choices = [SelectChoice("", _l("– keine –"))] + [
            SelectChoice(str(s.id), f"{s.code} – {s.title}" if s.code else s.title)
            for s in sessions
            if current is None or s.id != current.id
        ]

    @staticmethod
    def initial(session) -> dict:
        """Form data of a stored session (for the edit page), without extra queries."""
        return {
            "code": session.code or "",
            "kind": session.kind,
            "title": session.title,
            "description": session.description,
            "day": session.starts_at.date(),
            "starts": session.starts_at.time(),
            "ends": session.ends_at.time(),
            "room": session.room,
            "capacity": session.capacity,
            "is_breakout": session.is_breakout,
            "table_size": session.table_size,
            "requires": session.requires_id,
            "presenters": session.presenters,
            "assumptions": session.assumptions,
        }

    def values(self) -> dict:
        """The plain values for the events services."""
        return {
            "code": self.code.data or "",
            "kind": self.kind.data,
            "title": self.title.data or "",
            "description": self.description.data or "",
            "starts_at": datetime.combine(self.day.data, self.starts.data),
            "ends_at": datetime.combine(self.day.data, self.ends.data),
            "room": self.room.data or "",
            "capacity": self.capacity.data,
            "is_breakout": self.is_breakout.data,
            "table_size": self.table_size.data,
            "requires": self.requires.data,
            "presenters": self.presenters.data or "",
            "assumptions": self.assumptions.data or "",
        }
