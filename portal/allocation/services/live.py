"""Changes to a published assignment: reassignment, cancellation, late registrants.

Each takes the run lock (common.lock_run), changes seats, writes the audit entry, mails the
attendee and offers every seat it frees (offers.offer_seats), all in one transaction. Nobody
already published is moved except the attendee concerned.
"""

from flask_babel import gettext as _

from portal.allocation.models import Assignment, AssignmentSource, OfferState, SeatOffer
from portal.allocation.services import offers, seats
from portal.allocation.services.common import AllocationError, lock_run, published_run, record
from portal.allocation.services.instance import (
    Programme,
    Rules,
    attendance_days,
    attendee_label,
    load_programme,
    load_rankings,
    load_rules,
    session_label,
)
from portal.allocation.services.notify import current_seats, mail_seats
from portal.events.models import Event, Session
from portal.extensions import db
from portal.registration.models import Registration, RegistrationState
from portal.timeutil import now


def release_seats(assignments) -> set[int]:
    """Remove assignments; returns the sessions whose seats became free."""
    seats.release(assignments)
    return {a.session_id for a in assignments}


# --- late registrants -------------------------------------------------------------------


def _options(slot, ranked, programme: Programme, counts, forbidden) -> list[Session]:
    """Sessions to try in a slot: the ranked ones in order, then free unranked ones."""
    chosen = [programme.by_id[sid] for sid in ranked]
    others = [
        s
        for s in programme.slots[slot]
        if s.id not in ranked and s.id not in forbidden and not programme.forces[s.id]
    ]
    others.sort(key=lambda s: (-(seats.free_seats(s, counts) or 10**9), programme.order[s.id]))
    return chosen + others


def place_into_free_seats(run, registration, programme, rankings, rules: Rules, event):
    """Seat a registration in free seats of the slots it wants, moving nobody.

    Wanted: the slots it ranked; a registration without any ranking (it came after the
    preference deadline) wants every breakout slot of its days that it did not opt out of.
    Per slot the best-ranked session with a free seat (with the sessions it requires), else
    the unranked one with the most free seats. Returns the new assignments.
    """
    ranking = rankings.get(registration.id, {})
    if ranking:
        wanted = ranking
    else:
        days = attendance_days(registration, event)
        skipped = rules.opt_outs.get(registration.id, set())
        wanted = {
            slot: []
            for slot, sessions in programme.slots.items()
            if sessions[0].starts_at.date() in days and slot not in skipped
        }
    forbidden = rules.forbids.get(registration.id, set())
    counts = seats.seat_counts(run.id)
    held = {
        slot: a.session_id
        for slot, a in seats.holdings(run.id, [registration.id]).get(registration.id, {}).items()
    }
    placed = []
    for slot in programme.slots:
        if slot not in wanted or slot in held:
            continue
        for session in _options(slot, wanted[slot], programme, counts, forbidden):
            needed = [session.id, *sorted(programme.forces[session.id])]
            todo = [sid for sid in needed if held.get(programme.by_id[sid].slot_key) != sid]
            if any(programme.by_id[sid].slot_key in held for sid in todo):
                continue  # a required session's slot is taken by another session
            if not all(seats.has_seat(programme.by_id[sid], counts) for sid in todo):
                continue
            for sid in todo:
                target = programme.by_id[sid]
                ranked = ranking.get(target.slot_key, [])
                placed.append(
                    seats.take(
                        run.id,
                        registration.id,
                        target,
                        rank=ranked.index(sid) + 1 if sid in ranked else None,
                        source=AssignmentSource.LATE,
                    )
                )
                held[target.slot_key] = sid
                counts[sid] += 1
            break
    return placed


def place_late(registration: Registration, *, actor=None) -> list:
    """Place a confirmed registration into free seats of the published run and mail it."""
    run = published_run(registration.event_id)
    if run is None or registration.state != RegistrationState.CONFIRMED:
        return []
    event = Event.get_by_id(registration.event_id)
    with db.atomic():
        run = lock_run(run.id)
        programme = load_programme(event)
        rules = load_rules(event, [registration.id])
        rankings = load_rankings(event, programme, [registration], rules)
        placed = place_into_free_seats(run, registration, programme, rankings, rules, event)
        if placed:
            record(
                "late_placed",
                event,
                actor=actor,
                person=attendee_label(registration),
                sessions=[session_label(programme.by_id[a.session_id]) for a in placed],
            )
            mail_seats(
                registration,
                event,
                current_seats(run.id, registration.id),
                "allocation_published",
                late=True,
                missing=[],
            )
    return placed


def place_all_late(event: Event, *, actor) -> int:
    """Place every confirmed registration that came after the published run; the count."""
    run = published_run(event)
    if run is None:
        raise AllocationError(
            _("Nachmeldungen können erst nach der Veröffentlichung eingeteilt werden.")
        )
    seated = Assignment.select(Assignment.registration).where(Assignment.run == run.id)
    late = [
        r
        for r in Registration.select().where(
            (Registration.event == event)
            & (Registration.state == RegistrationState.CONFIRMED)
            & Registration.id.not_in(seated)
        )
        if r.id not in run.attendee_id_set
    ]
    return sum(1 for registration in late if place_late(registration, actor=actor))


def on_registration_confirmed(registration: Registration, *, actor=None) -> list:
    """Hook for the registration area: a registration became confirmed (late, moved up)."""
    return place_late(registration, actor=actor)


