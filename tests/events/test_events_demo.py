"""Demo data: both events with their programmes, deadlines and accounts; loading twice."""

from datetime import date, datetime

from portal.accounts.models import RoleGrant, User
from portal.accounts.passwords import verify_password
from portal.events import services
from portal.events.demo import DEMO_PASSWORD, load_demo
from portal.events.models import (
    Deadline,
    DeadlineChange,
    DeadlineKind,
    Event,
    EventStatus,
    Session,
    SessionKind,
)

MODELS = (Event, Session, Deadline, DeadlineChange, User, RoleGrant)


def _counts():
    return {model.__name__: model.select().count() for model in MODELS}


def test_load_demo_twice_creates_nothing_twice(app):
    first = load_demo()
    counts = _counts()
    second = load_demo()
    assert _counts() == counts
    assert first == second
    assert counts["Event"] == 2
    assert counts["DeadlineChange"] == 1
    assert counts["User"] == 6


def test_demo_kommunaltagung_facts(app):
    load_demo()
    event = Event.get(Event.slug == "kommunaltagung-2024")
    assert (event.starts_on, event.ends_on, event.status) == (
        date(2024, 11, 19),
        date(2024, 11, 20),
        EventStatus.PUBLISHED,
    )
    assert event.motto == "Gleichwertig, resilient, gemeinsam"
    assert "Agentur familie redlich" in event.contact_name
    sessions = {s.code: s for s in Session.select().where(Session.event == event) if s.code}
    assert sorted(sessions) == sorted(
        ["PS"] + [f"WS {i}" for i in range(1, 10)] + [f"V {i}" for i in range(1, 5)]
    )
    ws2, game = sessions["WS 2"], sessions["PS"]
    assert (ws2.starts_at, ws2.ends_at) == (
        datetime(2024, 11, 19, 16, 0),
        datetime(2024, 11, 19, 18, 0),
    )
    assert (game.starts_at, game.ends_at) == (
        datetime(2024, 11, 19, 8, 30),
        datetime(2024, 11, 19, 12, 30),
    )
    assert (game.kind, game.table_size, game.requires_id, game.is_breakout) == (
        SessionKind.GAME,
        10,
        ws2.id,
        True,
    )
    day1 = {c for c, s in sessions.items() if s.starts_at.date() == date(2024, 11, 19)}
    assert day1 == {"PS", "WS 1", "WS 2", "WS 3", "WS 4", "WS 5", "WS 6", "V 1"}
    assert "Bundeskriminalamt (BKA)" in sessions["WS 4"].presenters
    assert "HateAid" in sessions["WS 4"].presenters
    assert "Stadt Gelsenkirchen" in sessions["WS 7"].presenters
    assert "MuJOs e. V." in sessions["V 2"].presenters
    for code in ("WS 3", "V 1", "V 3"):
        assert "Informationsstand im Foyer" in sessions[code].description
    for session in Session.select().where(Session.event == event):
        assert session.assumptions, session.title
        if session.is_breakout:
            assert session.capacity and session.room
    slots = services.breakout_slots(event)
    assert [len(v) for v in slots.values()] == [1, 7, 6]


def test_demo_registration_deadline_extended(app):
    load_demo()
    event = Event.get(Event.slug == "kommunaltagung-2024")
    deadline = services.get_deadline(event, DeadlineKind.REGISTRATION)
    assert (deadline.original_due_at, deadline.due_at, deadline.extended) == (
        datetime(2024, 10, 18, 23, 59),
        datetime(2024, 10, 31, 23, 59),
        True,
    )
    change = DeadlineChange.get(DeadlineChange.deadline == deadline)
    assert change.changed_by.email == "organisation@demo.tagungsportal.example"


def test_demo_kommunen_konstruktiv(app):
    load_demo()
    event = Event.get(Event.slug == "kommunen-konstruktiv-2024")
    assert (event.starts_on, event.ends_on, event.status) == (
        date(2024, 11, 14),
        date(2024, 11, 14),
        EventStatus.PUBLISHED,
    )
    assert event.venue == "Georg-Friedrich-Händel-Halle"
    assert event.address == "Salzgrafenplatz 1, 06108 Halle (Saale)"
    sessions = services.programme(event)[date(2024, 11, 14)]
    assert sessions[0].starts_at == datetime(2024, 11, 14, 9, 30)
    assert sessions[-1].ends_at == datetime(2024, 11, 14, 16, 30)
    assert all(s.assumptions for s in sessions)
    assert services.get_deadline(event, DeadlineKind.REGISTRATION) is not None


def test_demo_accounts_one_per_role(app):
    accounts = load_demo()
    assert [label for label, _, _ in accounts] == [
        "Teilnehmende",
        "Referierende",
        "Aussteller",
        "Moderation",
        "Organisationsbüro",
        "Administration",
    ]
    assert {password for _, _, password in accounts} == {DEMO_PASSWORD}
    assert len(DEMO_PASSWORD) >= 12
    kt = Event.get(Event.slug == "kommunaltagung-2024")
    grants = {
        (g.user.email, str(g.role), g.event_id)
        for g in RoleGrant.select(RoleGrant, User).join(User)
    }
    assert ("referent@demo.tagungsportal.example", "speaker", kt.id) in grants
    assert ("moderation@demo.tagungsportal.example", "moderator", kt.id) in grants
    assert ("organisation@demo.tagungsportal.example", "organiser", None) in grants
    assert ("admin@demo.tagungsportal.example", "admin", None) in grants
    user = User.get(User.email == "organisation@demo.tagungsportal.example")
    assert user.confirmed is True
    assert verify_password(user.password_hash, DEMO_PASSWORD) is True


def test_demo_cli_prints_accounts(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "organisation@demo.tagungsportal.example" in result.output
    assert Event.select().count() == 2


def test_demo_event_page_renders(app, client):
    load_demo()
    response = client.get("/veranstaltungen/kommunaltagung-2024")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Anmeldefrist verlängert bis 31.10.2024 (ursprünglich 18.10.2024)" in html
    assert "Dienstag, 19. November 2024" in html
    assert "08:30–12:30 Uhr" in html
