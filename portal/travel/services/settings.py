"""The organisers' settings of an event's claims: rates, cap, threshold, deadline, account."""

from datetime import date

from flask_babel import lazy_gettext as _l
from peewee import IntegrityError
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from portal import audit
from portal.accounts.models import User
from portal.events import services as event_services
from portal.events.models import DeadlineKind, Event
from portal.extensions import db
from portal.timeutil import end_of_day, now
from portal.travel.models import ClaimSettings
from portal.travel.services.core import ClaimInvalid

# --- the organisers' settings -----------------------------------------------------------


def update_settings(
    event: Event,
    *,
    actor: User,
    car_rate_cents: int,
    car_cap_cents: int,
    hotel_night_cents: int,
    second_approval_cents: int | None,
    deadline_on: date | None,
    debtor_name: str = "",
    debtor_iban: str = "",
    debtor_bic: str = "",
) -> ClaimSettings:
    """Rates, cap, second-approval threshold, deadline and the paying account of an event."""
    errors = {}
    for name, value in (
        ("car_rate", car_rate_cents),
        ("car_cap", car_cap_cents),
        ("hotel_night", hotel_night_cents),
    ):
        if value is None or value <= 0:
            errors[name] = _l("Bitte geben Sie einen Betrag größer als 0,00 € an.")
    if second_approval_cents is not None and second_approval_cents <= 0:
        errors["second_approval"] = _l(
            "Bitte geben Sie einen Betrag größer als 0,00 € an oder lassen Sie das Feld leer."
        )
    if deadline_on is not None and deadline_on < event.ends_on:
        errors["deadline_on"] = _l("Die Frist darf nicht vor dem Ende der Veranstaltung liegen.")
    debtor_name = " ".join((debtor_name or "").split())[:70]
    iban = bic = ""
    if debtor_iban:
        try:
            parsed = IBAN(debtor_iban)
            iban = parsed.compact
            bic = (debtor_bic or "").replace(" ", "").upper() or str(parsed.bic or "")
        except SchwiftyException:
            errors["debtor_iban"] = _l("Diese IBAN ist ungültig. Bitte prüfen Sie die Eingabe.")
    if debtor_bic and not debtor_iban:
        errors["debtor_iban"] = _l("Bitte geben Sie zur BIC auch die IBAN an.")
    if bic and not 8 <= len(bic) <= 11:
        errors["debtor_bic"] = _l("Eine BIC hat 8 oder 11 Zeichen.")
    if errors:
        raise ClaimInvalid(errors)
    with db.atomic():
        settings = _settings_row(event)
        settings.car_rate_cents = car_rate_cents
        settings.car_cap_cents = car_cap_cents
        settings.hotel_night_cents = hotel_night_cents
        settings.second_approval_cents = second_approval_cents
        settings.debtor_name = debtor_name
        settings.debtor_iban = iban
        settings.debtor_bic = bic
        settings.updated_at = now()
        settings.save()
        if deadline_on is not None:
            event_services.set_deadline(
                event, DeadlineKind.CLAIMS, end_of_day(deadline_on), actor=actor
            )
        audit.record(
            "claim_settings.updated",
            settings,
            actor=actor,
            car_rate_cents=car_rate_cents,
            car_cap_cents=car_cap_cents,
            hotel_night_cents=hotel_night_cents,
            second_approval_cents=second_approval_cents,
            deadline_on=deadline_on,
        )
    return settings


def _settings_row(event: Event) -> ClaimSettings:
    """The event's settings row, created with defaults on first use."""
    settings = ClaimSettings.get_or_none(ClaimSettings.event == event)
    if settings is not None:
        return settings
    try:
        with db.atomic():
            return ClaimSettings.create(event=event)
    except IntegrityError:
        return ClaimSettings.get(ClaimSettings.event == event)
