"""Dry runs, their rank profile and comparison, and publication.

Runs happen after the preference deadline, or before it with an organiser's written reason
(audit-recorded). Every run is stored as a dry run; publishing marks one of them published
(a partial unique index allows one per event, so publishing twice is refused even when two
organisers click at once), supersedes the other dry runs and mails every attendee.
"""

import json
from collections import Counter
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError, fn

from portal.allocation.models import (
    AllocationRun,
    Assignment,
    GameTable,
    RunStatus,
)
from portal.allocation.services import live, offers
from portal.allocation.services.common import AllocationError, published_run, record
from portal.allocation.services.instance import (
    Built,
    build_instance,
    slot_label,
)
from portal.allocation.services.notify import mail_seats, seats_of
from portal.allocation.services.settings import deadline_message, deadline_state
from portal.allocation.solver import SolverError, solve
from portal.allocation.validate import InstanceError
from portal.events.models import Event, Session
from portal.extensions import db
from portal.registration.models import MUNICIPAL_TYPES
from portal.timeutil import now

CHUNK = 500


# --- running ----------------------------------------------------------------------------


def _refused(event, actor, message: str) -> None:
    with db.atomic():
        record("run_refused", event, actor=actor, message=message)


def forbid_violations(built: Built, result: dict) -> list[str]:
    """Assigned pairs the organisers forbade, as 'person – session' texts."""
    forbidden = built.forbidden_pairs()
    found = []
    for aid, sids in sorted(result["assignments"].items()):
        registration = built.registrations[aid]
        for sid in sids:
            if (registration.id, built.sessions[sid].id) in forbidden:
                found.append(f"{aid} – {sid}")
    return found


def run_allocation(event: Event, *, actor, override_reason: str = "") -> AllocationRun:
    """Compute a dry run on the event's current data and store it.

    Refused (AllocationError) after publication, before the preference deadline without a
    reason, and when the solver rejects the data (pins that cannot hold: its German message
    names them) or its result breaks a forbid.
    """
    override_reason = (override_reason or "").strip()
    if published_run(event) is not None:
        raise AllocationError(
            _(
                "Die Zuteilung ist bereits veröffentlicht. Änderungen sind jetzt nur noch über "
                "Umbuchungen, Nachrücken und Nachmeldungen möglich."
            )
        )
    deadline, passed = deadline_state(event)
    if passed:
        override_reason = ""  # only a run before the deadline needs (and keeps) a reason
    elif not override_reason:
        raise AllocationError(deadline_message(deadline), field="override_reason")
    built = build_instance(event)
    if not built.programme.by_id:
        raise AllocationError(_("Diese Veranstaltung hat keine Breakout-Sessions."))
    try:
        result = solve(built.instance)
    except InstanceError as exc:
        _refused(event, actor, str(exc))
        raise AllocationError(
            _("Die Zuteilung ist so nicht möglich: %(reason)s", reason=str(exc))
        ) from exc
    except SolverError as exc:
        _refused(event, actor, str(exc))
        raise AllocationError(
            _("Der Rechner hat keine gesicherte Lösung gefunden: %(reason)s", reason=str(exc))
        ) from exc
    broken = forbid_violations(built, result)
    if broken:
        message = _(
            "Die Zuteilung verstößt gegen Ausschlüsse: %(pairs)s. Ausgeschlossene Sessions "
            "werden aus den Wünschen entfernt; ist im Zeitfenster sonst kein Platz frei, vergibt "
            "der Rechner sie trotzdem. Legen Sie die Person dort auf eine andere Session fest "
            "oder erhöhen Sie die Platzzahl.",
            pairs="; ".join(broken),
        )
        _refused(event, actor, message)
        raise AllocationError(message)
    return _store(event, built, result, actor=actor, override_reason=override_reason)


def rank_key(session_id: int, ranked: list[int]) -> str:
    return str(ranked.index(session_id) + 1) if session_id in ranked else "unranked"


def profile_of(built: Built, result: dict) -> dict:
    """Rank counts overall (the solver's) and for municipal practitioners and the others."""
    keys = list(result["rank_counts"])
    groups = {"municipal": Counter(), "other": Counter()}
    for aid, registration in built.registrations.items():
        held = {
            built.sessions[sid].slot_key: built.sessions[sid].id
            for sid in result["assignments"][aid]
        }
        group = "municipal" if registration.organisation_type in MUNICIPAL_TYPES else "other"
        for slot, ranked in built.rankings[registration.id].items():
            got = held.get(slot)
            groups[group]["unassigned" if got is None else rank_key(got, ranked)] += 1
    return {
        "overall": dict(result["rank_counts"]),
        **{name: {k: counts[k] for k in keys} for name, counts in groups.items()},
    }


