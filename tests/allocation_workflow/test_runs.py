"""Dry runs: deadline, rank profile, fill, difference, pins and forbids, weights, publishing."""

import json

import pytest

from portal.allocation import services
from portal.allocation.models import (
    AllocationRun,
    Assignment,
    GameTable,
    Pin,
    RunStatus,
    SeatOffer,
)
from portal.audit import AuditEntry
from portal.mailer import deliver_pending
from portal.registration.models import Registration
from tests.allocation_workflow.conftest import BEFORE_DEADLINE, outbox


def _held(run, registration) -> list[str]:
    rows = Assignment.select().where(
        (Assignment.run == run) & (Assignment.registration == registration)
    )
    return sorted(a.session.code for a in rows)


def _audit(action):
    return list(
        AuditEntry.select()
        .where(AuditEntry.action == f"allocation.{action}")
        .order_by(AuditEntry.id)
    )


# --- 1. running, profile, fill, worst rank, difference ------------------------------------


def test_run_allocation_before_deadline_is_refused(programme, person, organiser, clock):
    person("Anna", programme.s["WS 1"])
    clock(BEFORE_DEADLINE)
    with pytest.raises(services.AllocationError) as refused:
        services.run_allocation(programme.event, actor=organiser)
    assert refused.value.message.startswith("Die Frist für Wünsche läuft noch bis 31.10.2024.")
    assert refused.value.field == "override_reason"
    assert AllocationRun.select().count() == 0


def test_run_allocation_without_deadline_is_refused(make_event, organiser, clock):
    event = make_event(slug="ohne-frist")
    with pytest.raises(services.AllocationError) as refused:
        services.run_allocation(event, actor=organiser)
    assert "keine Frist für Wünsche gesetzt" in refused.value.message


def test_run_allocation_before_deadline_with_reason_is_audited(programme, person, organiser, clock):
    person("Anna", programme.s["WS 1"])
    clock(BEFORE_DEADLINE)
    run = services.run_allocation(
        programme.event, actor=organiser, override_reason="Raumplanung vorab"
    )
    assert run.override_reason == "Raumplanung vorab"
    (entry,) = _audit("run")
    assert entry.actor_id == organiser.id
    assert json.loads(entry.details)["override_reason"] == "Raumplanung vorab"


def test_run_allocation_stores_profile_fill_and_tables(programme, person, organiser):
    s = programme.s
    for name in ("A", "B", "C"):
        person(name, s["WS 1"], s["WS 3"], s["WS 7"])
    players = [person(f"P{n}", s["PS"], s["WS 2"]) for n in range(12)]
    run = services.run_allocation(programme.event, actor=organiser)
    assert run.status == RunStatus.DRY_RUN
    assert run.number == 1
    assert run.attendee_count == 15
    # A, B, C: two get WS 1 (2 seats), one WS 3; on day two two get WS 7, one gets V 2
    # (unranked, no limit). The twelve players get the game and Workshop 2.
    assert run.profile["overall"] == {
        "1": 2 + 2 + 24,
        "2": 1,
        "unranked": 1,
        "unassigned": 0,
    }
    page = services.run_page(programme.event, run.id)
    assert page.worst == "nicht gewünschte Session"
    fills = {f.session.code: f.taken for slot in page.slots for f in slot.fills}
    assert fills == {"PS": 12, "WS 1": 2, "WS 2": 12, "WS 3": 1, "WS 7": 2, "V 2": 1}
    tables = GameTable.select().where(GameTable.run == run).order_by(GameTable.number)
    assert [t.number for t in tables] == [1, 2]
    sizes = sorted(
        Assignment.select()
        .where((Assignment.run == run) & (Assignment.session == s["PS"]))
        .where(Assignment.table_number == n)
        .count()
        for n in (1, 2)
    )
    assert sizes == [6, 6]
    assert all(_held(run, p) == ["PS", "WS 2"] for p in players)


