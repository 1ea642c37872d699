"""The call to action on the public event page (registration/_event_cta.html)."""

import re
from datetime import datetime

import pytest


def cta(html: str) -> str:
    match = re.search(r'<section id="registration-cta".*?</section>', html, re.S)
    assert match, "no call to action on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


def test_open_event_invites_to_register(client, open_event):
    event = open_event(deadline=datetime(2024, 10, 31, 23, 59, 59))
    page = client.get(f"/veranstaltungen/{event.slug}")
    assert page.status_code == 200
    assert f'href="/veranstaltungen/{event.slug}/anmeldung"' in page.text
    assert cta(page.text) == (
        "Anmeldung Die Teilnahme ist kostenlos. Anmeldeschluss: 31.10.2024 Jetzt anmelden"
    )


def test_extended_deadline_shows_on_the_event_page(client, open_event, frozen):
    from portal.events import services as event_services
    from portal.events.models import DeadlineKind

    event = open_event(deadline=datetime(2024, 10, 18, 23, 59, 59))
    event_services.set_deadline(
        event, DeadlineKind.REGISTRATION, datetime(2024, 10, 31, 23, 59, 59)
    )
    text = cta(client.get(f"/veranstaltungen/{event.slug}").text)
    assert "Frist verlängert bis 31.10.2024 (ursprünglich 18.10.2024)" in text
    assert text.endswith("Jetzt anmelden")


def test_closed_event_says_so_with_the_date(client, open_event, frozen):
    event = open_event()
    frozen(datetime(2024, 11, 1, 0, 0))
    text = cta(client.get(f"/veranstaltungen/{event.slug}").text)
    assert text == "Anmeldung Anmeldung geschlossen – die Anmeldefrist endete am 31.10.2024."


def test_not_yet_open_names_the_opening(client, open_event):
    event = open_event(registration_opens_at=datetime(2024, 10, 20, 9, 0))
    text = cta(client.get(f"/veranstaltungen/{event.slug}").text)
    assert text.startswith("Anmeldung Die Anmeldung öffnet am 20.10.2024, 09:00 Uhr.")
    assert "Jetzt anmelden" not in text


@pytest.mark.parametrize(
    ("capacity", "expected"), [(5, "bestätigt"), (0, "auf der Warteliste, Platz 1")]
)
def test_registered_user_sees_the_state(
    client, attendee, open_event, register_user, capacity, expected
):
    event = open_event(capacity=capacity)
    register_user(event, user=attendee)
    text = cta(client.get(f"/veranstaltungen/{event.slug}").text)
    assert text == f"Anmeldung Sie sind angemeldet ({expected}). Zu Ihren Anmeldungen"
