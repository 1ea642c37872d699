"""Deadlines in Europe/Berlin: the last minute, the extension, opening, editing, cancelling."""

from datetime import UTC, datetime

import pytest

import portal.timeutil
from portal.events import services as event_services
from portal.events.models import Deadline, DeadlineChange, DeadlineKind
from portal.registration import services
from portal.registration.models import Registration, RegistrationState
from tests.registration.conftest import form_data, service_values


def url(event):
    return f"/veranstaltungen/{event.slug}/anmeldung"


def test_registration_open_at_2359_on_the_last_day(client, attendee, open_event, frozen):
    event = open_event()
    frozen(datetime(2024, 10, 31, 23, 59))
    assert 'name="first_name"' in client.get(url(event)).text
    assert client.post(url(event), data=form_data()).status_code == 303
    assert Registration.get().state == RegistrationState.CONFIRMED


def test_registration_closed_at_midnight_after_the_last_day(client, attendee, open_event, frozen):
    event = open_event()
    frozen(datetime(2024, 11, 1, 0, 0))
    page = client.get(url(event))
    assert page.status_code == 200
    assert "Anmeldung geschlossen." in page.text
    assert "Die Anmeldefrist ist am 31.10.2024 abgelaufen." in page.text
    assert 'name="first_name"' not in page.text
    response = client.post(url(event), data=form_data())
    assert response.status_code == 422
    assert "Die Anmeldefrist ist am 31.10.2024 abgelaufen." in response.text
    assert Registration.select().count() == 0


class _BerlinClock(datetime):
    """datetime whose now() is a fixed instant, converted to the zone asked for."""

    instant = datetime(2024, 10, 31, 23, 30, tzinfo=UTC)

    @classmethod
    def now(cls, tz=None):
        return cls.instant.astimezone(tz)


def test_deadline_is_judged_in_berlin_time_not_utc(app, open_event, monkeypatch):
    """23:30 UTC on 31 October is 00:30 on 1 November in Berlin: already closed."""
    event = open_event()
    app.config["FROZEN_NOW"] = None
    monkeypatch.setattr(portal.timeutil, "datetime", _BerlinClock)
    assert portal.timeutil.now() == datetime(2024, 11, 1, 0, 30)
    assert services.registration_window(event).state == services.WindowState.CLOSED
    _BerlinClock.instant = datetime(2024, 10, 31, 22, 59, tzinfo=UTC)  # 23:59 in Berlin
    try:
        assert services.registration_window(event).state == services.WindowState.OPEN
    finally:
        _BerlinClock.instant = datetime(2024, 10, 31, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "state"),
    [
        (datetime(2024, 8, 31, 23, 59), "not_yet_open"),
        (datetime(2024, 9, 1, 10, 0), "open"),
        (datetime(2024, 10, 31, 23, 59, 59), "open"),
        (datetime(2024, 11, 1, 0, 0), "closed"),
    ],
)
def test_window_edges(app, open_event, at, state):
    event = open_event(registration_opens_at=datetime(2024, 9, 1, 10, 0))
    assert services.registration_window(event, at).state == state


def test_window_without_deadline_closes_when_the_event_starts(app, open_event):
    event = open_event(deadline=None)
    assert services.registration_window(event, datetime(2024, 11, 18, 23, 59)).is_open
    assert not services.registration_window(event, datetime(2024, 11, 19, 0, 0)).is_open


def test_form_not_yet_open_names_the_opening_time(client, attendee, open_event):
    event = open_event(registration_opens_at=datetime(2024, 10, 20, 9, 0))
    page = client.get(url(event))
    assert "Die Anmeldung ist noch nicht geöffnet. Sie öffnet am 20.10.2024, 09:00 Uhr." in (
        page.text
    )
    assert client.post(url(event), data=form_data()).status_code == 422
    assert Registration.select().count() == 0


def test_extension_keeps_the_original_date_and_says_extended(client, attendee, open_event, frozen):
    event = open_event(deadline=datetime(2024, 10, 18, 23, 59, 59))
    frozen(datetime(2024, 10, 25, 12, 0))
    assert not services.registration_window(event).is_open
    event_services.set_deadline(
        event, DeadlineKind.REGISTRATION, datetime(2024, 10, 31, 23, 59, 59)
    )

    deadline = Deadline.get(event=event)
    assert deadline.original_due_at == datetime(2024, 10, 18, 23, 59, 59)
    assert deadline.due_at == datetime(2024, 10, 31, 23, 59, 59)
    page = client.get(url(event))
    assert "Frist verlängert bis 31.10.2024" in page.text
    assert "ursprünglich 18.10.2024" in page.text
    assert client.post(url(event), data=form_data()).status_code == 303


def test_organiser_extends_deadline_in_settings(client, organiser, open_event):
    event = open_event(capacity=50, deadline=datetime(2024, 10, 18, 23, 59, 59))
    data = {"capacity": "50", "deadline_on": "2024-10-31", "ask_evening": "y"}
    response = client.post(
        f"/organisation/veranstaltungen/{event.slug}/anmeldungen/einstellungen", data=data
    )
    assert response.status_code == 303
    deadline = Deadline.get(event=event)
    assert (deadline.original_due_at, deadline.due_at) == (
        datetime(2024, 10, 18, 23, 59, 59),
        datetime(2024, 10, 31, 23, 59, 59),
    )
    [change] = DeadlineChange.select()
    assert change.previous_due_at == datetime(2024, 10, 18, 23, 59, 59)
    assert change.changed_by_id == organiser.id
    page = client.get(f"/organisation/veranstaltungen/{event.slug}/anmeldungen/einstellungen")
    assert "Frist verlängert bis 31.10.2024" in page.text


