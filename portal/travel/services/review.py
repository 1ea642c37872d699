"""The organisers' review: the queue with sums, the decisions and the second approval.

Nobody reviews their own claim. Above the event's threshold an approval needs two different
organisers: the first records the amounts and stays "in review (1 of 2 approvals)", the second
confirms them and decides.
"""

from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from peewee import fn

from portal import audit
from portal.accounts.models import User
from portal.events.models import Event
from portal.extensions import db
from portal.registration.models import Registration
from portal.timeutil import now
from portal.travel import rules
from portal.travel.models import ClaimItem, ClaimState, TravelClaim
from portal.travel.services.core import ClaimError, ClaimInvalid, settings_for, transition

State = ClaimState
# The queue shows everything but drafts unless asked: drafts are the claimants' work.
NOT_DRAFT = "active"
# States whose approved amount is final (a first approval alone is not).
DECIDED = (State.APPROVED, State.PARTLY_APPROVED, State.PAID)


class QueueFilters(NamedTuple):
    state: str = NOT_DRAFT
    q: str = ""


class StateSum(NamedTuple):
    count: int
    claimed_cents: int
    approved_cents: int


class Queue(NamedTuple):
    claims: list
    sums: dict  # ClaimState -> StateSum
    claimed_cents: int  # of the listed claims
    approved_cents: int


def get_event(slug: str) -> Event | None:
    return Event.get_or_none(Event.slug == slug)


def _claims_query(event: Event):
    return (
        TravelClaim.select(TravelClaim, Registration)
        .join(Registration)
        .where(TravelClaim.event == event)
    )


def claim_queue(event: Event, filters: QueueFilters) -> Queue:
    """The event's claims for the filters, and counts and sums per state (two queries)."""
    query = _claims_query(event)
    if filters.state == NOT_DRAFT:
        query = query.where(TravelClaim.state != State.DRAFT)
    elif filters.state in State.__members__.values():
        query = query.where(TravelClaim.state == filters.state)
    text = filters.q.strip()
    if text:
        condition = (
            Registration.first_name.contains(text)
            | Registration.last_name.contains(text)
            | Registration.organisation.contains(text)
            | Registration.email.contains(text)
        )
        number = text.upper().removeprefix("RK-").lstrip("0")
        if number.isdigit():
            condition |= TravelClaim.id == int(number)
        query = query.where(condition)
    claims = list(query.order_by(TravelClaim.submitted_at.asc(nulls="LAST"), TravelClaim.id))
    sums = dict.fromkeys(State, StateSum(0, 0, 0))
    grouped = (
        TravelClaim.select(
            TravelClaim.state,
            fn.COUNT(TravelClaim.id),
            fn.COALESCE(fn.SUM(TravelClaim.total_cents), 0),
            fn.COALESCE(fn.SUM(TravelClaim.approved_cents), 0),
        )
        .where(TravelClaim.event == event)
        .group_by(TravelClaim.state)
        .tuples()
    )
    for state, count, claimed, approved in grouped:
        sums[State(state)] = StateSum(count, int(claimed), int(approved))
    return Queue(
        claims,
        sums,
        rules.total_cents(c.total_cents for c in claims),
        rules.total_cents(c.approved_cents for c in claims if c.state in DECIDED),
    )


def get_event_claim(event: Event, claim_id: int) -> TravelClaim | None:
    """A claim of `event` with its registration and event (another event's claim is None)."""
    return (
        TravelClaim.select(TravelClaim, Registration, Event)
        .join(Registration)
        .switch(TravelClaim)
        .join(Event)
        .where((TravelClaim.id == claim_id) & (TravelClaim.event == event))
        .first()
    )


def _not_own(claim: TravelClaim, reviewer: User) -> None:
    if claim.user_id == reviewer.id:
        raise ClaimError(_l("Sie können Ihren eigenen Antrag nicht prüfen oder bewilligen."))


def _reset_first_approval() -> dict:
    return {"first_approver": None, "first_approved_at": None, "approved_cents": None}


def start_review(claim: TravelClaim, *, reviewer: User) -> TravelClaim:
    """Take a submitted claim into review."""
    _not_own(claim, reviewer)
    return transition(claim, State.IN_REVIEW, actor=reviewer)


def send_query(claim: TravelClaim, *, reviewer: User, question: str) -> TravelClaim:
    """Send the claim back to the claimant with a question; a first approval is withdrawn."""
    _not_own(claim, reviewer)
    question = (question or "").strip()
    if not question:
        raise ClaimInvalid({"question": _l("Bitte formulieren Sie Ihre Rückfrage.")})
    with db.atomic():
        ClaimItem.update(approved_cents=None, review_note="").where(
            ClaimItem.claim == claim
        ).execute()
        return transition(
            claim,
            State.QUERY,
            actor=reviewer,
            note=question,
            question=question,
            **_reset_first_approval(),
        )


