"""Core of the travel claims: errors, settings, the claim window, eligibility, the state
machine and the reads the pages share.

Every state change goes through `transition()`: a conditional UPDATE on the current state (so
two organisers cannot both decide), an audit entry and a mail to the claimant, all in one
transaction.
"""

import json
from datetime import datetime, time
from typing import NamedTuple

from flask import current_app
from flask_babel import lazy_gettext as _l
from peewee import JOIN

from portal import audit
from portal.accounts.models import User
from portal.events import services as event_services
from portal.events.models import Deadline, DeadlineKind, Event, EventStatus
from portal.extensions import db
from portal.mailer import queue_mail
from portal.registration.models import (
    ORGANISATION_TYPE_LABELS,
    Registration,
    RegistrationSettings,
    RegistrationState,
)
from portal.storage import (
    IMAGES,
    MB,
    PDF,
    StoredFile,
)
from portal.templating import date_short
from portal.timeutil import now
from portal.travel import crypto, rules
from portal.travel.models import (
    ClaimItem,
    ClaimReceipt,
    ClaimSettings,
    ClaimState,
    ItemKind,
    TravelClaim,
)

State = ClaimState
RECEIPT_TYPES = {**PDF, **IMAGES}
DEFAULT_RECEIPT_MAX_BYTES = 10 * MB
MAX_FILES_PER_UPLOAD = 5
MAX_ITEM_CENTS = 1_000_000  # 10.000,00 € per item: anything above is a typing error
MAX_KILOMETRES = 5000
MAX_NIGHTS = 30

# The state machine: from each state, the states a claim may move to.
TRANSITIONS: dict[ClaimState, frozenset[ClaimState]] = {
    State.DRAFT: frozenset({State.SUBMITTED}),
    State.SUBMITTED: frozenset({State.IN_REVIEW}),
    State.IN_REVIEW: frozenset(
        {State.QUERY, State.APPROVED, State.PARTLY_APPROVED, State.REJECTED}
    ),
    State.QUERY: frozenset({State.SUBMITTED}),
    State.APPROVED: frozenset({State.PAID}),
    State.PARTLY_APPROVED: frozenset({State.PAID}),
    State.REJECTED: frozenset(),
    State.PAID: frozenset(),
}
MAIL_TEMPLATES = {
    State.SUBMITTED: "claim_submitted",
    State.IN_REVIEW: "claim_in_review",
    State.QUERY: "claim_query",
    State.APPROVED: "claim_approved",
    State.PARTLY_APPROVED: "claim_partly_approved",
    State.REJECTED: "claim_rejected",
    State.PAID: "claim_paid",
}
APPROVED_STATES = (State.APPROVED, State.PARTLY_APPROVED)


class ClaimError(Exception):
    """A refused action; `message` is German and meant for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class ClaimInvalid(ClaimError):
    """Invalid values: `errors` maps form field names to German messages."""

    def __init__(self, errors: dict):
        super().__init__(next(iter(errors.values())))
        self.errors = errors


class ClaimExists(ClaimError):
    """The registration already has a claim (the unique index said so)."""

    def __init__(self, claim: TravelClaim):
        super().__init__(
            _l(
                "Für diese Anmeldung gibt es bereits einen Reisekostenantrag (%(number)s). "
                "Sie können ihn weiter bearbeiten.",
                number=claim.number,
            )
        )
        self.claim = claim


class ClaimIncomplete(ClaimError):
    """Submitting is refused: `problems` lists what is missing, in German."""

    def __init__(self, problems: list):
        super().__init__(problems[0])
        self.problems = problems


class Window(NamedTuple):
    """When claims for an event may be made: from the start until the deadline."""

    opens_at: datetime
    closes_at: datetime
    deadline: Deadline | None

    def is_open(self, at: datetime) -> bool:
        return self.opens_at <= at <= self.closes_at


class ItemRule(NamedTuple):
    """The rule applied to an item, for the claimant's and the organisers' view."""

    car_full_cents: int | None  # kilometres x rate before the cap
    capped: bool
    per_night_cents: int | None
    night_rate_cents: int | None
    above_rate: bool
    reason_required: bool


# --- settings, window, eligibility ----------------------------------------------------


def settings_for(event) -> ClaimSettings:
    """The event's claim rules, or unsaved defaults."""
    settings = ClaimSettings.get_or_none(ClaimSettings.event == event)
    return settings or ClaimSettings(event=event)


