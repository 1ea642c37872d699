"""Registering through the form: fieldsets, pre-fill, states, mails and bad input."""

import re
from datetime import date, datetime

import pytest
from icalendar import Calendar

from portal.accounts.models import User
from portal.mailer import OutboxMail
from portal.registration import services
from portal.registration.models import Registration, RegistrationSettings, RegistrationState
from tests.registration.conftest import BEFORE_DEADLINE, form_data, service_values


def url(event):
    return f"/veranstaltungen/{event.slug}/anmeldung"


def legends(html: str) -> list[str]:
    return re.findall(r'<legend class="kern-heading-small">(.*?)</legend>', html)


def field_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    return match.group(1) if match else None


def test_form_groups_fields_in_fieldsets(client, attendee, open_event):
    event = open_event()
    page = client.get(url(event))
    assert page.status_code == 200
    assert legends(page.text) == [
        "Angaben zur Person",
        "Organisation",
        "Kontakt",
        "Teilnahme",
        "Ernährung und Barrierefreiheit",
        "Reise- und Hotelkosten",
        "Datenschutz und Einwilligungen",
    ]
    assert page.text.count("<h1") == 1
    assert re.findall(r'name="days"[^>]*value="([^"]+)"', page.text) == [
        "2024-11-19",
        "2024-11-20",
    ]


def test_form_prefilled_from_account(client, attendee, open_event):
    event = open_event()
    page = client.get(url(event))
    assert field_value(page.text, "email") == "erika@example.org"
    assert field_value(page.text, "first_name") == "Erika"
    assert field_value(page.text, "last_name") == "Mustermann"


def test_form_prefilled_from_previous_registration(client, attendee, open_event, register_user):
    earlier = open_event()
    register_user(earlier, user=attendee, organisation="Landkreis Harz", function="Referentin")
    page = client.get(url(open_event()))
    assert field_value(page.text, "organisation") == "Landkreis Harz"
    assert field_value(page.text, "function") == "Referentin"
    assert '<option selected value="district">' in page.text


def test_register_confirms_and_mails_calendar_entry(client, attendee, open_event, sent_mails):
    event = open_event(capacity=10)
    response = client.post(url(event), data=form_data())
    assert response.status_code == 303
    assert response.headers["Location"] == "/meine-anmeldungen"

    registration = Registration.get()
    assert registration.user_id == attendee.id
    assert registration.state == RegistrationState.CONFIRMED
    assert (registration.first_name, registration.last_name) == ("Erika", "Mustermann")
    assert registration.organisation_type == "municipality"
    assert registration.federal_state == "ST"
    assert registration.day_list == [date(2024, 11, 19), date(2024, 11, 20)]
    assert registration.evening is True
    assert registration.wants_reimbursement is True
    assert registration.privacy_accepted_at == BEFORE_DEADLINE
    assert registration.participant_list_consent_at == BEFORE_DEADLINE
    assert registration.photo_consent_at is None
    assert RegistrationSettings.get(event=event).taken == 1

    [mail] = sent_mails()
    assert mail["To"] == "erika@example.org"
    assert mail["Subject"] == f"Anmeldebestätigung: {event.title}"
    assert "Guten Tag Frau Dr. Mustermann," in mail.get_body(("plain",)).get_content()
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "veranstaltung.ics"
    assert attachment.get_content_type() == "text/calendar"
    calendar = Calendar.from_ical(attachment.get_payload(decode=True))
    uids = [str(item["UID"]) for item in calendar.walk("VEVENT")]
    assert uids == [
        f"registration-{registration.id}-20241119@localhost",
        f"registration-{registration.id}-20241120@localhost",
    ]


def test_register_missing_privacy_consent_changes_nothing(client, attendee, open_event):
    event = open_event()
    response = client.post(url(event), data=form_data(privacy_accepted=None))
    assert response.status_code == 422
    assert "Bitte bestätigen Sie, dass Sie die Datenschutzhinweise" in response.text
    assert field_value(response.text, "organisation") == "Stadt Magdeburg"
    assert Registration.select().count() == 0
    assert OutboxMail.select().count() == 0


