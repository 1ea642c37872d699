"""States and the waitlist: positions, order, moving up with its mail, approval."""

from datetime import datetime

from icalendar import Calendar

from portal.audit import AuditEntry
from portal.registration import services
from portal.registration.models import Registration, RegistrationSettings, RegistrationState

C, W, P = RegistrationState.CONFIRMED, RegistrationState.WAITLISTED, RegistrationState.PENDING


def states(event) -> list:
    query = Registration.select().where(Registration.event == event).order_by(Registration.id)
    return [r.state for r in query]


def test_full_event_waitlists_with_position(app, open_event, register_user, sent_mails):
    event = open_event(capacity=2)
    regs = [register_user(event) for _ in range(4)]
    assert states(event) == [C, C, W, W]
    assert services.waitlist_positions(event) == {regs[2].id: 1, regs[3].id: 2}
    assert RegistrationSettings.get(event=event).taken == 2
    mails = sent_mails()
    assert [m["Subject"] for m in mails] == [f"Anmeldebestätigung: {event.title}"] * 2 + [
        f"Warteliste: {event.title}"
    ] * 2
    assert "Sie stehen auf Platz 2 der Warteliste." in mails[3].get_body(("plain",)).get_content()
    assert list(mails[3].iter_attachments()) == []


def test_register_flash_names_the_waitlist_place(client, attendee, open_event, register_user):
    from tests.registration.conftest import form_data

    event = open_event(capacity=1)
    register_user(event)
    response = client.post(
        f"/veranstaltungen/{event.slug}/anmeldung", data=form_data(), follow_redirects=True
    )
    assert "Sie stehen auf Platz 1 der Warteliste" in response.text
    assert "auf der Warteliste, Platz 1" in response.text


def test_cancel_moves_the_first_waitlisted_up_and_mails(
    client, attendee, open_event, register_user, sent_mails
):
    event = open_event(capacity=1)
    mine = register_user(event, user=attendee)
    first = register_user(event)
    second = register_user(event)
    sent_mails().clear()

    confirm = client.get(f"/meine-anmeldungen/{mine.id}/stornieren")
    assert "Möchten Sie Ihre Anmeldung wirklich stornieren?" in confirm.text
    response = client.post(f"/meine-anmeldungen/{mine.id}/stornieren")
    assert response.status_code == 303

    assert states(event) == [RegistrationState.CANCELLED, C, W]
    assert services.waitlist_positions(event) == {second.id: 1}
    assert RegistrationSettings.get(event=event).taken == 1
    assert services.capacity_violations(event) == []
    mails = {m["To"]: m for m in sent_mails()}
    assert set(mails) == {attendee.email, first.email}
    assert mails[attendee.email]["Subject"] == f"Stornierung bestätigt: {event.title}"
    promoted = mails[first.email]
    assert promoted["Subject"] == f"Sie sind nachgerückt: {event.title}"
    [ics] = list(promoted.iter_attachments())
    assert ics.get_filename() == "veranstaltung.ics"
    calendar = Calendar.from_ical(ics.get_payload(decode=True))
    assert len(calendar.walk("VEVENT")) == 1
    actions = [e.action for e in AuditEntry.select().order_by(AuditEntry.id)]
    assert actions[-2:] == ["registration.cancelled", "registration.promoted"]


def test_waitlist_order_is_by_time_then_id(app, make_user, open_event, register_user, frozen):
    """Someone who leaves the waitlist and comes back queues again at the end."""
    event = open_event(capacity=1)
    holder = register_user(event)
    frozen(datetime(2024, 10, 15, 10, 0))
    early = register_user(event)
    frozen(datetime(2024, 10, 15, 10, 5))
    later = register_user(event)
    frozen(datetime(2024, 10, 15, 10, 10))
    services.cancel_registration(early, actor=None)
    frozen(datetime(2024, 10, 15, 10, 15))
    again = register_user(event, user=early.user)
    assert again.id == early.id and again.state == W
    assert services.waitlist_positions(event) == {later.id: 1, early.id: 2}

    services.cancel_registration(holder, actor=None)
    assert Registration.get_by_id(later.id).state == C
    assert Registration.get_by_id(early.id).state == W


def test_same_second_waitlist_ties_break_by_id(app, open_event, register_user):
    event = open_event(capacity=0)
    regs = [register_user(event) for _ in range(3)]
    assert services.waitlist_positions(event) == {r.id: n for n, r in enumerate(regs, start=1)}


def test_cancelling_a_waitlisted_place_frees_no_seat(app, open_event, register_user):
    event = open_event(capacity=1)
    holder = register_user(event)
    waiting = register_user(event)
    behind = register_user(event)
    services.cancel_registration(waiting, actor=None)
    assert Registration.get_by_id(holder.id).state == C
    assert Registration.get_by_id(behind.id).state == W
    assert services.waitlist_positions(event) == {behind.id: 1}
    assert RegistrationSettings.get(event=event).taken == 1


