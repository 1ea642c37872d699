"""Fixtures of the travel tests: an event after its end, eligible registrations, claims,
signed-in clients for attendees and organisers."""

from datetime import datetime

import pytest

import portal.models  # noqa: F401  (binds deferred foreign keys before migrations run)
from portal.registration.models import Registration, RegistrationSettings
from portal.travel import services
from portal.travel.models import TravelClaim
from tests.conftest import PASSWORD
from tests.travel.helpers import AFTER_EVENT, IBAN, item_values, upload


@pytest.fixture
def frozen(app):
    """freeze(at): set the portal's clock (naive Europe/Berlin time); starts after the event."""
    app.config["FROZEN_NOW"] = AFTER_EVENT

    def freeze(at: datetime):
        app.config["FROZEN_NOW"] = at

    return freeze


@pytest.fixture
def event(make_event, frozen):
    """The Kommunaltagung, 19-20 November 2024, with default registration settings."""
    created = make_event(slug="kommunaltagung-2024", title="Kommunaltagung 2024")
    RegistrationSettings.create(event=created)
    return created


@pytest.fixture
def make_registration(event):
    """make_registration(user, organisation_type="municipality", wants=True, state=...)."""

    def make(user, *, target=None, organisation_type="municipality", wants=True, state="confirmed"):
        first, _, last = user.name.partition(" ")
        return Registration.create(
            event=target or event,
            user=user,
            state=state,
            first_name=first,
            last_name=last or "Muster",
            organisation="Stadt Magdeburg",
            organisation_type=organisation_type,
            federal_state="ST",
            email=user.email,
            wants_reimbursement=wants,
            privacy_accepted_at=datetime(2024, 10, 1, 9, 0),
        )

    return make


@pytest.fixture
def make_claim(make_registration):
    """make_claim(user, complete=False, submitted=False): a draft (optionally ready or sent)."""

    def make(user, *, complete=False, submitted=False, items=None, registration=None):
        registration = registration or make_registration(user)
        claim = services.start_claim(registration, user=user)
        if complete or submitted:
            services.save_journey(
                claim,
                user=user,
                origin="Halle (Saale)",
                destination="Magdeburg",
                departs_on=registration.event.starts_on,
                returns_on=registration.event.ends_on,
            )
            for values in items or [item_values()]:
                files = [] if values.get("kind") == "car" else [upload()]
                services.add_item(claim, user=user, files=files, **values)
            services.save_bank_details(
                claim, user=user, account_holder=user.name, iban=IBAN, password=PASSWORD
            )
        if submitted:
            services.submit_claim(claim, user=user, declaration=True)
        return TravelClaim.get_by_id(claim.id)

    return make


@pytest.fixture
def sign_in(app):
    """sign_in(user): a new client logged in as `user` through the real login form."""

    def do(user):
        client = app.test_client()
        response = client.post("/konto/anmelden", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 303, response.get_data(as_text=True)[:300]
        return client

    return do


@pytest.fixture
def claimant(app, make_user):
    return make_user(name="Erika Mustermann", email="erika@example.org")


@pytest.fixture
def organiser(app, make_user):
    return make_user(name="Olga Orga", email="orga@example.org", roles=("organiser",))


@pytest.fixture
def second_organiser(app, make_user):
    return make_user(name="Otto Zweit", email="otto@example.org", roles=("organiser",))


# The browser tests' fixtures, for tests/travel/test_a11y.py (real Chromium, axe-core).