def _assignment_rows(built: Built, result: dict, run_id: int) -> list[dict]:
    table_of = {}
    for sid, tables in result["tables"].items():
        for number, members in enumerate(tables, 1):
            for aid in members:
                table_of[aid, sid] = number
    at = now()
    rows = []
    for aid, sids in result["assignments"].items():
        registration = built.registrations[aid]
        for sid in sids:
            session = built.sessions[sid]
            ranked = built.rankings[registration.id].get(session.slot_key, [])
            rows.append(
                {
                    "run": run_id,
                    "registration": registration.id,
                    "session": session.id,
                    "slot_key": session.slot_key,
                    "rank": ranked.index(session.id) + 1 if session.id in ranked else None,
                    "table_number": table_of.get((aid, sid)),
                    "source": "solver",
                    "updated_at": at,
                }
            )
    return rows


def _store(event, built: Built, result: dict, *, actor, override_reason: str) -> AllocationRun:
    profile = profile_of(built, result)
    for attempt in range(3):  # two runs at once: the second takes the next number
        try:
            with db.atomic():
                number = (
                    AllocationRun.select(fn.MAX(AllocationRun.number))
                    .where(AllocationRun.event == event)
                    .scalar()
                    or 0
                ) + 1
                run = AllocationRun.create(
                    event=event,
                    number=number,
                    created_by=actor,
                    created_at=now(),
                    objective=result["objective"],
                    rank_profile=_json(profile),
                    input_hash=built.input_hash,
                    attendee_count=len(built.registrations),
                    attendee_ids=",".join(str(r.id) for r in built.registrations.values()),
                    municipal_priority=built.settings.municipal_priority,
                    priority_weight=built.settings.priority_weight
                    if built.settings.municipal_priority
                    else 1,
                    override_reason=override_reason,
                )
                rows = _assignment_rows(built, result, run.id)
                for start in range(0, len(rows), CHUNK):
                    Assignment.insert_many(rows[start : start + CHUNK]).execute()
                tables = [
                    {"run": run.id, "session": built.sessions[sid].id, "number": n}
                    for sid, found in result["tables"].items()
                    for n in range(1, len(found) + 1)
                ]
                if tables:
                    GameTable.insert_many(tables).execute()
                record(
                    "run",
                    event,
                    actor=actor,
                    run=run.id,
                    number=number,
                    objective=run.objective,
                    attendees=run.attendee_count,
                    override_reason=override_reason,
                    profile=profile["overall"],
                )
            return run
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _json(value) -> str:
    return json.dumps(value, sort_keys=True)


# --- comparing runs ---------------------------------------------------------------------


@dataclass
class RunDiff:
    """What changed against the previous run of the same event."""

    previous: AllocationRun
    moved: int  # attendees in both runs whose sessions differ
    added: int  # attendees only in this run
    removed: int  # attendees only in the previous run
    fill_change: dict[int, int]  # session id -> seats taken now minus before
    profile_change: dict[str, int]
    objective_change: int
    same_input: bool


def previous_run(run: AllocationRun) -> AllocationRun | None:
    return (
        AllocationRun.select()
        .where((AllocationRun.event == run.event_id) & (AllocationRun.number < run.number))
        .order_by(AllocationRun.number.desc())
        .first()
    )


def compare_runs(run: AllocationRun, previous: AllocationRun | None) -> RunDiff | None:
    """The difference between two runs (one query for both runs' assignments)."""
    if previous is None:
        return None
    held = {run.id: {}, previous.id: {}}
    query = (
        Assignment.select(Assignment.run, Assignment.registration, Assignment.session)
        .where(Assignment.run.in_([run.id, previous.id]))
        .tuples()
    )
    fill = {run.id: Counter(), previous.id: Counter()}
    for run_id, registration_id, session_id in query:
        held[run_id].setdefault(registration_id, set()).add(session_id)
        fill[run_id][session_id] += 1
    now_ids, before_ids = run.attendee_id_set, previous.attendee_id_set
    both = now_ids & before_ids
    moved = sum(1 for r in both if held[run.id].get(r, set()) != held[previous.id].get(r, set()))
    sessions = set(fill[run.id]) | set(fill[previous.id])
    current, earlier = run.profile.get("overall", {}), previous.profile.get("overall", {})
    return RunDiff(
        previous=previous,
        moved=moved,
        added=len(now_ids - before_ids),
        removed=len(before_ids - now_ids),
        fill_change={s: fill[run.id][s] - fill[previous.id][s] for s in sessions},
        profile_change={
            k: current.get(k, 0) - earlier.get(k, 0) for k in profile_keys(current, earlier)
        },
        objective_change=run.objective - previous.objective,
        same_input=run.input_hash == previous.input_hash,
    )


