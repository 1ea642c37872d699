"""Booth states: approval within the places, waitlist, rejection, mails, audit, staff."""

import pytest

from portal.audit import AuditEntry
from portal.exhibitors import services
from portal.exhibitors.models import Booth, BoothStaff, BoothState, ExhibitionSettings
from portal.mailer import OutboxMail, deliver_pending
from portal.registration.models import Registration, RegistrationState
from tests.exhibitors.helpers import text_of

REVIEW = "/organisation/veranstaltungen/kommunaltagung/ausstellung/staende/{}"


def settings(event) -> ExhibitionSettings:
    return ExhibitionSettings.get(ExhibitionSettings.event == event)


def state_of(booth) -> BoothState:
    return Booth.get_by_id(booth.id).state


@pytest.mark.parametrize(
    ("state", "message", "subject", "body"),
    [
        ("approved", "", "Ihr Infostand ist genehmigt: Kommunaltagung 2024", "ist genehmigt"),
        (
            "waitlisted",
            "Vielleicht wird ein Platz frei.",
            "Ihr Infostand steht auf der Warteliste: Kommunaltagung 2024",
            "Vielleicht wird ein Platz frei.",
        ),
        (
            "rejected",
            "Das Thema passt nicht zur Tagung.",
            "Ihr Infostand wurde abgelehnt: Kommunaltagung 2024",
            "Das Thema passt nicht zur Tagung.",
        ),
    ],
)
def test_decision_changes_state_mails_and_audits(
    app, event, organiser, make_booth, make_place, mailbox, state, message, subject, body
):
    make_place(event, 1)
    booth = make_booth(event)
    OutboxMail.delete().execute()  # the submission mail is tested elsewhere
    decided = services.decide_booth(booth, state=state, message=message, actor=organiser)
    stored = Booth.get_by_id(booth.id)
    assert decided.state == stored.state == BoothState(state)
    assert (stored.decision_message, stored.decided_by_id) == (message, organiser.id)
    entry = AuditEntry.select().where(AuditEntry.action == f"booth.{state}").get()
    assert (entry.object_id, entry.actor_id) == (booth.id, organiser.id)
    deliver_pending()
    assert [(m["To"], m["Subject"]) for m in mailbox] == [("aussteller@example.org", subject)]
    assert body in mailbox[0].get_body(("plain",)).get_content()


def test_reject_without_message_refused(app, event, organiser, make_booth):
    booth = make_booth(event)
    with pytest.raises(services.InvalidBooth) as caught:
        services.decide_booth(booth, state="rejected", message="  ", actor=organiser)
    assert caught.value.errors == {"message": "Bitte begründen Sie die Ablehnung."}
    assert state_of(booth) == BoothState.SUBMITTED


def test_approval_beyond_places_refused(app, event, organiser, make_booth, make_place, approve):
    make_place(event, 1)
    first = make_booth(event, organisation="Erste Organisation")
    second = make_booth(event, organisation="Zweite Organisation")
    approve(first)
    mails = OutboxMail.select().count()
    with pytest.raises(services.BoothError) as caught:
        approve(second)
    assert str(caught.value.message) == (
        "Alle 1 Standplätze sind bereits vergeben. Legen Sie im Foyerplan weitere Plätze an "
        "oder setzen Sie den Stand auf die Warteliste."
    )
    assert state_of(second) == BoothState.SUBMITTED
    assert (settings(event).places, settings(event).approved) == (1, 1)
    assert OutboxMail.select().count() == mails


def test_approval_without_places_refused(app, event, make_booth, approve):
    booth = make_booth(event)
    with pytest.raises(services.BoothError, match="Alle 0 Standplätze"):
        approve(booth)
    assert state_of(booth) == BoothState.SUBMITTED


def test_approval_after_adding_a_place_succeeds(app, event, make_booth, make_place, approve):
    make_place(event, 1)
    approve(make_booth(event, organisation="Erste"))
    second = make_booth(event, organisation="Zweite")
    with pytest.raises(services.BoothError):
        approve(second)
    make_place(event, 2)
    assert approve(second).state == BoothState.APPROVED
    assert settings(event).approved == 2


