"""Travel and hotel cost claims: per-event rules, claims, items, receipts and payment exports.

Money is stored as integer cents. The IBAN is stored encrypted (see portal.travel.crypto);
only a masked form is kept in clear for display.
"""

import enum

from flask_babel import lazy_gettext as _l
from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from portal.accounts.models import User
from portal.db import BaseModel, EnumField
from portal.events.models import Event
from portal.registration.models import Registration
from portal.storage import StoredFile
from portal.timeutil import now


class ClaimState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    QUERY = "query"
    APPROVED = "approved"
    PARTLY_APPROVED = "partly_approved"
    REJECTED = "rejected"
    PAID = "paid"


class ItemKind(enum.StrEnum):
    RAIL = "rail"
    LOCAL = "local"
    TAXI = "taxi"
    FLIGHT = "flight"
    CAR = "car"
    HOTEL = "hotel"
    OTHER = "other"


class RailClass(enum.StrEnum):
    SECOND = "second"
    FIRST = "first"


STATE_LABELS = {
    ClaimState.DRAFT: _l("Entwurf"),
    ClaimState.SUBMITTED: _l("eingereicht"),
    ClaimState.IN_REVIEW: _l("in Prüfung"),
    ClaimState.QUERY: _l("Rückfrage"),
    ClaimState.APPROVED: _l("bewilligt"),
    ClaimState.PARTLY_APPROVED: _l("teilweise bewilligt"),
    ClaimState.REJECTED: _l("abgelehnt"),
    ClaimState.PAID: _l("ausgezahlt"),
}

KIND_LABELS = {
    ItemKind.RAIL: _l("Bahn"),
    ItemKind.LOCAL: _l("Öffentlicher Nahverkehr"),
    ItemKind.TAXI: _l("Taxi"),
    ItemKind.FLIGHT: _l("Flug"),
    ItemKind.CAR: _l("Pkw"),
    ItemKind.HOTEL: _l("Hotel"),
    ItemKind.OTHER: _l("Sonstige Kosten"),
}

RAIL_CLASS_LABELS = {
    RailClass.SECOND: _l("2. Klasse"),
    RailClass.FIRST: _l("1. Klasse"),
}


class ClaimSettings(BaseModel):
    """The reimbursement rules of one event; missing rows mean the defaults."""

    event = ForeignKeyField(Event, unique=True, backref="+", on_delete="CASCADE")
    car_rate_cents = IntegerField(default=20)  # per kilometre
    car_cap_cents = IntegerField(default=13000)  # for the whole journey
    hotel_night_cents = IntegerField(default=7000)  # above it a justification is needed
    second_approval_cents = IntegerField(null=True)  # NULL: one approval is enough
    # The paying account (debtor of the SEPA file); empty: TRAVEL_DEBTOR_* from the config.
    debtor_name = CharField(max_length=70, default="")
    debtor_iban = CharField(max_length=34, default="")
    debtor_bic = CharField(max_length=11, default="")
    updated_at = DateTimeField(default=now)


class PaymentExport(BaseModel):
    """One SEPA payment file with the claims it pays (see PaymentExportLine)."""

    event = ForeignKeyField(Event, backref="+")
    message_id = CharField(max_length=35, unique=True)
    execution_date = DateField()
    claim_count = IntegerField()
    total_cents = IntegerField()
    # The exact file handed to the bank, encrypted like the IBANs it contains.
    sepa_encrypted = TextField()
    created_at = DateTimeField(default=now)
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    paid_at = DateTimeField(null=True)
    paid_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    cancelled_at = DateTimeField(null=True)
    cancelled_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

    @property
    def is_open(self) -> bool:
        return self.paid_at is None and self.cancelled_at is None


class TravelClaim(BaseModel):
    """One reimbursement claim per registration (unique), with journey and bank details."""

    registration = ForeignKeyField(Registration, unique=True, backref="+")
    event = ForeignKeyField(Event, backref="+")
    user = ForeignKeyField(User, backref="+")
    state = EnumField(ClaimState, default=ClaimState.DRAFT, index=True)
    origin = CharField(max_length=200, default="")
    destination = CharField(max_length=200, default="")
    departs_on = DateField(null=True)
    returns_on = DateField(null=True)
    account_holder = CharField(max_length=70, default="")
    iban_encrypted = TextField(default="")
    iban_masked = CharField(max_length=60, default="")
    bic = CharField(max_length=11, default="")
    total_cents = IntegerField(default=0)  # computed by the portal from the items
    approved_cents = IntegerField(null=True)
    question = TextField(default="")  # the organisers' open question (state "query")
    answer = TextField(default="")  # the claimant's answer when resubmitting
    decision_note = TextField(default="")  # the reason of a rejection
    declared_at = DateTimeField(null=True)
    submitted_at = DateTimeField(null=True)
    first_approver = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    first_approved_at = DateTimeField(null=True)
    decided_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    decided_at = DateTimeField(null=True)
    export = ForeignKeyField(PaymentExport, null=True, backref="+", on_delete="SET NULL")
    paid_at = DateTimeField(null=True)
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("event", "state"), False),)

    @property
    def number(self) -> str:
        return f"RK-{self.id:05d}"

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def has_bank_details(self) -> bool:
        return bool(self.iban_encrypted and self.account_holder)

    @property
    def editable(self) -> bool:
        """The claimant may change journey, items and bank details."""
        return self.state in (ClaimState.DRAFT, ClaimState.QUERY)


class ClaimItem(BaseModel):
    """One cost of a claim; for a car the amount is computed from kilometres and rate."""

    claim = ForeignKeyField(TravelClaim, backref="items", on_delete="CASCADE")
    kind = EnumField(ItemKind)
    spent_on = DateField()
    description = CharField(max_length=200, default="")
    amount_cents = IntegerField()
    rail_class = EnumField(RailClass, null=True)
    kilometres = IntegerField(null=True)
    car_rate_cents = IntegerField(null=True)  # the rate applied when the amount was computed
    nights = IntegerField(null=True)
    reason = TextField(default="")
    approved_cents = IntegerField(null=True)
    review_note = TextField(default="")
    created_at = DateTimeField(default=now)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def rail_class_label(self) -> str:
        return str(RAIL_CLASS_LABELS[self.rail_class]) if self.rail_class else ""


class ClaimReceipt(BaseModel):
    """A receipt (an uploaded file of area "travel") of one claim item."""

    item = ForeignKeyField(ClaimItem, backref="receipts", on_delete="CASCADE")
    file = ForeignKeyField(StoredFile, unique=True, backref="+", on_delete="CASCADE")


class PaymentExportLine(BaseModel):
    """A claim paid by an export, with the amount and end-to-end id written into the file."""

    export = ForeignKeyField(PaymentExport, backref="lines", on_delete="CASCADE")
    claim = ForeignKeyField(TravelClaim, backref="+")
    amount_cents = IntegerField()
    end_to_end_id = CharField(max_length=35)

    class Meta:
        indexes = ((("export", "claim"), True),)
