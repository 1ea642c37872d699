"""The claimant's pages: start, journey, costs with receipts, bank details, submit; drafts kept."""

import io

from portal.mailer import deliver_pending
from portal.travel.models import ClaimItem, ClaimState, TravelClaim
from tests.conftest import PASSWORD
from tests.travel.helpers import IBAN, IBAN_MASKED, MINIMAL_PDF, item_form, text_of


def test_index_offers_a_claim_for_an_eligible_registration(claimant, make_registration, sign_in):
    registration = make_registration(claimant)
    response = sign_in(claimant).get("/reisekosten/")
    assert response.status_code == 200
    assert f'action="/reisekosten/anmeldungen/{registration.id}/antrag"' in response.text
    assert "Frist für Anträge: 20.05.2025" in text_of(response)


def test_index_explains_why_a_federal_registration_cannot_claim(
    claimant, make_registration, sign_in
):
    make_registration(claimant, organisation_type="federal")
    response = sign_in(claimant).get("/reisekosten/")
    assert "nur für kommunale Praktikerinnen und Praktiker möglich" in text_of(response)
    assert "/antrag" not in response.text


def test_whole_claim_through_the_pages(claimant, make_registration, sign_in, mailbox):
    registration = make_registration(claimant)
    client = sign_in(claimant)
    response = client.post(f"/reisekosten/anmeldungen/{registration.id}/antrag")
    claim = TravelClaim.get(TravelClaim.registration == registration)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/reisekosten/antraege/{claim.id}"

    response = client.post(
        f"/reisekosten/antraege/{claim.id}/reise",
        data={
            "origin": "Halle (Saale)",
            "destination": "Magdeburg",
            "departs_on": "19.11.2024",
            "returns_on": "2024-11-20",
        },
    )
    assert response.status_code == 303
    response = client.post(
        f"/reisekosten/antraege/{claim.id}/positionen/neu",
        data=item_form(),
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, text_of(response)
    response = client.post(
        f"/reisekosten/antraege/{claim.id}/positionen/neu",
        data=item_form(files=[], kind="car", amount="", kilometres="90"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, text_of(response)
    response = client.post(
        f"/reisekosten/antraege/{claim.id}/bankverbindung",
        data={"account_holder": "Erika Mustermann", "iban": "DE89 3704 0044 0532 0130 00"},
    )
    assert response.status_code == 303

    page = client.get(f"/reisekosten/antraege/{claim.id}")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    text = text_of(page)
    assert IBAN_MASKED in text
    assert IBAN not in page.text
    assert "90 km × 0,20 € je km = 18,00 €" in text
    assert "67,90 €" in text  # 49,90 € + 18,00 €, computed by the portal

    response = client.post(
        f"/reisekosten/antraege/{claim.id}/einreichen", data={"declaration": "y"}
    )
    assert response.status_code == 303
    claim = TravelClaim.get_by_id(claim.id)
    assert claim.state == ClaimState.SUBMITTED
    assert claim.total_cents == 6790
    deliver_pending()
    assert [m["Subject"] for m in mailbox] == [f"Reisekostenantrag {claim.number} eingereicht"]
    assert "67,90 €" in mailbox[0].get_body(("plain",)).get_content()


def test_submit_without_declaration_is_refused_and_keeps_the_draft(claimant, make_claim, sign_in):
    claim = make_claim(claimant, complete=True)
    response = sign_in(claimant).post(f"/reisekosten/antraege/{claim.id}/einreichen", data={})
    assert response.status_code == 422
    assert "Bitte versichern Sie, dass Ihre Angaben vollständig und richtig sind." in text_of(
        response
    )
    claim = TravelClaim.get_by_id(claim.id)
    assert claim.state == ClaimState.DRAFT
    assert ClaimItem.select().where(ClaimItem.claim == claim).count() == 1


def test_submit_of_an_incomplete_claim_lists_what_is_missing(claimant, make_claim, sign_in):
    claim = make_claim(claimant)
    response = sign_in(claimant).post(
        f"/reisekosten/antraege/{claim.id}/einreichen", data={"declaration": "y"}
    )
    assert response.status_code == 422
    text = text_of(response)
    assert "Bitte erfassen Sie mindestens eine Position." in text
    assert "Bitte geben Sie Ihre Bankverbindung an." in text
    assert TravelClaim.get_by_id(claim.id).state == ClaimState.DRAFT


def test_draft_is_saved_and_resumed_later(claimant, make_claim, sign_in):
    claim = make_claim(claimant)
    first = sign_in(claimant)
    first.post(
        f"/reisekosten/antraege/{claim.id}/positionen/neu",
        data=item_form(amount="12,30", kind="local", description="Straßenbahn"),
        content_type="multipart/form-data",
    )
    # A new session (another day, another browser) finds the draft as it was left.
    page = sign_in(claimant).get(f"/reisekosten/antraege/{claim.id}")
    text = text_of(page)
    assert "Straßenbahn" in text
    assert "12,30 €" in text
    assert "Entwurf" in text


def test_invalid_item_keeps_what_was_typed(claimant, make_claim, sign_in):
    claim = make_claim(claimant)
    response = sign_in(claimant).post(
        f"/reisekosten/antraege/{claim.id}/positionen/neu",
        data=item_form(kind="taxi", amount="23,40", description="Bahnhof – Tagungsort"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Bitte begründen Sie, warum ein Taxi nötig war." in text_of(response)
    assert 'value="23,40"' in response.text
    assert 'value="Bahnhof – Tagungsort"' in response.text
    assert ClaimItem.select().count() == 0


def test_receipt_can_be_added_and_downloaded(claimant, make_claim, sign_in):
    claim = make_claim(claimant, complete=True)
    item = ClaimItem.get(ClaimItem.claim == claim)
    client = sign_in(claimant)
    response = client.post(
        f"/reisekosten/antraege/{claim.id}/positionen/{item.id}/belege",
        data={"receipts": [(io.BytesIO(MINIMAL_PDF), "rueckfahrt.pdf")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    page = client.get(f"/reisekosten/antraege/{claim.id}")
    assert "rueckfahrt.pdf" in page.text
    assert len(item.receipts) == 2


def test_bank_change_needs_the_password_on_the_page(claimant, make_claim, sign_in):
    claim = make_claim(claimant, complete=True)
    client = sign_in(claimant)
    form = client.get(f"/reisekosten/antraege/{claim.id}/bankverbindung")
    assert 'name="password"' in form.text
    assert IBAN not in form.text
    response = client.post(
        f"/reisekosten/antraege/{claim.id}/bankverbindung",
        data={
            "account_holder": "Erika Mustermann",
            "iban": "DE02120300000000202051",
            "password": "falsch-falsch-falsch",
        },
    )
    assert response.status_code == 422
    assert "Das Passwort ist nicht korrekt." in text_of(response)
    assert 'value="falsch' not in response.text
    response = client.post(
        f"/reisekosten/antraege/{claim.id}/bankverbindung",
        data={
            "account_holder": "Erika Mustermann",
            "iban": "DE02120300000000202051",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 303
    assert TravelClaim.get_by_id(claim.id).iban_masked == "DE02 •••• •••• •••• ••20 51"
