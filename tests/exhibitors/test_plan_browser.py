"""The foyer plan in Chromium: drag-and-drop and the select both place a booth, focus stays."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.exhibitors.helpers import BEFORE_EVENT, service_values

pytestmark = pytest.mark.browser


@pytest.fixture
def foyer(live_server, make_user, make_event):
    """Two places (only the second with a socket) and an approved booth that needs power."""
    from portal.exhibitors import services

    live_server[1].config["FROZEN_NOW"] = BEFORE_EVENT
    organiser = make_user(roles=("organiser",))
    exhibitor = make_user(roles=("exhibitor",))
    event = make_event(slug="kommunaltagung", title="Kommunaltagung 2024")
    door = services.create_place(event, actor=organiser, number=1, label="Tür", x=1, y=1)
    socket = services.create_place(event, actor=organiser, number=2, x=3, y=1, has_power=True)
    booth, _ = services.create_booth(
        event=event, owner=exhibitor, **service_values(organisation="Strom e. V.", needs_power=True)
    )
    services.decide_booth(booth, state="approved", actor=organiser)
    return organiser, booth, door, socket, exhibitor


def place_of(booth):
    from portal.exhibitors.models import Booth

    return Booth.get_by_id(booth.id).place_id


def test_plan_select_and_drag_place_the_booth(page, browser_login, check_a11y, foyer):
    organiser, booth, door, socket, _ = foyer
    browser_login(organiser, PASSWORD)
    page.goto("/organisation/veranstaltungen/kommunaltagung/ausstellung/plan")
    assert check_a11y(page) == []

    # Keyboard and pointer users without dragging: the select and its button.
    page.select_option(f"#place-for-{booth.id}", str(socket.id))
    page.click(f"#booth-item-{booth.id} button[type=submit]")
    expect(page.locator("#status-region")).to_contain_text("Platz 2")
    expect(page.locator(f"#booth-item-{booth.id}")).to_be_focused()
    assert place_of(booth) == socket.id

    # Drag the booth onto the place without a socket: same request, plus the power warning.
    handle = page.locator(f"#booth-item-{booth.id} .booth-item__handle")
    handle.drag_to(page.locator(f"#place-{door.id} [data-drop-zone]"))
    expect(page.locator("#status-region")).to_contain_text("Platz 1")
    status = page.text_content("#status-region")
    assert status == (
        "„Strom e. V.“ steht jetzt auf Platz 1 (Tür). Achtung: Der Stand braucht Strom, "
        "dieser Platz hat keinen Stromanschluss."
    )
    expect(page.locator(f"#booth-item-{booth.id}")).to_be_focused()
    assert page.locator("#power-warnings").is_visible()
    assert place_of(booth) == door.id
    assert check_a11y(page) == []
    assert page.console_errors == []


def test_public_exhibition_page_is_accessible(page, check_a11y, foyer):
    from portal.exhibitors import services

    organiser, booth, door, _, _ = foyer
    services.assign_place(booth, door, actor=organiser)
    response = page.goto("/veranstaltungen/kommunaltagung/ausstellung")
    assert response.status == 200
    assert page.locator("svg[role=img] title").text_content() == (
        "Foyerplan der Ausstellung: Kommunaltagung 2024"
    )
    assert check_a11y(page) == []
    assert page.console_errors == []


def test_booth_pages_have_no_axe_violations(page, browser_login, check_a11y, foyer):
    organiser, booth, _, _, exhibitor = foyer
    browser_login(exhibitor, PASSWORD)
    for path in [
        "/aussteller",
        f"/aussteller/staende/{booth.id}",
        "/veranstaltungen/kommunaltagung/ausstellung/anmelden",
    ]:
        assert page.goto(path).status == 200
        assert (path, check_a11y(page)) == (path, [])
    page.click("form.booth-form button[type=submit]")  # empty form: the error summary
    expect(page.locator("#error-summary")).to_be_focused()
    assert check_a11y(page) == []
    page.context.clear_cookies()
    browser_login(organiser, PASSWORD)
    base = "/organisation/veranstaltungen/kommunaltagung/ausstellung"
    for path in [base, f"{base}/staende/{booth.id}", f"{base}/plan/plaetze/1"]:
        assert page.goto(path).status == 200
        assert (path, check_a11y(page)) == (path, [])
    # Only the deliberate 422 of the empty form is reported.
    assert [e for e in page.console_errors if "422" not in e] == []
