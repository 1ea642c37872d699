"""The claimant's rules: who may claim and when, one claim per registration, items, totals."""

from datetime import date, datetime

import pytest

from portal.audit import AuditEntry
from portal.events import services as event_services
from portal.events.models import DeadlineKind
from portal.registration.models import RegistrationSettings
from portal.travel import services
from portal.travel.models import ClaimItem, ClaimSettings, ClaimState, TravelClaim
from tests.travel.helpers import (
    DEFAULT_DEADLINE,
    item_form,
    item_values,
    set_state,
    text_of,
    upload,
)


def test_start_claim_creates_a_draft_with_the_event_as_destination(claimant, make_registration):
    registration = make_registration(claimant)
    claim = services.start_claim(registration, user=claimant)
    assert claim.state == ClaimState.DRAFT
    assert claim.number == f"RK-{claim.id:05d}"
    assert (claim.departs_on, claim.returns_on) == (date(2024, 11, 19), date(2024, 11, 20))
    assert claim.destination == "Tagungszentrum"
    assert AuditEntry.get(AuditEntry.object_id == claim.id).action == "claim.created"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"wants": False}, "keine Übernahme der Reise- und Hotelkosten beantragt"),
        ({"organisation_type": "federal"}, "nur für kommunale Praktikerinnen und Praktiker"),
        ({"organisation_type": "science"}, "nur für kommunale Praktikerinnen und Praktiker"),
        ({"state": "cancelled"}, "nur zu einer bestätigten Anmeldung"),
        ({"state": "waitlisted"}, "nur zu einer bestätigten Anmeldung"),
    ],
)
def test_start_claim_refuses_ineligible_registrations(claimant, make_registration, kwargs, message):
    registration = make_registration(claimant, **kwargs)
    with pytest.raises(services.ClaimError, match=message):
        services.start_claim(registration, user=claimant)
    assert TravelClaim.select().count() == 0


def test_district_is_municipal_by_default(claimant, make_registration):
    registration = make_registration(claimant, organisation_type="district")
    assert services.start_claim(registration, user=claimant).state == ClaimState.DRAFT


def test_eligible_types_follow_the_event_settings(claimant, make_registration, event):
    RegistrationSettings.update(reimbursement_types="municipality,science").where(
        RegistrationSettings.event == event
    ).execute()
    science = make_registration(claimant, organisation_type="science")
    assert services.start_claim(science, user=claimant).state == ClaimState.DRAFT


def test_claims_open_when_the_event_starts(claimant, make_registration, frozen):
    registration = make_registration(claimant)
    frozen(datetime(2024, 11, 18, 23, 59))
    with pytest.raises(
        services.ClaimError, match=r"ab Beginn der Veranstaltung möglich \(ab 19.11.2024\)"
    ):
        services.start_claim(registration, user=claimant)
    frozen(datetime(2024, 11, 19, 0, 0))
    assert services.start_claim(registration, user=claimant).state == ClaimState.DRAFT


def test_default_deadline_is_six_months_after_the_event(claimant, make_registration, frozen, event):
    assert services.claim_window(event).closes_at == DEFAULT_DEADLINE
    registration = make_registration(claimant)
    frozen(datetime(2025, 5, 21, 0, 0))
    with pytest.raises(services.ClaimError, match="Frist für Reisekostenanträge ist am 20.05.2025"):
        services.start_claim(registration, user=claimant)


def test_deadline_of_the_event_replaces_the_default(claimant, make_registration, frozen, event):
    event_services.set_deadline(event, DeadlineKind.CLAIMS, datetime(2024, 12, 31, 23, 59, 59))
    registration = make_registration(claimant)
    frozen(datetime(2025, 1, 1, 8, 0))
    with pytest.raises(services.ClaimError, match="am 31.12.2024 abgelaufen"):
        services.start_claim(registration, user=claimant)


def test_second_claim_for_the_same_registration_is_refused(claimant, make_registration):
    registration = make_registration(claimant)
    first = services.start_claim(registration, user=claimant)
    with pytest.raises(services.ClaimExists) as caught:
        services.start_claim(registration, user=claimant)
    assert caught.value.claim.id == first.id
    assert str(caught.value.message) == (
        f"Für diese Anmeldung gibt es bereits einen Reisekostenantrag ({first.number}). "
        "Sie können ihn weiter bearbeiten."
    )
    assert TravelClaim.select().count() == 1


def test_second_claim_through_the_page_shows_the_message(claimant, make_registration, sign_in):
    registration = make_registration(claimant)
    client = sign_in(claimant)
    client.post(f"/reisekosten/anmeldungen/{registration.id}/antrag")
    response = client.post(
        f"/reisekosten/anmeldungen/{registration.id}/antrag", follow_redirects=True
    )
    assert "Für diese Anmeldung gibt es bereits einen Reisekostenantrag" in text_of(response)
    assert TravelClaim.select().count() == 1


