"""Back office: sessions of an event (create, edit, delete) and deadlines with history."""

import re
from datetime import date, datetime

import pytest

from portal.events import services
from portal.events.models import Deadline, DeadlineChange, DeadlineKind, Session, SessionKind

SESSION = {
    "code": "WS 1",
    "kind": "workshop",
    "title": "Hybride Bedrohungen",
    "description": "Worum es geht.",
    "day": "2024-11-19",
    "starts": "16:00",
    "ends": "18:00",
    "room": "Seminarraum A",
    "capacity": "60",
    "is_breakout": "y",
    "table_size": "",
    "requires": "",
    "presenters": "BKA",
    "assumptions": "Raum angenommen.",
}


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


@pytest.fixture
def organiser(make_user, sign_in):
    user = make_user(roles=("organiser",), name="Olga Organisation")
    sign_in(user)
    return user


@pytest.fixture
def event(make_event):
    return make_event(slug="kt", starts_on=date(2024, 11, 19), ends_on=date(2024, 11, 20))


def _new(event):
    return f"/organisation/veranstaltungen/{event.id}/programm/neu"


def test_create_session_saves(app, client, organiser, event):
    response = client.post(_new(event), data=SESSION)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/organisation/veranstaltungen/{event.id}/programm"
    session = Session.get(Session.code == "WS 1")
    assert (session.starts_at, session.ends_at, session.capacity, session.is_breakout) == (
        datetime(2024, 11, 19, 16, 0),
        datetime(2024, 11, 19, 18, 0),
        60,
        True,
    )
    assert (session.kind, session.table_size, session.requires_id) == (
        SessionKind.WORKSHOP,
        None,
        None,
    )
    listing = client.get(response.headers["Location"])
    assert "Gespeichert." in _text(listing)
    assert "WS 1 – Hybride Bedrohungen" in _text(listing)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends": "15:00"}, "ends", "Das Ende muss nach dem Beginn liegen."),
        ({"ends": "16:00"}, "ends", "Das Ende muss nach dem Beginn liegen."),
        ({"day": "2024-11-21"}, "day", "Der Programmpunkt muss an einem Tag der Veranstaltung"),
        ({"day": "2024-11-18"}, "day", "Der Programmpunkt muss an einem Tag der Veranstaltung"),
        ({"capacity": "-1"}, "capacity", "Die Platzzahl darf nicht negativ sein."),
        ({"capacity": "viele"}, "capacity", "Bitte geben Sie eine ganze Zahl ein."),
        ({"table_size": "0"}, "table_size", "Ein Tisch muss mindestens einen Platz haben."),
        ({"title": ""}, "title", "Bitte füllen Sie dieses Feld aus."),
        ({"starts": "25:00"}, "starts", "Bitte geben Sie eine gültige Uhrzeit ein"),
        ({"kind": "party"}, "kind", "Bitte wählen Sie einen der angebotenen Einträge."),
    ],
)
def test_create_session_invalid_shows_error_on_field(
    app, client, organiser, event, changes, field, message
):
    response = client.post(_new(event), data=SESSION | changes)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'<p class="kern-error" id="{field}-error"[^>]*>(.*?)</p>', html, re.S)
    assert error is not None, html
    assert message in error.group(1)
    assert 'value="Seminarraum A"' in html  # input kept
    assert Session.select().count() == 0


def test_create_session_required_from_other_event_refused(
    app, client, organiser, event, make_event, make_session
):
    other = make_event(slug="andere")
    foreign = make_session(other, code="WS 2")
    response = client.post(_new(event), data=SESSION | {"requires": str(foreign.id)})
    assert response.status_code == 422
    assert "Die vorausgesetzte Session muss zur selben Veranstaltung gehören." in _text(response)
    assert Session.select().where(Session.event == event).count() == 0


def test_edit_session_cannot_require_itself(app, client, organiser, event, make_session):
    session = make_session(event, code="WS 1")
    url = f"/organisation/veranstaltungen/{event.id}/programm/{session.id}"
    response = client.post(url, data=SESSION | {"requires": str(session.id)})
    assert response.status_code == 422
    assert "Eine Session kann nicht sich selbst voraussetzen." in _text(response)
    assert Session.get_by_id(session.id).requires_id is None


def test_create_session_duplicate_code_is_field_error(app, client, organiser, event, make_session):
    make_session(event, code="WS 1")
    response = client.post(_new(event), data=SESSION)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(r'id="code-error"[^>]*>(.*?)</p>', html, re.S)
    assert "Dieses Kürzel ist in dieser Veranstaltung bereits vergeben." in error.group(1)
    assert Session.select().count() == 1


def test_same_code_in_other_event_is_fine(app, client, organiser, event, make_event, make_session):
    make_session(make_event(slug="andere"), code="WS 1")
    assert client.post(_new(event), data=SESSION).status_code == 303
    assert Session.select().where(Session.code == "WS 1").count() == 2


def test_edit_session_prefilled_and_saved(app, client, organiser, event, make_session):
    ws2 = make_session(event, code="WS 2", title="Continuity")
    game = make_session(event, code="PS", kind="game", title="Planspiel", table_size=10)
    url = f"/organisation/veranstaltungen/{event.id}/programm/{game.id}"
    html = client.get(url).get_data(as_text=True)
    assert 'value="Planspiel"' in html
    assert 'value="16:00"' in html
    assert f'<option value="{game.id}"' not in html  # cannot require itself
    data = SESSION | {
        "code": "PS",
        "kind": "game",
        "title": "Planspiel",
        "day": "2024-11-19",
        "starts": "08:30",
        "ends": "12:30",
        "table_size": "10",
        "requires": str(ws2.id),
    }
    response = client.post(url, data=data)
    assert response.status_code == 303
    stored = Session.get_by_id(game.id)
    assert (stored.starts_at, stored.requires_id, stored.table_size) == (
        datetime(2024, 11, 19, 8, 30),
        ws2.id,
        10,
    )


