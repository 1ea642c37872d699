"""Logging in and out: sessions, safe redirects, unconfirmed accounts and rate limits."""

import hashlib
from datetime import datetime, timedelta

import pytest

from portal.accounts import passwords
from portal.accounts.models import LoginFailure, User
from tests.conftest import PASSWORD

LOCKED = "Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie 15 Minuten"
WRONG = "E-Mail-Adresse oder Passwort ist nicht korrekt."
NOW = datetime(2026, 11, 21, 10, 0)


@pytest.fixture
def frozen(app):
    app.config["FROZEN_NOW"] = NOW
    return app


def test_login_success_redirects_home_and_opens_account(client, make_user, login):
    user = make_user(name="Erika Mustermann")
    response = login(user)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    page = client.get("/konto/")
    assert page.status_code == 200
    assert "Erika Mustermann" in page.text
    assert User.get_by_id(user.id).last_login_at is not None


def test_login_address_is_case_insensitive(client, make_user, post_login):
    make_user(email="erika@example.org")
    assert post_login(client, " Erika@Example.org ", PASSWORD).status_code == 303


def test_login_follows_local_next(client, make_user):
    user = make_user()
    response = client.post(
        "/konto/anmelden",
        data={"email": user.email, "password": PASSWORD, "next": "/konto/?tab=1"},
    )
    assert response.headers["Location"] == "/konto/?tab=1"


