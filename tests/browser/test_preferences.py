"""The ranking page in Debian's Chromium: drag with the mouse, move with the keyboard, axe.

One live server with the demo programme of the Kommunaltagung (19.-20.11.2024) serves the
module, its clock set to October 2024 so preferences are open; each test gets a new attendee
and a new browser context. SortableJS runs with forceFallback (pointer events), so real mouse
moves with intermediate steps drive it.
"""

import itertools
import threading
from contextlib import contextmanager
from datetime import datetime

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from portal import create_app
from portal.events.demo import KOMMUNALTAGUNG
from portal.extensions import db
from portal.preferences.models import Preference
from tests.conftest import PASSWORD, PG_URL, SECRET, _fresh_database_url

AFTERNOON = "2024-11-19-1600"
SECOND_DAY = "2024-11-20-0900"
PAGE = f"/veranstaltungen/{KOMMUNALTAGUNG}/wuensche"
FROZEN = datetime(2024, 10, 20, 10, 0)


@contextmanager
def serve_demo(migrated_database, tmp, smtp_port):
    """The app with the demo data on a free port; yields (base_url, app) in its context."""
    if PG_URL:
        pytest.skip("browser tests run on SQLite only")
    from portal.events.demo import load_demo

    app = create_app(
        {
            "TESTING": False,
            "ENV": "development",
            "SECRET_KEY": SECRET,
            "INSTANCE_PATH": str(tmp / "instance"),
            "DATABASE_URL": _fresh_database_url(migrated_database, tmp),
            "UPLOAD_ROOT": str(tmp / "uploads"),
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_port,
            "MAIL_DEV_MAILBOX": False,
            "FROZEN_NOW": FROZEN,
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base
    try:
        with app.app_context():
            db.connect(reuse_if_open=True)
            load_demo()
            yield base, app
            if not db.is_closed():
                db.close()
    finally:
        server.shutdown()
        thread.join(5)


def register_attendee(email: str, password_hash: str):
    """A confirmed account registered for both days of the Kommunaltagung."""
    from portal.accounts.models import RoleGrant, User
    from portal.events.models import Event
    from portal.registration.models import Registration

    user = User.create(
        email=email,
        name="Test Teilnehmerin",
        password_hash=password_hash,
        email_confirmed_at=FROZEN,
    )
    RoleGrant.create(user=user, role="attendee")
    registration = Registration.create(
        event=Event.get(Event.slug == KOMMUNALTAGUNG),
        user=user,
        state="confirmed",
        first_name="Test",
        last_name="Teilnehmerin",
        organisation="Stadt Halle (Saale)",
        organisation_type="municipality",
        federal_state="ST",
        email=email,
        days="2024-11-19,2024-11-20",
        privacy_accepted_at=FROZEN,
    )
    return user, registration


@pytest.fixture(scope="module")
def site(migrated_database, tmp_path_factory, smtp_server):
    with serve_demo(migrated_database, tmp_path_factory.mktemp("ranking"), smtp_server.port) as s:
        yield s


@pytest.fixture(scope="module")
def password_hash():
    from portal.accounts.passwords import hash_password

    return hash_password(PASSWORD)


_numbers = itertools.count(1)


@pytest.fixture
def demo(site, password_hash):
    """A new attendee: (user, registration, sessions by code)."""
    from portal.events.models import Event, Session

    user, registration = register_attendee(f"tab{next(_numbers)}@example.org", password_hash)
    event = Event.get(Event.slug == KOMMUNALTAGUNG)
    sessions = {s.code: s for s in Session.select().where(Session.event == event) if s.code}
    return user, registration, sessions


@pytest.fixture
def page(browser, site):
    """A fresh browser context on the module's server; page.console_errors collects errors."""
    context = browser.new_context(base_url=site[0], locale="de-DE")
    tab = context.new_page()
    tab.console_errors = []
    tab.on("console", lambda m: tab.console_errors.append(m.text) if m.type == "error" else None)
    yield tab
    context.close()


def log_in(page, user):
    page.goto("/konto/anmelden")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit] >> nth=-1")
    page.wait_for_load_state()


def stored(registration) -> list[str]:
    rows = (
        Preference.select()
        .where((Preference.registration == registration) & (Preference.slot_key == AFTERNOON))
        .order_by(Preference.rank)
    )
    return [row.session.code for row in rows]


def favourites(page) -> list[str]:
    """The codes in the afternoon's favourites as the page shows them."""
    items = page.locator(f"#slot-{AFTERNOON} [data-list=favourites] > .ranking-item")
    return [
        text.split(" – ")[0].strip()
        for text in items.locator(".ranking-item__title a").all_inner_texts()
    ]


FAVOURITE_IDS = """slot => Array.from(
    document.querySelectorAll("#slot-" + slot + " [data-list=favourites] > .ranking-item"),
    li => Number(li.dataset.session))"""


def drag(page, source, target, *, at=0.5, expect_favourites):
    """Press on `source`, move in steps onto `target` (`at`: fraction of its height), release.

    In fallback mode SortableJS reads the pointer position on a 50 ms loop, and the lists grow
    while an item is dragged into them: the pointer follows the target's current box until
    the favourites show `expect_favourites` (session ids), then lets go.
    """
    box = source.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 8, box["y"] + box["height"] / 2 + 8, steps=4)
    for _attempt in range(20):
        goal = target.bounding_box()
        page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + goal["height"] * at, steps=6)
        page.wait_for_timeout(100)
        if page.evaluate(FAVOURITE_IDS, AFTERNOON) == expect_favourites:
            break
    page.mouse.up()


