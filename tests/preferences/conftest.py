"""Fixtures of the preference tests: a programme like the Kommunaltagung's, registrations."""

import logging
from contextlib import contextmanager
from datetime import date, datetime
from types import SimpleNamespace

import pytest

import portal.models  # noqa: F401  (binds deferred foreign keys before migrations run)
from portal.events import services as event_services
from portal.events.models import DeadlineKind, Session, SessionKind
from portal.registration.models import Registration

BEFORE_DEADLINE = datetime(2024, 10, 15, 10, 0)
REGISTRATION_DEADLINE = datetime(2024, 10, 31, 23, 59)
MORNING = "2024-11-19-0830"
AFTERNOON = "2024-11-19-1600"
SECOND_DAY = "2024-11-20-0900"
BOTH_DAYS = (date(2024, 11, 19), date(2024, 11, 20))


@pytest.fixture
def clock(app):
    """clock(at): set the portal's clock; starts before the registration deadline."""
    app.config["FROZEN_NOW"] = BEFORE_DEADLINE

    def set_clock(at: datetime):
        app.config["FROZEN_NOW"] = at

    return set_clock


def _session(event, code, kind, title, day, start, end, capacity, **extra):
    h1, m1 = map(int, start.split(":"))
    h2, m2 = map(int, end.split(":"))
    return Session.create(
        event=event,
        code=code,
        kind=kind,
        title=title,
        starts_at=datetime(2024, 11, day, h1, m1),
        ends_at=datetime(2024, 11, day, h2, m2),
        capacity=capacity,
        is_breakout=kind not in (SessionKind.PLENARY, SessionKind.SOCIAL),
        **extra,
    )


@pytest.fixture
def programme(make_event, clock):
    """An event with the game (08:30, requires WS 2), WS 1-3 at 16:00, WS 7 and V 2 on day two.

    WS 1 has only 2 seats, so two first choices are not 'stark nachgefragt' but three are.
    Returns a namespace: event, s (sessions by code).
    """
    event = make_event(slug="kommunaltagung", title="Kommunaltagung")
    event_services.set_deadline(event, DeadlineKind.REGISTRATION, REGISTRATION_DEADLINE)
    W, T, G = SessionKind.WORKSHOP, SessionKind.TALK, SessionKind.GAME
    s = {
        "WS 1": _session(event, "WS 1", W, "Hybride Bedrohungen", 19, "16:00", "18:00", 2),
        "WS 2": _session(event, "WS 2", W, "Continuity of Government", 19, "16:00", "18:00", 80),
        "WS 3": _session(event, "WS 3", W, "Prävention", 19, "16:00", "18:00", 40),
        "WS 7": _session(event, "WS 7", W, "ELSA", 20, "09:00", "11:00", 40),
        "V 2": _session(event, "V 2", T, "Kooperationsnetzwerk", 20, "09:00", "11:00", None),
    }
    s["PS"] = _session(
        event,
        "PS",
        G,
        "Planspiel Neustart",
        19,
        "08:30",
        "12:30",
        60,
        table_size=10,
        requires=s["WS 2"],
    )
    s["plenary"] = _session(
        event, None, SessionKind.PLENARY, "Eröffnung", 19, "13:30", "14:00", None
    )
    return SimpleNamespace(event=event, s=s)


@pytest.fixture
def register():
    """register(user, event, state="confirmed", days=BOTH_DAYS): a registration row."""
    counter = iter(range(1, 10_000))

    def make(user, event, state="confirmed", days=BOTH_DAYS, last_name=None):
        n = next(counter)
        return Registration.create(
            event=event,
            user=user,
            state=state,
            first_name="Erika",
            last_name=last_name or f"Muster{n}",
            organisation="Stadt Magdeburg",
            organisation_type="municipality",
            federal_state="ST",
            email=user.email if user else f"late{n}@example.org",
            days=",".join(d.isoformat() for d in days),
            privacy_accepted_at=datetime(2024, 10, 1),
        )

    return make


@pytest.fixture
def attendee(make_user, login, programme, register):
    """A confirmed attendee of both days, logged in on `client`; .registration is set."""
    user = make_user(name="Erika Mustermann", email="erika@example.org")
    user.registration = register(user, programme.event)
    response = login(user)
    assert response.status_code == 303
    return user


@pytest.fixture
def organiser(make_user, login):
    user = make_user(name="Olga Orga", email="orga@example.org", roles=("organiser",))
    assert login(user).status_code == 303
    return user


class _Counter(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.queries = []

    def emit(self, record):
        self.queries.append(record.getMessage())


@pytest.fixture
def count_queries():
    """with count_queries() as queries: ... -> the SQL statements peewee ran."""

    @contextmanager
    def counting():
        logger = logging.getLogger("peewee")
        handler = _Counter()
        old_level = logger.level
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
        try:
            yield handler.queries
        finally:
            logger.removeHandler(handler)
            logger.setLevel(old_level)

    return counting
