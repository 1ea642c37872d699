"""Forms of the travel area: they parse input (German amounts, dates); rules live in services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    Field,
    IntegerField,
    PasswordField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from portal.travel import rules
from portal.travel.models import KIND_LABELS, RAIL_CLASS_LABELS, STATE_LABELS
from portal.travel.services.review import NOT_DRAFT

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
DATE_MESSAGE = _l("Bitte geben Sie ein gültiges Datum an, zum Beispiel 19.11.2024.")
TOO_LONG = _l("Bitte kürzen Sie die Eingabe auf höchstens %(max)d Zeichen.")


def _choices(pairs, blank=None) -> list[SelectChoice]:
    """SelectChoice options from (value, label) pairs, optionally after a blank option."""
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(str(value), label) for value, label in pairs]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _max(n: int):
    return Length(max=n, message=TOO_LONG)


class EuroField(StringField):
    """A money amount typed the German way ("1.234,50"); `data` is cents (int) or None."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.raw = None

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = None
        if not self.raw.strip():
            return
        try:
            self.data = rules.parse_cents(self.raw)
        except ValueError:
            raise ValueError(
                _l("Bitte geben Sie einen Betrag in Euro an, zum Beispiel 12,50.")
            ) from None

    def _value(self):
        if self.raw is not None:
            return self.raw
        return rules.format_cents(self.data) if self.data is not None else ""


