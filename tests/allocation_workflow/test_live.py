"""After publication: reassignment, cancellation and the offer cascade, late registrants."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from portal.allocation import services
from portal.allocation.models import Assignment, OfferState, SeatOffer
from portal.audit import AuditEntry
from tests.allocation_workflow.conftest import AFTER_DEADLINE, outbox


def _held(run, registration) -> list[str]:
    rows = Assignment.select().where(
        (Assignment.run == run) & (Assignment.registration == registration)
    )
    return sorted(a.session.code for a in rows)


def _pin(event, registration, session, organiser):
    services.add_pin(
        event,
        registration_id=registration.id,
        session_id=session.id,
        kind="pin",
        actor=organiser,
    )


@pytest.fixture
def published(programme, person, organiser):
    """A published run: Anna and Ben hold WS 1 (pinned, 2 seats); Cara (WS 1 > WS 2 > WS 3)
    holds WS 2, Emil (WS 1 > WS 3) and Dora (WS 3 > WS 1) hold WS 3."""
    s, event = programme.s, programme.event
    people = SimpleNamespace(
        anna=person("Anna", s["WS 1"], s["WS 3"]),
        ben=person("Ben", s["WS 1"], s["WS 3"]),
        cara=person("Cara", s["WS 1"], s["WS 2"], s["WS 3"]),
        dora=person("Dora", s["WS 3"], s["WS 1"]),
        emil=person("Emil", s["WS 1"], s["WS 3"]),
    )
    _pin(event, people.anna, s["WS 1"], organiser)
    _pin(event, people.ben, s["WS 1"], organiser)
    run = services.run_allocation(event, actor=organiser)
    services.publish_run(run, actor=organiser)
    assert [_held(run, r) for r in vars(people).values()] == [
        ["WS 1"],
        ["WS 1"],
        ["WS 2"],
        ["WS 3"],
        ["WS 3"],
    ]
    people.run = run
    return people


def _offer(registration) -> SeatOffer:
    return SeatOffer.get(SeatOffer.registration == registration)


def _link(offer) -> str:
    return f"/zuteilung/angebot/{services.make_token(offer)}"


# --- 5. reassignment ----------------------------------------------------------------------


def test_reassign_moves_and_mails_the_reason(programme, published, organiser):
    s = programme.s
    services.reassign(
        programme.event,
        registration_id=published.dora.id,
        session_id=s["WS 2"].id,
        reason="Raumwechsel wegen Barrierefreiheit",
        actor=organiser,
    )
    assert _held(published.run, published.dora) == ["WS 2"]
    mail = outbox(published.dora.email)[-1]
    assert mail.subject == "Änderung Ihrer Sessions: Kommunaltagung"
    assert "von WS 3 – Prävention in WS 2 – Continuity of Government umgebucht" in mail.body_text
    assert "Raumwechsel wegen Barrierefreiheit" in mail.body_text
    ics = bytes(list(mail.attachments)[0].content)
    assert b"STATUS:CANCELLED" in ics and b"SUMMARY:WS 3 - Pr" in ics.replace(b"\xe2\x80\x93", b"-")
    # Her old seat is free, but no offer undoes the organisers' decision.
    assert SeatOffer.select().count() == 0
    entry = AuditEntry.get(AuditEntry.action == "allocation.reassigned")
    assert entry.actor_id == organiser.id
    assert "Raumwechsel wegen Barrierefreiheit" in entry.details


@pytest.mark.parametrize(
    ("code", "reason", "field", "message"),
    [
        ("WS 1", "voll?", "session", "WS 1 ist voll (2 Plätze)."),
        ("PS", "Planspiel", "session", "PS setzt WS 2 voraus."),
        ("WS 3", "schon da", "session", "Erika Dora ist bereits in WS 3."),
        ("WS 2", "   ", "reason", "Bitte begründen Sie die Umbuchung."),
    ],
)
def test_reassign_bad_input_is_refused(
    programme, published, organiser, code, reason, field, message
):
    with pytest.raises(services.AllocationError) as refused:
        services.reassign(
            programme.event,
            registration_id=published.dora.id,
            session_id=programme.s[code].id,
            reason=reason,
            actor=organiser,
        )
    assert refused.value.field == field
    assert refused.value.message.startswith(message)
    assert _held(published.run, published.dora) == ["WS 3"]


def test_reassign_before_publication_is_refused(programme, person, organiser):
    anna = person("Anna", programme.s["WS 1"])
    with pytest.raises(services.AllocationError) as refused:
        services.reassign(
            programme.event,
            registration_id=anna.id,
            session_id=programme.s["WS 3"].id,
            reason="x",
            actor=organiser,
        )
    assert refused.value.message == "Umbuchungen sind erst nach der Veröffentlichung möglich."


# --- 5. cancellation and the offer cascade ------------------------------------------------


def test_cancellation_offers_the_seat_to_the_best_ranked_improver(programme, published):
    freed = services.on_registration_cancelled(published.anna)
    assert freed == 1
    assert _held(published.run, published.anna) == []
    (offer,) = SeatOffer.select()
    # Cara and Emil ranked WS 1 first and sit lower; Dora ranked it second: Cara came first.
    assert (offer.registration_id, offer.session_id) == (published.cara.id, programme.s["WS 1"].id)
    assert offer.expires_at == AFTER_DEADLINE + timedelta(hours=48)
    mail = outbox(published.cara.email)[-1]
    assert mail.subject == "Ein Platz ist frei: WS 1"
    assert "http://localhost/zuteilung/angebot/" in mail.body_text
    assert published.cara.email not in services.make_token(offer)


def test_offer_hours_come_from_the_settings(programme, published, organiser):
    services.update_settings(
        programme.event,
        actor=organiser,
        municipal_priority=False,
        priority_weight=2,
        offer_hours=12,
    )
    services.on_registration_cancelled(published.anna)
    assert _offer(published.cara).expires_at == AFTER_DEADLINE + timedelta(hours=12)


def test_accepting_moves_the_attendee_and_offers_the_old_seat(
    programme, published, client, login, person
):
    s = programme.s
    waiting = person("Wanda", s["WS 2"])  # ranked WS 2 but came late: no seat
    services.on_registration_cancelled(published.anna)
    offer = _offer(published.cara)
    login(published.cara.account)
    page = client.get(_link(offer))
    assert page.status_code == 200
    assert "WS 1 – Hybride Bedrohungen" in page.text
    response = client.post(_link(offer) + "/annehmen")
    assert response.status_code == 303
    assert _held(published.run, published.cara) == ["WS 1"]
    assert SeatOffer.get_by_id(offer.id).state == OfferState.ACCEPTED
    assert outbox(published.cara.email)[-1].subject == "Platz bestätigt: WS 1"
    # Cara's WS 2 seat is free now: Wanda ranked it first and has nothing there.
    assert (_offer(waiting).session_id, _offer(waiting).state) == (s["WS 2"].id, "offered")


def test_declining_goes_to_the_next(programme, published, client, login):
    services.on_registration_cancelled(published.anna)
    offer = _offer(published.cara)
    login(published.cara.account)
    assert client.post(_link(offer) + "/ablehnen").status_code == 303
    assert SeatOffer.get_by_id(offer.id).state == OfferState.DECLINED
    assert _held(published.run, published.cara) == ["WS 2"]
    assert _offer(published.emil).session_id == programme.s["WS 1"].id


def test_accepting_an_expired_offer_is_refused_and_goes_to_the_next(
    programme, published, client, login, clock
):
    services.on_registration_cancelled(published.anna)
    offer = _offer(published.cara)
    clock(AFTER_DEADLINE + timedelta(hours=48, minutes=1))
    login(published.cara.account)
    response = client.post(_link(offer) + "/annehmen", follow_redirects=True)
    assert response.status_code == 200
    assert "Dieses Angebot ist abgelaufen" in response.text
    assert SeatOffer.get_by_id(offer.id).state == OfferState.EXPIRED
    assert _held(published.run, published.cara) == ["WS 2"]
    assert _offer(published.emil).state == OfferState.OFFERED


def test_answering_twice_is_refused(programme, published, client, login):
    services.on_registration_cancelled(published.anna)
    offer = _offer(published.cara)
    login(published.cara.account)
    client.post(_link(offer) + "/annehmen")
    response = client.post(_link(offer) + "/ablehnen", follow_redirects=True)
    assert "Sie haben dieses Angebot bereits angenommen." in response.text
    assert SeatOffer.get_by_id(offer.id).state == OfferState.ACCEPTED


def test_someone_else_s_offer_link_is_404(programme, published, client, login):
    services.on_registration_cancelled(published.anna)
    offer = _offer(published.cara)
    login(published.emil.account)
    assert client.get(_link(offer)).status_code == 404
    assert client.post(_link(offer) + "/annehmen").status_code == 404
    assert SeatOffer.get_by_id(offer.id).state == OfferState.OFFERED


def test_altered_offer_link_is_404(programme, published, client, login):
    services.on_registration_cancelled(published.anna)
    offer = _offer(published.cara)
    login(published.cara.account)
    token = services.make_token(offer)
    assert client.get(f"/zuteilung/angebot/{token[:-2]}xx").status_code == 404
    SeatOffer.update(nonce="anders").where(SeatOffer.id == offer.id).execute()
    assert client.get(f"/zuteilung/angebot/{token}").status_code == 404


def test_offer_link_needs_a_login(programme, published, app):
    services.on_registration_cancelled(published.anna)
    response = app.test_client().get(_link(_offer(published.cara)))
    assert response.status_code == 302
    assert "/konto/anmelden" in response.headers["Location"]


def test_cli_expires_offers_and_offers_the_next(programme, published, runner, clock):
    services.on_registration_cancelled(published.anna)
    clock(AFTER_DEADLINE + timedelta(hours=49))
    result = runner.invoke(args=["allocation", "offers"])
    assert result.exit_code == 0
    assert result.output == "abgelaufen: 1, neu angeboten: 1\n"
    assert _offer(published.cara).state == OfferState.EXPIRED
    assert _offer(published.emil).state == OfferState.OFFERED
    assert runner.invoke(args=["allocation", "offers"]).output == (
        "abgelaufen: 0, neu angeboten: 0\n"
    )


def test_cancelling_an_offered_attendee_passes_the_offer_on(programme, published):
    services.on_registration_cancelled(published.anna)
    services.on_registration_cancelled(published.cara)
    assert _offer(published.cara).state == OfferState.DECLINED
    assert _offer(published.emil).session_id == programme.s["WS 1"].id
    assert _held(published.run, published.cara) == []


def test_cancellation_before_publication_changes_nothing(programme, person):
    anna = person("Anna", programme.s["WS 1"])
    assert services.on_registration_cancelled(anna) == 0
    assert SeatOffer.select().count() == 0


# --- 5. late registrants ------------------------------------------------------------------


def test_late_registrant_with_wishes_gets_the_best_free_seat(programme, published, person):
    s = programme.s
    before = {r.id: _held(published.run, r) for r in (published.anna, published.dora)}
    late = person("Lena", s["WS 1"], s["WS 3"], s["WS 7"])
    placed = services.on_registration_confirmed(late)
    assert sorted(a.session.code for a in placed) == ["WS 3", "WS 7"]
    assert {r.id: _held(published.run, r) for r in (published.anna, published.dora)} == before
    mail = outbox(late.email)[-1]
    assert mail.subject == "Ihre Sessions: Kommunaltagung"
    assert "nachträglich in freie Plätze eingeteilt" in mail.body_text


def test_late_registrant_without_wishes_gets_the_emptiest_sessions(
    programme, published, person, organiser
):
    late = person("Lutz")  # registered after the preference deadline: no ranking
    assert services.place_all_late(programme.event, actor=organiser) == 1
    # Afternoon: WS 3 has 28 free seats, WS 2 29: WS 2. Day two: V 2 has no limit. The
    # game requires Workshop 2 and is never given unasked.
    assert _held(published.run, late) == ["V 2", "WS 2"]
    assert services.place_all_late(programme.event, actor=organiser) == 0


def test_place_all_late_before_publication_is_refused(programme, organiser):
    with pytest.raises(services.AllocationError):
        services.place_all_late(programme.event, actor=organiser)


def test_audit_trail_records_the_cascade(programme, published, client, login):
    services.on_registration_cancelled(published.anna)
    login(published.cara.account)
    client.post(_link(_offer(published.cara)) + "/ablehnen")
    rows = services.audit_page(programme.event)
    labels = [row.label for row in rows]
    assert labels[:4] == [
        "Platz angeboten",
        "Angebot abgelehnt",
        "Platz angeboten",
        "Plätze nach Stornierung frei",
    ]
    to_emil, declined, to_cara = rows[:3]
    assert declined.entry.actor_id == published.cara.account.id
    assert ("Person", f"Erika Emil (Nr. {published.emil.id})") in to_emil.details
    assert ("Gültig bis", "06.11.2024, 09:00 Uhr") in to_cara.details
