"""Fixtures of the back-office tests: sessions, sign-in without the login form, query counting."""

import logging
from contextlib import contextmanager
from datetime import datetime

import pytest


@pytest.fixture
def sign_in(client):
    """sign_in(user): put the user into the client's session (the login form has its own tests)."""

    def do_sign_in(user):
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True

    return do_sign_in


@pytest.fixture
def make_session():
    """make_session(event, code=..., starts_at=..., ...) through the service (validated)."""
    from portal.events import services

    def make(event, **kw):
        values = {
            "code": None,
            "kind": "workshop",
            "title": "Programmpunkt",
            "starts_at": datetime(2024, 11, 19, 16, 0),
            "ends_at": datetime(2024, 11, 19, 18, 0),
        }
        values.update(kw)
        return services.create_session(event, **values)

    return make


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
