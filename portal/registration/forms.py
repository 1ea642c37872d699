"""Forms: the registration form, the organisers' settings, decision and list filters."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from portal.registration.models import (
    FEDERAL_STATES,
    ORGANISATION_TYPE_LABELS,
    SALUTATION_LABELS,
    STATE_LABELS,
)
from portal.templating import date_long

REQUIRED = _l("Bitte füllen Sie dieses Feld aus.")
TOO_LONG = _l("Bitte kürzen Sie die Eingabe auf höchstens %(max)d Zeichen.")
CHOOSE = _l("Bitte wählen Sie")
ALL = _l("alle")


def _choices(pairs, blank=None) -> list[SelectChoice]:
    """SelectChoice options from (value, label) pairs, optionally after a blank option."""
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(str(value), label) for value, label in pairs]


def _required():
    return DataRequired(message=REQUIRED)


def _max(n: int):
    return Length(max=n, message=TOO_LONG)


class MultiCheckboxField(SelectMultipleField):
    """Several checkboxes for one multiple choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ServiceErrorsMixin:
    """Bind a service's InvalidRegistration messages to the form's fields."""

    def bind_errors(self, errors: dict) -> None:
        for name, message in errors.items():
            field = getattr(self, name, None)
            if field is None:
                continue
            field.errors = [*field.errors, message]


class RegistrationForm(ServiceErrorsMixin, FlaskForm):
    """The registration form; optional questions not asked by the event are removed."""

    salutation = SelectField(
        _l("Anrede"),
        choices=_choices(SALUTATION_LABELS.items()),
        invalid_choice_message=_l("Bitte wählen Sie eine Anrede aus der Liste."),
    )
    academic_title = StringField(_l("Titel"), validators=[Optional(), _max(50)])
    first_name = StringField(_l("Vorname"), validators=[_required(), _max(100)])
    last_name = StringField(_l("Nachname"), validators=[_required(), _max(100)])
    organisation = StringField(
        _l("Organisation, Behörde oder Kommune"), validators=[_required(), _max(200)]
    )
    organisation_type = SelectField(
        _l("Art der Organisation"),
        choices=_choices(ORGANISATION_TYPE_LABELS.items(), CHOOSE),
        validators=[DataRequired(message=_l("Bitte wählen Sie die Art Ihrer Organisation."))],
        invalid_choice_message=_l("Bitte wählen Sie die Art Ihrer Organisation."),
    )
    function = StringField(_l("Funktion"), validators=[Optional(), _max(200)])
    federal_state = SelectField(
        _l("Bundesland"),
        choices=_choices(FEDERAL_STATES.items(), CHOOSE),
        validators=[DataRequired(message=_l("Bitte wählen Sie ein Bundesland."))],
        invalid_choice_message=_l("Bitte wählen Sie ein Bundesland."),
    )
    email = EmailField(
        _l("E-Mail-Adresse"),
        validators=[
            _required(),
            _max(254),
            Email(message=_l("Bitte geben Sie eine gültige E-Mail-Adresse ein.")),
        ],
    )
    phone = TelField(_l("Telefon"), validators=[Optional(), _max(60)])
    days = MultiCheckboxField(
        _l("An welchen Tagen nehmen Sie teil?"),
        choices=[],
        invalid_choice_message=_l("Bitte wählen Sie nur Tage der Veranstaltung."),
    )
    # A missing or unknown answer fails the choice check, with one German message.
    evening = RadioField(
        _l("Nehmen Sie am abendlichen Get-together teil?"),
        choices=_choices([("yes", _l("Ja")), ("no", _l("Nein"))]),
        invalid_choice_message=_l(
            "Bitte geben Sie an, ob Sie am abendlichen Get-together teilnehmen."
        ),
    )
    sensitive_consent = BooleanField(
        _l(
            "Ich willige ein, dass meine Angaben zu Ernährung und Barrierefreiheit zur Planung "
            "der Veranstaltung verarbeitet werden. Sie werden nach der Veranstaltung gelöscht."
        )
    )
    dietary_needs = TextAreaField(
        _l("Ernährung (zum Beispiel vegetarisch, Allergien)"), validators=[Optional(), _max(2000)]
    )
    accessibility_needs = TextAreaField(
        _l("Barrierefreiheit (zum Beispiel Rollstuhlplatz, Gebärdensprache)"),
        validators=[Optional(), _max(2000)],
    )
    wants_reimbursement = BooleanField(
        _l("Ich möchte die Übernahme meiner Reise- und Hotelkosten beantragen.")
    )
    privacy_accepted = BooleanField(
        _l("Ich habe die Datenschutzhinweise zur Kenntnis genommen."),
        validators=[
            DataRequired(
                message=_l(
                    "Bitte bestätigen Sie, dass Sie die Datenschutzhinweise zur Kenntnis "
                    "genommen haben."
                )
            )
        ],
    )
    participant_list_consent = BooleanField(
        _l("Mein Name und meine Organisation dürfen in der Teilnehmendenliste erscheinen.")
    )
    photo_consent = BooleanField(
        _l("Ich bin einverstanden, dass Fotos, auf denen ich zu sehen bin, veröffentlicht werden.")
    )

    QUESTIONS = {
        "ask_evening": ("evening",),
        "ask_reimbursement": ("wants_reimbursement",),
        "ask_photo_consent": ("photo_consent",),
        "ask_participant_list": ("participant_list_consent",),
        "ask_dietary": ("dietary_needs",),
        "ask_accessibility": ("accessibility_needs",),
    }

    def __init__(self, *args, event, settings, **kwargs):
        super().__init__(*args, **kwargs)
        self.days.choices = _choices((d.isoformat(), date_long(d)) for d in event.days)
        if not event.is_multi_day:
            del self.days
        for flag, names in self.QUESTIONS.items():
            if not getattr(settings, flag):
                for name in names:
                    delattr(self, name)
        if not (settings.ask_dietary or settings.ask_accessibility):
            del self.sensitive_consent
        self.eligible_types = [t.value for t in settings.eligible_types]
        self.eligible_labels = [str(ORGANISATION_TYPE_LABELS[t]) for t in settings.eligible_types]

    def validate_days(self, field):
        if not field.data:
            raise ValidationError(_l("Bitte wählen Sie mindestens einen Tag."))

    def values(self) -> dict:
        """Plain values for the services (absent questions are left out)."""
        data = {name: field.data for name, field in self._fields.items() if name != "csrf_token"}
        if "days" in data:
            data["days"] = [date.fromisoformat(d) for d in data["days"] or ()]
        if "evening" in data:
            data["evening"] = {"yes": True, "no": False}.get(data["evening"])
        return data

    @classmethod
    def initial(cls, registration) -> dict:
        """Form data from a stored registration (for editing)."""
        data = {
            name: getattr(registration, name)
            for name in (
                "salutation",
                "academic_title",
                "first_name",
                "last_name",
                "organisation",
                "organisation_type",
                "function",
                "federal_state",
                "email",
                "phone",
                "dietary_needs",
                "accessibility_needs",
                "wants_reimbursement",
            )
        }
        data["days"] = [d.isoformat() for d in registration.day_list]
        data["evening"] = {True: "yes", False: "no"}.get(registration.evening)
        data["sensitive_consent"] = registration.sensitive_consent_at is not None
        data["privacy_accepted"] = registration.privacy_accepted_at is not None
        data["participant_list_consent"] = registration.participant_list_consent_at is not None
        data["photo_consent"] = registration.photo_consent_at is not None
        return data


