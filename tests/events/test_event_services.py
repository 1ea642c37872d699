"""Events services: deadlines with extensions, programme grouping, validation."""

import json
from datetime import date, datetime

import pytest

from portal.audit import AuditEntry
from portal.events import services
from portal.events.models import Deadline, DeadlineChange, DeadlineKind, Event, Session

REG = DeadlineKind.REGISTRATION


def test_set_deadline_first_call_sets_original(app, make_event):
    event = make_event()
    deadline = services.set_deadline(event, REG, datetime(2024, 10, 18, 23, 59))
    assert (deadline.due_at, deadline.original_due_at) == (
        datetime(2024, 10, 18, 23, 59),
        datetime(2024, 10, 18, 23, 59),
    )
    assert deadline.extended is False
    assert DeadlineChange.select().count() == 0


def test_set_deadline_later_call_records_extension(app, make_event, make_user):
    event = make_event()
    organiser = make_user(roles=("organiser",))
    services.set_deadline(event, REG, datetime(2024, 10, 18, 23, 59))
    deadline = services.set_deadline(event, REG, datetime(2024, 10, 31, 23, 59), actor=organiser)

    stored = Deadline.get_by_id(deadline.id)
    assert stored.due_at == datetime(2024, 10, 31, 23, 59)
    assert stored.original_due_at == datetime(2024, 10, 18, 23, 59)
    assert stored.extended is True
    change = DeadlineChange.get()
    assert (change.previous_due_at, change.new_due_at, change.changed_by_id) == (
        datetime(2024, 10, 18, 23, 59),
        datetime(2024, 10, 31, 23, 59),
        organiser.id,
    )
    entry = AuditEntry.get(AuditEntry.action == "deadline.extended")
    assert entry.actor_id == organiser.id
    assert json.loads(entry.details)["new"] == "2024-10-31 23:59:00"


def test_set_deadline_same_date_changes_nothing(app, make_event):
    event = make_event()
    services.set_deadline(event, REG, datetime(2024, 10, 18, 23, 59))
    services.set_deadline(event, REG, datetime(2024, 10, 18, 23, 59))
    assert DeadlineChange.select().count() == 0


def test_set_deadline_earlier_date_is_not_an_extension(app, make_event):
    event = make_event()
    services.set_deadline(event, REG, datetime(2024, 10, 18, 23, 59))
    deadline = services.set_deadline(event, REG, datetime(2024, 10, 10, 12, 0))
    assert deadline.extended is False
    assert AuditEntry.select().where(AuditEntry.action == "deadline.changed").count() == 1


def test_get_deadline_missing_is_none(app, make_event):
    assert services.get_deadline(make_event(), REG) is None


def test_deadline_open_until_due_at_inclusive(app, make_event):
    event = make_event()
    services.set_deadline(event, REG, datetime(2024, 10, 31, 23, 59))
    assert services.deadline_open(event, REG, at=datetime(2024, 10, 31, 23, 59)) is True
    assert services.deadline_open(event, REG, at=datetime(2024, 11, 1, 0, 0)) is False


def test_deadline_open_uses_now(app, make_event):
    event = make_event()
    services.set_deadline(event, REG, datetime(2024, 10, 31, 23, 59))
    app.config["FROZEN_NOW"] = datetime(2024, 10, 31, 12, 0)
    assert services.deadline_open(event, REG) is True
    app.config["FROZEN_NOW"] = datetime(2024, 11, 1, 9, 0)
    assert services.deadline_open(event, REG) is False


def test_programme_groups_by_day_in_start_order(app, make_event, make_session):
    event = make_event()
    late = make_session(event, code="WS 10", title="Spät")
    ws2 = make_session(event, code="WS 2", title="Zwei")
    talk = make_session(event, code="V 1", kind="talk", title="Vortrag")
    early = make_session(
        event,
        code="PS",
        kind="game",
        title="Planspiel",
        starts_at=datetime(2024, 11, 19, 8, 30),
        ends_at=datetime(2024, 11, 19, 12, 30),
    )
    day2 = make_session(
        event,
        title="Podium",
        kind="plenary",
        starts_at=datetime(2024, 11, 20, 11, 30),
        ends_at=datetime(2024, 11, 20, 13, 0),
    )
    result = services.programme(event)
    assert list(result) == [date(2024, 11, 19), date(2024, 11, 20)]
    assert [s.id for s in result[date(2024, 11, 19)]] == [early.id, ws2.id, late.id, talk.id]
    assert [s.id for s in result[date(2024, 11, 20)]] == [day2.id]


def test_breakout_slots_groups_parallel_sessions(app, make_event, make_session):
    event = make_event()
    a = make_session(event, code="WS 1", is_breakout=True)
    b = make_session(event, code="WS 2", is_breakout=True)
    make_session(event, title="Plenum", kind="plenary")  # not a breakout
    c = make_session(
        event,
        code="WS 7",
        is_breakout=True,
        starts_at=datetime(2024, 11, 20, 9, 0),
        ends_at=datetime(2024, 11, 20, 11, 0),
    )
    slots = services.breakout_slots(event)
    assert {k: [s.id for s in v] for k, v in slots.items()} == {
        "2024-11-19-1600": [a.id, b.id],
        "2024-11-20-0900": [c.id],
    }