def test_journey_dates_far_from_the_event_are_refused(claimant, make_claim):
    claim = make_claim(claimant)
    with pytest.raises(services.ClaimInvalid) as caught:
        services.save_journey(
            claim,
            user=claimant,
            origin="Halle",
            destination="Magdeburg",
            departs_on=date(2024, 10, 1),
            returns_on=date(2024, 11, 18),
        )
    assert caught.value.errors == {
        "departs_on": "Das Datum liegt zu weit von der Veranstaltung "
        "(19.11.2024–20.11.2024) entfernt."
    }


def test_journey_return_before_departure_is_refused(claimant, make_claim):
    claim = make_claim(claimant)
    with pytest.raises(services.ClaimInvalid) as caught:
        services.save_journey(
            claim,
            user=claimant,
            origin="",
            destination="Magdeburg",
            departs_on=date(2024, 11, 20),
            returns_on=date(2024, 11, 19),
        )
    assert set(caught.value.errors) == {"origin", "returns_on"}
    assert (
        str(caught.value.errors["returns_on"])
        == "Die Rückreise darf nicht vor der Hinreise liegen."
    )


def add(claim, user, files=None, **values):
    files = [upload()] if files is None else files
    return services.add_item(claim, user=user, files=files, **item_values(**values))


def test_car_is_computed_from_kilometres_and_capped_for_the_journey(claimant, make_claim):
    claim = make_claim(claimant)
    first = add(claim, claimant, files=[], kind="car", amount_cents=None, kilometres=400)
    assert (first.amount_cents, first.car_rate_cents) == (8000, 20)
    second = add(claim, claimant, files=[], kind="car", amount_cents=None, kilometres=400)
    assert second.amount_cents == 5000  # 160,00 € driven, 130,00 € for the journey
    assert TravelClaim.get_by_id(claim.id).total_cents == 13000


def test_car_amount_sent_by_the_browser_is_ignored(claimant, make_claim):
    claim = make_claim(claimant)
    item = add(claim, claimant, files=[], kind="car", amount_cents=999999, kilometres=100)
    assert item.amount_cents == 2000


def test_car_uses_the_event_rate_and_cap(claimant, make_claim, event):
    ClaimSettings.create(event=event, car_rate_cents=30, car_cap_cents=5000)
    claim = make_claim(claimant)
    item = add(claim, claimant, files=[], kind="car", amount_cents=None, kilometres=100)
    assert item.amount_cents == 3000
    item = add(claim, claimant, files=[], kind="car", amount_cents=None, kilometres=100)
    assert item.amount_cents == 2000


def test_deleting_a_car_item_frees_the_cap_for_the_others(claimant, make_claim):
    claim = make_claim(claimant)
    first = add(claim, claimant, files=[], kind="car", amount_cents=None, kilometres=600)
    second = add(claim, claimant, files=[], kind="car", amount_cents=None, kilometres=200)
    assert ClaimItem.get_by_id(second.id).amount_cents == 1000
    services.delete_item(first, user=claimant)
    assert ClaimItem.get_by_id(second.id).amount_cents == 4000
    assert TravelClaim.get_by_id(claim.id).total_cents == 4000


def test_totals_are_exact_in_cents(claimant, make_claim):
    claim = make_claim(claimant)
    for cents in (10, 20, 4990, 1):
        add(claim, claimant, kind="local", amount_cents=cents)
    assert TravelClaim.get_by_id(claim.id).total_cents == 5021


def test_hotel_above_the_rate_needs_a_justification(claimant, make_claim):
    claim = make_claim(claimant)
    with pytest.raises(services.ClaimInvalid) as caught:
        add(claim, claimant, kind="hotel", amount_cents=15000, nights=2)
    assert caught.value.errors == {
        "reason": "Der Preis liegt über 70,00 € je Nacht. Bitte begründen Sie ihn."
    }
    item = add(
        claim, claimant, kind="hotel", amount_cents=15000, nights=2, reason="Messe in der Stadt."
    )
    assert (item.amount_cents, item.nights) == (15000, 2)


def test_hotel_at_the_rate_needs_no_justification(claimant, make_claim):
    claim = make_claim(claimant)
    assert add(claim, claimant, kind="hotel", amount_cents=14000, nights=2).reason == ""


def test_hotel_rate_is_configurable(claimant, make_claim, event):
    ClaimSettings.create(event=event, hotel_night_cents=9000)
    claim = make_claim(claimant)
    assert add(claim, claimant, kind="hotel", amount_cents=9000, nights=1).nights == 1


