"""Only the claimant and the organisers see a claim and its receipts: anyone else gets 404,
attendees get 403 on the organisers' pages, and anonymous visitors are sent to log in."""

import pytest

from portal.travel.models import ClaimItem, ClaimReceipt
from tests.travel.helpers import item_form


@pytest.fixture
def claim(claimant, make_claim):
    return make_claim(claimant, complete=True)


@pytest.fixture
def receipt(claim):
    return ClaimReceipt.select().join(ClaimItem).where(ClaimItem.claim == claim).get()


@pytest.fixture
def stranger(make_user):
    return make_user(name="Fritz Fremd", email="fritz@example.org")


def claimant_urls(claim, receipt):
    item = receipt.item_id
    base = f"/reisekosten/antraege/{claim.id}"
    return [
        ("get", base),
        ("get", base + "/reise"),
        ("get", base + "/positionen/neu"),
        ("get", base + "/bankverbindung"),
        ("get", base + f"/belege/{receipt.id}"),
        ("post", base + "/reise"),
        ("post", base + "/positionen/neu"),
        ("post", base + f"/positionen/{item}/belege"),
        ("post", base + f"/positionen/{item}/loeschen"),
        ("post", base + f"/belege/{receipt.id}/loeschen"),
        ("post", base + "/bankverbindung"),
        ("post", base + "/einreichen"),
    ]


def test_another_attendee_gets_404_everywhere(claim, receipt, stranger, sign_in):
    client = sign_in(stranger)
    statuses = {
        url: getattr(client, m)(url).status_code for m, url in claimant_urls(claim, receipt)
    }
    assert set(statuses.values()) == {404}
    assert ClaimItem.select().count() == 1
    assert ClaimReceipt.select().count() == 1


def test_another_attendee_cannot_start_a_claim_for_someone_elses_registration(
    claim, stranger, sign_in
):
    response = sign_in(stranger).post(f"/reisekosten/anmeldungen/{claim.registration_id}/antrag")
    assert response.status_code == 404


def test_claimant_sees_their_own_claim_and_receipt(claim, receipt, claimant, sign_in):
    client = sign_in(claimant)
    assert client.get(f"/reisekosten/antraege/{claim.id}").status_code == 200
    response = client.get(f"/reisekosten/antraege/{claim.id}/belege/{receipt.id}")
    assert response.status_code == 200
    response.close()


def test_receipt_of_another_claim_is_404_through_my_own_claim(
    claim, receipt, stranger, make_claim, sign_in, make_registration
):
    mine = make_claim(stranger)
    client = sign_in(stranger)
    assert client.get(f"/reisekosten/antraege/{mine.id}/belege/{receipt.id}").status_code == 404
    item = receipt.item_id
    response = client.post(
        f"/reisekosten/antraege/{mine.id}/positionen/{item}/belege",
        data=item_form(),
        content_type="multipart/form-data",
    )
    assert response.status_code == 404


def organiser_urls(event, claim, receipt):
    base = f"/organisation/veranstaltungen/{event.slug}/reisekosten"
    return [
        ("get", base),
        ("get", base + f"/{claim.id}"),
        ("get", base + f"/{claim.id}/belege/{receipt.id}"),
        ("get", base + "/einstellungen"),
        ("get", base + "/zahlungen"),
        ("get", base + "/zahlungen/1"),
        ("get", base + "/zahlungen/1/sepa.xml"),
        ("post", base + f"/{claim.id}/pruefung"),
        ("post", base + f"/{claim.id}/rueckfrage"),
        ("post", base + f"/{claim.id}/bewilligung"),
        ("post", base + f"/{claim.id}/ablehnung"),
        ("post", base + "/einstellungen"),
        ("post", base + "/zahlungen"),
        ("post", base + "/zahlungen/1/bezahlt"),
    ]


def test_attendee_gets_403_on_the_organisers_pages(claim, receipt, claimant, sign_in, event):
    client = sign_in(claimant)
    statuses = {
        url: getattr(client, m)(url).status_code for m, url in organiser_urls(event, claim, receipt)
    }
    assert set(statuses.values()) == {403}


def test_anonymous_visitors_are_sent_to_the_login(app, claim, receipt, event):
    client = app.test_client()
    urls = claimant_urls(claim, receipt)[:5] + organiser_urls(event, claim, receipt)[:3]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/konto/anmelden")


def test_organiser_sees_the_claim_and_downloads_the_receipt(
    claim, receipt, organiser, sign_in, event
):
    client = sign_in(organiser)
    base = f"/organisation/veranstaltungen/{event.slug}/reisekosten/{claim.id}"
    assert client.get(base).status_code == 200
    response = client.get(base + f"/belege/{receipt.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=beleg.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    response.close()


def test_claim_of_another_event_is_404_for_organisers(claim, organiser, sign_in, make_event):
    other = make_event(slug="andere-tagung")
    client = sign_in(organiser)
    response = client.get(f"/organisation/veranstaltungen/{other.slug}/reisekosten/{claim.id}")
    assert response.status_code == 404
    assert client.get("/organisation/veranstaltungen/gibt-es-nicht/reisekosten").status_code == 404
