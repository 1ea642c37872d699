"""Fixtures of the exhibition tests: roles, frozen time, booths and places via the services."""

import logging
from contextlib import contextmanager

import pytest

from tests.exhibitors.helpers import BEFORE_EVENT, service_values


@pytest.fixture
def frozen(app):
    """Time stands at 1 October 2024, before the event and without a booth deadline."""
    app.config["FROZEN_NOW"] = BEFORE_EVENT
    return BEFORE_EVENT


@pytest.fixture
def sign_in(client):
    """sign_in(user): put the user into the client's session (the login form has its own tests)."""

    def do_sign_in(user):
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True

    return do_sign_in


@pytest.fixture
def exhibitor(make_user):
    return make_user(email="aussteller@example.org", name="Erika Aussteller", roles=("exhibitor",))


@pytest.fixture
def organiser(make_user):
    return make_user(email="buero@example.org", name="Olaf Organisation", roles=("organiser",))


@pytest.fixture
def event(make_event, frozen):
    return make_event(slug="kommunaltagung", title="Kommunaltagung 2024")


@pytest.fixture
def make_booth(exhibitor):
    """make_booth(event, owner=exhibitor, logo=None, **values) through the service."""
    from portal.exhibitors import services

    def make(event, owner=None, logo=None, flyer=None, **overrides):
        booth, created = services.create_booth(
            event=event,
            owner=owner or exhibitor,
            logo=logo,
            flyer=flyer,
            **service_values(**overrides),
        )
        assert created
        return booth

    return make


@pytest.fixture
def make_place(organiser):
    """make_place(event, number, x=number, y=1, has_power=False) through the service."""
    from portal.exhibitors import services

    def make(event, number, x=None, y=1, width=1, height=1, has_power=False, label=""):
        return services.create_place(
            event,
            actor=organiser,
            number=number,
            label=label,
            x=number if x is None else x,
            y=y,
            width=width,
            height=height,
            has_power=has_power,
        )

    return make


@pytest.fixture
def approve(organiser):
    from portal.exhibitors import services

    def do(booth, message=""):
        return services.decide_booth(booth, state="approved", message=message, actor=organiser)

    return do


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