def test_hotel_needs_the_nights(claimant, make_claim):
    claim = make_claim(claimant)
    with pytest.raises(services.ClaimInvalid) as caught:
        add(claim, claimant, kind="hotel", amount_cents=7000, nights=None)
    assert list(caught.value.errors) == ["nights"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"kind": "rail", "rail_class": "first"}, "Für die 1. Klasse ist eine Begründung nötig."),
        ({"kind": "taxi"}, "Bitte begründen Sie, warum ein Taxi nötig war."),
        ({"kind": "flight"}, "Bitte begründen Sie, warum ein Flug nötig war."),
        ({"kind": "other"}, "Bitte beschreiben und begründen Sie diese Kosten."),
    ],
)
def test_items_that_need_a_reason_are_refused_without_one(claimant, make_claim, values, message):
    claim = make_claim(claimant)
    with pytest.raises(services.ClaimInvalid) as caught:
        add(claim, claimant, **values)
    assert {k: str(v) for k, v in caught.value.errors.items()} == {"reason": message}
    item = add(claim, claimant, reason="Kein Anschluss am Abend.", **values)
    assert item.reason == "Kein Anschluss am Abend."


def test_second_class_rail_needs_no_reason(claimant, make_claim):
    claim = make_claim(claimant)
    assert add(claim, claimant).rail_class == "second"


@pytest.mark.parametrize("cents", [0, -100])
def test_zero_or_negative_amounts_are_refused(claimant, make_claim, cents):
    claim = make_claim(claimant)
    with pytest.raises(services.ClaimInvalid) as caught:
        add(claim, claimant, kind="local", amount_cents=cents)
    assert {k: str(v) for k, v in caught.value.errors.items()} == {
        "amount": "Der Betrag muss größer als 0,00 € sein."
    }
    assert ClaimItem.select().count() == 0


def test_negative_amount_through_the_form_is_refused(claimant, make_claim, sign_in):
    claim = make_claim(claimant)
    response = sign_in(claimant).post(
        f"/reisekosten/antraege/{claim.id}/positionen/neu",
        data=item_form(amount="-12,50"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Der Betrag muss größer als 0,00 € sein." in text_of(response)
    assert 'value="-12,50"' in response.text


def test_unreadable_amount_through_the_form_is_refused(claimant, make_claim, sign_in):
    claim = make_claim(claimant)
    response = sign_in(claimant).post(
        f"/reisekosten/antraege/{claim.id}/positionen/neu",
        data=item_form(amount="zwölf"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Bitte geben Sie einen Betrag in Euro an, zum Beispiel 12,50." in text_of(response)


def test_item_date_far_from_the_event_is_refused(claimant, make_claim):
    claim = make_claim(claimant)
    with pytest.raises(services.ClaimInvalid) as caught:
        add(claim, claimant, spent_on=date(2025, 3, 1))
    assert list(caught.value.errors) == ["spent_on"]


def test_item_without_receipt_is_refused(claimant, make_claim):
    claim = make_claim(claimant)
    with pytest.raises(services.ClaimInvalid) as caught:
        add(claim, claimant, files=[])
    assert {k: str(v) for k, v in caught.value.errors.items()} == {
        "receipts": "Bitte laden Sie mindestens einen Beleg hoch."
    }


def test_submit_after_the_deadline_is_refused(claimant, make_claim, frozen):
    claim = make_claim(claimant, complete=True)
    frozen(datetime(2025, 5, 21, 0, 0))
    with pytest.raises(services.ClaimError, match="am 20.05.2025 abgelaufen"):
        services.submit_claim(claim, user=claimant, declaration=True)
    assert TravelClaim.get_by_id(claim.id).state == ClaimState.DRAFT


def test_submit_after_the_deadline_through_the_page_keeps_the_draft(
    claimant, make_claim, frozen, sign_in
):
    claim = make_claim(claimant, complete=True)
    client = sign_in(claimant)
    frozen(datetime(2025, 6, 1, 9, 0))
    response = client.post(
        f"/reisekosten/antraege/{claim.id}/einreichen",
        data={"declaration": "y"},
        follow_redirects=True,
    )
    assert "Die Frist für Reisekostenanträge ist am 20.05.2025 abgelaufen." in text_of(response)
    assert TravelClaim.get_by_id(claim.id).state == ClaimState.DRAFT
    assert ClaimItem.select().where(ClaimItem.claim == claim).count() == 1


def test_editing_a_submitted_claim_is_refused(claimant, make_claim):
    claim = make_claim(claimant, submitted=True)
    with pytest.raises(services.ClaimError, match="eingereicht und kann nicht mehr geändert"):
        add(claim, claimant)


def test_answer_to_a_query_may_come_after_the_deadline(claimant, make_claim, frozen):
    claim = set_state(make_claim(claimant, submitted=True), ClaimState.QUERY)
    frozen(datetime(2025, 6, 1, 9, 0))
    with pytest.raises(services.ClaimInvalid) as caught:
        services.submit_claim(claim, user=claimant, declaration=True)
    assert list(caught.value.errors) == ["answer"]
    services.submit_claim(claim, user=claimant, declaration=True, answer="Beleg ergänzt.")
    claim = TravelClaim.get_by_id(claim.id)
    assert (claim.state, claim.answer) == (ClaimState.SUBMITTED, "Beleg ergänzt.")