class WholeNumberField(IntegerField):
    """An integer field with a German message for anything that is not a whole number."""

    def __init__(self, *args, message=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.message = message or _l("Bitte geben Sie eine ganze Zahl ein.")

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = int(str(valuelist[0]).strip())
        except ValueError:
            self.data = None
            raise ValueError(self.message) from None


class ServiceErrorsMixin:
    """Bind a service's ClaimInvalid messages to the form's fields."""

    def bind_errors(self, errors: dict) -> None:
        for name, message in errors.items():
            field = getattr(self, name, None)
            if isinstance(field, Field):
                field.errors = [*field.errors, message]
            else:
                self.form_errors.append(message)


class GermanDateField(DateField):
    """A date as the browser's date input sends it (ISO) or typed as 19.11.2024."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(DATE_MESSAGE) from None


def _date(label, **kwargs):
    return GermanDateField(label, format=DATE_FORMATS, validators=[Optional()], **kwargs)


class JourneyForm(ServiceErrorsMixin, FlaskForm):
    origin = StringField(_l("Von (Ort der Abreise)"), filters=[_strip], validators=[_max(200)])
    destination = StringField(_l("Nach (Reiseziel)"), filters=[_strip], validators=[_max(200)])
    departs_on = _date(_l("Hinreise am"))
    returns_on = _date(_l("Rückreise am"))

    def values(self) -> dict:
        return {name: self[name].data for name in self._fields if name != "csrf_token"}


class ItemForm(ServiceErrorsMixin, FlaskForm):
    kind = SelectField(
        _l("Art der Kosten"),
        choices=_choices(KIND_LABELS.items(), _l("Bitte wählen")),
        validate_choice=False,
    )
    spent_on = _date(_l("Datum"))
    description = StringField(
        _l("Beschreibung oder Strecke"), filters=[_strip], validators=[_max(200)]
    )
    amount = EuroField(_l("Betrag in Euro"), render_kw={"inputmode": "decimal"})
    rail_class = RadioField(
        _l("Wagenklasse"),
        choices=_choices(RAIL_CLASS_LABELS.items()),
        default="second",
        validate_choice=False,
    )
    kilometres = WholeNumberField(
        _l("Gefahrene Kilometer"),
        message=_l("Bitte geben Sie die Kilometer als ganze Zahl an."),
        render_kw={"inputmode": "numeric"},
    )
    nights = WholeNumberField(
        _l("Zahl der Nächte"),
        message=_l("Bitte geben Sie die Zahl der Nächte als ganze Zahl an."),
        render_kw={"inputmode": "numeric"},
    )
    reason = TextAreaField(_l("Begründung"), filters=[_strip], validators=[_max(2000)])
    receipts = MultipleFileField(
        _l("Belege"), render_kw={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/*"}
    )

    def values(self) -> dict:
        return {
            "kind": self.kind.data,
            "spent_on": self.spent_on.data,
            "description": self.description.data,
            "amount_cents": self.amount.data,
            "rail_class": self.rail_class.data,
            "kilometres": self.kilometres.data,
            "nights": self.nights.data,
            "reason": self.reason.data,
        }


class ReceiptForm(ServiceErrorsMixin, FlaskForm):
    receipts = MultipleFileField(
        _l("Weitere Belege"), render_kw={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/*"}
    )


class BankForm(ServiceErrorsMixin, FlaskForm):
    account_holder = StringField(
        _l("Kontoinhaberin oder Kontoinhaber"),
        filters=[_strip],
        validators=[_max(70)],
        render_kw={"autocomplete": "name"},
    )
    iban = StringField(
        _l("IBAN"),
        filters=[_strip],
        validators=[_max(42)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    password = PasswordField(_l("Ihr Passwort"), render_kw={"autocomplete": "current-password"})


class SubmitForm(ServiceErrorsMixin, FlaskForm):
    answer = TextAreaField(
        _l("Ihre Antwort auf die Rückfrage"), filters=[_strip], validators=[_max(4000)]
    )
    declaration = BooleanField(
        _l(
            "Ich versichere, dass meine Angaben vollständig und richtig sind und dass mir "
            "diese Kosten nicht von anderer Seite erstattet werden."
        )
    )


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class QueryForm(ServiceErrorsMixin, FlaskForm):
    question = TextAreaField(
        _l("Ihre Rückfrage an die antragstellende Person"),
        filters=[_strip],
        validators=[_max(4000)],
    )


class RejectForm(ServiceErrorsMixin, FlaskForm):
    reason = TextAreaField(
        _l("Begründung der Ablehnung"), filters=[_strip], validators=[_max(4000)]
    )


class ApproveForm(ServiceErrorsMixin, FlaskForm):
    """Per item `approved_<id>` (amount) and `note_<id>`; built by approve_form()."""

    def amounts(self) -> dict[int, int | None]:
        return {
            int(f.name.removeprefix("approved_")): f.data
            for f in self
            if f.name.startswith("approved_")
        }

    def notes(self) -> dict[int, str]:
        return {
            int(f.name.removeprefix("note_")): f.data for f in self if f.name.startswith("note_")
        }


def approve_form(items, **kwargs) -> ApproveForm:
    """The approval form with an amount (default: as claimed) and a note per item."""

    class ItemsApproveForm(ApproveForm):
        pass

    for item in items:
        name = f"{item.kind_label}, {item.spent_on:%d.%m.%Y}"
        setattr(
            ItemsApproveForm,
            f"approved_{item.id}",
            EuroField(
                _l("Bewilligt (%(item)s)", item=name),
                default=item.amount_cents,
                render_kw={"inputmode": "decimal"},
            ),
        )
        setattr(
            ItemsApproveForm,
            f"note_{item.id}",
            StringField(
                _l("Anmerkung (%(item)s)", item=name), filters=[_strip], validators=[_max(500)]
            ),
        )
    return ItemsApproveForm(**kwargs)


class QueueFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Suche nach Name, Organisation oder Antragsnummer"), filters=[_strip])
    state = SelectField(
        _l("Status"),
        choices=[
            SelectChoice(NOT_DRAFT, _l("alle eingereichten")),
            SelectChoice("", _l("alle, auch Entwürfe")),
            *_choices(STATE_LABELS.items()),
        ],
        default=NOT_DRAFT,
        validate_choice=False,
    )

    def filters(self) -> dict:
        state = self.state.data if self.state.data is not None else NOT_DRAFT
        return {"state": state, "q": self.q.data or ""}


class SettingsForm(ServiceErrorsMixin, FlaskForm):
    car_rate = EuroField(_l("Pkw: Betrag je Kilometer"), render_kw={"inputmode": "decimal"})
    car_cap = EuroField(_l("Pkw: Höchstbetrag je Reise"), render_kw={"inputmode": "decimal"})
    hotel_night = EuroField(
        _l("Hotel: Satz je Nacht ohne Begründung"), render_kw={"inputmode": "decimal"}
    )
    second_approval = EuroField(
        _l("Zweite Freigabe ab einem Betrag von mehr als"), render_kw={"inputmode": "decimal"}
    )
    deadline_on = _date(_l("Frist für Anträge"))
    debtor_name = StringField(
        _l("Auszahlendes Konto: Name"), filters=[_strip], validators=[_max(70)]
    )
    debtor_iban = StringField(
        _l("Auszahlendes Konto: IBAN"), filters=[_strip], validators=[_max(42)]
    )
    debtor_bic = StringField(_l("Auszahlendes Konto: BIC"), filters=[_strip], validators=[_max(11)])

    def values(self) -> dict:
        return {
            "car_rate_cents": self.car_rate.data,
            "car_cap_cents": self.car_cap.data,
            "hotel_night_cents": self.hotel_night.data,
            "second_approval_cents": self.second_approval.data,
            "deadline_on": self.deadline_on.data,
            "debtor_name": self.debtor_name.data,
            "debtor_iban": self.debtor_iban.data,
            "debtor_bic": self.debtor_bic.data,
        }


class ExportForm(ServiceErrorsMixin, FlaskForm):
    execution_date = _date(_l("Ausführungsdatum"))
