"""Exact capacity under concurrency: real parallel HTTP requests against a threaded server.

The app runs in werkzeug's threaded server on the test database (a SQLite file, or PostgreSQL
with TEST_DATABASE_URL); every request is a real HTTP POST with its own session cookie and CSRF
token, started together by a barrier. The invariant is checked by services.capacity_violations:
confirmed registrations never exceed the capacity and the `taken` counter equals them.
"""

import http.client
import threading
import time
from urllib.parse import urlencode

import pytest
from werkzeug.serving import make_server

from portal.mailer import OutboxMail
from portal.registration import services
from portal.registration.models import Registration, RegistrationSettings, RegistrationState
from portal.registration.services import seats
from tests.registration.conftest import form_data, service_values

N = 12  # parallel requests for the last seat


@pytest.fixture
def server(app):
    """The app (same config and database as the test) on a free port; yields the port."""
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.server_port
    srv.shutdown()
    thread.join(timeout=10)


def browser_session(app, user) -> tuple[str, str]:
    """(session cookie, CSRF token) of a browser where `user` is signed in."""
    client = app.test_client()
    with client.session_transaction() as session:  # the login form has its own tests
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    token = client.csrf_token()
    return client.get_cookie("session").value, token


def post(port: int, path: str, cookie: str, token: str, data: dict) -> int:
    """One real HTTP POST; returns the status code."""
    body = urlencode({**data, "csrf_token": token}, doseq=True)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"session={cookie}",
        "X-CSRFToken": token,
        "Host": "localhost",
    }
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", path, body, headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def fire_together(port: int, path: str, sessions: list, data_for) -> list[int]:
    """POST once per session, all released by one barrier; the status codes."""
    barrier = threading.Barrier(len(sessions))
    statuses = [None] * len(sessions)

    def run(i, cookie, token):
        barrier.wait(timeout=30)
        try:
            statuses[i] = post(port, path, cookie, token, data_for(i))
        except Exception as exc:  # noqa: BLE001  (reported through the assertion)
            statuses[i] = repr(exc)

    threads = [
        threading.Thread(target=run, args=(i, cookie, token))
        for i, (cookie, token) in enumerate(sessions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return statuses


@pytest.fixture
def last_seat(app, open_event, make_user, register_user):
    """An event with 5 seats of which 4 are taken, and N signed-in newcomers."""
    event = open_event(capacity=5)
    for _ in range(4):
        register_user(event)
    users = [make_user() for _ in range(N)]
    sessions = [browser_session(app, user) for user in users]
    return event, users, sessions


def counts(event) -> dict:
    rows = Registration.select().where(Registration.event == event)
    result = {}
    for row in rows:
        result[row.state] = result.get(row.state, 0) + 1
    return result


def race(server, event, users, sessions) -> list:
    path = f"/veranstaltungen/{event.slug}/anmeldung"
    return fire_together(server, path, sessions, lambda i: form_data(email=users[i].email))


def test_last_seat_goes_to_exactly_one_of_many_parallel_requests(server, last_seat):
    event, users, sessions = last_seat
    statuses = race(server, event, users, sessions)
    assert statuses == [303] * N
    assert counts(event) == {RegistrationState.CONFIRMED: 5, RegistrationState.WAITLISTED: N - 1}
    assert services.capacity_violations(event) == []
    assert sorted(services.waitlist_positions(event).values()) == list(range(1, N))


@pytest.fixture
def read_before_write(monkeypatch):
    """Hold every registration after it read the settings until all have read them.

    This forces the worst interleaving: each request has checked the free seats before any
    of them writes.
    """
    barrier = threading.Barrier(N)
    original = seats.ensure_settings

    def ensure_settings_then_wait(event):
        settings = original(event)
        barrier.wait(timeout=30)
        return settings

    monkeypatch.setattr(seats, "ensure_settings", ensure_settings_then_wait)


def test_guard_stays_exact_when_every_request_checks_first(server, last_seat, read_before_write):
    event, users, sessions = last_seat
    statuses = race(server, event, users, sessions)
    assert statuses == [303] * N
    assert counts(event) == {RegistrationState.CONFIRMED: 5, RegistrationState.WAITLISTED: N - 1}
    assert services.capacity_violations(event) == []


def naive_take_seat(settings) -> bool:
    """Check-then-insert without the guard: trusts the seat count it read earlier."""
    if settings.capacity is not None and settings.taken >= settings.capacity:
        return False
    time.sleep(0.05)  # the gap between check and write that real traffic also has
    model = RegistrationSettings
    model.update(taken=model.taken + 1).where(model.id == settings.id).execute()
    return True


def test_without_the_guard_the_same_race_overbooks(
    server, last_seat, read_before_write, monkeypatch
):
    """Shows that the concurrency tests above can fail: remove the guard and they do.

    The guard seats.take_seat is swapped for a naive check-then-insert: decide on the free
    seats read before the write transaction, then count the seat unconditionally. Under exactly
    the same parallel requests and interleaving as
    test_guard_stays_exact_when_every_request_checks_first, the invariant checker used there
    reports overbooking. On SQLite the IMMEDIATE transactions still run one after another, but
    each decides on its stale check, so both databases overbook.
    """
    monkeypatch.setattr(seats, "take_seat", naive_take_seat)
    event, users, sessions = last_seat
    statuses = race(server, event, users, sessions)
    assert statuses == [303] * N
    violations = services.capacity_violations(event)
    assert violations == [f"overbooked: {4 + N} confirmed for 5 seats"]
    assert counts(event) == {RegistrationState.CONFIRMED: 4 + N}


def test_double_click_registers_once(app, server, open_event, make_user):
    event = open_event(capacity=5)
    user = make_user()
    cookie, token = browser_session(app, user)
    path = f"/veranstaltungen/{event.slug}/anmeldung"
    clicks = 6
    statuses = fire_together(
        server, path, [(cookie, token)] * clicks, lambda i: form_data(email=user.email)
    )
    assert statuses == [303] * clicks
    [registration] = Registration.select()
    assert registration.state == RegistrationState.CONFIRMED
    assert RegistrationSettings.get(event=event).taken == 1
    assert OutboxMail.select().count() == 1


def test_double_submit_through_the_service_in_threads(app, open_event, make_user):
    """Two threads insert for the same person: the unique index decides, no error escapes."""
    event = open_event(capacity=5)
    user = make_user()
    barrier = threading.Barrier(4)
    results = []

    def submit():
        with app.app_context():
            barrier.wait(timeout=30)
            results.append(services.register(event=event, user=user, **service_values())[1])

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [False, False, False, True]
    assert Registration.select().count() == 1
    assert RegistrationSettings.get(event=event).taken == 1
