"""Database: BaseModel, connection from DATABASE_URL, per-request hooks."""

import enum

from peewee import CharField, Model, SqliteDatabase
from playhouse.db_url import connect as url_connect

from portal.extensions import db

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "full",
    "foreign_keys": 1,
    "busy_timeout": 15000,
}


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class EnumField(CharField):
    """A CharField whose choices come from a StrEnum and whose values are members."""

    def __init__(self, enum_class: type[enum.StrEnum], **kwargs):
        self.enum_class = enum_class
        kwargs.setdefault("max_length", max(len(m.value) for m in enum_class))
        kwargs.setdefault("choices", [(m.value, m.value) for m in enum_class])
        super().__init__(**kwargs)

    def db_value(self, value):
        return None if value is None else self.enum_class(value).value

    def python_value(self, value):
        return None if value is None else self.enum_class(value)


def open_database(url: str):
    """Create the database for a URL; SQLite gets WAL, FULL sync and IMMEDIATE writes."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=15, lock_type="IMMEDIATE")
    return url_connect(url)


def init_app(app):
    db.initialize(open_database(app.config["DATABASE_URL"]))

    @app.before_request
    def _connect():
        db.connect(reuse_if_open=True)

    @app.teardown_appcontext
    def _close(exc):
        if not db.is_closed():
            db.close()


def is_sqlite() -> bool:
    return isinstance(db.obj, SqliteDatabase)
