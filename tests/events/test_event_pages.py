"""Public pages: event list, event with programme and deadline, session page."""

import re
from datetime import date, datetime

from portal.events import services
from portal.events.models import DeadlineKind


def _text(response) -> str:
    """The page's visible text with whitespace collapsed."""
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_index_lists_published_upcoming_then_past(app, client, make_event):
    app.config["FROZEN_NOW"] = datetime(2024, 11, 15, 12, 0)
    make_event(title="Vergangene Tagung", starts_on=date(2024, 3, 1), ends_on=date(2024, 3, 1))
    make_event(title="Kommende Tagung", starts_on=date(2024, 11, 19))
    make_event(title="Geheimer Entwurf", status="draft")
    make_event(title="Altes Archiv", status="archived")
    response = client.get("/")
    text = _text(response)
    assert response.status_code == 200
    assert text.index("Kommende Tagung") < text.index("Vergangene Tagung")
    assert "Geheimer Entwurf" not in text
    assert "Altes Archiv" not in text


def test_event_page_shows_programme_in_german(app, client, make_event, make_session):
    event = make_event(
        slug="kt",
        title="Kommunaltagung",
        motto="Gleichwertig, resilient, gemeinsam",
        venue="Tagungszentrum",
        address="Musterstraße 1, 39104 Magdeburg",
        contact_name="Organisationsbüro",
        contact_email="buero@example.org",
        service_hours="werktags 9:00–18:00 Uhr",
    )
    ws2 = make_session(
        event,
        code="WS 2",
        title="Continuity of Government",
        capacity=80,
        is_breakout=True,
        room="Saal 1",
    )
    make_session(
        event,
        code="PS",
        kind="game",
        title="Blackout-Simulation Neustart",
        starts_at=datetime(2024, 11, 19, 8, 30),
        ends_at=datetime(2024, 11, 19, 12, 30),
        is_breakout=True,
        capacity=60,
        table_size=10,
        requires=ws2,
    )
    make_session(
        event,
        title="Abschließende Podiumsdiskussion",
        kind="plenary",
        starts_at=datetime(2024, 11, 20, 11, 30),
        ends_at=datetime(2024, 11, 20, 13, 0),
    )
    response = client.get("/veranstaltungen/kt")
    text = _text(response)
    assert response.status_code == 200
    assert "Dienstag, 19. November 2024" in text
    assert "Mittwoch, 20. November 2024" in text
    assert "08:30–12:30 Uhr" in text
    assert "11:30–13:00 Uhr" in text
    assert "Planspiel PS – Blackout-Simulation Neustart" in text
    assert "Workshop WS 2 – Continuity of Government" in text
    assert "Plenum Abschließende Podiumsdiskussion" in text
    assert "60 Plätze (6 Tische zu je 10 Personen)" in text
    assert "80 Plätze" in text
    assert "Musterstraße 1, 39104 Magdeburg" in text
    assert "werktags 9:00–18:00 Uhr" in text
    html = response.get_data(as_text=True)
    assert (
        '<h3 class="kern-heading-small" id="day-2024-11-19">Dienstag, 19. November 2024</h3>'
        in html
    )
    assert (
        html.index("08:30–12:30 Uhr")
        < html.index("16:00–18:00 Uhr")
        < html.index('id="day-2024-11-20"')
    )
    assert html.count("<h1") == 1


def test_event_page_deadline_extended(app, client, make_event):
    event = make_event(slug="kt")
    services.set_deadline(event, DeadlineKind.REGISTRATION, datetime(2024, 10, 18, 23, 59))
    services.set_deadline(event, DeadlineKind.REGISTRATION, datetime(2024, 10, 31, 23, 59))
    text = _text(client.get("/veranstaltungen/kt"))
    assert "Anmeldefrist verlängert bis 31.10.2024 (ursprünglich 18.10.2024)" in text


def test_event_page_deadline_not_extended(app, client, make_event):
    event = make_event(slug="kt")
    services.set_deadline(event, DeadlineKind.REGISTRATION, datetime(2024, 10, 31, 23, 59))
    text = _text(client.get("/veranstaltungen/kt"))
    assert "Anmeldefrist: 31.10.2024" in text
    assert "verlängert" not in text


def test_event_page_draft_is_404_for_public(app, client, make_event, make_user, sign_in):
    make_event(slug="entwurf", status="draft", title="Entwurfstagung")
    assert client.get("/veranstaltungen/entwurf").status_code == 404
    sign_in(make_user(roles=("attendee",)))
    assert client.get("/veranstaltungen/entwurf").status_code == 404


