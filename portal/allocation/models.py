"""Allocation runs and their assignments, pins, seat offers, game tables, per-event settings."""

import enum
import json

from flask_babel import lazy_gettext as _l
from peewee import (
    SQL,
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
from portal.registration.models import Registration
from portal.timeutil import now


class RunStatus(enum.StrEnum):
    DRY_RUN = "dry-run"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


class PinKind(enum.StrEnum):
    PIN = "pin"
    FORBID = "forbid"


class OfferState(enum.StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


class AssignmentSource(enum.StrEnum):
    SOLVER = "solver"
    REASSIGNED = "reassigned"
    OFFER = "offer"
    LATE = "late"


RUN_STATUS_LABELS = {
    RunStatus.DRY_RUN: _l("Probelauf"),
    RunStatus.PUBLISHED: _l("veröffentlicht"),
    RunStatus.SUPERSEDED: _l("überholt"),
}
PIN_KIND_LABELS = {PinKind.PIN: _l("festlegen"), PinKind.FORBID: _l("ausschließen")}
OFFER_STATE_LABELS = {
    OfferState.OFFERED: _l("angeboten"),
    OfferState.ACCEPTED: _l("angenommen"),
    OfferState.DECLINED: _l("abgelehnt"),
    OfferState.EXPIRED: _l("abgelaufen"),
}
SOURCE_LABELS = {
    AssignmentSource.SOLVER: _l("Zuteilung"),
    AssignmentSource.REASSIGNED: _l("Umbuchung"),
    AssignmentSource.OFFER: _l("Nachrücken"),
    AssignmentSource.LATE: _l("Nachmeldung"),
}


class AllocationSettings(BaseModel):
    """How one event's sessions are allocated: the target group's priority, offer hours."""

    event = ForeignKeyField(Event, unique=True, backref="+", on_delete="CASCADE")
    # Municipal practitioners (MUNICIPAL_TYPES) count `priority_weight` times in the objective.
    municipal_priority = BooleanField(default=False)
    priority_weight = IntegerField(default=2)
    offer_hours = IntegerField(default=48)
    updated_at = DateTimeField(default=now)
    updated_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")


class AllocationRun(BaseModel):
    """One run of the solver on an event's data; at most one per event is published."""

    event = ForeignKeyField(Event, backref="+", on_delete="CASCADE")
    number = IntegerField()  # 1, 2, ... per event, as the organisers name the runs
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)
    status = EnumField(RunStatus, default=RunStatus.DRY_RUN)
    objective = IntegerField()
    # {"overall": {"1": n, ..., "unranked": n, "unassigned": n}, "municipal": ..., "other": ...}
    rank_profile = TextField(default="{}")
    input_hash = CharField(max_length=64)
    attendee_count = IntegerField(default=0)
    # Ids of the confirmed registrations the run was computed for, comma-separated: whoever
    # is confirmed at publication but not listed here registered late.
    attendee_ids = TextField(default="")
    municipal_priority = BooleanField(default=False)
    priority_weight = IntegerField(default=1)
    override_reason = TextField(default="")  # set when run before the preference deadline
    published_at = DateTimeField(null=True)
    published_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        indexes = ((("event", "number"), True),)

    @property
    def profile(self) -> dict:
        return json.loads(self.rank_profile or "{}")

    @property
    def status_label(self) -> str:
        return str(RUN_STATUS_LABELS[self.status])

    @property
    def attendee_id_set(self) -> set[int]:
        return {int(v) for v in self.attendee_ids.split(",") if v}


# One published run per event: publishing a second one fails on this index.
AllocationRun.add_index(
    AllocationRun.index(
        AllocationRun.event,
        unique=True,
        name="allocation_run_one_published",
        where=SQL("\"status\" = 'published'"),
    )
)


class Assignment(BaseModel):
    """A registration's seat in a session within a run; at most one per time slot."""

    run = ForeignKeyField(AllocationRun, backref="assignments", on_delete="CASCADE")
    registration = ForeignKeyField(Registration, backref="+", on_delete="CASCADE")
    session = ForeignKeyField(Session, backref="+", on_delete="CASCADE")
    slot_key = CharField(max_length=20)
    rank = IntegerField(null=True)  # place in the registration's ranking of the slot
    table_number = IntegerField(null=True)  # sessions played at tables (the game)
    source = EnumField(AssignmentSource, default=AssignmentSource.SOLVER)
    updated_at = DateTimeField(default=now)

    class Meta:
        indexes = (
            (("run", "registration", "slot_key"), True),
            (("run", "session"), False),
        )


class GameTable(BaseModel):
    """A table of a session played at tables, led by one moderator."""

    run = ForeignKeyField(AllocationRun, backref="+", on_delete="CASCADE")
    session = ForeignKeyField(Session, backref="+", on_delete="CASCADE")
    number = IntegerField()
    moderator = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        indexes = ((("run", "session", "number"), True),)


# A moderator leads one table per run.
GameTable.add_index(
    GameTable.index(
        GameTable.run,
        GameTable.moderator,
        unique=True,
        name="game_table_one_per_moderator",
        where=SQL('"moderator_id" IS NOT NULL'),
    )
)


class Pin(BaseModel):
    """The organisers' rule for one attendee and session: always (pin) or never (forbid)."""

    event = ForeignKeyField(Event, backref="+", on_delete="CASCADE")
    registration = ForeignKeyField(Registration, backref="+", on_delete="CASCADE")
    session = ForeignKeyField(Session, backref="+", on_delete="CASCADE")
    kind = EnumField(PinKind)
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("registration", "session"), True),)

    @property
    def kind_label(self) -> str:
        return str(PIN_KIND_LABELS[self.kind])


class SeatOffer(BaseModel):
    """A freed seat offered to one attendee, to accept by link until `expires_at`."""

    run = ForeignKeyField(AllocationRun, backref="+", on_delete="CASCADE")
    session = ForeignKeyField(Session, backref="+", on_delete="CASCADE")
    registration = ForeignKeyField(Registration, backref="+", on_delete="CASCADE")
    slot_key = CharField(max_length=20)
    nonce = CharField(max_length=64)
    state = EnumField(OfferState, default=OfferState.OFFERED, index=True)
    created_at = DateTimeField(default=now)
    expires_at = DateTimeField()
    decided_at = DateTimeField(null=True)

    class Meta:
        # Each attendee is offered a session at most once: declined or expired goes on.
        indexes = ((("run", "session", "registration"), True),)

    @property
    def state_label(self) -> str:
        return str(OFFER_STATE_LABELS[self.state])
