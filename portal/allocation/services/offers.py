"""Freed seats after publication: offered to one attendee at a time, by link.

A freed seat of session S goes to the confirmed attendee who ranked S highest among those
whose seat in S's slot is worse (ranked lower, unranked) or empty; ties go to the higher
weight (the target group when its priority is on), then to the earlier registration. Not
offered: attendees pinned in that slot or moved there by the organisers (a reassignment),
forbidden S, holding a session there that another of their sessions requires, or lacking a
session S requires; and nobody twice for one session.
The offer holds the seat until it is accepted (the attendee moves, the old seat is offered
on), declined or expired (the seat goes to the next). Links carry the offer id and a random
nonce, signed; no personal data. Every step is audit-recorded and mailed.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from peewee import IntegrityError

from portal.allocation.models import (
    AllocationRun,
    AssignmentSource,
    OfferState,
    RunStatus,
    SeatOffer,
)
from portal.allocation.services import seats
from portal.allocation.services.common import absolute_link, lock_run, published_run, record
from portal.allocation.services.instance import (
    Programme,
    attendee_label,
    load_programme,
    load_rankings,
    load_rules,
    session_label,
    settings_for,
    weight_of,
)
from portal.allocation.services.notify import current_seats, mail_seats
from portal.allocation.services.tokens import load_offer, make_token
from portal.events.models import Event, Session
from portal.extensions import db
from portal.mailer import queue_mail
from portal.preferences.models import Preference
from portal.registration.models import Registration, RegistrationState
from portal.timeutil import now


class OfferClosed(Exception):
    """The offer can no longer be accepted or declined; `message` says why (German)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# --- who gets a freed seat --------------------------------------------------------------


def candidates(
    run: AllocationRun, session: Session, programme: Programme, event: Event, exclude=()
):
    """Registrations to offer `session` to, best first (a constant number of queries)."""
    offered = SeatOffer.select(SeatOffer.registration).where(
        (SeatOffer.run == run.id) & (SeatOffer.session == session.id)
    )
    query = Registration.select().join(Preference)
    query = query.where(
        (Preference.session == session.id)
        & (Registration.event == event.id)
        & (Registration.state == RegistrationState.CONFIRMED)
        & Registration.id.not_in(offered)
    )
    if exclude:
        query = query.where(Registration.id.not_in(list(exclude)))
    registrations = list(query)
    if not registrations:
        return []
    ids = [r.id for r in registrations]
    rules = load_rules(event, ids)
    rankings = load_rankings(event, programme, registrations, rules)
    held = seats.holdings(run.id, ids)
    settings = settings_for(event)
    slot = session.slot_key
    found = []
    for registration in registrations:
        ranked = rankings[registration.id].get(slot, [])
        mine = held.get(registration.id, {})
        if session.id not in ranked:
            continue  # a day not attended, an opted-out slot, a forbid
        if any(
            programme.by_id[p].slot_key == slot
            for p in rules.pins.get(registration.id, ())
            if p in programme.by_id
        ):
            continue
        current = mine.get(slot)
        if current is not None:
            if current.source == AssignmentSource.REASSIGNED:
                continue  # the organisers placed them there: no offer undoes that
            if current.session_id in ranked and (
                ranked.index(current.session_id) <= ranked.index(session.id)
            ):
                continue  # no improvement
            if any(
                current.session_id in programme.forces[other.session_id]
                for other in mine.values()
                if other is not current
            ):
                continue  # another of their sessions requires the current one
        if any(
            mine.get(programme.by_id[f].slot_key) is None
            or mine[programme.by_id[f].slot_key].session_id != f
            for f in programme.forces[session.id]
        ):
            continue  # the session requires one they do not hold
        key = (ranked.index(session.id), -weight_of(registration, settings), registration.id)
        found.append((key, registration))
    return [registration for _key, registration in sorted(found, key=lambda kv: kv[0])]


def _make_offer(run, session, registration, event, hours: int) -> SeatOffer | None:
    at = now()
    try:
        with db.atomic():
            offer = SeatOffer.create(
                run=run.id,
                session=session.id,
                registration=registration.id,
                slot_key=session.slot_key,
                nonce=secrets.token_urlsafe(24),
                created_at=at,
                expires_at=at + timedelta(hours=hours),
            )
    except IntegrityError:
        return None  # offered at the same moment by another cascade
    record(
        "offered",
        event,
        offer=offer.id,
        person=attendee_label(registration),
        session=session_label(session),
        expires_at=offer.expires_at,
    )
    offer.registration, offer.session = registration, session
    return offer


