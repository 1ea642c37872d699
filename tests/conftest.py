"""Fixtures: a migrated database (SQLite, or PostgreSQL via TEST_DATABASE_URL), an app,
a client that sends CSRF tokens, a real SMTP server, and factories."""

import contextvars
import os
import shutil
import socket
import threading
from datetime import date, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from werkzeug.serving import make_server

from portal import create_app
from portal.db import open_database
from portal.extensions import db

PG_URL = os.environ.get("TEST_DATABASE_URL")
SECRET = "test-secret-key-" * 4
PASSWORD = "Korrekt-Pferd-Batterie-42"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- mail -----------------------------------------------------------------------------


class _Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        msg = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(msg)
        return "250 OK"


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 for the whole run."""
    handler = _Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    """Messages that reached the SMTP server during this test."""
    smtp_server.handler.messages.clear()
    return smtp_server.handler.messages


# --- database -------------------------------------------------------------------------


def _migrate(url: str) -> None:
    from portal.schema import runner

    database = open_database(url)
    db.initialize(database)
    database.connect()
    if PG_URL:
        database.execute_sql("DROP SCHEMA public CASCADE")
        database.execute_sql("CREATE SCHEMA public")
    runner(database).up()
    database.close()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """The URL of a database with every migration applied (a template file for SQLite)."""
    if PG_URL:
        _migrate(PG_URL)
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    _migrate(f"sqlite:///{path}")
    return str(path)


def _fresh_database_url(migrated_database, tmp_path) -> str:
    if PG_URL:
        database = open_database(PG_URL)
        database.connect()
        tables = [t for t in database.get_tables() if t != "schema_migration"]
        if tables:
            names = ", ".join(f'"{t}"' for t in tables)
            database.execute_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        database.close()
        return PG_URL
    target = tmp_path / "portal.db"
    shutil.copyfile(migrated_database, target)
    return f"sqlite:///{target}"


class CsrfClient(FlaskClient):
    """A test client that sends a valid CSRF token with every unsafe request.

    Pass csrf=False to send none (to test the protection itself).
    """

    def open(self, *args, **kwargs):
        send_token = kwargs.pop("csrf", True)
        method = (kwargs.get("method") or "GET").upper()
        if send_token and method not in {"GET", "HEAD", "OPTIONS"}:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", self.csrf_token())
            kwargs["headers"] = headers
        # Each request gets its own application context (and so its own `g`), as in
        # production, even while the test itself holds one for direct service calls.
        return contextvars.Context().run(super().open, *args, **kwargs)

    def csrf_token(self) -> str:
        raw = "test-csrf-raw-token"
        with self.session_transaction() as session:
            session.setdefault("csrf_token", raw)
            raw = session["csrf_token"]
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)


@pytest.fixture
def app_config(migrated_database, tmp_path, smtp_server):
    return {
        "TESTING": True,
        "ENV": "testing",
        "SECRET_KEY": SECRET,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": _fresh_database_url(migrated_database, tmp_path),
        "UPLOAD_ROOT": str(tmp_path / "uploads"),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_server.port,
        "MAIL_DEV_MAILBOX": False,
        "BASE_URL": "http://localhost",
        "SERVER_NAME": "localhost",
    }


@pytest.fixture
def app(app_config):
    application = create_app(app_config)
    application.test_client_class = CsrfClient
    with application.app_context():
        db.connect(reuse_if_open=True)
        yield application
        if not db.is_closed():
            db.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- factories ------------------------------------------------------------------------


_HASHES = {}  # argon2 is slow on purpose: hash each test password once per run


@pytest.fixture
def make_user():
    """make_user(email=..., roles=("organiser",), confirmed=True, password=PASSWORD)."""
    from portal.accounts.models import RoleGrant, User
    from portal.accounts.passwords import hash_password

    counter = iter(range(1, 10_000))
    hashed = _HASHES

    def make(email=None, name=None, roles=("attendee",), confirmed=True, password=PASSWORD):
        n = next(counter)
        if password not in hashed:
            hashed[password] = hash_password(password)
        user = User.create(
            email=(email or f"person{n}@example.org").lower(),
            name=name or f"Person {n}",
            password_hash=hashed[password],
            email_confirmed_at=datetime(2024, 1, 1) if confirmed else None,
        )
        for role in roles:
            RoleGrant.create(user=user, role=role)
        return user

    return make


@pytest.fixture
def login(client):
    """login(user, password=PASSWORD) through the real login form; returns the response."""

    def do_login(user, password=PASSWORD, follow_redirects=False):
        return client.post(
            "/konto/anmelden",
            data={"email": user.email, "password": password},
            follow_redirects=follow_redirects,
        )

    return do_login


@pytest.fixture
def make_event():
    """make_event(slug=..., status="published", ...) with sensible two-day defaults."""
    from portal.events.models import Event

    counter = iter(range(1, 10_000))

    def make(**kw):
        n = next(counter)
        values = {
            "slug": f"tagung-{n}",
            "title": f"Tagung {n}",
            "starts_on": date(2024, 11, 19),
            "ends_on": date(2024, 11, 20),
            "venue": "Tagungszentrum",
            "status": "published",
        }
        values.update(kw)
        return Event.create(**values)

    return make


# --- browser: one Chromium (Playwright) for the whole run --------------------------------
# Browser tests anywhere carry `pytestmark = pytest.mark.browser` (tests/browser/ gets it from
# its conftest); they skip only when Chromium or Playwright cannot be had, and say so loudly.

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
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
