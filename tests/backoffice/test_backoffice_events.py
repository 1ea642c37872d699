"""Back office: access, the event list, creating and editing events."""

import re
from datetime import date, datetime

import pytest

from portal.audit import AuditEntry
from portal.events.models import Event, EventStatus

VALID = {
    "slug": "neue-tagung-2025",
    "title": "Neue Tagung",
    "motto": "Gemeinsam",
    "starts_on": "2025-05-06",
    "ends_on": "2025-05-07",
    "venue": "Stadthalle",
    "address": "Markt 1, 12345 Musterstadt",
    "description": "Zwei Tage.",
    "contact_name": "Organisationsbüro",
    "contact_email": "Buero@Example.org",
    "contact_phone": "030 123456",
    "service_hours": "werktags 9–18 Uhr",
    "registration_opens_at": "2025-01-15T09:00",
    "status": "published",
}


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


@pytest.fixture
def organiser(make_user, sign_in):
    user = make_user(roles=("organiser",))
    sign_in(user)
    return user


@pytest.mark.parametrize(
    "url",
    [
        "/organisation/",
        "/organisation/veranstaltungen/neu",
        "/organisation/veranstaltungen/1",
        "/organisation/veranstaltungen/1/fristen",
        "/organisation/veranstaltungen/1/programm",
        "/organisation/veranstaltungen/1/programm/neu",
    ],
)
def test_backoffice_attendee_gets_403(app, client, make_user, make_event, sign_in, url):
    make_event()
    sign_in(make_user(roles=("attendee",)))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ["/organisation/", "/organisation/veranstaltungen/1/programm"])
def test_backoffice_anonymous_redirected_to_login(app, client, make_event, url):
    make_event()
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/konto/anmelden")


def test_backoffice_attendee_post_changes_nothing(app, client, make_user, sign_in):
    sign_in(make_user(roles=("attendee",)))
    assert client.post("/organisation/veranstaltungen/neu", data=VALID).status_code == 403
    assert Event.select().count() == 0


def test_backoffice_index_lists_all_events_with_status(app, client, organiser, make_event):
    make_event(title="Offene Tagung")
    make_event(title="Entwurfstagung", status="draft")
    make_event(title="Alte Tagung", status="archived")
    text = _text(client.get("/organisation/"))
    assert "Offene Tagung" in text and "Veröffentlicht" in text
    assert "Entwurfstagung" in text and "Entwurf" in text
    assert "Alte Tagung" in text and "Archiviert" in text


def test_create_event_saves_and_redirects(app, client, organiser):
    response = client.post("/organisation/veranstaltungen/neu", data=VALID)
    event = Event.get(Event.slug == "neue-tagung-2025")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/organisation/veranstaltungen/{event.id}"
    assert (event.title, event.starts_on, event.ends_on, event.status) == (
        "Neue Tagung",
        date(2025, 5, 6),
        date(2025, 5, 7),
        EventStatus.PUBLISHED,
    )
    assert event.contact_email == "buero@example.org"
    assert event.registration_opens_at == datetime(2025, 1, 15, 9, 0)
    assert AuditEntry.get(AuditEntry.action == "event.created").actor_id == organiser.id
    page = client.get(response.headers["Location"])
    assert "Gespeichert." in _text(page)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"slug": "Neue Tagung"}, "slug", "Bitte verwenden Sie nur Kleinbuchstaben, Ziffern"),
        ({"slug": "-tagung"}, "slug", "Bitte verwenden Sie nur Kleinbuchstaben, Ziffern"),
        ({"slug": ""}, "slug", "Bitte füllen Sie dieses Feld aus."),
        ({"title": ""}, "title", "Bitte füllen Sie dieses Feld aus."),
        ({"ends_on": "2025-05-05"}, "ends_on", "Das Ende darf nicht vor dem Beginn liegen."),
        ({"starts_on": "06.05.2025"}, "starts_on", "Bitte geben Sie ein gültiges Datum ein."),
        ({"contact_email": "keine-adresse"}, "contact_email", "gültige E-Mail-Adresse"),
        ({"status": "geheim"}, "status", "Bitte wählen Sie einen der angebotenen Einträge."),
    ],
)
def test_create_event_invalid_shows_german_error(app, client, organiser, changes, field, message):
    response = client.post("/organisation/veranstaltungen/neu", data=VALID | changes)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'<p class="kern-error" id="{field}-error"[^>]*>(.*?)</p>', html, re.S)
    assert error is not None
    assert message in error.group(1)
    assert 'value="Stadthalle"' in html  # what was typed is kept
    assert Event.select().count() == 0


def test_create_event_error_is_bound_to_field(app, client, organiser):
    response = client.post(
        "/organisation/veranstaltungen/neu", data=VALID | {"ends_on": "2025-05-01"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="ends_on-error"' in html
    assert re.search(
        r'<input[^>]*aria-describedby="ends_on-hint ends_on-error"[^>]*id="ends_on"', html
    ) or re.search(
        r'<input[^>]*id="ends_on"[^>]*aria-describedby="ends_on-hint ends_on-error"', html
    )


def test_create_event_duplicate_slug(app, client, organiser, make_event):
    make_event(slug="neue-tagung-2025")
    response = client.post("/organisation/veranstaltungen/neu", data=VALID)
    assert response.status_code == 422
    assert "Diese Kurzbezeichnung ist bereits vergeben." in response.get_data(as_text=True)
    assert Event.select().count() == 1


def test_create_event_without_csrf_is_refused(app, client, organiser):
    response = client.post("/organisation/veranstaltungen/neu", data=VALID, csrf=False)
    assert response.status_code == 400
    assert Event.select().count() == 0


def test_edit_event_form_prefilled(app, client, organiser, make_event):
    event = make_event(title="Kommunaltagung", slug="kt")
    html = client.get(f"/organisation/veranstaltungen/{event.id}").get_data(as_text=True)
    assert 'value="Kommunaltagung"' in html
    assert 'value="2024-11-19"' in html
    assert html.count("<h1") == 1


def test_edit_event_saves(app, client, organiser, make_event):
    event = make_event(slug="kt")
    response = client.post(
        f"/organisation/veranstaltungen/{event.id}", data=VALID | {"status": "archived"}
    )
    assert response.status_code == 303
    stored = Event.get_by_id(event.id)
    assert (stored.slug, stored.status) == ("neue-tagung-2025", EventStatus.ARCHIVED)


def test_edit_event_invalid_changes_nothing(app, client, organiser, make_event):
    event = make_event(slug="kt", title="Alt")
    response = client.post(
        f"/organisation/veranstaltungen/{event.id}",
        data=VALID | {"title": "Neu", "ends_on": "2025-01-01"},
    )
    assert response.status_code == 422
    assert 'value="Neu"' in response.get_data(as_text=True)
    assert Event.get_by_id(event.id).title == "Alt"


def test_edit_event_unknown_is_404(app, client, organiser):
    assert client.get("/organisation/veranstaltungen/999").status_code == 404
