"""Events, their deadlines (with extensions) and programme sessions."""

import enum

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from portal.accounts.models import User
from portal.db import BaseModel, EnumField
from portal.timeutil import now


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class DeadlineKind(enum.StrEnum):
    REGISTRATION = "registration"
    PREFERENCES = "preferences"
    CLAIMS = "claims"
    SLIDES = "slides"
    BOOTHS = "booths"


class SessionKind(enum.StrEnum):
    WORKSHOP = "workshop"
    TALK = "talk"
    GAME = "game"
    PLENARY = "plenary"
    SOCIAL = "social"


class Event(BaseModel):
    slug = CharField(max_length=80, unique=True)
    title = CharField(max_length=200)
    motto = CharField(max_length=200, default="")
    starts_on = DateField()
    ends_on = DateField()
    venue = CharField(max_length=200, default="")
    address = CharField(max_length=300, default="")
    description = TextField(default="")
    contact_name = CharField(max_length=200, default="")
    contact_email = CharField(max_length=254, default="")
    contact_phone = CharField(max_length=60, default="")
    service_hours = CharField(max_length=200, default="")
    registration_opens_at = DateTimeField(null=True)
    status = EnumField(EventStatus, default=EventStatus.DRAFT)
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)

    @property
    def days(self) -> list:
        from datetime import timedelta

        span = (self.ends_on - self.starts_on).days
        return [self.starts_on + timedelta(days=i) for i in range(span + 1)]

    @property
    def is_multi_day(self) -> bool:
        return self.ends_on > self.starts_on


class Deadline(BaseModel):
    """One deadline of an event; `original_due_at` keeps the first date after extensions."""

    event = ForeignKeyField(Event, backref="deadlines", on_delete="CASCADE")
    kind = EnumField(DeadlineKind)
    due_at = DateTimeField()
    original_due_at = DateTimeField()

    class Meta:
        indexes = ((("event", "kind"), True),)

    @property
    def extended(self) -> bool:
        return self.due_at > self.original_due_at


class DeadlineChange(BaseModel):
    """History: every change of a deadline, who made it and when."""

    deadline = ForeignKeyField(Deadline, backref="changes", on_delete="CASCADE")
    previous_due_at = DateTimeField()
    new_due_at = DateTimeField()
    changed_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    changed_at = DateTimeField(default=now)


class Session(BaseModel):
    """A programme item; breakouts (`is_breakout`) are ranked and assigned."""

    event = ForeignKeyField(Event, backref="sessions", on_delete="CASCADE")
    code = CharField(max_length=20, null=True)  # "WS 3", "V 1"; NULL for plenary items
    kind = EnumField(SessionKind)
    title = CharField(max_length=300)
    description = TextField(default="")
    starts_at = DateTimeField()
    ends_at = DateTimeField()
    room = CharField(max_length=120, default="")
    capacity = IntegerField(null=True)
    is_breakout = BooleanField(default=False)
    requires = ForeignKeyField("self", null=True, backref="required_by", on_delete="SET NULL")
    table_size = IntegerField(null=True)
    presenters = TextField(default="")  # organisations presenting, free text
    # Demo data marks what the documents do not say (times, rooms, capacities).
    assumptions = TextField(default="")

    class Meta:
        indexes = ((("event", "code"), True), (("event", "starts_at"), False))

    @property
    def slot_key(self) -> str:
        """Breakouts starting at the same time share a slot (they run in parallel)."""
        return self.starts_at.strftime("%Y-%m-%d-%H%M")
