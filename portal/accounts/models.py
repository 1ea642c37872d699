"""Accounts: users, their roles and failed logins."""

import enum

from peewee import (
    SQL,
    BooleanField,
    CharField,
    DateTimeField,
    DeferredForeignKey,
    ForeignKeyField,
    IntegerField,
)

from portal.db import BaseModel, EnumField
from portal.timeutil import now


class Role(enum.StrEnum):
    ATTENDEE = "attendee"
    SPEAKER = "speaker"
    EXHIBITOR = "exhibitor"
    MODERATOR = "moderator"
    ORGANISER = "organiser"
    ADMIN = "admin"


class User(BaseModel):
    email = CharField(max_length=254, unique=True)  # stored lower-case
    name = CharField(max_length=200)
    password_hash = CharField(max_length=255)
    email_confirmed_at = DateTimeField(null=True)
    # A requested change of address waits here until the link sent to it is opened.
    pending_email = CharField(max_length=254, null=True)
    # Bumped on logout and password change: every other session then ends.
    session_version = IntegerField(default=1)
    is_active = BooleanField(default=True)
    created_at = DateTimeField(default=now)
    last_login_at = DateTimeField(null=True)

    # flask-login
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def confirmed(self) -> bool:
        return self.email_confirmed_at is not None


class RoleGrant(BaseModel):
    """A role held by a user, globally (event is NULL) or for one event."""

    user = ForeignKeyField(User, backref="grants", on_delete="CASCADE")
    role = EnumField(Role)
    event = DeferredForeignKey("Event", null=True, backref="role_grants", on_delete="CASCADE")
    granted_at = DateTimeField(default=now)
    granted_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        indexes = ((("user", "role", "event"), True),)


# NULLs are distinct in unique indexes: a partial index keeps global grants unique too.
RoleGrant.add_index(
    RoleGrant.index(
        RoleGrant.user,
        RoleGrant.role,
        unique=True,
        name="role_grant_global",
        where=SQL('"event_id" IS NULL'),
    )
)


class LoginFailure(BaseModel):
    """One failed login; `key` is a hash of the account or the client address."""

    key = CharField(max_length=80, index=True)
    at = DateTimeField(default=now, index=True)


# Resolve RoleGrant.event now, to the real Event: a DeferredForeignKey binds to the first
# class named "Event" that is created, and migrations define frozen copies of that name.
from portal.events.models import Event  # noqa: E402,F401
