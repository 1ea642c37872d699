"""Browser tests: the real app served on 127.0.0.1, driven by Debian's Chromium (Playwright).

They skip only when Chromium or Playwright cannot be had, and then say so loudly at the end
of the run.
"""

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portal import create_app
from portal.extensions import db

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SKIPPED = []


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter):
    if SKIPPED:
        bar = "!" * 78
        terminalreporter.write_line(bar, red=True, bold=True)
        terminalreporter.write_line(
            "BROWSER TESTS SKIPPED: " + "; ".join(sorted(set(SKIPPED))), red=True, bold=True
        )
        terminalreporter.write_line(bar, red=True, bold=True)


def _skip(reason):
    SKIPPED.append(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip("playwright is not installed")
    if not Path(CHROMIUM).exists():
        _skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def live_server(app_config):
    """The app on a free port in a background thread; yields (base_url, app)."""
    config = {**app_config, "SERVER_NAME": None, "TESTING": False, "ENV": "development"}
    app = create_app(config)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base
    with app.app_context():
        db.connect(reuse_if_open=True)
        yield base, app
        if not db.is_closed():
            db.close()
    server.shutdown()
    thread.join(5)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server[0], locale="de-DE")
    tab = context.new_page()
    errors = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.console_errors = errors
    yield tab
    context.close()


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        _skip("axe-core is not installed (npm install axe-core)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def check_a11y(axe_source):
    """check_a11y(page) runs axe-core (WCAG 2.x A/AA, 2.2) and returns the violations."""

    def run(tab):
        # evaluate() goes through the DevTools protocol, so the page's CSP stays intact.
        tab.evaluate(axe_source + "\n;void 0")
        result = tab.evaluate(
            """async () => {
                const r = await axe.run(document, {runOnly: {type: 'tag',
                    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}});
                return r.violations.map(v => ({id: v.id, impact: v.impact,
                    nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
            }"""
        )
        return result

    return run


@pytest.fixture
def browser_login(page):
    """Log a user in through the real form in the browser."""

    def do_login(user, password):
        page.goto("/konto/anmelden")
        page.fill("input[name=email]", user.email)
        page.fill("input[name=password]", password)
        page.click("form button[type=submit] >> nth=-1")
        page.wait_for_load_state()

    return do_login