def test_run_allocation_difference_to_the_previous_run(programme, person, organiser):
    s = programme.s
    a, b, c = (person(n, s["WS 1"], s["WS 3"]) for n in ("A", "B", "C"))
    first = services.run_allocation(programme.event, actor=organiser)
    loser = next(r for r in (a, b, c) if _held(first, r) == ["WS 3"])
    services.add_pin(
        programme.event,
        registration_id=loser.id,
        session_id=s["WS 1"].id,
        kind="pin",
        actor=organiser,
    )
    person("D", s["WS 3"])
    second = services.run_allocation(programme.event, actor=organiser)
    assert _held(second, loser) == ["WS 1"]
    diff = services.compare_runs(second, first)
    assert (diff.moved, diff.added, diff.removed) == (2, 1, 0)
    assert diff.fill_change == {s["WS 1"].id: 0, s["WS 3"].id: 1}
    assert diff.profile_change == {"1": 1, "2": 0, "unranked": 0, "unassigned": 0}
    assert diff.same_input is False
    assert services.run_page(programme.event, second.id).diff.previous.id == first.id


# --- 2. pins and forbids ------------------------------------------------------------------


def test_pins_that_cannot_hold_are_refused_naming_them(programme, person, organiser):
    s = programme.s
    people = [person(n, s["WS 1"]) for n in ("Ahrens", "Berg", "Conrad")]
    for registration in people:
        services.add_pin(
            programme.event,
            registration_id=registration.id,
            session_id=s["WS 1"].id,
            kind="pin",
            actor=organiser,
        )
    with pytest.raises(services.AllocationError) as refused:
        services.run_allocation(programme.event, actor=organiser)
    message = refused.value.message
    assert message.startswith("Die Zuteilung ist so nicht möglich: Festlegungen passen nicht")
    assert "WS 1 hat 2 Plätze, aber 3 Festlegungen" in message
    for registration in people:
        assert f"Erika {registration.last_name} (Nr. {registration.id})" in message
    assert AllocationRun.select().count() == 0
    assert len(_audit("run_refused")) == 1


def test_pins_in_one_slot_twice_are_refused(programme, person, organiser):
    s = programme.s
    anna = person("Anna", s["WS 1"])
    for code in ("WS 1", "WS 3"):
        services.add_pin(
            programme.event,
            registration_id=anna.id,
            session_id=s[code].id,
            kind="pin",
            actor=organiser,
        )
    with pytest.raises(services.AllocationError) as refused:
        services.run_allocation(programme.event, actor=organiser)
    assert "eine Person hätte zwei Sitzungen zugleich" in refused.value.message
    assert f"Erika Anna (Nr. {anna.id}) im Zeitfenster 19.11.2024, 16:00 Uhr" in (
        refused.value.message
    )


def test_pin_places_and_forbid_keeps_out(programme, person, organiser):
    s = programme.s
    anna = person("Anna", s["WS 1"], s["WS 3"])
    ben = person("Ben", s["WS 3"], s["WS 1"])
    services.add_pin(
        programme.event,
        registration_id=anna.id,
        session_id=s["WS 1"].id,
        kind="forbid",
        actor=organiser,
    )
    services.add_pin(
        programme.event,
        registration_id=ben.id,
        session_id=s["WS 2"].id,
        kind="pin",
        actor=organiser,
    )
    run = services.run_allocation(programme.event, actor=organiser)
    assert _held(run, anna) == ["WS 3"]
    assert _held(run, ben) == ["WS 2"]


def test_forbid_the_solver_cannot_keep_is_refused(programme, person, organiser):
    s = programme.s
    anna = person("Anna", s["WS 7"])
    for name in ("Berg", "Conrad"):
        other = person(name, s["WS 7"])
        services.add_pin(
            programme.event,
            registration_id=other.id,
            session_id=s["WS 7"].id,
            kind="pin",
            actor=organiser,
        )
    services.add_pin(
        programme.event,
        registration_id=anna.id,
        session_id=s["V 2"].id,
        kind="forbid",
        actor=organiser,
    )
    with pytest.raises(services.AllocationError) as refused:
        services.run_allocation(programme.event, actor=organiser)
    assert f"Ausschlüsse: Erika Anna (Nr. {anna.id}) – V 2." in refused.value.message