def receipt_max_bytes() -> int:
    return current_app.config.get("TRAVEL_RECEIPT_MAX_BYTES", DEFAULT_RECEIPT_MAX_BYTES)


def upload_request_limit() -> int:
    """The largest request body a receipt upload may have (several receipts and the form)."""
    return MAX_FILES_PER_UPLOAD * receipt_max_bytes() + MB


def window_for(event: Event, deadline: Deadline | None) -> Window:
    closes_at = deadline.due_at if deadline is not None else rules.default_deadline(event.ends_on)
    return Window(datetime.combine(event.starts_on, time.min), closes_at, deadline)


def claim_window(event: Event) -> Window:
    return window_for(event, event_services.get_deadline(event, DeadlineKind.CLAIMS))


def eligible_types_of(settings: RegistrationSettings | None) -> list:
    return (settings or RegistrationSettings()).eligible_types


def eligibility_problem(registration: Registration, eligible_types) -> str | None:
    """Why this registration cannot claim (German), or None when it can.

    The eligible organisation types are those of the event's registration settings, so the
    registration form and the claims follow one rule.
    """
    if registration.state != RegistrationState.CONFIRMED:
        return _l("Reisekosten können nur zu einer bestätigten Anmeldung beantragt werden.")
    if not registration.wants_reimbursement:
        return _l(
            "Bei Ihrer Anmeldung haben Sie keine Übernahme der Reise- und Hotelkosten beantragt."
        )
    if registration.organisation_type not in eligible_types:
        types = ", ".join(str(ORGANISATION_TYPE_LABELS[t]) for t in eligible_types)
        return _l(
            "Die Übernahme von Reise- und Hotelkosten ist nur für kommunale Praktikerinnen und "
            "Praktiker möglich (%(types)s).",
            types=types,
        )
    return None


def window_refusal(window: Window, at: datetime) -> str | None:
    if at < window.opens_at:
        return _l(
            "Reisekostenanträge sind ab Beginn der Veranstaltung möglich (ab %(date)s).",
            date=date_short(window.opens_at),
        )
    if at > window.closes_at:
        return _l(
            "Die Frist für Reisekostenanträge ist am %(date)s abgelaufen.",
            date=date_short(window.closes_at),
        )
    return None


# --- the state machine ------------------------------------------------------------------


def can_transition(current: ClaimState, target: ClaimState) -> bool:
    return ClaimState(target) in TRANSITIONS[ClaimState(current)]


def notify(claim: TravelClaim, template: str, **context) -> None:
    """Queue a mail to the claimant (never with bank details) in the caller's transaction."""
    user = User.get_by_id(claim.user_id)
    event = Event.get_by_id(claim.event_id)
    queue_mail(user.email, template, claim=claim, event=event, user=user, **context)


def transition(claim: TravelClaim, target: ClaimState, *, actor, note: str = "", **changes):
    """Move `claim` to `target`: allowed transitions only, audit entry and mail in one go."""
    target = ClaimState(target)
    previous = claim.state
    if not can_transition(previous, target):
        raise ClaimError(
            _l(
                "Dieser Schritt ist im Status „%(state)s“ nicht möglich.",
                state=claim.state_label,
            )
        )
    changes = {**changes, "state": target, "updated_at": now()}
    with db.atomic():
        changed = (
            TravelClaim.update(**changes)
            .where((TravelClaim.id == claim.id) & (TravelClaim.state == previous))
            .execute()
        )
        if changed != 1:
            raise ClaimError(
                _l("Der Antrag wurde inzwischen geändert. Bitte laden Sie die Seite neu.")
            )
        for name, value in changes.items():
            setattr(claim, name, value)
        audit.record(
            f"claim.{target.value}",
            claim,
            actor=actor,
            previous=previous.value,
            state=target.value,
            note=note,
        )
        notify(claim, MAIL_TEMPLATES[target], note=note)
    return claim


def iban_context(claim: TravelClaim) -> str:
    return f"travel-claim:{claim.id}"


def decrypted_iban(claim: TravelClaim) -> str:
    """The claimant's IBAN in clear, for the payment file only."""
    return crypto.decrypt(claim.iban_encrypted, context=iban_context(claim))


