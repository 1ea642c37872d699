"""The state machine: allowed transitions only, each audited and mailed; review decisions,
no approval of one's own claim, and the second approval above the threshold."""

import json
from itertools import product

import pytest

from portal.audit import AuditEntry
from portal.mailer import OutboxMail, deliver_pending
from portal.travel import services
from portal.travel.models import ClaimItem, ClaimSettings, ClaimState, TravelClaim
from tests.travel.helpers import item_values, set_state, text_of

S = ClaimState
ALLOWED = [
    (S.DRAFT, S.SUBMITTED),
    (S.SUBMITTED, S.IN_REVIEW),
    (S.IN_REVIEW, S.QUERY),
    (S.IN_REVIEW, S.APPROVED),
    (S.IN_REVIEW, S.PARTLY_APPROVED),
    (S.IN_REVIEW, S.REJECTED),
    (S.QUERY, S.SUBMITTED),
    (S.APPROVED, S.PAID),
    (S.PARTLY_APPROVED, S.PAID),
]


def test_transition_table_is_exactly_the_documented_one():
    table = sorted((a, b) for a, targets in services.TRANSITIONS.items() for b in targets)
    assert table == sorted(ALLOWED)
    assert set(services.TRANSITIONS) == set(ClaimState)


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_every_allowed_transition_is_audited_and_mailed(
    claimant, organiser, make_claim, source, target
):
    claim = set_state(make_claim(claimant, complete=True), source)
    services.transition(claim, target, actor=organiser, note="Notiz")
    assert TravelClaim.get_by_id(claim.id).state == target
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).get()
    assert (entry.action, entry.actor_id, entry.object_id) == (
        f"claim.{target.value}",
        organiser.id,
        claim.id,
    )
    assert json.loads(entry.details) == {
        "note": "Notiz",
        "previous": source.value,
        "state": target.value,
    }
    mail = OutboxMail.select().order_by(OutboxMail.id.desc()).get()
    assert mail.to_addr == claimant.email
    assert claim.number in mail.subject


@pytest.mark.parametrize(
    ("source", "target"), [p for p in product(ClaimState, ClaimState) if p not in ALLOWED]
)
def test_every_other_transition_is_refused(claimant, organiser, make_claim, source, target):
    claim = set_state(make_claim(claimant), source)
    audits, mails = AuditEntry.select().count(), OutboxMail.select().count()
    with pytest.raises(services.ClaimError, match="nicht möglich"):
        services.transition(claim, target, actor=organiser)
    assert TravelClaim.get_by_id(claim.id).state == source
    assert (AuditEntry.select().count(), OutboxMail.select().count()) == (audits, mails)


def test_transition_from_a_stale_state_is_refused(claimant, organiser, make_claim):
    claim = make_claim(claimant, submitted=True)
    stale = TravelClaim.get_by_id(claim.id)
    services.start_review(claim, reviewer=organiser)
    with pytest.raises(services.ClaimError, match="inzwischen geändert"):
        services.transition(stale, S.IN_REVIEW, actor=organiser)


@pytest.fixture
def in_review(claimant, organiser, make_claim):
    """A claim with a rail ticket (49,90 €) and a hotel (70,00 €), in review."""
    hotel = item_values(kind="hotel", amount_cents=7000, nights=1, rail_class=None)
    claim = make_claim(claimant, submitted=True, items=[item_values(), hotel])
    return services.start_review(claim, reviewer=organiser)


def amounts_of(claim, *cents):
    items = ClaimItem.select().where(ClaimItem.claim == claim).order_by(ClaimItem.id)
    return dict(zip((i.id for i in items), cents, strict=True))


def test_full_approval(in_review, organiser, mailbox):
    claim = services.approve_claim(
        in_review, reviewer=organiser, amounts=amounts_of(in_review, 4990, 7000)
    )
    claim = TravelClaim.get_by_id(claim.id)
    assert (claim.state, claim.approved_cents, claim.decided_by_id) == (
        S.APPROVED,
        11990,
        organiser.id,
    )
    deliver_pending()
    assert mailbox[-1]["Subject"] == f"Reisekostenantrag {claim.number} bewilligt"
    assert "119,90 €" in mailbox[-1].get_body(("plain",)).get_content()


