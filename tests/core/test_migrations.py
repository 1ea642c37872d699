"""Migrations: applied to an empty database, the schema matches the models."""

from playhouse.schema_diff import diff_models

from portal.extensions import db
from portal.models import ALL_MODELS
from portal.schema import runner


def test_migrations_match_models(app):
    diff = diff_models(db.obj, ALL_MODELS)
    assert not diff, f"schema differs from models:\n{diff}"


def test_migrations_all_applied(app):
    status = runner(db.obj).status()
    assert status, "no migrations found"
    assert [m.name for m in status if not m.applied] == []


def test_down_and_up_again(app):
    r = runner(db.obj)
    newest = r.status()[-1].name
    assert r.down() == [newest]
    assert "event" not in db.obj.get_tables() or newest != "0001_initial"
    assert r.up() == [newest]
    assert not diff_models(db.obj, ALL_MODELS)