def profile_keys(*profiles) -> list[str]:
    """Rank keys in order: 1, 2, ..., then unranked and unassigned."""
    numbers = sorted({int(k) for p in profiles for k in p if k.isdigit()})
    return [str(n) for n in numbers] + ["unranked", "unassigned"]


# --- publishing -------------------------------------------------------------------------


def publish_run(run: AllocationRun, *, actor) -> int:
    """Publish a dry run: attendees see it, every confirmed attendee gets a mail.

    Assignments of registrations cancelled since the run free their seats (offered on);
    registrations confirmed since the run are placed into free seats (late placement).
    Returns the number of mails. Publishing twice, or a second run, is refused.
    """
    event = Event.get_by_id(run.event_id)
    with db.atomic():
        try:
            with db.atomic():
                changed = (
                    AllocationRun.update(
                        status=RunStatus.PUBLISHED, published_at=now(), published_by=actor
                    )
                    .where(
                        (AllocationRun.id == run.id) & (AllocationRun.status == RunStatus.DRY_RUN)
                    )
                    .execute()
                )
        except IntegrityError as exc:
            raise AllocationError(
                _(
                    "Für diese Veranstaltung ist bereits eine Zuteilung veröffentlicht. Sie kann "
                    "nicht ein zweites Mal veröffentlicht werden."
                )
            ) from exc
        if not changed:
            current = AllocationRun.get_by_id(run.id)
            if current.status == RunStatus.PUBLISHED:
                raise AllocationError(_("Dieser Lauf ist bereits veröffentlicht."))
            raise AllocationError(
                _("Dieser Lauf ist überholt und kann nicht veröffentlicht werden.")
            )
        AllocationRun.update(status=RunStatus.SUPERSEDED).where(
            (AllocationRun.event == event) & (AllocationRun.status == RunStatus.DRY_RUN)
        ).execute()
        run = AllocationRun.get_by_id(run.id)
        built = build_instance(event)
        confirmed = {r.id: r for r in built.registrations.values()}
        assignments = list(
            Assignment.select(Assignment, Session).join(Session).where(Assignment.run == run.id)
        )
        stale = [a for a in assignments if a.registration_id not in confirmed]
        live.release_seats(stale)
        made = offers.offer_seats(run, {a.session_id for a in stale}, event=event, mail=False)
        late = [r for rid, r in confirmed.items() if rid not in run.attendee_id_set]
        for registration in late:
            live.place_into_free_seats(
                run, registration, built.programme, built.rankings, built.rules, event
            )
        record(
            "published",
            event,
            actor=actor,
            run=run.id,
            number=run.number,
            dropped=len(stale),
            late=len(late),
        )
        held = {}
        for assignment in (
            Assignment.select(Assignment, Session).join(Session).where(Assignment.run == run.id)
        ):
            held.setdefault(assignment.registration_id, []).append(assignment)
        for registration in confirmed.values():
            seats = seats_of(held.get(registration.id, []))
            got = {seat.session.slot_key for seat in seats}
            missing = [
                slot_label(slot)
                for slot, ranked in built.rankings.get(registration.id, {}).items()
                if ranked and slot not in got
            ]
            mail_seats(registration, event, seats, "allocation_published", missing=missing)
        for offer in made:  # after the publication mails, so they arrive in order
            offers.mail_offer(offer, event)
    return len(confirmed)


RANK_NAMES = {"unranked": _l("nicht gewünschte Session"), "unassigned": _l("keine Session")}


def rank_name(key: str) -> str:
    """'1' -> '1. Wunsch', 'unranked', 'unassigned' in words."""
    if key.isdigit():
        return _("%(rank)s. Wunsch", rank=key)
    return str(RANK_NAMES[key])