# --- cancellation -----------------------------------------------------------------------


def on_registration_cancelled(registration: Registration, *, actor=None) -> int:
    """Hook for the registration area: free the seats of a cancelled registration.

    Call it inside the cancelling transaction. Its open offers end (declined), and every
    freed seat is offered on. Returns the number of seats freed.
    """
    run = published_run(registration.event_id)
    if run is None:
        return 0
    event = Event.get_by_id(registration.event_id)
    with db.atomic():
        run = lock_run(run.id)
        held = list(
            Assignment.select(Assignment, Session)
            .join(Session)
            .where((Assignment.run == run.id) & (Assignment.registration == registration.id))
        )
        open_offers = list(
            SeatOffer.select().where(
                (SeatOffer.run == run.id)
                & (SeatOffer.registration == registration.id)
                & (SeatOffer.state == OfferState.OFFERED)
            )
        )
        freed = release_seats(held)
        if open_offers:
            SeatOffer.update(state=OfferState.DECLINED, decided_at=now()).where(
                SeatOffer.id.in_([o.id for o in open_offers])
            ).execute()
        if held or open_offers:
            record(
                "seats_released",
                event,
                actor=actor,
                person=attendee_label(registration),
                sessions=[session_label(a.session) for a in held],
                offers=[o.id for o in open_offers],
            )
        offers.offer_seats(
            run,
            freed | {o.session_id for o in open_offers},
            event=event,
            exclude={registration.id},  # also when called before the state is written
        )
    return len(held)


# --- reassignment -----------------------------------------------------------------------


def reassign(event: Event, *, registration_id: int, session_id: int, reason: str, actor):
    """Move an attendee to another session of the slot (or into an empty slot), with a reason.

    Refused when the session is full, forbidden for them, requires a session they do not
    hold, or when their current session is required by another of theirs. The attendee gets
    a mail with the reason and the new .ics; the freed seat is offered on.
    """
    reason = (reason or "").strip()
    if not reason:
        raise AllocationError(_("Bitte begründen Sie die Umbuchung."), field="reason")
    run = published_run(event)
    if run is None:
        raise AllocationError(_("Umbuchungen sind erst nach der Veröffentlichung möglich."))
    registration = Registration.get_or_none(
        (Registration.id == registration_id)
        & (Registration.event == event)
        & (Registration.state == RegistrationState.CONFIRMED)
    )
    if registration is None:
        raise AllocationError(
            _("Bitte wählen Sie eine bestätigte Anmeldung."), field="registration"
        )
    with db.atomic():
        run = lock_run(run.id)
        programme = load_programme(event)
        session = programme.by_id.get(session_id)
        if session is None:
            raise AllocationError(_("Bitte wählen Sie eine Breakout-Session."), field="session")
        mine = seats.holdings(run.id, [registration.id]).get(registration.id, {})
        current = mine.get(session.slot_key)
        _check_move(registration, session, current, mine, programme, run)
        rules = load_rules(event, [registration.id])
        if session.id in rules.forbids.get(registration.id, set()):
            raise AllocationError(
                _(
                    "%(session)s ist für diese Person ausgeschlossen.",
                    session=session_label(session),
                ),
                field="session",
            )
        ranked = load_rankings(event, programme, [registration], rules)[registration.id].get(
            session.slot_key, []
        )
        freed = release_seats([current]) if current is not None else set()
        seats.take(
            run.id,
            registration.id,
            session,
            rank=ranked.index(session.id) + 1 if session.id in ranked else None,
            source=AssignmentSource.REASSIGNED,
        )
        record(
            "reassigned",
            event,
            actor=actor,
            person=attendee_label(registration),
            session=session_label(session),
            previous=session_label(current.session) if current else "",
            reason=reason,
        )
        mail_seats(
            registration,
            event,
            current_seats(run.id, registration.id),
            "allocation_changed",
            cancelled=[current.session] if current else [],
            session=session,
            previous=current.session if current else None,
            reason=reason,
        )
        offers.offer_seats(run, freed, event=event)
    return registration


def _check_move(registration, session, current, mine, programme, run) -> None:
    name = session_label(session)
    if current is not None and current.session_id == session.id:
        raise AllocationError(
            _(
                "%(person)s ist bereits in %(session)s.",
                person=registration.full_name,
                session=name,
            ),
            field="session",
        )
    if current is not None:
        for other in mine.values():
            if other is not current and current.session_id in programme.forces[other.session_id]:
                raise AllocationError(
                    _(
                        "%(current)s kann nicht verlassen werden: %(other)s setzt die Teilnahme "
                        "voraus. Buchen Sie zuerst %(other)s um.",
                        current=session_label(current.session),
                        other=session_label(other.session),
                    ),
                    field="session",
                )
    for required in sorted(programme.forces[session.id]):
        held = mine.get(programme.by_id[required].slot_key)
        if held is None or held.session_id != required:
            raise AllocationError(
                _(
                    "%(session)s setzt %(required)s voraus. Buchen Sie die Person zuerst in "
                    "%(required)s um.",
                    session=name,
                    required=session_label(programme.by_id[required]),
                ),
                field="session",
            )
    if not seats.has_seat(session, seats.seat_counts(run.id)):
        raise AllocationError(
            _(
                "%(session)s ist voll (%(capacity)s Plätze).",
                session=name,
                capacity=session.capacity,
            ),
            field="session",
        )
