"""The database layer: SQLite pragmas, IMMEDIATE write transactions, the same code on PostgreSQL."""

import sqlite3
import threading

import pytest
from peewee import IntegrityError

from portal.accounts.models import RoleGrant
from portal.db import is_sqlite, open_database
from portal.extensions import db
from tests.conftest import PG_URL

sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="SQLite settings")


@sqlite_only
def test_sqlite_pragmas(app):
    pragma = lambda name: db.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 2  # FULL
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") == 15000


@sqlite_only
def test_sqlite_write_transactions_begin_immediate(app, tmp_path):
    """A second writer waits for the first instead of failing later with SQLITE_BUSY."""
    url = app.config["DATABASE_URL"]
    path = url[len("sqlite:///") :]
    other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    with db.atomic():
        # The write lock is taken at BEGIN, before any statement ran.
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()


def test_foreign_keys_enforced(app, make_user):
    user = make_user()
    with pytest.raises(IntegrityError):
        with db.atomic():
            RoleGrant.create(user=user.id + 999, role="organiser")


def test_global_role_grant_is_unique(app, make_user):
    """NULL event: a partial unique index stops a double grant on both databases."""
    user = make_user(roles=())
    RoleGrant.create(user=user, role="organiser")
    with pytest.raises(IntegrityError):
        with db.atomic():
            RoleGrant.create(user=user, role="organiser")


def test_event_role_grant_is_unique(app, make_user, make_event):
    user, event = make_user(roles=()), make_event()
    RoleGrant.create(user=user, role="speaker", event=event)
    RoleGrant.create(user=user, role="speaker")  # a global grant is a different row
    with pytest.raises(IntegrityError):
        with db.atomic():
            RoleGrant.create(user=user, role="speaker", event=event)


def test_backend_matches_url(app):
    assert is_sqlite() == (not PG_URL)


def test_connections_are_per_thread(app, make_user):
    make_user(email="faden@example.org")
    seen = []

    def read():
        from portal.accounts.models import User

        with db.connection_context():
            seen.append(User.select().where(User.email == "faden@example.org").count())

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [1, 1, 1, 1]


def test_open_database_postgres_url_gives_postgres():
    database = open_database("postgresql://postgres@127.0.0.1:5432/test")
    assert type(database).__name__ == "PostgresqlDatabase"