class SettingsForm(ServiceErrorsMixin, FlaskForm):
    """The organisers' registration settings of one event."""

    capacity = IntegerField(
        _l("Plätze"),
        invalid_value_message=_l("Bitte geben Sie eine ganze Zahl ein."),
        validators=[
            Optional(),
            NumberRange(min=0, message=_l("Die Platzzahl darf nicht negativ sein.")),
        ],
    )
    opens_at = DateTimeLocalField(
        _l("Anmeldung öffnet am"),
        validators=[Optional()],
        format="%Y-%m-%dT%H:%M",
        invalid_value_message=_l("Bitte geben Sie Datum und Uhrzeit an."),
    )
    deadline_on = DateField(
        _l("Anmeldeschluss (letzter Tag, bis 23:59 Uhr)"),
        validators=[Optional()],
        invalid_value_message=_l("Bitte geben Sie ein gültiges Datum ein."),
    )
    needs_approval = BooleanField(_l("Anmeldungen müssen vom Organisationsbüro bestätigt werden"))
    ask_evening = BooleanField(_l("Teilnahme am abendlichen Get-together"))
    ask_dietary = BooleanField(_l("Angaben zur Ernährung"))
    ask_accessibility = BooleanField(_l("Angaben zur Barrierefreiheit"))
    ask_reimbursement = BooleanField(_l("Antrag auf Übernahme der Reise- und Hotelkosten"))
    ask_photo_consent = BooleanField(_l("Einwilligung in Fotos"))
    ask_participant_list = BooleanField(_l("Einwilligung in die Teilnehmendenliste"))
    reimbursement_types = MultiCheckboxField(
        _l("Wer darf die Übernahme der Reise- und Hotelkosten beantragen?"),
        choices=_choices(ORGANISATION_TYPE_LABELS.items()),
    )

    def values(self) -> dict:
        return {name: f.data for name, f in self._fields.items() if name != "csrf_token"}


class DecisionForm(ServiceErrorsMixin, FlaskForm):
    """Approve or reject a pending registration, with a message to the person."""

    decision = RadioField(
        _l("Entscheidung"),
        choices=_choices([("approve", _l("Bestätigen")), ("reject", _l("Ablehnen"))]),
        invalid_choice_message=_l("Bitte wählen Sie eine Entscheidung."),
    )
    message = TextAreaField(
        _l("Nachricht an die angemeldete Person"), validators=[Optional(), _max(2000)]
    )


class FilterForm(FlaskForm):
    """Search and filters of the organisers' list (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Suche nach Name, Organisation oder E-Mail"), validators=[Optional()])
    state = SelectField(
        _l("Status"),
        choices=_choices(STATE_LABELS.items(), ALL),
        validate_choice=False,
    )
    organisation_type = SelectField(
        _l("Art der Organisation"),
        choices=_choices(ORGANISATION_TYPE_LABELS.items(), ALL),
        validate_choice=False,
    )
    federal_state = SelectField(
        _l("Bundesland"),
        choices=_choices(FEDERAL_STATES.items(), ALL),
        validate_choice=False,
    )
    day = SelectField(_l("Tag"), choices=[], validate_choice=False)
    reimbursement = SelectField(
        _l("Erstattungswunsch"),
        choices=_choices([("yes", _l("ja")), ("no", _l("nein"))], ALL),
        validate_choice=False,
    )

    def filters(self) -> dict:
        return {name: field.data or "" for name, field in self._fields.items()}

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.day.choices = _choices(((d.isoformat(), date_long(d)) for d in event.days), ALL)
