"""Fixtures of the allocation workflow tests: a programme like the Kommunaltagung's, people
with rankings, an organiser, and the clock after the preference deadline."""

import logging
from contextlib import contextmanager
from datetime import date, datetime
from types import SimpleNamespace

import pytest

import portal.models  # noqa: F401  (binds deferred foreign keys before migrations run)
from portal.events import services as event_services
from portal.events.models import DeadlineKind, Session, SessionKind
from portal.mailer import OutboxMail
from portal.preferences.models import Preference, SlotOptOut
from portal.registration.models import Registration

PREFERENCE_DEADLINE = datetime(2024, 10, 31, 23, 59)
BEFORE_DEADLINE = datetime(2024, 10, 20, 10, 0)
AFTER_DEADLINE = datetime(2024, 11, 4, 9, 0)
DAY_ONE, DAY_TWO = date(2024, 11, 19), date(2024, 11, 20)
BOTH_DAYS = (DAY_ONE, DAY_TWO)
MORNING, AFTERNOON, SECOND_DAY = "2024-11-19-0830", "2024-11-19-1600", "2024-11-20-0900"


@pytest.fixture
def clock(app):
    """clock(at): set the portal's clock; starts after the preference deadline."""
    app.config["FROZEN_NOW"] = AFTER_DEADLINE

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
        room=f"Raum {code}" if code else "",
        is_breakout=kind not in (SessionKind.PLENARY, SessionKind.SOCIAL),
        **extra,
    )


@pytest.fixture
def programme(make_event, clock):
    """The game (08:30, 20 seats at tables of 10, requires WS 2), WS 1-3 at 16:00 (WS 1: 2
    seats), WS 7 (2 seats) and V 2 (no limit) on day two, a plenary item; deadline 31.10."""
    event = make_event(slug="kommunaltagung", title="Kommunaltagung")
    event_services.set_deadline(event, DeadlineKind.PREFERENCES, PREFERENCE_DEADLINE)
    W, T, G = SessionKind.WORKSHOP, SessionKind.TALK, SessionKind.GAME
    s = {
        "WS 1": _session(event, "WS 1", W, "Hybride Bedrohungen", 19, "16:00", "18:00", 2),
        "WS 2": _session(event, "WS 2", W, "Continuity of Government", 19, "16:00", "18:00", 30),
        "WS 3": _session(event, "WS 3", W, "Prävention", 19, "16:00", "18:00", 30),
        "WS 7": _session(event, "WS 7", W, "ELSA", 20, "09:00", "11:00", 2),
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
        20,
        table_size=10,
        requires=s["WS 2"],
    )
    s["plenary"] = _session(
        event, None, SessionKind.PLENARY, "Eröffnung", 19, "13:30", "14:00", None
    )
    return SimpleNamespace(event=event, s=s)


def rank(registration, *sessions):
    """Store a ranking: the sessions in order, numbered per slot."""
    places = {}
    for session in sessions:
        places[session.slot_key] = places.get(session.slot_key, 0) + 1
        Preference.create(
            registration=registration,
            session=session,
            slot_key=session.slot_key,
            rank=places[session.slot_key],
        )


@pytest.fixture
def person(make_user, programme):
    """person(name, *ranked sessions, org_type=..., days=..., skip=(slot keys,), state=...)."""
    counter = iter(range(1, 10_000))

    def make(
        last_name,
        *ranked,
        org_type="municipality",
        organisation=None,
        days=BOTH_DAYS,
        skip=(),
        state="confirmed",
        event=None,
    ):
        n = next(counter)
        user = make_user(name=f"Erika {last_name}", email=f"{last_name.lower()}{n}@example.org")
        registration = Registration.create(
            event=event or programme.event,
            user=user,
            state=state,
            first_name="Erika",
            last_name=last_name,
            organisation=organisation or f"Stadt {last_name}",
            organisation_type=org_type,
            federal_state="ST",
            email=user.email,
            days=",".join(d.isoformat() for d in days),
            privacy_accepted_at=datetime(2024, 10, 1),
        )
        rank(registration, *ranked)
        for key in skip:
            SlotOptOut.create(registration=registration, slot_key=key)
        registration.account = user
        return registration

    return make


@pytest.fixture
def organiser(make_user, login):
    user = make_user(name="Olga Orga", email="orga@example.org", roles=("organiser",))
    assert login(user).status_code == 303
    return user


def outbox(to=None) -> list[OutboxMail]:
    """Queued mails, oldest first; only those to `to` when given."""
    query = OutboxMail.select().order_by(OutboxMail.id)
    if to is not None:
        query = query.where(OutboxMail.to_addr == to)
    return list(query)


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


# The browser tests' fixtures, for tests/allocation_workflow/test_a11y.py (Chromium, axe-core).