def test_session_of_other_event_is_404_in_backoffice(
    app, client, organiser, event, make_event, make_session
):
    foreign = make_session(make_event(slug="andere"), code="WS 1")
    base = f"/organisation/veranstaltungen/{event.id}/programm/{foreign.id}"
    assert client.get(base).status_code == 404
    assert client.post(base, data=SESSION).status_code == 404
    assert client.post(base + "/loeschen").status_code == 404
    assert Session.get_by_id(foreign.id).title == "Programmpunkt"


def test_delete_session_asks_then_deletes(app, client, organiser, event, make_session):
    session = make_session(event, code="WS 1")
    url = f"/organisation/veranstaltungen/{event.id}/programm/{session.id}/loeschen"
    assert "wirklich löschen" in _text(client.get(url))
    response = client.post(url)
    assert response.status_code == 303
    assert Session.get_or_none(Session.id == session.id) is None


def test_sessions_page_query_count_constant(
    app, client, organiser, event, make_session, count_queries
):
    first = make_session(event, code="WS 0")
    make_session(event, code="WS 1", requires=first)
    url = f"/organisation/veranstaltungen/{event.id}/programm"
    with count_queries() as few:
        client.get(url)
    for i in range(2, 20):
        make_session(event, code=f"WS {i}", requires=first)
    with count_queries() as many:
        assert "WS 19" in _text(client.get(url))
    assert len(few) == len(many)


# --- deadlines ------------------------------------------------------------------------


def _deadline_url(event, kind="registration"):
    return f"/organisation/veranstaltungen/{event.id}/fristen/{kind}"


def test_deadline_set_then_extended_records_history(app, client, organiser, event):
    first = client.post(
        _deadline_url(event),
        data={"registration-due_on": "2024-10-18", "registration-due_time": "23:59"},
    )
    assert first.status_code == 303
    second = client.post(
        _deadline_url(event),
        data={"registration-due_on": "2024-10-31", "registration-due_time": "23:59"},
    )
    assert second.status_code == 303
    deadline = Deadline.get()
    assert (deadline.original_due_at, deadline.due_at) == (
        datetime(2024, 10, 18, 23, 59),
        datetime(2024, 10, 31, 23, 59),
    )
    change = DeadlineChange.get()
    assert (change.previous_due_at, change.new_due_at, change.changed_by_id) == (
        datetime(2024, 10, 18, 23, 59),
        datetime(2024, 10, 31, 23, 59),
        organiser.id,
    )
    page = _text(client.get(f"/organisation/veranstaltungen/{event.id}/fristen"))
    assert "Gespeichert." in page
    assert "Verlängert bis 31.10.2024, 23:59 Uhr (ursprünglich 18.10.2024, 23:59 Uhr)" in page
    assert "Olga Organisation 18.10.2024, 23:59 Uhr 31.10.2024, 23:59 Uhr" in page


def test_deadline_default_time_is_2359(app, client, organiser, event):
    html = client.get(f"/organisation/veranstaltungen/{event.id}/fristen").get_data(as_text=True)
    assert 'id="registration-due_time"' in html
    assert re.search(r'id="registration-due_time"[^>]*value="23:59"', html) or re.search(
        r'value="23:59"[^>]*id="registration-due_time"', html
    )


def test_deadline_registration_after_start_refused(app, client, organiser, event):
    response = client.post(
        _deadline_url(event),
        data={"registration-due_on": "2024-11-19", "registration-due_time": "08:00"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(r'id="registration-due_on-error"[^>]*>(.*?)</p>', html, re.S)
    assert "Die Anmeldefrist muss vor Beginn der Veranstaltung enden." in error.group(1)
    assert 'value="2024-11-19"' in html
    assert Deadline.select().count() == 0


def test_deadline_invalid_date_refused(app, client, organiser, event):
    response = client.post(
        _deadline_url(event),
        data={"registration-due_on": "31.10.", "registration-due_time": "23:59"},
    )
    assert response.status_code == 422
    assert "Bitte geben Sie ein gültiges Datum ein." in _text(response)
    assert Deadline.select().count() == 0


def test_deadline_other_kind_after_event_allowed(app, client, organiser, event):
    response = client.post(
        _deadline_url(event, "claims"),
        data={"claims-due_on": "2024-12-31", "claims-due_time": "12:00"},
    )
    assert response.status_code == 303
    assert services.get_deadline(event, DeadlineKind.CLAIMS).due_at == datetime(2024, 12, 31, 12, 0)


def test_deadline_unknown_kind_is_404(app, client, organiser, event):
    assert client.post(_deadline_url(event, "party"), data={}).status_code == 404


def test_deadlines_page_query_count_constant(
    app, client, organiser, event, make_user, count_queries
):
    services.set_deadline(event, DeadlineKind.REGISTRATION, datetime(2024, 10, 1, 23, 59))
    services.set_deadline(
        event, DeadlineKind.REGISTRATION, datetime(2024, 10, 2, 23, 59), actor=organiser
    )
    url = f"/organisation/veranstaltungen/{event.id}/fristen"
    with count_queries() as few:
        client.get(url)
    for day in range(3, 12):
        services.set_deadline(
            event,
            DeadlineKind.REGISTRATION,
            datetime(2024, 10, day, 23, 59),
            actor=make_user(name=f"Person {day}"),
        )
    with count_queries() as many:
        assert "Person 11" in _text(client.get(url))
    assert len(few) == len(many)