def test_approval_guard_is_a_conditional_update(app, event, make_place):
    make_place(event, 1)
    assert services.take_place(event) is True
    assert services.take_place(event) is False
    assert settings(event).approved == 1


def test_leaving_approved_frees_place_and_counter(
    app, event, organiser, make_booth, make_place, approve
):
    place = make_place(event, 1)
    booth = approve(make_booth(event))
    services.assign_place(booth, place, actor=organiser)
    services.decide_booth(booth, state="waitlisted", actor=organiser)
    stored = Booth.get_by_id(booth.id)
    assert (stored.state, stored.place_id) == (BoothState.WAITLISTED, None)
    assert settings(event).approved == 0
    assert approve(make_booth(event, organisation="Nachrücker")).state == BoothState.APPROVED


def test_same_decision_twice_refused(app, event, make_booth, make_place, approve):
    make_place(event, 1)
    booth = approve(make_booth(event))
    with pytest.raises(services.BoothError, match="Der Stand ist bereits genehmigt."):
        approve(booth)
    assert settings(event).approved == 1


def test_rejection_is_final(app, event, organiser, make_booth, make_place, approve):
    make_place(event, 1)
    booth = make_booth(event)
    services.decide_booth(booth, state="rejected", message="Passt nicht.", actor=organiser)
    with pytest.raises(services.BoothError, match="Entscheidung ist endgültig"):
        approve(booth)
    assert state_of(booth) == BoothState.REJECTED
    assert settings(event).approved == 0


def test_duplicate_of_rejected_booth_cannot_be_approved(
    app, event, organiser, make_user, make_booth, make_place, approve
):
    make_place(event, 1)
    rejected = make_booth(event, organisation="Muster GmbH")
    services.decide_booth(rejected, state="rejected", message="Werbung.", actor=organiser)
    other = make_user(roles=("exhibitor",))
    duplicate = make_booth(event, owner=other, organisation="  muster   GMBH ")
    with pytest.raises(services.BoothError) as caught:
        approve(duplicate)
    assert "Für „muster   GMBH“ wurde bei dieser Veranstaltung bereits ein Stand abgelehnt" in str(
        caught.value.message
    )
    assert state_of(duplicate) == BoothState.SUBMITTED
    assert settings(event).approved == 0
    # Waitlisting or rejecting the duplicate stays possible.
    services.decide_booth(duplicate, state="waitlisted", actor=organiser)
    assert state_of(duplicate) == BoothState.WAITLISTED


def test_approval_registers_staff_for_the_event(
    app, event, make_booth, make_place, approve, mailbox
):
    make_place(event, 1)
    booth = make_booth(
        event,
        staff=[
            {"first_name": "Bernd", "last_name": "Muster", "email": "bernd@institut.example"},
            {"first_name": "Clara", "last_name": "Zweite", "email": "clara@institut.example"},
        ],
        staff_privacy_confirmed=True,
    )
    approve(booth)
    registrations = Registration.select().where(Registration.event == event)
    assert sorted((r.email, r.organisation, r.state) for r in registrations) == [
        ("bernd@institut.example", "Institut für Stadtentwicklung", RegistrationState.CONFIRMED),
        ("clara@institut.example", "Institut für Stadtentwicklung", RegistrationState.CONFIRMED),
    ]
    assert all(s.registered_at is not None for s in BoothStaff.select())
    deliver_pending()
    assert sorted(m["To"] for m in mailbox) == [
        "aussteller@example.org",
        "aussteller@example.org",
        "bernd@institut.example",
        "clara@institut.example",
    ]