def test_add_pin_twice_for_one_pair_is_refused(programme, person, organiser):
    s = programme.s
    anna = person("Anna", s["WS 1"])
    values = {"registration_id": anna.id, "session_id": s["WS 1"].id, "actor": organiser}
    services.add_pin(programme.event, kind="pin", **values)
    with pytest.raises(services.AllocationError) as refused:
        services.add_pin(programme.event, kind="forbid", **values)
    assert refused.value.field == "session"
    assert Pin.select().count() == 1


def test_add_pin_for_someone_else_s_registration_is_refused(
    programme, person, organiser, make_event
):
    other_event = make_event(slug="andere")
    stranger = person("Fremd", event=other_event)
    with pytest.raises(services.AllocationError) as refused:
        services.add_pin(
            programme.event,
            registration_id=stranger.id,
            session_id=programme.s["WS 1"].id,
            kind="pin",
            actor=organiser,
        )
    assert refused.value.field == "registration"


# --- 3. weights ---------------------------------------------------------------------------


def test_municipal_priority_gives_contested_seats_to_the_target_group(programme, person, organiser):
    s = programme.s
    federal = [person(f"Bund{n}", s["WS 1"], s["WS 3"], org_type="federal") for n in range(3)]
    municipal = [
        person("Stadt", s["WS 1"], s["WS 3"], org_type="municipality"),
        person("Kreis", s["WS 1"], s["WS 3"], org_type="district"),
    ]
    services.update_settings(
        programme.event,
        actor=organiser,
        municipal_priority=True,
        priority_weight=2,
        offer_hours=48,
    )
    run = services.run_allocation(programme.event, actor=organiser)
    assert [_held(run, r) for r in municipal] == [["WS 1"], ["WS 1"]]
    assert [_held(run, r) for r in federal] == [["WS 3"]] * 3
    assert run.profile["municipal"]["1"] == 2
    assert run.profile["other"]["2"] == 3
    assert (run.municipal_priority, run.priority_weight) == (True, 2)


def test_update_settings_out_of_range_is_refused(programme, organiser):
    with pytest.raises(services.AllocationError) as refused:
        services.update_settings(
            programme.event,
            actor=organiser,
            municipal_priority=True,
            priority_weight=11,
            offer_hours=48,
        )
    assert refused.value.field == "priority_weight"


def test_seed_demo_settings_turns_the_priority_on(programme):
    settings = services.seed_demo_settings(programme.event)
    assert (settings.municipal_priority, settings.priority_weight) == (True, 2)
    assert services.settings_for(programme.event).municipal_priority is True


# --- 4. publishing ------------------------------------------------------------------------


def test_publish_makes_it_visible_and_mails_everyone(programme, person, organiser):
    s = programme.s
    anna = person("Anna", s["WS 1"], s["V 2"])
    ben = person("Ben", s["WS 3"])
    first = services.run_allocation(programme.event, actor=organiser)
    run = services.run_allocation(programme.event, actor=organiser)
    assert services.my_assignments([anna, ben]) == {}
    assert services.publish_run(run, actor=organiser) == 2
    assert AllocationRun.get_by_id(run.id).status == RunStatus.PUBLISHED
    assert AllocationRun.get_by_id(first.id).status == RunStatus.SUPERSEDED
    seats = services.my_assignments([anna, ben])
    assert [seat.session.code for seat in seats[anna.id]] == ["WS 1", "V 2"]
    assert [seat.session.code for seat in seats[ben.id]] == ["WS 3"]
    (mail,) = outbox(anna.email)
    assert mail.subject == "Zuteilung der Sessions: Kommunaltagung"
    assert "WS 1 – Hybride Bedrohungen" in mail.body_text
    (attachment,) = list(mail.attachments)
    assert attachment.filename == "sessions.ics"
    assert bytes(attachment.content).count(b"BEGIN:VEVENT") == 2
    (entry,) = _audit("published")
    assert entry.actor_id == organiser.id


