"""Meine Anmeldungen: the list, editing, cancelling, the PDF and the calendar entry."""

import io
from datetime import date, datetime

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from portal.events.models import Session
from portal.registration.models import Registration, RegistrationState
from tests.registration.conftest import form_data


def test_mine_lists_state_and_waitlist_place(client, attendee, open_event, register_user):
    full = open_event(capacity=1, title="Kommunaltagung")
    register_user(full)
    register_user(full, user=attendee)
    register_user(open_event(title="Dialog Kommunen"), user=attendee)
    page = client.get("/meine-anmeldungen")
    assert page.status_code == 200
    assert "auf der Warteliste, Platz 1" in page.text
    assert page.text.count('class="kern-badge kern-badge--success">bestätigt<') == 1
    assert "Kommunaltagung" in page.text and "Dialog Kommunen" in page.text


def test_mine_needs_a_constant_number_of_queries(
    client, attendee, open_event, register_user, count_queries
):
    register_user(open_event(), user=attendee)
    with count_queries() as few:
        client.get("/meine-anmeldungen")
    for _ in range(4):
        register_user(open_event(capacity=0), user=attendee)
    with count_queries() as many:
        page = client.get("/meine-anmeldungen")
    assert page.text.count("registration-card") == 5
    assert len(many) == len(few)


def test_edit_keeps_state_and_saves_values(client, attendee, open_event, register_user):
    event = open_event()
    registration = register_user(event, user=attendee)
    response = client.post(
        f"/meine-anmeldungen/{registration.id}/bearbeiten",
        data=form_data(days=["2024-11-20"], evening="no", phone="0391 999"),
    )
    assert response.status_code == 303
    changed = Registration.get_by_id(registration.id)
    assert changed.state == RegistrationState.CONFIRMED
    assert changed.day_list == [date(2024, 11, 20)]
    assert changed.evening is False
    assert changed.phone == "0391 999"


def test_edit_invalid_input_changes_nothing(client, attendee, open_event, register_user):
    registration = register_user(open_event(), user=attendee, organisation_type="district")
    response = client.post(
        f"/meine-anmeldungen/{registration.id}/bearbeiten",
        data=form_data(organisation_type="federal", organisation="Bundesamt"),
    )
    assert response.status_code == 422
    assert "nur für kommunale Praktikerinnen und Praktiker" in response.text
    assert 'value="Bundesamt"' in response.text
    assert Registration.get_by_id(registration.id).organisation == "Landkreis Harz"


def test_withdrawing_sensitive_consent_erases_the_data(client, attendee, open_event, register_user):
    registration = register_user(
        open_event(), user=attendee, dietary_needs="vegan", sensitive_consent=True
    )
    assert registration.dietary_needs == "vegan"
    data = form_data(dietary_needs="", accessibility_needs="")  # emptied, consent unticked
    assert (
        client.post(f"/meine-anmeldungen/{registration.id}/bearbeiten", data=data).status_code
        == 303
    )
    changed = Registration.get_by_id(registration.id)
    assert (changed.dietary_needs, changed.sensitive_consent_at) == ("", None)


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", "bearbeiten"),
        ("post", "bearbeiten"),
        ("get", "stornieren"),
        ("post", "stornieren"),
        ("get", "bestaetigung.pdf"),
        ("get", "veranstaltung.ics"),
    ],
)
def test_someone_elses_registration_is_404(
    client, attendee, open_event, register_user, method, suffix
):
    other = register_user(open_event())
    kwargs = {"data": form_data()} if method == "post" else {}
    response = getattr(client, method)(f"/meine-anmeldungen/{other.id}/{suffix}", **kwargs)
    assert response.status_code == 404
    assert Registration.get_by_id(other.id).state == RegistrationState.CONFIRMED
    assert Registration.get_by_id(other.id).organisation == "Landkreis Harz"


