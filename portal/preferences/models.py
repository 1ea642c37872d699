"""Attendees' rankings of breakout sessions: one ordered list of favourites per time slot."""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from portal.db import BaseModel
from portal.events.models import Session
from portal.registration.models import Registration
from portal.timeutil import now


class Ranking(BaseModel):
    """The version of one registration's whole ranking; every save raises it by one.

    A save names the version it started from and is refused when that is no longer current
    (optimistic locking): two tabs never mix, the later stale one gets the fresh list.
    """

    registration = ForeignKeyField(Registration, unique=True, backref="+", on_delete="CASCADE")
    version = IntegerField(default=0)
    updated_at = DateTimeField(default=now)


class Preference(BaseModel):
    """One favourite: `rank` 1 is the first choice within the session's time slot."""

    registration = ForeignKeyField(Registration, backref="preferences", on_delete="CASCADE")
    # No cascade: a session that someone ranked is not deleted silently.
    session = ForeignKeyField(Session, backref="preferences")
    slot_key = CharField(max_length=20)
    rank = IntegerField()

    class Meta:
        indexes = (
            (("registration", "session"), True),
            (("registration", "slot_key", "rank"), True),
            (("session", "rank"), False),
        )


class SlotOptOut(BaseModel):
    """'In diesem Zeitfenster nehme ich an keiner Session teil' for one slot."""

    registration = ForeignKeyField(Registration, backref="+", on_delete="CASCADE")
    slot_key = CharField(max_length=20)

    class Meta:
        indexes = ((("registration", "slot_key"), True),)