def test_partial_approval_needs_a_note_per_cut_item(in_review, organiser):
    amounts = amounts_of(in_review, 4990, 6000)
    with pytest.raises(services.ClaimInvalid) as caught:
        services.approve_claim(in_review, reviewer=organiser, amounts=amounts)
    hotel_id = list(amounts)[1]
    assert {k: str(v) for k, v in caught.value.errors.items()} == {
        f"note_{hotel_id}": "Bitte begründen Sie die Kürzung."
    }
    claim = services.approve_claim(
        in_review, reviewer=organiser, amounts=amounts, notes={hotel_id: "Frühstück abgezogen"}
    )
    assert (claim.state, claim.approved_cents) == (S.PARTLY_APPROVED, 10990)
    hotel = ClaimItem.get_by_id(hotel_id)
    assert (hotel.approved_cents, hotel.review_note) == (6000, "Frühstück abgezogen")


@pytest.mark.parametrize(
    ("cents", "message"),
    [
        ((5000, 7000), "Es kann höchstens der beantragte Betrag bewilligt werden."),
        ((-1, 7000), "Der Betrag darf nicht negativ sein."),
    ],
)
def test_approval_amounts_are_checked(in_review, organiser, cents, message):
    with pytest.raises(services.ClaimInvalid) as caught:
        services.approve_claim(in_review, reviewer=organiser, amounts=amounts_of(in_review, *cents))
    assert [str(v) for v in caught.value.errors.values()] == [message]
    assert TravelClaim.get_by_id(in_review.id).state == S.IN_REVIEW


def test_approving_nothing_asks_for_a_rejection(in_review, organiser):
    amounts = amounts_of(in_review, 0, 0)
    notes = dict.fromkeys(amounts, "nicht erstattungsfähig")
    with pytest.raises(services.ClaimInvalid) as caught:
        services.approve_claim(in_review, reviewer=organiser, amounts=amounts, notes=notes)
    assert [str(v) for v in caught.value.errors.values()] == [
        "Wird nichts erstattet, lehnen Sie den Antrag bitte ab."
    ]


def test_rejection_needs_a_reason_and_mails_it(in_review, organiser, mailbox):
    with pytest.raises(services.ClaimInvalid):
        services.reject_claim(in_review, reviewer=organiser, reason="  ")
    claim = services.reject_claim(in_review, reviewer=organiser, reason="Keine Teilnahme.")
    assert (claim.state, claim.decision_note) == (S.REJECTED, "Keine Teilnahme.")
    deliver_pending()
    assert "Keine Teilnahme." in mailbox[-1].get_body(("plain",)).get_content()


def test_query_goes_back_to_the_claimant_and_is_resubmitted(
    in_review, claimant, organiser, mailbox
):
    claim = services.send_query(in_review, reviewer=organiser, question="Bitte Hotelrechnung.")
    assert (claim.state, claim.question) == (S.QUERY, "Bitte Hotelrechnung.")
    assert claim.editable
    services.submit_claim(claim, user=claimant, declaration=True, answer="Liegt jetzt bei.")
    claim = TravelClaim.get_by_id(claim.id)
    assert (claim.state, claim.answer) == (S.SUBMITTED, "Liegt jetzt bei.")
    deliver_pending()
    assert [m["Subject"] for m in mailbox] == [
        f"Reisekostenantrag {claim.number} eingereicht",
        f"Reisekostenantrag {claim.number} in Prüfung",
        f"Rückfrage zu Ihrem Reisekostenantrag {claim.number}",
        f"Reisekostenantrag {claim.number} eingereicht",
    ]
    assert "Bitte Hotelrechnung." in mailbox[2].get_body(("plain",)).get_content()


def test_organiser_cannot_approve_their_own_claim(organiser, make_claim, second_organiser):
    claim = make_claim(organiser, submitted=True)
    with pytest.raises(services.ClaimError, match="eigenen Antrag nicht prüfen oder bewilligen"):
        services.start_review(claim, reviewer=organiser)
    claim = services.start_review(claim, reviewer=second_organiser)
    with pytest.raises(services.ClaimError, match="eigenen Antrag"):
        services.approve_claim(claim, reviewer=organiser, amounts=amounts_of(claim, 4990))
    assert TravelClaim.get_by_id(claim.id).state == S.IN_REVIEW


def test_own_claim_approval_through_the_page_is_refused(
    organiser, second_organiser, make_claim, sign_in, event
):
    claim = services.start_review(make_claim(organiser, submitted=True), reviewer=second_organiser)
    item = ClaimItem.get(ClaimItem.claim == claim)
    client = sign_in(organiser)
    page = client.get(f"/organisation/veranstaltungen/{event.slug}/reisekosten/{claim.id}")
    assert "Dies ist Ihr eigener Antrag." in text_of(page)
    assert "/bewilligung" not in page.text
    response = client.post(
        f"/organisation/veranstaltungen/{event.slug}/reisekosten/{claim.id}/bewilligung",
        data={f"approved_{item.id}": "49,90"},
        follow_redirects=True,
    )
    assert "Sie können Ihren eigenen Antrag nicht prüfen oder bewilligen." in text_of(response)
    assert TravelClaim.get_by_id(claim.id).state == S.IN_REVIEW


