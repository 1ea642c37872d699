"""Fixtures of the speakers tests: an event with sessions, invitations, speakers and files."""

import logging
from contextlib import contextmanager
from datetime import datetime

import pytest

# The browser fixtures (Chromium, live server, axe-core) for test_a11y.py.


@pytest.fixture
def sign_in(client):
    """sign_in(user): put the user into the client's session (the login form has its own tests)."""

    def do_sign_in(user):
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True

    return do_sign_in


@pytest.fixture
def frozen(app):
    """frozen(datetime): set the portal's clock."""

    def freeze(at: datetime):
        app.config["FROZEN_NOW"] = at

    freeze(datetime(2024, 11, 1, 10, 0))
    return freeze


@pytest.fixture
def event(make_event, frozen):
    """An event on 19–20 November 2024 with three sessions (programme of the documents)."""
    from portal.events import services

    event = make_event(slug="kommunaltagung", title="Kommunaltagung")
    event.ws2 = services.create_session(
        event,
        code="WS 2",
        kind="workshop",
        title="Continuity of Government: Krisenbewältigung und Krisenprävention",
        starts_at=datetime(2024, 11, 19, 16, 0),
        ends_at=datetime(2024, 11, 19, 18, 0),
        room="Raum A",
    )
    event.v1 = services.create_session(
        event,
        code="V 1",
        kind="talk",
        title="Netzwerk für nachhaltige öffentliche Beschaffung",
        starts_at=datetime(2024, 11, 19, 16, 0),
        ends_at=datetime(2024, 11, 19, 17, 0),
        room="Saal 2",
    )
    event.v3 = services.create_session(
        event,
        code="V 3",
        kind="talk",
        title="Das Demografieportal des Bundes und der Länder",
        starts_at=datetime(2024, 11, 20, 10, 0),
        ends_at=datetime(2024, 11, 20, 11, 0),
        room="Raum A",
    )
    return event


@pytest.fixture
def organiser(make_user):
    return make_user(email="orga@example.org", name="Olga Organisation", roles=("organiser",))


@pytest.fixture
def invite(organiser):
    """invite(event, {session: role}, email=..., name=...) through the service."""
    from portal.speakers import services

    def do_invite(event, roles, email="erika@example.org", name="Dr. Erika Mustermann"):
        return services.invite_speaker(
            event,
            email=email,
            name=name,
            roles={s.id: role for s, role in roles.items()},
            actor=organiser,
        )

    return do_invite


@pytest.fixture
def make_speaker(make_user, invite):
    """make_speaker(event, session, role="talk", name=...) -> (user, assignment), accepted."""
    from portal.speakers import services
    from portal.speakers.models import SessionSpeaker

    counter = iter(range(1, 1000))

    def make(event, session, role="talk", name=None, email=None):
        n = next(counter)
        email = email or f"speaker{n}@example.org"
        user = make_user(email=email, name=name or f"Sprecherin Nummer{n}")
        invitation = invite(event, {session: role}, email=email, name=user.name)
        services.accept_invitation(invitation, user=user)
        assignment = SessionSpeaker.get(
            (SessionSpeaker.invitation == invitation) & (SessionSpeaker.session == session)
        )
        return user, assignment

    return make


@pytest.fixture
def files_on_disk(app):
    """files_on_disk(): names of every stored file under UPLOAD_ROOT (temp files included)."""
    from portal.storage import upload_root

    def listing():
        root = upload_root()
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    return listing


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