def mail_offer(offer: SeatOffer, event: Event) -> None:
    """Queue the offer's mail with its link (offer.registration and .session loaded)."""
    queue_mail(
        offer.registration.email,
        "allocation_offer",
        registration=offer.registration,
        event=event,
        session=offer.session,
        offer=offer,
        link=absolute_link("allocation.show_offer", token=make_token(offer)),
    )


def offer_seats(
    run: AllocationRun, session_ids, *, event: Event | None = None, mail: bool = True, exclude=()
) -> list[SeatOffer]:
    """Offer every free seat of these sessions to the next candidates; returns the offers.

    Call inside a transaction that holds the run lock (or changed the run's row). With
    `mail` False the caller sends the mails (mail_offer), for instance after its own;
    `exclude` names registrations that must not get an offer (the one cancelling).
    """
    session_ids = set(session_ids)
    if not session_ids or run.status != RunStatus.PUBLISHED:
        return []
    event = event or Event.get_by_id(run.event_id)
    programme = load_programme(event)
    hours = settings_for(event).offer_hours
    counts = seats.seat_counts(run.id)
    made = []
    for sid, session in programme.by_id.items():
        if sid not in session_ids:
            continue
        free = seats.free_seats(session, counts)
        if free == 0:
            continue
        for registration in candidates(run, session, programme, event, exclude):
            if free is not None and free <= 0:
                break
            offer = _make_offer(run, session, registration, event, hours)
            if offer is not None:
                made.append(offer)
                free = None if free is None else free - 1
                counts[sid] += 1
    if mail:
        for offer in made:
            mail_offer(offer, event)
    return made


def _expire(run: AllocationRun, event: Event, at) -> set[int]:
    """Mark offers past their time as expired; returns their sessions."""
    due = list(
        SeatOffer.select()
        .where(
            (SeatOffer.run == run.id)
            & (SeatOffer.state == OfferState.OFFERED)
            & (SeatOffer.expires_at < at)
        )
        .order_by(SeatOffer.id)
    )
    if due:
        SeatOffer.update(state=OfferState.EXPIRED, decided_at=at).where(
            SeatOffer.id.in_([o.id for o in due])
        ).execute()
        record("offers_expired", event, offers=[o.id for o in due])
    return {o.session_id for o in due}


def refresh_offers(event: Event, *, actor=None) -> tuple[int, int]:
    """Expire offers past their time and offer every free seat: (expired, offered)."""
    run = published_run(event)
    if run is None:
        return 0, 0
    with db.atomic():
        run = lock_run(run.id)
        expired = _expire(run, event, now())
        programme = load_programme(event)
        offered = len(offer_seats(run, set(programme.by_id), event=event))
        if actor is not None:
            record("offers_refreshed", event, actor=actor, expired=len(expired), offered=offered)
    return len(expired), offered


def refresh_all_offers() -> tuple[int, int]:
    """`flask allocation offers`: refresh_offers() for every event with a published run."""
    expired = offered = 0
    events = (
        Event.select()
        .join(AllocationRun, on=(AllocationRun.event == Event.id))
        .where(AllocationRun.status == RunStatus.PUBLISHED)
    )
    for event in events:
        e, o = refresh_offers(event)
        expired, offered = expired + e, offered + o
    return expired, offered


# --- answering an offer -----------------------------------------------------------------


@dataclass
class OfferPage:
    offer: SeatOffer
    event: Event
    session: Session
    current: Session | None  # the session held in that slot now
    is_open: bool
    token: str


def _owned(token: str, user) -> SeatOffer | None:
    offer = load_offer(token)
    if offer is None:
        return None
    registration = Registration.get_by_id(offer.registration_id)
    if registration.user_id is None or registration.user_id != user.id:
        return None  # someone else's link: as if it did not exist
    offer.registration = registration
    return offer


