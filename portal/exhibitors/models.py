"""Foyer exhibition: booth places on the plan, booths with their needs and staff."""

import enum

from flask_babel import lazy_gettext as _l
from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from portal.accounts.models import User
from portal.db import BaseModel, EnumField
from portal.events.models import Event, Session
from portal.registration.models import OrganisationType
from portal.storage import StoredFile
from portal.timeutil import now


class BoothState(enum.StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"


STATE_LABELS = {
    BoothState.SUBMITTED: _l("eingereicht"),
    BoothState.APPROVED: _l("genehmigt"),
    BoothState.WAITLISTED: _l("auf der Warteliste"),
    BoothState.REJECTED: _l("abgelehnt"),
}


class ExhibitionSettings(BaseModel):
    """Per-event counters of the approval guard.

    `places` is the number of booth places defined on the foyer plan (kept by the place
    services in the same transaction as the insert or delete); `approved` counts approved
    booths. Approval takes one with `UPDATE ... WHERE approved < places`.
    """

    event = ForeignKeyField(Event, unique=True, backref="+", on_delete="CASCADE")
    places = IntegerField(default=0)
    approved = IntegerField(default=0)

    @property
    def free(self) -> int:
        return max(self.places - self.approved, 0)


class BoothPlace(BaseModel):
    """A place on the foyer plan: a rectangle of grid cells, with or without a socket."""

    event = ForeignKeyField(Event, backref="booth_places", on_delete="CASCADE")
    number = IntegerField()
    label = CharField(max_length=80, default="")
    x = IntegerField()  # first grid column, 1-based
    y = IntegerField()  # first grid row, 1-based
    width = IntegerField(default=1)
    height = IntegerField(default=1)
    has_power = BooleanField(default=False)

    class Meta:
        indexes = ((("event", "number"), True),)

    @property
    def name(self) -> str:
        """'Platz 3' or 'Platz 3 (Eingang links)'."""
        if self.label:
            return str(_l("Platz %(number)s (%(label)s)", number=self.number, label=self.label))
        return str(_l("Platz %(number)s", number=self.number))


class Booth(BaseModel):
    """An information booth registered by an exhibitor account for one event."""

    event = ForeignKeyField(Event, backref="booths", on_delete="CASCADE")
    owner = ForeignKeyField(User, backref="booths", on_delete="CASCADE")
    state = EnumField(BoothState, default=BoothState.SUBMITTED, index=True)
    organisation = CharField(max_length=200)
    # Lower-cased, space-normalised organisation: finds duplicates of a rejected booth.
    organisation_key = CharField(max_length=200, index=True)
    # Both are needed to register the booth staff for the event.
    organisation_type = EnumField(OrganisationType)
    federal_state = CharField(max_length=2)
    contact_name = CharField(max_length=200)
    contact_email = CharField(max_length=254)
    contact_phone = CharField(max_length=60, default="")
    topic = CharField(max_length=200)
    description = TextField(default="")
    session = ForeignKeyField(Session, null=True, backref="booths", on_delete="SET NULL")
    tables = IntegerField(default=0)
    chairs = IntegerField(default=0)
    needs_power = BooleanField(default=False)
    poster_walls = IntegerField(default=0)  # poster walls or roll-ups
    needs_network = BooleanField(default=False)
    floor_space = IntegerField(null=True)  # square metres
    setup_at = DateTimeField()
    teardown_at = DateTimeField()
    # The exhibitor confirms that the staff know the privacy notice of the registration.
    staff_privacy_confirmed_at = DateTimeField(null=True)
    logo = ForeignKeyField(StoredFile, null=True, backref="+", on_delete="SET NULL")
    flyer = ForeignKeyField(StoredFile, null=True, backref="+", on_delete="SET NULL")
    # One booth per place: NULLs (not placed) are distinct, so only placed booths collide.
    place = ForeignKeyField(BoothPlace, null=True, unique=True, backref="booths")
    decision_message = TextField(default="")
    decided_at = DateTimeField(null=True)
    decided_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)

    class Meta:
        # A double submit of the same organisation by the same account finds the first booth.
        indexes = ((("event", "owner", "organisation_key"), True),)

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def power_conflict(self) -> bool:
        """Needs power but stands on a place without a socket (place must be loaded)."""
        return bool(self.needs_power and self.place_id and not self.place.has_power)


class BoothStaff(BaseModel):
    """A person staffing a booth; registered for the event when the booth is approved."""

    booth = ForeignKeyField(Booth, backref="staff", on_delete="CASCADE")
    first_name = CharField(max_length=100)
    last_name = CharField(max_length=100)
    email = CharField(max_length=254)
    position = IntegerField(default=0)
    registered_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("booth", "email"), True),)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
