"""Forms of the foyer exhibition: the booth, the organisers' decision, places and placement."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.exhibitors.models import STATE_LABELS, BoothState
from portal.exhibitors.plan import GRID_COLUMNS, GRID_ROWS, MAX_SIZE
from portal.exhibitors.services import MAX_STAFF
from portal.registration.models import FEDERAL_STATES, ORGANISATION_TYPE_LABELS

REQUIRED = _l("Bitte füllen Sie dieses Feld aus.")
INVALID_NUMBER = _l("Bitte geben Sie eine ganze Zahl ein.")
INVALID_DATETIME = _l("Bitte geben Sie Datum und Uhrzeit an (zum Beispiel 18.11.2024, 16:00).")
TOO_LONG = _l("Bitte kürzen Sie die Eingabe auf höchstens %(max)d Zeichen.")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def _choices(labels: dict, empty=None) -> list[SelectChoice]:
    """Choices from a value -> label dict, optionally after an empty 'please choose'."""
    first = [SelectChoice("", empty)] if empty is not None else []
    return first + [SelectChoice(str(value), label) for value, label in labels.items()]


def _max(n: int):
    return Length(max=n, message=TOO_LONG)


def _count(label, maximum: int):
    return IntegerField(
        label,
        default=0,
        validators=[
            Optional(),
            NumberRange(0, maximum, message=_l("Bitte geben Sie eine Zahl von 0 bis %(max)s an.")),
        ],
        invalid_value_message=INVALID_NUMBER,
    )


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class ServiceErrorsMixin:
    """Bind a service's InvalidBooth messages to the form's fields."""

    def bind_errors(self, errors: dict) -> None:
        for name, message in errors.items():
            field = self._error_field(name)
            if field is not None:
                field.errors = [*field.errors, message]

    def _error_field(self, name: str):
        return getattr(self, name, None)


class StaffForm(Form):
    """One person at the booth (a row of the booth form)."""

    first_name = StringField(_l("Vorname"), validators=[Optional(), _max(100)])
    last_name = StringField(_l("Nachname"), validators=[Optional(), _max(100)])
    email = EmailField(_l("E-Mail-Adresse"), validators=[Optional(), _max(254)])


class BoothForm(ServiceErrorsMixin, FlaskForm):
    """The booth; required fields and the rules between fields are checked by the service,
    so that one submit shows every problem at once (the form checks types and lengths)."""

    organisation = StringField(_l("Organisation"), validators=[Optional(), _max(200)])
    organisation_type = SelectField(
        _l("Art der Organisation"),
        choices=_choices(ORGANISATION_TYPE_LABELS, _l("Bitte wählen")),
        validate_choice=False,
    )
    federal_state = SelectField(
        _l("Bundesland des Sitzes"),
        choices=_choices(FEDERAL_STATES, _l("Bitte wählen")),
        validate_choice=False,
    )
    contact_name = StringField(_l("Ansprechperson"), validators=[Optional(), _max(200)])
    contact_email = EmailField(
        _l("E-Mail-Adresse der Ansprechperson"), validators=[Optional(), _max(254)]
    )
    contact_phone = TelField(
        _l("Telefon der Ansprechperson (optional)"), validators=[Optional(), _max(60)]
    )
    topic = StringField(_l("Thema des Stands"), validators=[Optional(), _max(200)])
    description = TextAreaField(
        _l("Kurzbeschreibung (optional)"), validators=[Optional(), _max(1000)]
    )
    session = SelectField(
        _l("Gehört zu Programmpunkt (optional)"), coerce=_int_or_none, validate_choice=False
    )
    tables = _count(_l("Tische"), 10)
    chairs = _count(_l("Stühle"), 20)
    poster_walls = _count(_l("Stellwände oder Roll-ups"), 6)
    needs_power = BooleanField(_l("Stromanschluss"))
    needs_network = BooleanField(_l("Netzwerk- oder Internetzugang"))
    floor_space = IntegerField(
        _l("Benötigte Fläche in m² (optional)"),
        validators=[Optional()],
        invalid_value_message=INVALID_NUMBER,
    )
    setup_at = DateTimeLocalField(
        _l("Aufbau ab"),
        format=DATETIME_FORMATS,
        validators=[Optional()],
        invalid_value_message=INVALID_DATETIME,
    )
    teardown_at = DateTimeLocalField(
        _l("Abbau bis"),
        format=DATETIME_FORMATS,
        validators=[Optional()],
        invalid_value_message=INVALID_DATETIME,
    )
    staff = FieldList(FormField(StaffForm), min_entries=MAX_STAFF, max_entries=MAX_STAFF)
    staff_privacy_confirmed = BooleanField(
        _l(
            "Die genannten Personen kennen die Datenschutzhinweise und sind einverstanden, "
            "dass wir sie mit diesen Angaben zur Veranstaltung anmelden."
        )
    )
    logo = FileField(_l("Logo (PNG oder JPEG, optional)"))
    flyer = FileField(_l("Flyer (PDF, optional)"))

    def set_session_choices(self, sessions) -> None:
        self.session.choices = [SelectChoice("", _l("– keiner –"))] + [
            SelectChoice(str(s.id), f"{s.code} – {s.title}" if s.code else s.title)
            for s in sessions
        ]

    def _error_field(self, name: str):
        """'staff-1-email' names a field of the second staff row."""
        if name.startswith("staff-"):
            _, index, field = name.split("-", 2)
            return getattr(self.staff.entries[int(index)], field, None)
        return getattr(self, name, None)

    @staticmethod
    def initial(booth, staff) -> dict:
        """Form data of a stored booth and its staff (for the edit page)."""
        data = {name: getattr(booth, name) for name in BOOTH_FIELDS}
        data["organisation_type"] = booth.organisation_type.value
        data["session"] = booth.session_id
        data["staff_privacy_confirmed"] = booth.staff_privacy_confirmed_at is not None
        data["staff"] = [
            {"first_name": p.first_name, "last_name": p.last_name, "email": p.email} for p in staff
        ]
        return data

    def values(self) -> dict:
        """The plain values for the exhibitors services (files apart)."""
        values = {name: self[name].data for name in BOOTH_FIELDS}
        values["session"] = self.session.data
        values["staff_privacy_confirmed"] = self.staff_privacy_confirmed.data
        values["staff"] = [entry.data for entry in self.staff.entries]
        return values

    def files(self) -> dict:
        return {"logo": self.logo.data, "flyer": self.flyer.data}


BOOTH_FIELDS = (
    "organisation",
    "organisation_type",
    "federal_state",
    "contact_name",
    "contact_email",
    "contact_phone",
    "topic",
    "description",
    "tables",
    "chairs",
    "poster_walls",
    "needs_power",
    "needs_network",
    "floor_space",
    "setup_at",
    "teardown_at",
)

DECISION_CHOICES = [
    SelectChoice(state.value, STATE_LABELS[state])
    for state in (BoothState.APPROVED, BoothState.WAITLISTED, BoothState.REJECTED)
]


class DecisionForm(ServiceErrorsMixin, FlaskForm):
    state = RadioField(
        _l("Entscheidung"),
        choices=DECISION_CHOICES,
        validators=[InputRequired(_l("Bitte wählen Sie eine Entscheidung."))],
        invalid_choice_message=_l("Bitte wählen Sie eine Entscheidung."),
    )
    message = TextAreaField(_l("Nachricht an den Aussteller"), validators=[Optional(), _max(2000)])

    def data_for_service(self) -> dict:
        return {"state": self.state.data, "message": self.message.data or ""}


def _grid(label, maximum: int, default=None):
    return IntegerField(
        label,
        default=default,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(1, maximum, message=_l("Bitte geben Sie eine Zahl von 1 bis %(max)s an.")),
        ],
        invalid_value_message=INVALID_NUMBER,
    )


class PlaceForm(ServiceErrorsMixin, FlaskForm):
    number = _grid(_l("Nummer"), 999)
    label = StringField(_l("Bezeichnung (optional)"), validators=[Optional(), _max(80)])
    x = _grid(_l("Spalte (von links)"), GRID_COLUMNS)
    y = _grid(_l("Reihe (von oben)"), GRID_ROWS)
    width = _grid(_l("Breite in Feldern"), MAX_SIZE, default=1)
    height = _grid(_l("Tiefe in Feldern"), MAX_SIZE, default=1)
    has_power = BooleanField(_l("Stromanschluss vorhanden"))

    def values(self) -> dict:
        return {
            name: field.data for name, field in self._fields.items() if name != "csrf_token"
        } | {"label": self.label.data or ""}


class PlacementForm(FlaskForm):
    """The per-booth select of the plan; also posted by drag-and-drop."""

    booth = IntegerField(validators=[InputRequired()])
    place = SelectField(coerce=_int_or_none, validate_choice=False)