def test_publish_twice_is_refused(programme, person, organiser):
    person("Anna", programme.s["WS 1"])
    run = services.run_allocation(programme.event, actor=organiser)
    other = services.run_allocation(programme.event, actor=organiser)
    services.publish_run(run, actor=organiser)
    with pytest.raises(services.AllocationError) as again:
        services.publish_run(run, actor=organiser)
    assert again.value.message == "Dieser Lauf ist bereits veröffentlicht."
    with pytest.raises(services.AllocationError) as superseded:
        services.publish_run(other, actor=organiser)
    assert "überholt" in superseded.value.message
    assert len(outbox()) == 1


def test_publish_a_second_run_is_refused_by_the_index(programme, person, organiser):
    person("Anna", programme.s["WS 1"])
    run = services.run_allocation(programme.event, actor=organiser)
    other = services.run_allocation(programme.event, actor=organiser)
    # As if a second organiser published `other` at the same moment: it is still a dry run.
    services.publish_run(run, actor=organiser)
    AllocationRun.update(status=RunStatus.DRY_RUN).where(AllocationRun.id == other.id).execute()
    with pytest.raises(services.AllocationError) as refused:
        services.publish_run(other, actor=organiser)
    assert "bereits eine Zuteilung veröffentlicht" in refused.value.message


def test_run_after_publication_is_refused(programme, person, organiser):
    person("Anna", programme.s["WS 1"])
    services.publish_run(services.run_allocation(programme.event, actor=organiser), actor=organiser)
    with pytest.raises(services.AllocationError) as refused:
        services.run_allocation(programme.event, actor=organiser)
    assert "bereits veröffentlicht" in refused.value.message


def test_publish_drops_cancelled_and_places_late_registrants(programme, person, organiser):
    s = programme.s
    gone = person("Gone", s["WS 1"])
    stay = person("Stay", s["WS 1"], s["WS 3"])
    third = person("Third", s["WS 1"], s["WS 3"])
    services.add_pin(
        programme.event,
        registration_id=gone.id,
        session_id=s["WS 1"].id,
        kind="pin",
        actor=organiser,
    )
    run = services.run_allocation(programme.event, actor=organiser)
    (waiting,) = [r for r in (stay, third) if _held(run, r) == ["WS 3"]]
    Registration.update(state="cancelled").where(Registration.id == gone.id).execute()
    late = person("Late", s["WS 3"])
    services.publish_run(run, actor=organiser)
    assert _held(run, gone) == []
    assert _held(run, late) == ["WS 3"]
    assert outbox(gone.email) == []
    assert [m.subject for m in outbox(late.email)] == ["Zuteilung der Sessions: Kommunaltagung"]
    # Gone's WS 1 seat is offered to the one who ranked it first but sits in WS 3.
    (offer,) = SeatOffer.select()
    assert (offer.registration_id, offer.session_id) == (waiting.id, s["WS 1"].id)
    assert [m.subject for m in outbox(waiting.email)] == [
        "Zuteilung der Sessions: Kommunaltagung",
        "Ein Platz ist frei: WS 1",
    ]


def test_publication_mail_reaches_the_attendee_with_the_calendar(
    programme, person, organiser, mailbox
):
    anna = person("Anna", programme.s["WS 7"])
    services.publish_run(services.run_allocation(programme.event, actor=organiser), actor=organiser)
    assert deliver_pending()["sent"] == 1
    (message,) = mailbox
    assert message["To"] == anna.email
    assert message["Subject"] == "Zuteilung der Sessions: Kommunaltagung"
    html = message.get_body(("html",)).get_content()
    assert "WS 7 – ELSA" in html
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "sessions.ics"
    ics = attachment.get_content()
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "DTSTART;TZID=Europe/Berlin:20241120T090000" in ics
    assert "LOCATION:Raum WS 7\\, Tagungszentrum" in ics
