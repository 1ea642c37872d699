"""Registrations for events, the per-event registration settings and their choices."""

import enum
from datetime import date

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
from portal.events.models import Event
from portal.timeutil import now


class RegistrationState(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


class OrganisationType(enum.StrEnum):
    MUNICIPALITY = "municipality"
    DISTRICT = "district"
    STATE = "state"
    FEDERAL = "federal"
    MUNICIPAL_ASSOCIATION = "municipal_association"
    SCIENCE = "science"
    CIVIL_SOCIETY = "civil_society"
    OTHER = "other"


class Salutation(enum.StrEnum):
    NONE = ""
    MS = "ms"
    MR = "mr"


STATE_LABELS = {
    RegistrationState.PENDING: _l("in Prüfung"),
    RegistrationState.CONFIRMED: _l("bestätigt"),
    RegistrationState.WAITLISTED: _l("auf der Warteliste"),
    RegistrationState.CANCELLED: _l("storniert"),
    RegistrationState.REJECTED: _l("abgelehnt"),
}

ORGANISATION_TYPE_LABELS = {
    OrganisationType.MUNICIPALITY: _l("Gemeinde/Stadt"),
    OrganisationType.DISTRICT: _l("Landkreis"),
    OrganisationType.STATE: _l("Land"),
    OrganisationType.FEDERAL: _l("Bund"),
    OrganisationType.MUNICIPAL_ASSOCIATION: _l("kommunaler Spitzenverband"),
    OrganisationType.SCIENCE: _l("Wissenschaft"),
    OrganisationType.CIVIL_SOCIETY: _l("Zivilgesellschaft"),
    OrganisationType.OTHER: _l("Sonstige"),
}

SALUTATION_LABELS = {
    Salutation.NONE: _l("keine Angabe"),
    Salutation.MS: _l("Frau"),
    Salutation.MR: _l("Herr"),
}

# ISO 3166-2:DE codes of the 16 Länder.
FEDERAL_STATES = {
    "BW": _l("Baden-Württemberg"),
    "BY": _l("Bayern"),
    "BE": _l("Berlin"),
    "BB": _l("Brandenburg"),
    "HB": _l("Bremen"),
    "HH": _l("Hamburg"),
    "HE": _l("Hessen"),
    "MV": _l("Mecklenburg-Vorpommern"),
    "NI": _l("Niedersachsen"),
    "NW": _l("Nordrhein-Westfalen"),
    "RP": _l("Rheinland-Pfalz"),
    "SL": _l("Saarland"),
    "SN": _l("Sachsen"),
    "ST": _l("Sachsen-Anhalt"),
    "SH": _l("Schleswig-Holstein"),
    "TH": _l("Thüringen"),
}

# "Kommunale Praktikerinnen und Praktiker": the invitation offers them travel and hotel costs.
MUNICIPAL_TYPES = (OrganisationType.MUNICIPALITY, OrganisationType.DISTRICT)

# States that hold (or wait for) a place; the others are closed.
ACTIVE_STATES = (
    RegistrationState.PENDING,
    RegistrationState.CONFIRMED,
    RegistrationState.WAITLISTED,
)


class RegistrationSettings(BaseModel):
    """How an event takes registrations; `taken` counts confirmed seats (the capacity guard)."""

    event = ForeignKeyField(Event, unique=True, backref="+", on_delete="CASCADE")
    capacity = IntegerField(null=True)  # NULL: no limit
    taken = IntegerField(default=0)
    needs_approval = BooleanField(default=False)
    ask_evening = BooleanField(default=True)
    ask_dietary = BooleanField(default=True)
    ask_accessibility = BooleanField(default=True)
    ask_reimbursement = BooleanField(default=True)
    ask_photo_consent = BooleanField(default=True)
    ask_participant_list = BooleanField(default=True)
    # Comma-separated OrganisationType values whose members may ask for reimbursement.
    reimbursement_types = CharField(
        max_length=200, default=",".join(t.value for t in MUNICIPAL_TYPES)
    )
    updated_at = DateTimeField(default=now)

    @property
    def eligible_types(self) -> list[OrganisationType]:
        return [OrganisationType(v) for v in self.reimbursement_types.split(",") if v]

    @property
    def free(self) -> int | None:
        """Free seats (never negative), or None without a limit."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.taken, 0)


class Registration(BaseModel):
    """One person's registration for one event (unique per event and account)."""

    event = ForeignKeyField(Event, backref="registrations", on_delete="CASCADE")
    # NULL for a late registration that the organisers entered for someone without an account.
    user = ForeignKeyField(User, null=True, backref="registrations", on_delete="CASCADE")
    state = EnumField(RegistrationState, index=True)
    salutation = EnumField(Salutation, default=Salutation.NONE)
    academic_title = CharField(max_length=50, default="")
    first_name = CharField(max_length=100)
    last_name = CharField(max_length=100)
    organisation = CharField(max_length=200)
    organisation_type = EnumField(OrganisationType)
    function = CharField(max_length=200, default="")
    federal_state = CharField(max_length=2)
    email = CharField(max_length=254)
    phone = CharField(max_length=60, default="")
    days = CharField(max_length=400, default="")  # ISO dates, comma-separated
    evening = BooleanField(null=True)  # NULL when not asked
    # Sensitive (special category) data: kept only with consent, erased after the event.
    sensitive_consent_at = DateTimeField(null=True)
    dietary_needs = TextField(default="")
    accessibility_needs = TextField(default="")
    sensitive_erased_at = DateTimeField(null=True)
    wants_reimbursement = BooleanField(default=False)
    privacy_accepted_at = DateTimeField()
    participant_list_consent_at = DateTimeField(null=True)
    photo_consent_at = DateTimeField(null=True)
    is_late = BooleanField(default=False)  # entered by the organisers after the deadline
    decision_message = TextField(default="")
    decided_at = DateTimeField(null=True)
    decided_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)
    waitlisted_at = DateTimeField(null=True)
    cancelled_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("event", "user"), True),
            (("event", "state", "waitlisted_at"), False),
        )

    @property
    def day_list(self) -> list[date]:
        return [date.fromisoformat(d) for d in self.days.split(",") if d]

    @property
    def full_name(self) -> str:
        parts = [self.academic_title, self.first_name, self.last_name]
        return " ".join(p for p in parts if p)

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def organisation_type_label(self) -> str:
        return str(ORGANISATION_TYPE_LABELS[self.organisation_type])

    @property
    def federal_state_label(self) -> str:
        return str(FEDERAL_STATES.get(self.federal_state, self.federal_state))
