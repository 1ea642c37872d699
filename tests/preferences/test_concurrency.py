"""Two tabs save at the same moment: real parallel HTTP requests against a threaded server.

Both tabs loaded the same version of the ranking. Exactly one save wins (200) and the other
is refused with 409; the stored ranking is the winner's complete order, never a mix. This
holds on SQLite (IMMEDIATE transactions) and PostgreSQL (the conditional UPDATE's row lock).
"""

import http.client
import threading
from urllib.parse import urlencode

import pytest
from werkzeug.serving import make_server

from portal.preferences.models import Preference, Ranking
from tests.preferences.conftest import AFTERNOON

ROUNDS = 4


@pytest.fixture
def server(app):
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


def post(port, path, cookie, token, data) -> int:
    body = urlencode({**data, "csrf_token": token}, doseq=True)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"session={cookie}",
        "X-CSRFToken": token,
        "HX-Request": "true",
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


def test_two_tabs_saving_together_end_with_one_complete_order(
    app, server, programme, make_user, register
):
    user = make_user()
    registration = register(user, programme.event)
    cookie, token = browser_session(app, user)
    path = f"/veranstaltungen/{programme.event.slug}/wuensche/{AFTERNOON}"
    s = programme.s
    tabs = [
        [s["WS 1"].id, s["WS 2"].id, s["WS 3"].id],
        [s["WS 3"].id, s["WS 1"].id],
    ]
    for round_number in range(ROUNDS):
        version = round_number  # each round starts from the version the last winner left
        barrier = threading.Barrier(2)
        statuses = [None, None]

        def run(i, version=version, barrier=barrier, statuses=statuses):
            barrier.wait(timeout=30)
            data = {"version": version, "action": "order", "order": tabs[i]}
            statuses[i] = post(server, path, cookie, token, data)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(statuses) == [200, 409], statuses
        winner = statuses.index(200)
        stored = [
            p.session_id
            for p in Preference.select()
            .where(Preference.registration == registration)
            .order_by(Preference.rank)
        ]
        assert stored == tabs[winner]
        assert Ranking.get(Ranking.registration == registration).version == round_number + 1
