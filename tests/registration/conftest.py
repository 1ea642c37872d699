"""Fixtures of the registration tests: open events, signed-in clients, form data, mails."""

import logging
from contextlib import contextmanager
from datetime import date, datetime

import pytest

import portal.models  # noqa: F401  (binds deferred foreign keys before migrations run)
from portal.events import services as event_services
from portal.events.models import DeadlineKind
from portal.mailer import deliver_pending
from portal.registration import services
from portal.registration.models import RegistrationSettings
from tests.conftest import PASSWORD

# A day in October 2024: registration for the November events is open.
BEFORE_DEADLINE = datetime(2024, 10, 15, 10, 0)
DEADLINE = datetime(2024, 10, 31, 23, 59, 59)


@pytest.fixture
def frozen(app):
    """freeze(at): set the portal's clock (naive Europe/Berlin time)."""
    app.config["FROZEN_NOW"] = BEFORE_DEADLINE

    def freeze(at: datetime):
        app.config["FROZEN_NOW"] = at

    return freeze


@pytest.fixture
def open_event(make_event, frozen):
    """open_event(capacity=None, deadline=DEADLINE, needs_approval=False, **event fields)."""

    def make(capacity=None, deadline=DEADLINE, settings=None, **kw):
        event = make_event(**kw)
        RegistrationSettings.create(event=event, capacity=capacity, **(settings or {}))
        if deadline is not None:
            event_services.set_deadline(event, DeadlineKind.REGISTRATION, deadline)
        return event

    return make


@pytest.fixture
def sign_in(app, login):
    """sign_in(user, client=None): log in through the real login form; returns the client."""

    def do(user, client=None):
        if client is None:
            response = login(user)
        else:
            response = client.post(
                "/konto/anmelden", data={"email": user.email, "password": PASSWORD}
            )
        assert response.status_code == 303, response.text[:500]
        return client

    return do


@pytest.fixture
def attendee(make_user, sign_in, client):
    """A confirmed attendee, logged in on `client`."""
    user = make_user(name="Erika Mustermann", email="erika@example.org")
    sign_in(user)
    return user


@pytest.fixture
def organiser(make_user, sign_in, client):
    """An organiser, logged in on `client`."""
    user = make_user(name="Olga Orga", email="orga@example.org", roles=("organiser",))
    sign_in(user)
    return user


def form_data(**overrides) -> dict:
    """Valid POST data of the registration form for a two-day event (19./20.11.2024)."""
    data = {
        "salutation": "ms",
        "academic_title": "Dr.",
        "first_name": "Erika",
        "last_name": "Mustermann",
        "organisation": "Stadt Magdeburg",
        "organisation_type": "municipality",
        "function": "Amtsleiterin",
        "federal_state": "ST",
        "email": "erika@example.org",
        "phone": "0391 123456",
        "days": ["2024-11-19", "2024-11-20"],
        "evening": "yes",
        "wants_reimbursement": "y",
        "privacy_accepted": "y",
        "participant_list_consent": "y",
    }
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def service_values(**overrides) -> dict:
    """Valid keyword arguments of services.register (plain values, as the form gives them)."""
    values = {
        "salutation": "mr",
        "academic_title": "",
        "first_name": "Max",
        "last_name": "Muster",
        "organisation": "Landkreis Harz",
        "organisation_type": "district",
        "function": "Referent",
        "federal_state": "ST",
        "email": "max@example.org",
        "phone": "",
        "days": [date(2024, 11, 19)],
        "evening": False,
        "privacy_accepted": True,
    }
    values.update(overrides)
    return values


@pytest.fixture
def register_user(make_user):
    """register_user(event, **values): a new confirmed account registered through the service."""

    def do(event, user=None, **overrides):
        user = user or make_user()
        overrides = {"email": user.email, "last_name": user.name.split()[-1], **overrides}
        values = service_values(**overrides)
        registration, _created = services.register(event=event, user=user, **values)
        return registration

    return do


@pytest.fixture
def sent_mails(mailbox):
    """sent_mails(): deliver the outbox through the test SMTP server; the messages received.

    The result is the mailbox itself: `sent_mails().clear()` forgets what arrived so far.
    """

    def deliver():
        deliver_pending()
        return mailbox

    return deliver


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
