"""axe-core finds no WCAG 2.2 AA violation on the allocation pages (real Chromium)."""

import pytest

from portal.accounts.models import RoleGrant
from portal.allocation import services
from portal.allocation.models import GameTable, SeatOffer
from tests.allocation_workflow.conftest import AFTER_DEADLINE
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def scene(live_server, programme, person, make_user):
    """A published run with game tables, a moderator, an open offer and a second dry run."""
    _base, app = live_server
    app.config["FROZEN_NOW"] = AFTER_DEADLINE
    s = programme.s
    organiser = make_user(name="Olga Orga", email="orga@example.org", roles=("organiser",))
    moderator = make_user(name="Mona Mod", email="mona@example.org", roles=())
    RoleGrant.create(user=moderator, role="moderator", event=programme.event)
    anna = person("Anna", s["WS 1"], s["WS 3"], s["V 2"])
    ben = person("Ben", s["WS 1"], s["WS 3"])
    cara = person("Cara", s["WS 1"], s["WS 3"])
    for n in range(11):
        person(f"Spieler{n}", s["PS"], s["WS 2"], s["WS 7"])
    for registration in (anna, ben):
        services.add_pin(
            programme.event,
            registration_id=registration.id,
            session_id=s["WS 1"].id,
            kind="pin",
            actor=organiser,
        )
    services.run_allocation(programme.event, actor=organiser)
    run = services.run_allocation(programme.event, actor=organiser)
    services.publish_run(run, actor=organiser)
    services.assign_moderators(programme.event, actor=organiser)
    services.on_registration_cancelled(anna)
    return {
        "organiser": organiser,
        "moderator": moderator,
        "cara": cara,
        "run": run,
        "offer": SeatOffer.get(SeatOffer.registration == cara),
        "table": GameTable.get(GameTable.moderator == moderator),
    }


def visit(page, check_a11y, path):
    response = page.goto(path)
    assert response.status == 200, path
    assert check_a11y(page) == [], path
    assert page.console_errors == [], path


def test_organiser_pages_have_no_axe_violations(page, check_a11y, browser_login, scene):
    browser_login(scene["organiser"], PASSWORD)
    base = "/organisation/veranstaltungen/kommunaltagung/zuteilung"
    for path in (
        base,
        f"{base}/festlegungen",
        f"{base}/laeufe/{scene['run'].id}",
        f"{base}/laeufe/{scene['run'].id - 1}",
        f"{base}/laeufe/{scene['run'].id}/veroeffentlichen",
        f"{base}/aenderungen",
        f"{base}/protokoll",
    ):
        visit(page, check_a11y, path)


def test_offer_page_has_no_axe_violations(page, check_a11y, browser_login, scene):
    browser_login(scene["cara"].account, PASSWORD)
    visit(page, check_a11y, f"/zuteilung/angebot/{services.make_token(scene['offer'])}")


def test_moderator_pages_have_no_axe_violations(page, check_a11y, browser_login, scene):
    browser_login(scene["moderator"], PASSWORD)
    visit(page, check_a11y, "/moderation/kommunaltagung")
    visit(page, check_a11y, f"/moderation/kommunaltagung/tische/{scene['table'].id}")