def test_cancel_asks_for_confirmation_first(client, attendee, open_event, register_user):
    registration = register_user(open_event(), user=attendee)
    page = client.get(f"/meine-anmeldungen/{registration.id}/stornieren")
    assert page.status_code == 200
    assert "Möchten Sie Ihre Anmeldung wirklich stornieren?" in page.text
    assert Registration.get_by_id(registration.id).state == RegistrationState.CONFIRMED


def test_cancel_without_csrf_token_is_refused(client, attendee, open_event, register_user):
    registration = register_user(open_event(), user=attendee)
    response = client.post(f"/meine-anmeldungen/{registration.id}/stornieren", csrf=False)
    assert response.status_code == 400
    assert Registration.get_by_id(registration.id).state == RegistrationState.CONFIRMED


def test_confirmation_pdf_reads_back(client, attendee, open_event, register_user):
    event = open_event(title="Gleichwertig, resilient, gemeinsam", venue="Messe Magdeburg")
    registration = register_user(
        event, user=attendee, first_name="Erika", organisation="Stadt Halle (Saale)"
    )
    response = client.get(f"/meine-anmeldungen/{registration.id}/bestaetigung.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="anmeldebestaetigung-{event.slug}.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Anmeldebestätigung" in text
    assert "Erika Mustermann" in text
    assert "Stadt Halle (Saale)" in text
    assert "Gleichwertig, resilient, gemeinsam" in text
    assert "Dienstag, 19. November 2024 – Mittwoch, 20. November 2024" in text
    assert f"Anmeldenummer {registration.id}" in text


def test_confirmation_pdf_only_for_confirmed(client, attendee, open_event, register_user):
    event = open_event(capacity=0)
    registration = register_user(event, user=attendee)
    assert registration.state == RegistrationState.WAITLISTED
    assert client.get(f"/meine-anmeldungen/{registration.id}/bestaetigung.pdf").status_code == 404
    assert client.get(f"/meine-anmeldungen/{registration.id}/veranstaltung.ics").status_code == 404


def test_calendar_entry_in_berlin_time_per_day(client, attendee, open_event, register_user):
    event = open_event(title="Kommunaltagung", venue="Messe", address="Tessenowstraße 9")
    for day, start, end in ((19, 8, 20), (20, 9, 15)):
        Session.create(
            event=event,
            kind="plenary",
            title="Plenum",
            starts_at=datetime(2024, 11, day, start, 30),
            ends_at=datetime(2024, 11, day, end, 0),
        )
    registration = register_user(
        event, user=attendee, days=[date(2024, 11, 19), date(2024, 11, 20)]
    )
    url = f"/meine-anmeldungen/{registration.id}/veranstaltung.ics"
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.data)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    items = calendar.walk("VEVENT")
    starts = [item.decoded("DTSTART") for item in items]
    assert [(s.date(), s.hour, s.minute, str(s.tzinfo)) for s in starts] == [
        (date(2024, 11, 19), 8, 30, "Europe/Berlin"),
        (date(2024, 11, 20), 9, 30, "Europe/Berlin"),
    ]
    assert [item.decoded("DTEND").hour for item in items] == [20, 15]
    assert b"DTSTART;TZID=Europe/Berlin:20241119T083000" in response.data
    assert str(items[0]["LOCATION"]) == "Messe, Tessenowstraße 9"
    uids = [str(item["UID"]) for item in items]
    again = Calendar.from_ical(client.get(url).data)
    assert [str(item["UID"]) for item in again.walk("VEVENT")] == uids


def test_calendar_entry_only_for_chosen_days_all_day_without_programme(
    client, attendee, open_event, register_user
):
    registration = register_user(open_event(), user=attendee, days=[date(2024, 11, 20)])
    response = client.get(f"/meine-anmeldungen/{registration.id}/veranstaltung.ics")
    [item] = Calendar.from_ical(response.data).walk("VEVENT")
    assert item.decoded("DTSTART") == date(2024, 11, 20)
    assert item.decoded("DTEND") == date(2024, 11, 21)
