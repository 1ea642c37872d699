"""In Chromium: the registration pages pass axe-core, the CSP blocks nothing, htmx filters live."""

from datetime import date

import pytest

from portal.registration.models import RegistrationSettings
from portal.registration.services import register
from tests.conftest import PASSWORD
from tests.registration.conftest import service_values

pytestmark = pytest.mark.browser

# The live server runs on the real clock: an event well in the future is open.
FUTURE = {"starts_on": date(2030, 5, 14), "ends_on": date(2030, 5, 15)}


@pytest.fixture
def future_event(live_server, make_event):
    event = make_event(**FUTURE)
    RegistrationSettings.create(event=event, capacity=2)
    return event


def test_registration_form_is_accessible(page, check_a11y, browser_login, make_user, future_event):
    browser_login(make_user(), PASSWORD)
    response = page.goto(f"/veranstaltungen/{future_event.slug}/anmeldung")
    assert response.status == 200
    assert check_a11y(page) == []
    assert page.console_errors == []


def test_reimbursement_question_only_for_municipal_types(
    page, browser_login, make_user, future_event
):
    browser_login(make_user(), PASSWORD)
    page.goto(f"/veranstaltungen/{future_event.slug}/anmeldung")
    group = page.locator("#reimbursement-group")
    page.select_option("#organisation_type", "municipality")
    page.check("#wants_reimbursement")
    assert group.is_visible()
    page.select_option("#organisation_type", "federal")
    assert group.is_hidden()
    assert page.is_checked("#wants_reimbursement") is False
    page.select_option("#organisation_type", "district")
    assert group.is_visible()


def test_organiser_list_filters_live_and_is_accessible(
    page, check_a11y, browser_login, make_user, future_event
):
    from playwright.sync_api import expect  # the browser fixture skips when it is missing

    for last_name in ("Amsel", "Bussard", "Cormoran"):
        user = make_user(name=f"Test {last_name}")
        values = service_values(email=user.email, last_name=last_name, days=[FUTURE["starts_on"]])
        register(event=future_event, user=user, **values)
    browser_login(make_user(roles=("organiser",)), PASSWORD)
    page.goto(f"/organisation/veranstaltungen/{future_event.slug}/anmeldungen")
    assert check_a11y(page) == []
    rows = page.locator("#registration-list tbody tr")
    assert rows.count() == 3
    page.fill("#q", "Corm")
    expect(rows).to_have_count(1)
    assert rows.first.inner_text().startswith("Cormoran, Max")
    expect(page.locator("#status-region")).to_have_text("1 Anmeldung gefunden.")
    assert "q=Corm" in page.url
    page.select_option("#state", "cancelled")
    expect(page.locator("#registration-list")).to_contain_text(
        "Keine Anmeldungen für diese Auswahl."
    )
    assert page.console_errors == []


def test_attendee_and_organiser_pages_are_accessible(
    page, check_a11y, browser_login, make_user, future_event
):
    attendee = make_user()
    registration, _ = register(
        event=future_event,
        user=attendee,
        **service_values(email=attendee.email, days=[FUTURE["starts_on"]]),
    )
    browser_login(attendee, PASSWORD)
    for path in (
        "/meine-anmeldungen",
        f"/meine-anmeldungen/{registration.id}/bearbeiten",
        f"/meine-anmeldungen/{registration.id}/stornieren",
        f"/veranstaltungen/{future_event.slug}",
    ):
        assert page.goto(path).status == 200, path
        assert (path, check_a11y(page)) == (path, [])
    page.context.clear_cookies()
    browser_login(make_user(roles=("organiser",)), PASSWORD)
    base = f"/organisation/veranstaltungen/{future_event.slug}/anmeldungen"
    for path in (f"{base}/einstellungen", f"{base}/nachmeldung", f"{base}/{registration.id}"):
        assert page.goto(path).status == 200, path
        assert (path, check_a11y(page)) == (path, [])
    assert page.console_errors == []