def reject_claim(claim: TravelClaim, *, reviewer: User, reason: str) -> TravelClaim:
    """Reject the claim with a reason the claimant receives."""
    _not_own(claim, reviewer)
    reason = (reason or "").strip()
    if not reason:
        raise ClaimInvalid({"reason": _l("Bitte begründen Sie die Ablehnung.")})
    return transition(
        claim,
        State.REJECTED,
        actor=reviewer,
        note=reason,
        decision_note=reason,
        decided_by=reviewer,
        decided_at=now(),
    )


def needs_second_approval(claim: TravelClaim, total_cents: int) -> bool:
    threshold = settings_for(claim.event_id).second_approval_cents
    return threshold is not None and total_cents > threshold


def _clean_amounts(items, amounts: dict, notes: dict) -> tuple[dict, dict]:
    errors = {}
    clean_notes = {}
    for item in items:
        approved = amounts.get(item.id)
        note = (notes.get(item.id) or "").strip()
        clean_notes[item.id] = note
        if approved is None:
            errors[f"approved_{item.id}"] = _l("Bitte geben Sie den bewilligten Betrag an.")
        elif approved < 0:
            errors[f"approved_{item.id}"] = _l("Der Betrag darf nicht negativ sein.")
        elif approved > item.amount_cents:
            errors[f"approved_{item.id}"] = _l(
                "Es kann höchstens der beantragte Betrag bewilligt werden."
            )
        elif approved < item.amount_cents and not note:
            errors[f"note_{item.id}"] = _l("Bitte begründen Sie die Kürzung.")
    if not errors and rules.total_cents(amounts.get(i.id) for i in items) == 0:
        errors["decision"] = _l("Wird nichts erstattet, lehnen Sie den Antrag bitte ab.")
    if errors:
        raise ClaimInvalid(errors)
    return {i.id: amounts[i.id] for i in items}, clean_notes


def approve_claim(
    claim: TravelClaim, *, reviewer: User, amounts: dict | None = None, notes: dict | None = None
) -> TravelClaim:
    """Approve with an amount and note per item; above the threshold a second person confirms.

    `amounts` maps item ids to approved cents. For the second approval pass no amounts: the
    second organiser confirms what the first recorded.
    """
    _not_own(claim, reviewer)
    if claim.state != State.IN_REVIEW:
        raise ClaimError(
            _l("Dieser Schritt ist im Status „%(state)s“ nicht möglich.", state=claim.state_label)
        )
    items = list(ClaimItem.select().where(ClaimItem.claim == claim).order_by(ClaimItem.id))
    if claim.first_approver_id is not None:
        return _second_approval(claim, items, reviewer=reviewer, amounts=amounts)
    approved, clean_notes = _clean_amounts(items, amounts or {}, notes or {})
    total = rules.total_cents(approved.values())
    with db.atomic():
        for item in items:
            ClaimItem.update(
                approved_cents=approved[item.id], review_note=clean_notes[item.id]
            ).where(ClaimItem.id == item.id).execute()
        if needs_second_approval(claim, total):
            changed = (
                TravelClaim.update(
                    first_approver=reviewer,
                    first_approved_at=now(),
                    approved_cents=total,
                    updated_at=now(),
                )
                .where(
                    (TravelClaim.id == claim.id)
                    & (TravelClaim.state == State.IN_REVIEW)
                    & TravelClaim.first_approver.is_null()
                )
                .execute()
            )
            if changed != 1:
                raise ClaimError(
                    _l("Der Antrag wurde inzwischen geändert. Bitte laden Sie die Seite neu.")
                )
            claim.first_approver, claim.approved_cents = reviewer, total
            audit.record("claim.first_approval", claim, actor=reviewer, approved_cents=total)
            return claim
        return _decide(claim, items, approved, reviewer=reviewer)


def _second_approval(claim, items, *, reviewer, amounts) -> TravelClaim:
    if claim.first_approver_id == reviewer.id:
        raise ClaimError(
            _l("Die zweite Freigabe muss eine andere Person des Organisationsbüros erteilen.")
        )
    if amounts:
        raise ClaimError(
            _l(
                "Die zweite Freigabe bestätigt die Beträge der ersten. Für andere Beträge "
                "stellen Sie bitte eine Rückfrage."
            )
        )
    approved = {i.id: i.approved_cents or 0 for i in items}
    with db.atomic():
        return _decide(claim, items, approved, reviewer=reviewer)


def _decide(claim, items, approved: dict, *, reviewer) -> TravelClaim:
    partial = rules.is_partial((i.amount_cents, approved[i.id]) for i in items)
    return transition(
        claim,
        State.PARTLY_APPROVED if partial else State.APPROVED,
        actor=reviewer,
        approved_cents=rules.total_cents(approved.values()),
        decided_by=reviewer,
        decided_at=now(),
    )