# --- reading ----------------------------------------------------------------------------


class MyClaimRow(NamedTuple):
    registration: Registration
    event: Event
    claim: TravelClaim | None
    problem: str | None
    window: Window
    refusal: str | None  # why no claim can be started now


def my_claims(user: User) -> list[MyClaimRow]:
    """The user's registrations that asked for reimbursement or have a claim (three queries)."""
    at = now()
    query = (
        Registration.select(Registration, Event, TravelClaim)
        .join(Event)
        .switch(Registration)
        .join(
            TravelClaim,
            JOIN.LEFT_OUTER,
            on=(TravelClaim.registration == Registration.id),
            attr="claim",
        )
        .where(
            (Registration.user == user)
            & (Event.status != EventStatus.DRAFT)
            & (Registration.wants_reimbursement | TravelClaim.id.is_null(False))
        )
        .order_by(Event.starts_on.desc(), Registration.id.desc())
    )
    registrations = list(query)
    event_ids = [r.event_id for r in registrations] or [0]
    deadlines = {
        d.event_id: d
        for d in Deadline.select().where(
            Deadline.event.in_(event_ids) & (Deadline.kind == DeadlineKind.CLAIMS)
        )
    }
    settings = {
        s.event_id: s
        for s in RegistrationSettings.select().where(RegistrationSettings.event.in_(event_ids))
    }
    rows = []
    for reg in registrations:
        claim = getattr(reg, "claim", None)
        claim = claim if claim is not None and claim.id else None
        window = window_for(reg.event, deadlines.get(reg.event_id))
        problem = eligibility_problem(reg, eligible_types_of(settings.get(reg.event_id)))
        rows.append(MyClaimRow(reg, reg.event, claim, problem, window, window_refusal(window, at)))
    return rows


def get_own_registration(user: User, registration_id: int) -> Registration | None:
    return Registration.get_or_none(
        (Registration.id == registration_id) & (Registration.user == user)
    )


def get_own_claim(user: User, claim_id: int) -> TravelClaim | None:
    """A claim of `user` with its event and registration (someone else's is None)."""
    return (
        TravelClaim.select(TravelClaim, Event, Registration)
        .join(Event)
        .switch(TravelClaim)
        .join(Registration)
        .where((TravelClaim.id == claim_id) & (TravelClaim.user == user))
        .first()
    )


def get_claim_item(claim: TravelClaim, item_id: int) -> ClaimItem | None:
    return ClaimItem.get_or_none((ClaimItem.id == item_id) & (ClaimItem.claim == claim))


def get_claim_receipt(claim: TravelClaim, receipt_id: int) -> ClaimReceipt | None:
    """A receipt of `claim` with its stored file (a receipt of another claim is None)."""
    return (
        ClaimReceipt.select(ClaimReceipt, StoredFile, ClaimItem)
        .join(StoredFile)
        .switch(ClaimReceipt)
        .join(ClaimItem)
        .where((ClaimReceipt.id == receipt_id) & (ClaimItem.claim == claim))
        .first()
    )


def items_with_receipts(claim: TravelClaim) -> list[ClaimItem]:
    """The claim's items in order, each with `receipt_list` (two queries)."""
    items = list(ClaimItem.select().where(ClaimItem.claim == claim).order_by(ClaimItem.id))
    by_item: dict[int, list] = {i.id: [] for i in items}
    if items:
        receipts = (
            ClaimReceipt.select(ClaimReceipt, StoredFile)
            .join(StoredFile)
            .where(ClaimReceipt.item.in_(list(by_item)))
            .order_by(ClaimReceipt.id)
        )
        for receipt in receipts:
            by_item[receipt.item_id].append(receipt)
    for item in items:
        item.receipt_list = by_item[item.id]
    return items


def item_rule(item: ClaimItem, settings: ClaimSettings) -> ItemRule:
    """The rule that applies to `item`: the car rate and cap, the hotel rate, a reason."""
    full = capped = per_night = None
    above = False
    if item.kind == ItemKind.CAR:
        full = rules.car_cost(item.kilometres or 0, item.car_rate_cents or 0)
        capped = item.amount_cents < full
    if item.kind == ItemKind.HOTEL and item.nights:
        per_night = item.amount_cents // item.nights
        above = rules.hotel_above_rate(item.amount_cents, item.nights, settings.hotel_night_cents)
    needs = rules.reason_required(
        item.kind,
        rail_class=item.rail_class,
        amount_cents=item.amount_cents,
        nights=item.nights,
        night_rate_cents=settings.hotel_night_cents,
    )
    return ItemRule(full, bool(capped), per_night, settings.hotel_night_cents, above, needs)


