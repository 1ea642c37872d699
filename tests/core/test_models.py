"""Model wiring that must not depend on import order."""

import subprocess
import sys

CAPTURE = """
import portal.accounts.models as accounts
from peewee import SqliteDatabase
from portal.extensions import db
from portal.schema import runner
database = SqliteDatabase(":memory:")
db.initialize(database)
runner(database).up()  # the migrations define frozen classes named "Event"
import portal.events.models as events
assert accounts.RoleGrant.event.rel_model is events.Event, accounts.RoleGrant.event.rel_model
"""


def test_role_grant_event_binds_to_the_real_event_even_when_migrations_run_first():
    result = subprocess.run([sys.executable, "-c", CAPTURE], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