def test_register_invalid_email_is_refused(client, attendee, open_event):
    event = open_event()
    response = client.post(url(event), data=form_data(email="erika.example.org"))
    assert response.status_code == 422
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein." in response.text
    assert field_value(response.text, "email") == "erika.example.org"
    assert Registration.select().count() == 0


@pytest.mark.parametrize("org_type", ["federal", "state", "science", "municipal_association"])
def test_register_reimbursement_for_non_municipal_type_refused(
    client, attendee, open_event, org_type
):
    event = open_event()
    response = client.post(url(event), data=form_data(organisation_type=org_type))
    assert response.status_code == 422
    assert (
        "Die Übernahme von Reise- und Hotelkosten ist nur für kommunale Praktikerinnen und "
        "Praktiker möglich (Gemeinde/Stadt, Landkreis)." in response.text
    )
    assert Registration.select().count() == 0


def test_register_reimbursement_for_district_is_stored(client, attendee, open_event):
    event = open_event()
    client.post(url(event), data=form_data(organisation_type="district"))
    assert Registration.get().wants_reimbursement is True


def test_register_non_municipal_without_reimbursement_is_fine(client, attendee, open_event):
    event = open_event()
    data = form_data(organisation_type="federal", wants_reimbursement=None)
    assert client.post(url(event), data=data).status_code == 303
    assert Registration.get().wants_reimbursement is False


def test_register_sensitive_data_without_consent_refused(client, attendee, open_event):
    event = open_event()
    response = client.post(url(event), data=form_data(dietary_needs="vegetarisch"))
    assert response.status_code == 422
    assert "Bitte willigen Sie in die Verarbeitung ein" in response.text
    assert "vegetarisch</textarea>" in response.text
    assert Registration.select().count() == 0


def test_register_sensitive_data_with_consent_is_stored(client, attendee, open_event):
    event = open_event()
    data = form_data(
        dietary_needs="vegetarisch", accessibility_needs="Rollstuhlplatz", sensitive_consent="y"
    )
    assert client.post(url(event), data=data).status_code == 303
    registration = Registration.get()
    assert (registration.dietary_needs, registration.accessibility_needs) == (
        "vegetarisch",
        "Rollstuhlplatz",
    )
    assert registration.sensitive_consent_at == BEFORE_DEADLINE


def test_register_without_day_is_refused(client, attendee, open_event):
    event = open_event()
    response = client.post(url(event), data=form_data(days=None))
    assert response.status_code == 422
    assert "Bitte wählen Sie mindestens einen Tag." in response.text
    assert Registration.select().count() == 0


def test_register_day_outside_event_is_refused(client, attendee, open_event):
    event = open_event()
    response = client.post(url(event), data=form_data(days=["2024-11-21"]))
    assert response.status_code == 422
    assert "Bitte wählen Sie nur Tage der Veranstaltung." in response.text
    assert Registration.select().count() == 0


def test_register_evening_answer_required(client, attendee, open_event):
    event = open_event()
    response = client.post(url(event), data=form_data(evening=None))
    assert response.status_code == 422
    assert "Bitte geben Sie an, ob Sie am abendlichen Get-together teilnehmen." in response.text
    assert Registration.select().count() == 0


def test_single_day_event_asks_no_days(client, attendee, open_event):
    event = open_event(starts_on=date(2024, 11, 14), ends_on=date(2024, 11, 14))
    page = client.get(url(event))
    assert 'name="days"' not in page.text
    assert client.post(url(event), data=form_data(days=None)).status_code == 303
    assert Registration.get().day_list == [date(2024, 11, 14)]