def offer_page(token: str, user) -> OfferPage | None:
    """What the offer page shows; None for a bad link or someone else's offer."""
    offer = _owned(token, user)
    if offer is None:
        return None
    session = Session.get_by_id(offer.session_id)
    held = seats.holdings(offer.run_id, [offer.registration_id]).get(offer.registration_id, {})
    current = held.get(offer.slot_key)
    is_open = offer.state == OfferState.OFFERED and now() <= offer.expires_at
    return OfferPage(
        offer,
        Event.get_by_id(session.event_id),
        session,
        current.session if current else None,
        is_open,
        token,
    )


def _closed_message(state: OfferState) -> str:
    if state == OfferState.ACCEPTED:
        return _("Sie haben dieses Angebot bereits angenommen.")
    if state == OfferState.DECLINED:
        return _("Sie haben dieses Angebot abgelehnt; der Platz wurde weitergegeben.")
    return _(
        "Dieses Angebot ist abgelaufen; der Platz wurde weitergegeben. Ihre bisherige "
        "Zuteilung bleibt bestehen."
    )


def respond_to_offer(token: str, *, user, accept: bool) -> SeatOffer | None:
    """Accept or decline an offer; None for a bad link or someone else's offer.

    Raises OfferClosed (after committing an expiry) when the offer is no longer open.
    """
    offer = _owned(token, user)
    if offer is None:
        return None
    closed = None
    with db.atomic():
        run = lock_run(offer.run_id)
        offer = SeatOffer.get_by_id(offer.id)
        registration = Registration.get_by_id(offer.registration_id)
        event = Event.get_by_id(registration.event_id)
        at = now()
        if offer.state != OfferState.OFFERED:
            closed = _closed_message(offer.state)
        elif registration.state != RegistrationState.CONFIRMED or run.status != RunStatus.PUBLISHED:
            closed = _("Dieses Angebot gilt nicht mehr.")
        elif at > offer.expires_at:
            _expire(run, event, at)
            offer_seats(run, {offer.session_id}, event=event)
            closed = _closed_message(OfferState.EXPIRED)
        elif accept:
            _accept(run, offer, registration, event, at, user)
        else:
            SeatOffer.update(state=OfferState.DECLINED, decided_at=at).where(
                SeatOffer.id == offer.id
            ).execute()
            record(
                "offer_declined",
                event,
                actor=user,
                offer=offer.id,
                person=attendee_label(registration),
            )
            offer_seats(run, {offer.session_id}, event=event)
    if closed is not None:
        raise OfferClosed(closed)
    return SeatOffer.get_by_id(offer.id)


def _accept(run, offer, registration, event, at, user) -> None:
    programme = load_programme(event)
    session = programme.by_id[offer.session_id]
    mine = seats.holdings(run.id, [registration.id]).get(registration.id, {})
    current = mine.get(offer.slot_key)
    rules = load_rules(event, [registration.id])
    ranked = load_rankings(event, programme, [registration], rules)[registration.id].get(
        offer.slot_key, []
    )
    SeatOffer.update(state=OfferState.ACCEPTED, decided_at=at).where(
        SeatOffer.id == offer.id
    ).execute()
    if current is not None:
        seats.release([current])
    seats.take(
        run.id,
        registration.id,
        session,
        rank=ranked.index(session.id) + 1 if session.id in ranked else None,
        source=AssignmentSource.OFFER,
    )
    # Their open offers in this slot that rank below the new seat would no longer improve.
    worse = [
        o
        for o in SeatOffer.select().where(
            (SeatOffer.run == run.id)
            & (SeatOffer.registration == registration.id)
            & (SeatOffer.slot_key == offer.slot_key)
            & (SeatOffer.state == OfferState.OFFERED)
        )
        if o.session_id not in ranked or ranked.index(o.session_id) > ranked.index(session.id)
    ]
    if worse:
        SeatOffer.update(state=OfferState.DECLINED, decided_at=at).where(
            SeatOffer.id.in_([o.id for o in worse])
        ).execute()
    record(
        "offer_accepted",
        event,
        actor=user,
        offer=offer.id,
        person=attendee_label(registration),
        session=session_label(session),
        previous=session_label(current.session) if current else "",
    )
    mail_seats(
        registration,
        event,
        current_seats(run.id, registration.id),
        "allocation_offer_accepted",
        cancelled=[current.session] if current else [],
        session=session,
        previous=current.session if current else None,
    )
    offer_seats(
        run,
        {o.session_id for o in worse} | ({current.session_id} if current else set()),
        event=event,
    )