def version_of_slot(page):
    return page.locator(f"#slot-{AFTERNOON} form.ranking-order input[name=version]")


def handle(page, session):
    return page.locator(f"#pref-{session.id} .ranking-item__handle")


def test_drag_into_favourites_reorder_and_reload_keeps_order(page, demo, check_a11y):
    user, registration, s = demo
    log_in(page, user)
    page.set_viewport_size({"width": 1280, "height": 2400})  # both lists in view: no scrolling
    page.goto(PAGE)
    slot = page.locator(f"#slot-{AFTERNOON}")
    slot.locator("h2").scroll_into_view_if_needed()
    favourites_list = slot.locator("[data-list=favourites]")

    drag(page, handle(page, s["WS 3"]), favourites_list, expect_favourites=[s["WS 3"].id])
    expect(version_of_slot(page)).to_have_value("1")
    expect(page.locator("#status-region")).to_have_text("Gespeichert.")
    assert stored(registration) == ["WS 3"]

    drag(  # onto the free space at the end of the list
        page,
        handle(page, s["WS 1"]),
        favourites_list,
        at=0.95,
        expect_favourites=[s["WS 3"].id, s["WS 1"].id],
    )
    expect(version_of_slot(page)).to_have_value("2")
    assert stored(registration) == ["WS 3", "WS 1"]

    drag(
        page,
        handle(page, s["WS 1"]),
        page.locator(f"#pref-{s['WS 3'].id}"),
        at=0.1,
        expect_favourites=[s["WS 1"].id, s["WS 3"].id],
    )
    expect(version_of_slot(page)).to_have_value("3")
    assert stored(registration) == ["WS 1", "WS 3"]

    page.reload()
    assert favourites(page) == ["WS 1", "WS 3"]
    expect(page.locator(f"#pref-{s['WS 1'].id} .ranking-item__place")).to_have_text("Platz 1:")
    assert check_a11y(page) == []
    assert page.console_errors == []


def tab_to(page, element_id, limit=400):
    """Press Tab until the element with `element_id` has the focus (keyboard only)."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_keyboard_only_reorder_keeps_focus_and_announces(page, demo):
    user, registration, s = demo
    log_in(page, user)
    page.goto(PAGE)
    ws1, ws3 = s["WS 1"].id, s["WS 3"].id
    status = page.locator("#status-region")

    tab_to(page, f"pref-{ws3}-add")
    page.keyboard.press("Enter")
    expect(status).to_have_text("Workshop 3 ist jetzt auf Platz 1 von 1.")
    expect(page.locator(f"#pref-{ws3}-up")).to_be_focused()

    tab_to(page, f"pref-{ws1}-add")
    page.keyboard.press("Enter")
    expect(status).to_have_text("Workshop 1 ist jetzt auf Platz 2 von 2.")
    expect(page.locator(f"#pref-{ws1}-up")).to_be_focused()

    page.keyboard.press("Enter")  # the focus stayed on "nach oben" of Workshop 1
    expect(status).to_have_text("Workshop 1 ist jetzt auf Platz 1 von 2.")
    expect(page.locator(f"#pref-{ws1}-up")).to_be_focused()
    assert stored(registration) == ["WS 1", "WS 3"]

    page.reload()
    assert favourites(page) == ["WS 1", "WS 3"]
    assert page.console_errors == []


def test_keyboard_game_adds_workshop_2_and_refuses_its_removal(page, demo):
    user, registration, s = demo
    log_in(page, user)
    page.goto(PAGE)
    game, ws2 = s["PS"].id, s["WS 2"].id
    status = page.locator("#status-region")

    tab_to(page, f"pref-{game}-add")
    page.keyboard.press("Enter")
    expect(status).to_contain_text("Workshop 2 wurde ebenfalls zu Ihren Favoriten hinzugefügt")
    expect(page.locator(f"#pref-{game}-up")).to_be_focused()
    assert stored(registration) == ["WS 2"]

    tab_to(page, f"pref-{ws2}-remove")
    page.keyboard.press("Enter")
    expect(status).to_contain_text("Workshop 2 kann nicht entfernt werden")
    expect(page.locator(f"#pref-{ws2}-remove")).to_be_focused()
    assert stored(registration) == ["WS 2"]
    # The browser logs the refused save's 422 as a failed load; nothing else may appear.
    assert [e for e in page.console_errors if "status of 422" not in e] == []


def test_without_javascript_buttons_are_plain_forms(browser, site, demo):
    user, registration, s = demo
    context = browser.new_context(base_url=site[0], locale="de-DE", java_script_enabled=False)
    tab = context.new_page()
    try:
        log_in(tab, user)
        tab.goto(PAGE)
        tab.click(f"#pref-{s['WS 3'].id}-add")
        tab.click(f"#pref-{s['WS 1'].id}-add")
        tab.click(f"#pref-{s['WS 1'].id}-up")
        assert tab.url.endswith(f"{PAGE}#pref-{s['WS 1'].id}")
        assert "Workshop 1 ist jetzt auf Platz 1 von 2." in tab.inner_text("#flash-messages")
        assert favourites(tab) == ["WS 1", "WS 3"]
        tab.check(f"#skip-{SECOND_DAY}")
        tab.click(f"#slot-{SECOND_DAY} .ranking-skip button[type=submit]")
        assert tab.is_checked(f"#skip-{SECOND_DAY}")
        assert stored(registration) == ["WS 1", "WS 3"]
    finally:
        context.close()