def completeness_problems(claim: TravelClaim, items: list) -> list:
    """What is missing before the claim can be submitted (German; empty when complete)."""
    problems = []
    if not (claim.origin and claim.destination and claim.departs_on and claim.returns_on):
        problems.append(_l("Bitte geben Sie die Reise an (von, nach, Hin- und Rückreise)."))
    if not items:
        problems.append(_l("Bitte erfassen Sie mindestens eine Position."))
    for item in items:
        if rules.receipt_required(item.kind) and not item.receipt_list:
            problems.append(
                _l(
                    "Zur Position „%(kind)s“ vom %(date)s fehlt ein Beleg.",
                    kind=item.kind_label,
                    date=date_short(item.spent_on),
                )
            )
    if not claim.has_bank_details:
        problems.append(_l("Bitte geben Sie Ihre Bankverbindung an."))
    return problems


class HistoryEntry(NamedTuple):
    at: datetime
    label: str
    actor: str
    note: str


HISTORY_LABELS = {
    "claim.created": _l("Antrag angelegt"),
    "claim.journey_saved": _l("Angaben zur Reise gespeichert"),
    "claim.item_added": _l("Position hinzugefügt"),
    "claim.item_deleted": _l("Position gelöscht"),
    "claim.receipts_added": _l("Belege hinzugefügt"),
    "claim.receipt_deleted": _l("Beleg gelöscht"),
    "claim.bank_details_set": _l("Bankverbindung angegeben"),
    "claim.bank_details_changed": _l("Bankverbindung geändert"),
    "claim.submitted": _l("eingereicht"),
    "claim.in_review": _l("in Prüfung genommen"),
    "claim.query": _l("Rückfrage gestellt"),
    "claim.first_approval": _l("erste Freigabe erteilt"),
    "claim.approved": _l("bewilligt"),
    "claim.partly_approved": _l("teilweise bewilligt"),
    "claim.rejected": _l("abgelehnt"),
    "claim.paid": _l("ausgezahlt"),
}


class ClaimPage(NamedTuple):
    claim: TravelClaim
    event: Event
    registration: Registration
    items: list
    rules: dict  # item id -> ItemRule
    settings: ClaimSettings
    window: Window
    history: list
    problems: list


def claim_page(claim: TravelClaim, *, for_claimant: bool = False) -> ClaimPage:
    """Everything the claim pages show, in a constant number of queries.

    The claimant's history names the organisers' office, not its staff.
    """
    event = claim.event
    settings = settings_for(event)
    items = items_with_receipts(claim)
    return ClaimPage(
        claim,
        event,
        claim.registration,
        items,
        {item.id: item_rule(item, settings) for item in items},
        settings,
        claim_window(event),
        claim_history(claim, for_claimant=for_claimant),
        completeness_problems(claim, items) if claim.editable else [],
    )


def claim_history(claim: TravelClaim, *, for_claimant: bool = False) -> list[HistoryEntry]:
    """The claim's audit trail, oldest first, with who acted."""
    entries = (
        audit.AuditEntry.select(audit.AuditEntry, User)
        .join(User, JOIN.LEFT_OUTER, on=(audit.AuditEntry.actor == User.id))
        .where(
            (audit.AuditEntry.object_type == "TravelClaim")
            & (audit.AuditEntry.object_id == claim.id)
        )
        .order_by(audit.AuditEntry.at, audit.AuditEntry.id)
    )
    rows = []
    for entry in entries:
        is_state = entry.action.removeprefix("claim.") in State.__members__.values()
        note = json.loads(entry.details or "{}").get("note", "") if is_state else ""
        actor = entry.actor.name if entry.actor_id else ""
        if for_claimant and entry.actor_id != claim.user_id:
            actor = str(_l("Organisationsbüro"))
        label = HISTORY_LABELS.get(entry.action, entry.action)
        rows.append(HistoryEntry(entry.at, str(label), actor, note))
    return rows