def test_settings_refuse_deadline_after_event_start(client, organiser, open_event):
    event = open_event()
    data = {"capacity": "50", "deadline_on": "2024-11-19"}
    response = client.post(
        f"/organisation/veranstaltungen/{event.slug}/anmeldungen/einstellungen", data=data
    )
    assert response.status_code == 422
    assert "Die Anmeldefrist muss vor Beginn der Veranstaltung enden." in response.text
    assert Deadline.get(event=event).due_at == datetime(2024, 10, 31, 23, 59, 59)


def test_edit_until_the_deadline(client, attendee, open_event, register_user, frozen):
    event = open_event()
    registration = register_user(event, user=attendee)
    frozen(datetime(2024, 10, 31, 23, 59))
    edit = f"/meine-anmeldungen/{registration.id}/bearbeiten"
    assert 'name="function"' in client.get(edit).text
    response = client.post(edit, data=form_data(function="Dezernentin"))
    assert response.status_code == 303
    assert Registration.get_by_id(registration.id).function == "Dezernentin"


def test_edit_after_the_deadline_changes_nothing(
    client, attendee, open_event, register_user, frozen
):
    event = open_event()
    registration = register_user(event, user=attendee, function="Referent")
    frozen(datetime(2024, 11, 1, 0, 0))
    edit = f"/meine-anmeldungen/{registration.id}/bearbeiten"
    page = client.get(edit)
    assert "Die Anmeldefrist ist abgelaufen. Änderungen sind nicht mehr möglich" in page.text
    assert 'name="function"' not in page.text
    response = client.post(edit, data=form_data(function="Dezernentin"))
    assert response.status_code == 422
    assert Registration.get_by_id(registration.id).function == "Referent"


def test_service_refuses_edit_after_deadline(app, make_user, open_event, frozen):
    event, user = open_event(), make_user()
    registration, _ = services.register(event=event, user=user, **service_values())
    frozen(datetime(2024, 11, 1, 0, 0))
    with pytest.raises(services.RegistrationError, match="Anmeldefrist ist abgelaufen"):
        services.update_registration(registration, actor=user, **service_values(phone="1"))


def test_cancel_until_the_event_starts(client, attendee, open_event, register_user, frozen):
    event = open_event()
    registration = register_user(event, user=attendee)
    frozen(datetime(2024, 11, 18, 23, 59))
    response = client.post(f"/meine-anmeldungen/{registration.id}/stornieren")
    assert response.status_code == 303
    assert Registration.get_by_id(registration.id).state == RegistrationState.CANCELLED


def test_cancel_after_the_event_started_is_refused(
    client, attendee, open_event, register_user, frozen
):
    event = open_event()
    registration = register_user(event, user=attendee)
    frozen(datetime(2024, 11, 19, 0, 0))
    page = client.get(f"/meine-anmeldungen/{registration.id}/stornieren")
    assert page.status_code == 422
    assert "Eine Stornierung ist nicht mehr möglich" in page.text
    response = client.post(
        f"/meine-anmeldungen/{registration.id}/stornieren", follow_redirects=True
    )
    assert (
        "Die Veranstaltung hat begonnen. Eine Stornierung ist nicht mehr möglich." in response.text
    )
    assert Registration.get_by_id(registration.id).state == RegistrationState.CONFIRMED


def test_organiser_adds_late_registration_after_deadline(
    client, organiser, make_user, open_event, frozen
):
    event = open_event(capacity=10)
    late_user = make_user(email="spaet@example.org", name="Sina Spät")
    frozen(datetime(2024, 11, 5, 10, 0))
    assert not services.registration_window(event).is_open
    new = f"/organisation/veranstaltungen/{event.slug}/anmeldungen/nachmeldung"
    assert client.get(new).status_code == 200
    response = client.post(new, data=form_data(email="Spaet@Example.org", last_name="Spät"))
    assert response.status_code == 303
    registration = Registration.get()
    assert response.headers["Location"].endswith(f"/anmeldungen/{registration.id}")
    assert registration.is_late is True
    assert registration.user_id == late_user.id
    assert registration.created_by_id == organiser.id
    assert registration.state == RegistrationState.CONFIRMED


def test_late_registration_still_respects_capacity(app, make_user, open_event, frozen):
    event = open_event(capacity=1)
    services.register(event=event, user=make_user(), **service_values())
    frozen(datetime(2024, 11, 5, 10, 0))
    late, created = services.add_late_registration(
        event=event, actor=make_user(roles=("organiser",)), **service_values(email="x@example.org")
    )
    assert created is True
    assert late.state == RegistrationState.WAITLISTED
    assert services.capacity_violations(event) == []


def test_settings_keep_a_deadline_time_set_elsewhere(client, organiser, open_event):
    """Saving the settings with the same day leaves a back-office time (12:00) alone."""
    event = open_event(deadline=datetime(2024, 10, 31, 12, 0))
    data = {"capacity": "50", "deadline_on": "2024-10-31"}
    client.post(f"/organisation/veranstaltungen/{event.slug}/anmeldungen/einstellungen", data=data)
    assert Deadline.get(event=event).due_at == datetime(2024, 10, 31, 12, 0)
    assert DeadlineChange.select().count() == 0