def test_published_events_upcoming_first_archived_and_drafts_left_out(app, make_event):
    app.config["FROZEN_NOW"] = datetime(2025, 1, 10, 12, 0)
    past_old = make_event(starts_on=date(2024, 1, 1), ends_on=date(2024, 1, 1))
    past_new = make_event(starts_on=date(2024, 11, 19), ends_on=date(2024, 11, 20))
    soon = make_event(starts_on=date(2025, 2, 1), ends_on=date(2025, 2, 1))
    later = make_event(starts_on=date(2025, 6, 1), ends_on=date(2025, 6, 2))
    make_event(status="draft", starts_on=date(2025, 3, 1), ends_on=date(2025, 3, 1))
    make_event(status="archived", starts_on=date(2023, 3, 1), ends_on=date(2023, 3, 1))
    assert [e.id for e in services.published_events()] == [
        soon.id,
        later.id,
        past_new.id,
        past_old.id,
    ]


def test_get_public_event_draft_only_for_organisers(app, make_event):
    make_event(slug="entwurf", status="draft")
    archived = make_event(slug="archiv", status="archived")
    assert services.get_public_event("entwurf", include_drafts=False) is None
    assert services.get_public_event("entwurf", include_drafts=True).slug == "entwurf"
    assert services.get_public_event("archiv", include_drafts=False).id == archived.id
    assert services.get_public_event("gibt-es-nicht") is None


def _event_values(**kw):
    values = {
        "slug": "neue-tagung",
        "title": "Neue Tagung",
        "starts_on": date(2025, 5, 6),
        "ends_on": date(2025, 5, 7),
        "status": "draft",
    }
    values.update(kw)
    return values


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"slug": "Neue Tagung"}, "slug"),
        ({"slug": "tagung--2025"}, "slug"),
        ({"title": "  "}, "title"),
        ({"ends_on": date(2025, 5, 5)}, "ends_on"),
    ],
)
def test_create_event_invalid_raises_and_stores_nothing(app, values, field):
    with pytest.raises(services.ValidationError) as exc:
        services.create_event(**_event_values(**values))
    assert list(exc.value.errors) == [field]
    assert Event.select().count() == 0


def test_create_event_duplicate_slug_is_a_field_error(app, make_event):
    make_event(slug="neue-tagung")
    with pytest.raises(services.ValidationError) as exc:
        services.create_event(**_event_values())
    with app.test_request_context():
        assert str(exc.value.errors["slug"]) == "Diese Kurzbezeichnung ist bereits vergeben."
    assert Event.select().count() == 1


def test_update_event_partial_values_keep_the_rest(app, make_event):
    event = make_event(title="Alt")
    services.update_event(event, title="Neu")
    stored = Event.get_by_id(event.id)
    assert (stored.title, stored.slug, stored.starts_on) == ("Neu", event.slug, event.starts_on)


def test_update_event_refuses_days_that_drop_sessions(app, make_event, make_session):
    event = make_event()
    make_session(event, starts_at=datetime(2024, 11, 20, 9), ends_at=datetime(2024, 11, 20, 10))
    with pytest.raises(services.ValidationError) as exc:
        services.update_event(event, ends_on=date(2024, 11, 19))
    assert list(exc.value.errors) == ["starts_on"]
    assert Event.get_by_id(event.id).ends_on == date(2024, 11, 20)


def test_update_session_partial_values_keep_the_rest(app, make_event, make_session):
    event = make_event()
    session = make_session(event, code="WS 1", capacity=30)
    services.update_session(session, capacity=45)
    stored = Session.get_by_id(session.id)
    assert (stored.code, stored.capacity, stored.title) == ("WS 1", 45, "Programmpunkt")


def test_session_requires_itself_or_mutually_refused(app, make_event, make_session):
    event = make_event()
    a = make_session(event, code="A")
    b = make_session(event, code="B", requires=a)
    with pytest.raises(services.ValidationError) as exc:
        services.update_session(a, requires=a.id)
    assert list(exc.value.errors) == ["requires"]
    with pytest.raises(services.ValidationError):
        services.update_session(a, requires=b.id)
    assert Session.get_by_id(a.id).requires_id is None


def test_delete_session_clears_requires_of_others(app, make_event, make_session):
    event = make_event()
    ws2 = make_session(event, code="WS 2")
    game = make_session(event, code="PS", requires=ws2)
    services.delete_session(ws2)
    assert Session.get_or_none(Session.id == ws2.id) is None
    assert Session.get_by_id(game.id).requires_id is None


def test_change_deadline_registration_must_end_before_event(app, make_event):
    event = make_event(starts_on=date(2024, 11, 19))
    with pytest.raises(services.ValidationError) as exc:
        services.change_deadline(event, REG, datetime(2024, 11, 19, 8, 0))
    assert list(exc.value.errors) == ["due_on"]
    assert Deadline.select().count() == 0
    services.change_deadline(event, DeadlineKind.CLAIMS, datetime(2024, 12, 31, 23, 59))
    assert services.get_deadline(event, DeadlineKind.CLAIMS).due_at == datetime(
        2024, 12, 31, 23, 59
    )