def test_cancelling_twice_is_harmless(app, open_event, register_user):
    event = open_event(capacity=1)
    holder = register_user(event)
    register_user(event)
    services.cancel_registration(holder, actor=None)
    services.cancel_registration(holder, actor=None)
    assert RegistrationSettings.get(event=event).taken == 1
    assert services.capacity_violations(event) == []


def test_more_seats_move_the_waitlist_up(client, organiser, open_event, register_user, sent_mails):
    event = open_event(capacity=1)
    regs = [register_user(event) for _ in range(4)]
    sent_mails().clear()
    response = client.post(
        f"/organisation/veranstaltungen/{event.slug}/anmeldungen/einstellungen",
        data={"capacity": "3", "deadline_on": "2024-10-31"},
    )
    assert response.status_code == 303
    assert states(event) == [C, C, C, W]
    assert services.waitlist_positions(event) == {regs[3].id: 1}
    assert sorted(m["To"] for m in sent_mails()) == sorted([regs[1].email, regs[2].email])


def test_approval_puts_new_registrations_in_review(app, open_event, register_user, sent_mails):
    event = open_event(capacity=5, settings={"needs_approval": True})
    registration = register_user(event)
    assert registration.state == P
    assert RegistrationSettings.get(event=event).taken == 0
    [mail] = sent_mails()
    assert mail["Subject"] == f"Anmeldung eingegangen: {event.title}"


def test_organiser_approves_with_message(client, organiser, open_event, register_user, sent_mails):
    event = open_event(capacity=5, settings={"needs_approval": True})
    registration = register_user(event)
    sent_mails().clear()
    base = f"/organisation/veranstaltungen/{event.slug}/anmeldungen/{registration.id}"
    assert 'name="decision"' in client.get(base).text
    response = client.post(
        base + "/entscheidung", data={"decision": "approve", "message": "Willkommen!"}
    )
    assert response.status_code == 303
    approved = Registration.get_by_id(registration.id)
    assert approved.state == C
    assert approved.decision_message == "Willkommen!"
    assert approved.decided_by_id == organiser.id
    [mail] = sent_mails()
    assert mail["Subject"] == f"Anmeldebestätigung: {event.title}"
    assert "Willkommen!" in mail.get_body(("plain",)).get_content()


def test_approval_of_a_full_event_waitlists(app, make_user, open_event, register_user):
    event = open_event(capacity=1, settings={"needs_approval": True})
    first, second = register_user(event), register_user(event)
    organiser = make_user(roles=("organiser",))
    services.decide_registration(first, approve=True, actor=organiser)
    services.decide_registration(second, approve=True, actor=organiser)
    assert states(event) == [C, W]


def test_rejection_needs_a_message(client, organiser, open_event, register_user):
    event = open_event(settings={"needs_approval": True})
    registration = register_user(event)
    base = f"/organisation/veranstaltungen/{event.slug}/anmeldungen/{registration.id}"
    response = client.post(base + "/entscheidung", data={"decision": "reject", "message": " "})
    assert response.status_code == 422
    assert "Bitte begründen Sie die Ablehnung." in response.text
    assert Registration.get_by_id(registration.id).state == P


def test_organiser_rejects_with_message(client, organiser, open_event, register_user, sent_mails):
    event = open_event(settings={"needs_approval": True})
    registration = register_user(event)
    sent_mails().clear()
    base = f"/organisation/veranstaltungen/{event.slug}/anmeldungen/{registration.id}"
    response = client.post(
        base + "/entscheidung",
        data={"decision": "reject", "message": "Die Tagung richtet sich an Kommunen."},
    )
    assert response.status_code == 303
    assert Registration.get_by_id(registration.id).state == RegistrationState.REJECTED
    [mail] = sent_mails()
    assert mail["Subject"] == f"Ihre Anmeldung: {event.title}"
    assert "Die Tagung richtet sich an Kommunen." in mail.get_body(("plain",)).get_content()


def test_deciding_twice_is_refused(client, organiser, open_event, register_user):
    event = open_event(settings={"needs_approval": True})
    registration = register_user(event)
    base = f"/organisation/veranstaltungen/{event.slug}/anmeldungen/{registration.id}"
    client.post(base + "/entscheidung", data={"decision": "approve"})
    response = client.post(
        base + "/entscheidung",
        data={"decision": "reject", "message": "Doch nicht."},
        follow_redirects=True,
    )
    assert "Über diese Anmeldung wurde bereits entschieden." in response.text
    assert Registration.get_by_id(registration.id).state == C


def test_organiser_cancels_on_behalf(client, organiser, open_event, register_user, frozen):
    event = open_event(capacity=1)
    holder = register_user(event)
    waiting = register_user(event)
    frozen(datetime(2024, 11, 19, 9, 0))  # after the start: only organisers may cancel now
    url = f"/organisation/veranstaltungen/{event.slug}/anmeldungen/{holder.id}/stornieren"
    assert client.post(url).status_code == 303
    assert states(event) == [RegistrationState.CANCELLED, C]
    assert Registration.get_by_id(waiting.id).state == C
