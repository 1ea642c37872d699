"""axe-core finds no WCAG 2.2 AA violation on the travel pages (real Chromium).

The browser fixtures (live_server, page, check_a11y, browser_login) come from
tests/conftest.py.
"""

from datetime import date

import pytest

from portal.events.models import Event
from portal.registration.models import Registration, RegistrationSettings
from portal.travel import services
from tests.conftest import PASSWORD
from tests.travel.helpers import AFTER_EVENT, IBAN, item_values, upload

pytestmark = pytest.mark.browser


@pytest.fixture
def travel_data(live_server, make_user):
    """A submitted claim in review of an attendee, and an organiser (on the live app)."""
    _base, app = live_server
    app.config["FROZEN_NOW"] = AFTER_EVENT
    attendee = make_user(name="Erika Mustermann", email="erika@example.org")
    organiser = make_user(name="Olga Orga", email="orga@example.org", roles=("organiser",))
    event = Event.create(
        slug="kommunaltagung-2024",
        title="Kommunaltagung 2024",
        starts_on=date(2024, 11, 19),
        ends_on=date(2024, 11, 20),
        status="published",
    )
    RegistrationSettings.create(event=event)
    registration = Registration.create(
        event=event,
        user=attendee,
        state="confirmed",
        first_name="Erika",
        last_name="Mustermann",
        organisation="Stadt Magdeburg",
        organisation_type="municipality",
        federal_state="ST",
        email=attendee.email,
        wants_reimbursement=True,
        privacy_accepted_at=AFTER_EVENT,
    )
    with app.test_request_context():
        claim = services.start_claim(registration, user=attendee)
        services.add_item(claim, user=attendee, files=[upload()], **item_values())
        services.add_item(
            claim,
            user=attendee,
            files=[],
            **item_values(kind="car", amount_cents=None, kilometres=80),
        )
        services.save_bank_details(
            claim, user=attendee, account_holder="Erika Mustermann", iban=IBAN, password=PASSWORD
        )
    return {"attendee": attendee, "organiser": organiser, "event": event, "claim": claim}


def visit(page, check_a11y, path):
    response = page.goto(path)
    assert response.status == 200, path
    assert check_a11y(page) == [], path
    assert page.console_errors == [], path


def test_claimant_pages_have_no_axe_violations(page, check_a11y, browser_login, travel_data):
    browser_login(travel_data["attendee"], PASSWORD)
    claim = travel_data["claim"]
    for path in (
        "/reisekosten/",
        f"/reisekosten/antraege/{claim.id}",
        f"/reisekosten/antraege/{claim.id}/reise",
        f"/reisekosten/antraege/{claim.id}/positionen/neu",
        f"/reisekosten/antraege/{claim.id}/bankverbindung",
    ):
        visit(page, check_a11y, path)


def test_item_form_shows_the_fields_of_the_chosen_kind(page, browser_login, travel_data):
    browser_login(travel_data["attendee"], PASSWORD)
    page.goto(f"/reisekosten/antraege/{travel_data['claim'].id}/positionen/neu")
    page.select_option("select[name=kind]", "car")
    assert page.is_visible("input[name=kilometres]")
    assert not page.is_visible("input[name=amount]")
    page.fill("input[name=kilometres]", "700")
    assert page.text_content("#car-preview") == (
        "700 km × 0,20 € = 140,00 €; höchstens 130,00 € für die ganze Reise"
    )


def test_organiser_pages_have_no_axe_violations(page, check_a11y, browser_login, travel_data):
    browser_login(travel_data["organiser"], PASSWORD)
    base = f"/organisation/veranstaltungen/{travel_data['event'].slug}/reisekosten"
    for path in (
        base,
        f"{base}/{travel_data['claim'].id}",
        f"{base}/einstellungen",
        f"{base}/zahlungen",
    ):
        visit(page, check_a11y, path)