def test_questions_switched_off_are_neither_asked_nor_stored(client, attendee, open_event):
    off = {
        name: False
        for name in (
            "ask_evening",
            "ask_dietary",
            "ask_accessibility",
            "ask_reimbursement",
            "ask_photo_consent",
            "ask_participant_list",
        )
    }
    event = open_event(settings=off)
    page = client.get(url(event))
    for name in ("evening", "dietary_needs", "wants_reimbursement", "photo_consent"):
        assert f'name="{name}"' not in page.text
    data = form_data(photo_consent="y", dietary_needs="vegan", sensitive_consent="y")
    assert client.post(url(event), data=data).status_code == 303
    registration = Registration.get()
    assert registration.evening is None
    assert registration.wants_reimbursement is False
    assert registration.dietary_needs == ""
    assert registration.photo_consent_at is None
    assert registration.participant_list_consent_at is None


def test_register_draft_event_is_404(client, attendee, open_event):
    event = open_event(status="draft")
    assert client.get(url(event)).status_code == 404
    assert client.post(url(event), data=form_data()).status_code == 404
    assert Registration.select().count() == 0


def test_register_archived_event_is_refused(client, attendee, open_event):
    event = open_event(status="archived")
    response = client.post(url(event), data=form_data())
    assert response.status_code == 404
    assert "Für diese Veranstaltung ist keine Anmeldung möglich." in response.text
    assert Registration.select().count() == 0


def test_register_unknown_event_is_404(client, attendee):
    assert client.get("/veranstaltungen/gibt-es-nicht/anmeldung").status_code == 404


def test_register_requires_login(client, open_event):
    event = open_event()
    response = client.get(url(event))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/konto/anmelden")


def test_register_unconfirmed_account_is_refused(app, make_user, open_event):
    user = make_user(confirmed=False)
    with pytest.raises(services.RegistrationError, match="E-Mail-Adresse"):
        services.register(event=open_event(), user=user, **service_values(email=user.email))
    assert Registration.select().count() == 0


def test_register_twice_keeps_one_registration(client, attendee, open_event):
    event = open_event(capacity=5)
    client.post(url(event), data=form_data())
    second = client.post(url(event), data=form_data(), follow_redirects=True)
    assert "Sie sind für diese Veranstaltung bereits angemeldet (bestätigt)." in second.text
    assert Registration.select().count() == 1
    assert RegistrationSettings.get(event=event).taken == 1
    assert OutboxMail.select().count() == 1


def test_service_second_submit_returns_existing(app, make_user, open_event):
    """The unique index turns a second submit into the existing registration."""
    event, user = open_event(capacity=5), make_user()
    first, created = services.register(event=event, user=user, **service_values())
    again, created_again = services.register(event=event, user=user, **service_values())
    assert (created, created_again) == (True, False)
    assert again.id == first.id
    assert RegistrationSettings.get(event=event).taken == 1


def test_register_after_cancelling_reactivates_the_row(app, make_user, open_event, frozen):
    event, user = open_event(capacity=5), make_user()
    first, _ = services.register(event=event, user=user, **service_values())
    services.cancel_registration(first, actor=user)
    frozen(datetime(2024, 10, 20, 9, 0))
    again, created = services.register(event=event, user=user, **service_values(phone="0345 1"))
    assert created is True
    assert again.id == first.id
    assert again.state == RegistrationState.CONFIRMED
    assert again.cancelled_at is None
    assert again.phone == "0345 1"
    assert RegistrationSettings.get(event=event).taken == 1


def test_user_without_account_link_is_not_shown_to_others(client, attendee, open_event):
    """A late registration without account never appears under someone's registrations."""
    event = open_event()
    services.add_late_registration(
        event=event, actor=None, **service_values(email="nobody@example.org")
    )
    assert User.get_or_none(User.email == "nobody@example.org") is None
    page = client.get("/meine-anmeldungen")
    assert "Sie haben sich noch für keine Veranstaltung angemeldet." in page.text