def test_event_page_draft_visible_to_organiser(app, client, make_event, make_user, sign_in):
    make_event(slug="entwurf", status="draft", title="Entwurfstagung")
    sign_in(make_user(roles=("organiser",)))
    response = client.get("/veranstaltungen/entwurf")
    assert response.status_code == 200
    assert "Entwurf: Diese Seite ist nur für das Organisationsbüro sichtbar." in _text(response)


def test_event_page_archived_is_visible_and_marked(app, client, make_event):
    make_event(slug="archiv", status="archived")
    response = client.get("/veranstaltungen/archiv")
    assert response.status_code == 200
    assert "Archiv: Diese Veranstaltung ist abgeschlossen." in _text(response)


def test_event_page_unknown_slug_is_404(app, client):
    assert client.get("/veranstaltungen/gibt-es-nicht").status_code == 404


def test_session_page_shows_details_and_required_session(app, client, make_event, make_session):
    event = make_event(slug="kt")
    ws2 = make_session(event, code="WS 2", title="Continuity of Government", room="Saal 1")
    game = make_session(
        event,
        code="PS",
        kind="game",
        title="Blackout-Simulation Neustart",
        description="Erster Absatz.\n\nZweiter Absatz.",
        starts_at=datetime(2024, 11, 19, 8, 30),
        ends_at=datetime(2024, 11, 19, 12, 30),
        room="Saal 2",
        capacity=60,
        table_size=10,
        is_breakout=True,
        requires=ws2,
        presenters="Bundeskriminalamt (BKA)\nHateAid",
        assumptions="Uhrzeit, Raum und Platzzahl angenommen.",
    )
    response = client.get(f"/veranstaltungen/kt/programm/{game.id}")
    text = _text(response)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "PS – Blackout-Simulation Neustart" in text
    assert "Planspiel" in text
    assert "Dienstag, 19. November 2024, 08:30–12:30 Uhr" in text
    assert "Saal 2" in text
    assert "<li>Bundeskriminalamt (BKA)</li><li>HateAid</li>" in html
    assert "Wer an diesem Programmpunkt teilnimmt, nimmt auch teil an: WS 2 – Continuity" in text
    assert f'href="/veranstaltungen/kt/programm/{ws2.id}"' in html
    assert "Hinweis zu den Angaben: Uhrzeit, Raum und Platzzahl angenommen." in text

    back = _text(client.get(f"/veranstaltungen/kt/programm/{ws2.id}"))
    assert "Dieser Programmpunkt gehört zu: PS – Blackout-Simulation Neustart" in back


def test_session_page_of_other_event_is_404(app, client, make_event, make_session):
    make_event(slug="eins")
    other = make_event(slug="zwei")
    session = make_session(other, code="WS 1")
    assert client.get(f"/veranstaltungen/eins/programm/{session.id}").status_code == 404
    assert client.get(f"/veranstaltungen/zwei/programm/{session.id}").status_code == 200


def test_session_page_of_draft_event_is_404(app, client, make_event, make_session):
    event = make_event(slug="entwurf", status="draft")
    session = make_session(event, code="WS 1")
    assert client.get(f"/veranstaltungen/entwurf/programm/{session.id}").status_code == 404


def _event_with_sessions(make_event, make_session, slug, n):
    event = make_event(slug=slug)
    services.set_deadline(event, DeadlineKind.REGISTRATION, datetime(2024, 10, 18, 23, 59))
    services.set_deadline(event, DeadlineKind.REGISTRATION, datetime(2024, 10, 31, 23, 59))
    first = make_session(event, code="WS 0", is_breakout=True, capacity=30)
    for i in range(1, n):
        make_session(event, code=f"WS {i}", is_breakout=True, capacity=30, requires=first)
    return event


def test_event_page_query_count_constant(app, client, make_event, make_session, count_queries):
    _event_with_sessions(make_event, make_session, "klein", 3)
    _event_with_sessions(make_event, make_session, "gross", 30)
    with count_queries() as small:
        assert client.get("/veranstaltungen/klein").status_code == 200
    with count_queries() as large:
        assert client.get("/veranstaltungen/gross").status_code == 200
    assert len(small) == len(large)
    assert len(small) > 0


def test_index_query_count_constant(app, client, make_event, count_queries):
    make_event()
    with count_queries() as few:
        client.get("/")
    for _ in range(10):
        make_event()
    with count_queries() as many:
        client.get("/")
    assert len(few) == len(many) > 0