def test_login_page_carries_next_from_query(client):
    response = client.get("/konto/anmelden?next=/konto/")
    assert 'name="next" type="hidden" value="/konto/"' in response.text


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        "konto",
    ],
)
def test_login_ignores_foreign_next(client, make_user, target):
    user = make_user()
    response = client.post(
        "/konto/anmelden", data={"email": user.email, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_login_protected_page_redirects_to_login_with_next(client):
    response = client.get("/konto/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/konto/anmelden?next=%2Fkonto%2F"


def test_login_wrong_password_refused_keeps_email(client, make_user, login):
    user = make_user(email="erika@example.org")
    response = login(user, password="falsches Passwort 123")
    assert response.status_code == 422
    assert WRONG in response.text
    assert 'value="erika@example.org"' in response.text
    assert "falsches Passwort 123" not in response.text
    assert client.get("/konto/").status_code == 302


def test_login_unknown_address_same_message(client, post_login):
    response = post_login(client, "niemand@example.org", PASSWORD)
    assert response.status_code == 422
    assert WRONG in response.text


def test_login_empty_form_refused(client):
    response = client.post("/konto/anmelden", data={})
    assert response.status_code == 422
    assert "Bitte geben Sie Ihre E-Mail-Adresse ein." in response.text
    assert "Bitte geben Sie Ihr Passwort ein." in response.text
    assert LoginFailure.select().count() == 0


def test_login_unconfirmed_refused_with_resend_form(client, make_user, login, mails):
    user = make_user(email="offen@example.org", confirmed=False)
    response = login(user)
    assert response.status_code == 403
    assert "Ihre E-Mail-Adresse ist noch nicht bestätigt." in response.text
    assert 'action="/konto/bestaetigung-anfordern"' in response.text
    assert client.get("/konto/").status_code == 302
    resend = client.post("/konto/bestaetigung-anfordern", data={"email": user.email})
    assert resend.status_code == 303
    assert [m.to for m in mails()] == ["offen@example.org"]


def test_login_inactive_account_refused(client, make_user, login):
    user = make_user()
    User.update(is_active=False).where(User.id == user.id).execute()
    response = login(user)
    assert response.status_code == 422
    assert WRONG in response.text


def test_login_without_csrf_token_refused(client, make_user):
    user = make_user()
    response = client.post(
        "/konto/anmelden", data={"email": user.email, "password": PASSWORD}, csrf=False
    )
    assert response.status_code == 400
    assert client.get("/konto/").status_code == 302


def test_login_clears_the_previous_session(client, make_user, login):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["lang"] = "en"
    login(make_user())
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["lang"] == "en"
        assert "_user_id" in session


def test_login_rehashes_outdated_hash(client, make_user, login):
    from argon2 import PasswordHasher, Type

    user = make_user()
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1, type=Type.ID)
    old_hash = weak.hash(PASSWORD)
    User.update(password_hash=old_hash).where(User.id == user.id).execute()
    assert passwords.needs_rehash(old_hash)
    assert login(user).status_code == 303
    new_hash = User.get_by_id(user.id).password_hash
    assert new_hash != old_hash
    assert not passwords.needs_rehash(new_hash)
    assert passwords.verify_password(new_hash, PASSWORD)


def test_logout_ends_session_and_bumps_version(client, make_user, login):
    user = make_user()
    login(user)
    response = client.post("/konto/abmelden")
    assert response.status_code == 303
    assert User.get_by_id(user.id).session_version == user.session_version + 1
    assert client.get("/konto/").status_code == 302


def test_logout_elsewhere_ends_this_session(app, make_user, post_login):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    assert post_login(laptop, user.email, PASSWORD).status_code == 303
    assert post_login(phone, user.email, PASSWORD).status_code == 303
    assert phone.get("/konto/").status_code == 200
    laptop.post("/konto/abmelden")
    stale = phone.get("/konto/")
    assert stale.status_code == 302
    assert stale.headers["Location"] == "/konto/anmelden?next=%2Fkonto%2F"


def test_logout_without_csrf_token_refused(client, make_user, login):
    login(make_user())
    assert client.post("/konto/abmelden", csrf=False).status_code == 400
    assert client.get("/konto/").status_code == 200


# --- rate limit ---------------------------------------------------------------------------


def _fail(client, email, times, address="198.51.100.1"):
    return [
        client.post(
            "/konto/anmelden",
            data={"email": email, "password": "falsch falsch falsch"},
            environ_base={"REMOTE_ADDR": address},
        )
        for _ in range(times)
    ]


def test_rate_limit_account_locks_at_fifth_failure(frozen, client, make_user):
    user = make_user()
    responses = _fail(client, user.email, 5)
    assert [r.status_code for r in responses] == [422, 422, 422, 422, 429]
    assert LOCKED in responses[-1].text
    assert 'name="email"' in responses[-1].text


def test_rate_limit_refuses_correct_password_while_locked(frozen, client, make_user, post_login):
    user = make_user()
    _fail(client, user.email, 5)
    response = post_login(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.text
    assert client.get("/konto/").status_code == 302


def test_rate_limit_same_message_for_unknown_account(frozen, client, make_user):
    known = make_user(email="bekannt@example.org")
    known_last = _fail(client, known.email, 5, address="198.51.100.1")[-1]
    unknown_last = _fail(client, "unbekannt@example.org", 5, address="198.51.100.2")[-1]
    assert known_last.status_code == unknown_last.status_code == 429
    assert LOCKED in known_last.text and LOCKED in unknown_last.text


def test_rate_limit_lock_ends_after_window(frozen, client, make_user, post_login):
    user = make_user()
    _fail(client, user.email, 5)
    frozen.config["FROZEN_NOW"] = NOW + timedelta(minutes=14)
    assert post_login(client, user.email, PASSWORD).status_code == 429
    frozen.config["FROZEN_NOW"] = NOW + timedelta(minutes=15, seconds=1)
    assert post_login(client, user.email, PASSWORD).status_code == 303


def test_rate_limit_success_forgets_account_failures(frozen, client, make_user, post_login):
    user = make_user()
    _fail(client, user.email, 4)
    assert post_login(client, user.email, PASSWORD).status_code == 303
    assert [r.status_code for r in _fail(client, user.email, 4)] == [422] * 4


def test_rate_limit_per_address_across_accounts(frozen, client, make_user, post_login):
    users = [make_user() for _ in range(5)]
    statuses = []
    for user in users:
        statuses += [r.status_code for r in _fail(client, user.email, 4, address="203.0.113.9")]
    assert statuses == [422] * 19 + [429]
    other = make_user()
    here = post_login(client, other.email, PASSWORD, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert here.status_code == 429
    assert LOCKED in here.text
    elsewhere = post_login(
        client, other.email, PASSWORD, environ_base={"REMOTE_ADDR": "203.0.113.10"}
    )
    assert elsewhere.status_code == 303


def test_rate_limit_stores_only_hashes(frozen, client, make_user):
    user = make_user(email="erika@example.org")
    _fail(client, user.email, 1, address="192.0.2.55")
    keys = sorted(f.key for f in LoginFailure.select())
    assert keys == sorted(
        [
            "acct:" + hashlib.sha256(b"erika@example.org").hexdigest(),
            "addr:" + hashlib.sha256(b"192.0.2.55").hexdigest(),
        ]
    )
    assert all(f.at == NOW for f in LoginFailure.select())


def test_rate_limit_prunes_old_failures(frozen, client, make_user, post_login):
    LoginFailure.create(key="acct:old", at=NOW - timedelta(minutes=16))
    LoginFailure.create(key="acct:recent", at=NOW - timedelta(minutes=5))
    post_login(client, "someone@example.org", "irgendein Passwort")
    assert LoginFailure.select().where(LoginFailure.key == "acct:old").count() == 0
    assert LoginFailure.select().where(LoginFailure.key == "acct:recent").count() == 1


def test_rate_limit_follows_configured_limits(frozen, client, make_user):
    frozen.config["LOGIN_MAX_FAILURES_ACCOUNT"] = 2
    user = make_user()
    assert [r.status_code for r in _fail(client, user.email, 2)] == [422, 429]