@pytest.fixture
def threshold(event):
    return ClaimSettings.create(event=event, second_approval_cents=10000)


def test_above_the_threshold_the_first_approval_waits_for_a_second_person(
    in_review, organiser, second_organiser, threshold, mailbox
):
    claim = services.approve_claim(
        in_review, reviewer=organiser, amounts=amounts_of(in_review, 4990, 7000)
    )
    claim = TravelClaim.get_by_id(claim.id)
    assert (claim.state, claim.first_approver_id, claim.approved_cents) == (
        S.IN_REVIEW,
        organiser.id,
        11990,
    )
    with pytest.raises(services.ClaimError, match="andere Person"):
        services.approve_claim(claim, reviewer=organiser)
    claim = services.approve_claim(claim, reviewer=second_organiser)
    claim = TravelClaim.get_by_id(claim.id)
    assert (claim.state, claim.decided_by_id, claim.approved_cents) == (
        S.APPROVED,
        second_organiser.id,
        11990,
    )
    actions = [e.action for e in AuditEntry.select().order_by(AuditEntry.id)]
    assert actions[-2:] == ["claim.first_approval", "claim.approved"]


def test_at_the_threshold_one_approval_is_enough(in_review, organiser, threshold):
    amounts = amounts_of(in_review, 3000, 7000)
    first = list(amounts)[0]
    claim = services.approve_claim(
        in_review, reviewer=organiser, amounts=amounts, notes={first: "Sparpreis"}
    )
    assert (claim.state, claim.approved_cents) == (S.PARTLY_APPROVED, 10000)


def test_second_approval_page_shows_one_of_two(
    in_review, organiser, second_organiser, threshold, sign_in, event
):
    services.approve_claim(in_review, reviewer=organiser, amounts=amounts_of(in_review, 4990, 7000))
    url = f"/organisation/veranstaltungen/{event.slug}/reisekosten/{in_review.id}"
    text = text_of(sign_in(organiser).get(url))
    assert "in Prüfung (1 von 2 Freigaben)" in text
    assert "Sie haben die erste Freigabe erteilt." in text
    client = sign_in(second_organiser)
    assert "Zweite Freigabe erteilen" in text_of(client.get(url))
    response = client.post(url + "/bewilligung", follow_redirects=True)
    assert "Der Antrag ist bewilligt (bewilligt)." in text_of(response)
    assert TravelClaim.get_by_id(in_review.id).state == S.APPROVED


def test_query_withdraws_a_first_approval(in_review, organiser, second_organiser, threshold):
    services.approve_claim(in_review, reviewer=organiser, amounts=amounts_of(in_review, 4990, 7000))
    claim = services.send_query(
        TravelClaim.get_by_id(in_review.id), reviewer=second_organiser, question="Warum Hotel?"
    )
    claim = TravelClaim.get_by_id(claim.id)
    assert (claim.state, claim.first_approver_id, claim.approved_cents) == (S.QUERY, None, None)
    assert {i.approved_cents for i in ClaimItem.select()} == {None}


def test_review_through_the_pages(claimant, organiser, make_claim, sign_in, event, mailbox):
    claim = make_claim(claimant, submitted=True)
    item = ClaimItem.get(ClaimItem.claim == claim)
    client = sign_in(organiser)
    base = f"/organisation/veranstaltungen/{event.slug}/reisekosten/{claim.id}"
    assert client.post(base + "/pruefung").status_code == 303
    response = client.post(base + "/rueckfrage", data={"question": ""})
    assert response.status_code == 422
    assert "Bitte formulieren Sie Ihre Rückfrage." in text_of(response)
    response = client.post(base + "/bewilligung", data={f"approved_{item.id}": "40,00"})
    assert response.status_code == 422
    assert "Bitte begründen Sie die Kürzung." in text_of(response)
    assert 'value="40,00"' in response.text
    response = client.post(
        base + "/bewilligung",
        data={f"approved_{item.id}": "40,00", f"note_{item.id}": "Sparpreis wäre möglich"},
    )
    assert response.status_code == 303
    claim = TravelClaim.get_by_id(claim.id)
    assert (claim.state, claim.approved_cents) == (S.PARTLY_APPROVED, 4000)
    page = sign_in(claimant).get(f"/reisekosten/antraege/{claim.id}")
    assert "Sparpreis wäre möglich" in text_of(page)
    assert "Bewilligt: 40,00 € von 49,90 €." in text_of(page)
    assert "teilweise bewilligt (Organisationsbüro)" in text_of(page)
    assert "Olga Orga" not in page.text