def test_staff_added_to_approved_booth_is_registered_once(
    app, event, exhibitor, make_booth, make_place, approve
):
    from tests.exhibitors.helpers import service_values

    make_place(event, 1)
    bernd = {"first_name": "Bernd", "last_name": "Muster", "email": "bernd@institut.example"}
    booth = approve(make_booth(event, staff=[bernd], staff_privacy_confirmed=True))
    clara = {"first_name": "Clara", "last_name": "Zweite", "email": "clara@institut.example"}
    values = service_values(staff=[bernd, clara], staff_privacy_confirmed=True)
    services.update_booth(booth, actor=exhibitor, **values)
    emails = [r.email for r in Registration.select().order_by(Registration.id)]
    assert emails == ["bernd@institut.example", "clara@institut.example"]


def test_approval_for_event_without_registration_refused(
    app, make_event, frozen, organiser, make_booth, make_place, approve
):
    from portal.events.models import Event, EventStatus

    event = make_event(slug="kommunaltagung")
    make_place(event, 1)
    booth = make_booth(
        event,
        staff=[{"first_name": "B", "last_name": "M", "email": "b@m.example"}],
        staff_privacy_confirmed=True,
    )
    Event.update(status=EventStatus.ARCHIVED).where(Event.id == event.id).execute()
    booth = Booth.get_by_id(booth.id)
    with pytest.raises(services.BoothError, match="B M konnte nicht zur Veranstaltung angemeldet"):
        approve(booth)
    assert state_of(booth) == BoothState.SUBMITTED
    assert settings(event).approved == 0
    assert Registration.select().count() == 0


def test_review_page_decision_form_approves(
    app, client, event, organiser, sign_in, make_booth, make_place
):
    make_place(event, 1)
    booth = make_booth(event)
    sign_in(organiser)
    response = client.post(REVIEW.format(booth.id), data={"state": "approved", "message": ""})
    assert response.status_code == 303
    assert state_of(booth) == BoothState.APPROVED
    page = client.get(response.headers["Location"])
    assert "Die Entscheidung „genehmigt“ wurde gespeichert" in text_of(page)


def test_review_page_refusal_shows_german_message(
    app, client, event, organiser, sign_in, make_booth
):
    booth = make_booth(event)
    sign_in(organiser)
    full = client.post(REVIEW.format(booth.id), data={"state": "approved"})
    unreasoned = client.post(REVIEW.format(booth.id), data={"state": "rejected", "message": ""})
    assert full.status_code == unreasoned.status_code == 422
    assert "Alle 0 Standplätze sind bereits vergeben." in text_of(full)
    assert "Bitte begründen Sie die Ablehnung." in text_of(unreasoned)
    assert state_of(booth) == BoothState.SUBMITTED


def test_organiser_list_shows_booths_staff_and_counts(
    app, client, event, organiser, sign_in, make_booth, make_place, approve
):
    make_place(event, 1)
    approve(
        make_booth(
            event,
            staff=[{"first_name": "Bernd", "last_name": "Muster", "email": "b@i.example"}],
            staff_privacy_confirmed=True,
        )
    )
    make_booth(event, organisation="Zweite Organisation")
    sign_in(organiser)
    text = text_of(client.get("/organisation/veranstaltungen/kommunaltagung/ausstellung"))
    assert "1 von 1 Standplätzen vergeben" in text
    assert "eingereicht: 1 · genehmigt: 1" in text
    assert "Bernd Muster, b@i.example Anmeldung: bestätigt" in text
    assert "Zweite Organisation" in text


def test_organiser_list_queries_do_not_grow_with_booths(
    app, client, event, organiser, sign_in, make_booth, make_place, approve, count_queries
):
    def measure():
        with count_queries() as queries:
            assert (
                client.get("/organisation/veranstaltungen/kommunaltagung/ausstellung").status_code
                == 200
            )
        return len(queries)

    def booth_with_staff(n):
        person = {"first_name": "P", "last_name": str(n), "email": f"p{n}@i.example"}
        return make_booth(
            event, organisation=f"Org {n}", staff=[person], staff_privacy_confirmed=True
        )

    sign_in(organiser)
    make_place(event, 1)
    approve(booth_with_staff(1))
    few = measure()
    for n in range(2, 6):
        make_place(event, n)
        approve(booth_with_staff(n))
    assert measure() == few
