"""Signed links: expiry, forgery, purpose, and what a token carries."""

import base64
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from portal.accounts import tokens
from portal.accounts.models import User
from portal.accounts.tokens import Purpose
from tests.conftest import PASSWORD

GOOD_PASSWORD = "Fahrrad Tulpe Regenschirm 7"


def _signed_hours_ago(monkeypatch, hours, action):
    """Run `action` while itsdangerous stamps signatures `hours` in the past."""
    past = int(time.time()) - int(hours * 3600)
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: past)
        return action()


def _register(client, email="erika@example.org"):
    return client.post(
        "/konto/registrieren",
        data={
            "name": "Erika Mustermann",
            "email": email,
            "password": GOOD_PASSWORD,
            "password_repeat": GOOD_PASSWORD,
        },
    )


def test_token_carries_only_id_and_fingerprint(app, make_user):
    user = make_user(email="erika@example.org")
    token = tokens.make_token(user, Purpose.CONFIRM)
    valid, payload = URLSafeTimedSerializer(app.secret_key).loads_unsafe(
        token, salt="portal.accounts.confirm-email"
    )
    assert valid is True
    assert payload == [user.id, tokens.fingerprint(user, Purpose.CONFIRM)]
    raw = base64.urlsafe_b64decode(token.split(".")[0] + "==").decode()
    assert "erika" not in raw and "example" not in raw


def test_token_fingerprint_differs_per_purpose(app, make_user):
    user = make_user()
    prints = {tokens.fingerprint(user, purpose) for purpose in Purpose}
    assert len(prints) == len(Purpose)


def test_confirm_expired_link_says_expired_and_offers_new_link(client, mails, monkeypatch):
    _signed_hours_ago(monkeypatch, 49, lambda: _register(client))
    link = mails()[0].link("/konto/bestaetigen/")
    response = client.get(link)
    assert response.status_code == 410
    assert "Der Bestätigungslink ist abgelaufen." in response.text
    assert 'action="/konto/bestaetigung-anfordern"' in response.text
    assert User.get(User.email == "erika@example.org").email_confirmed_at is None


def test_confirm_link_just_inside_max_age_works(client, mails, monkeypatch):
    _signed_hours_ago(monkeypatch, 47, lambda: _register(client))
    response = client.get(mails()[0].link("/konto/bestaetigen/"))
    assert response.status_code == 303
    assert User.get(User.email == "erika@example.org").email_confirmed_at is not None


def test_confirm_forged_link_says_invalid(client, make_user):
    user = make_user(confirmed=False)
    forged = URLSafeTimedSerializer("another-secret-key", salt="portal.accounts.confirm-email")
    token = forged.dumps([user.id, "0" * 32])
    response = client.get(f"/konto/bestaetigen/{token}")
    assert response.status_code == 400
    assert "Der Bestätigungslink ist ungültig." in response.text
    assert "abgelaufen" not in response.text
    assert User.get_by_id(user.id).email_confirmed_at is None


def test_confirm_tampered_link_says_invalid(client, mails):
    _register(client)
    link = mails()[0].link("/konto/bestaetigen/")
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    response = client.get(tampered)
    assert response.status_code == 400
    assert "Der Bestätigungslink ist ungültig." in response.text


def test_confirm_link_of_other_purpose_refused(app, client, make_user):
    user = make_user(confirmed=False)
    reset_token = tokens.make_token(user, Purpose.RESET)
    response = client.get(f"/konto/bestaetigen/{reset_token}")
    assert response.status_code == 400
    assert User.get_by_id(user.id).email_confirmed_at is None


def test_confirm_link_for_old_address_refused_after_change(client, make_user):
    user = make_user(email="alt@example.org", confirmed=False)
    token = tokens.make_token(user, Purpose.CONFIRM)
    User.update(email="neu@example.org").where(User.id == user.id).execute()
    assert client.get(f"/konto/bestaetigen/{token}").status_code == 400


def test_reset_expired_link_says_expired(client, make_user, mails, monkeypatch):
    make_user(email="erika@example.org")
    _signed_hours_ago(
        monkeypatch,
        2.1,
        lambda: client.post("/konto/passwort-vergessen", data={"email": "erika@example.org"}),
    )
    link = mails()[0].link("/konto/passwort-neu/")
    response = client.get(link)
    assert response.status_code == 410
    assert "Der Link zum Zurücksetzen des Passworts ist abgelaufen." in response.text
    assert 'action="/konto/passwort-vergessen"' in response.text
    posted = client.post(link, data={"password": GOOD_PASSWORD, "password_repeat": GOOD_PASSWORD})
    assert posted.status_code == 410


def test_reset_link_of_one_hour_still_valid(client, make_user, mails, monkeypatch):
    make_user(email="erika@example.org")
    _signed_hours_ago(
        monkeypatch,
        1.9,
        lambda: client.post("/konto/passwort-vergessen", data={"email": "erika@example.org"}),
    )
    response = client.get(mails()[0].link("/konto/passwort-neu/"))
    assert response.status_code == 200
    assert 'name="password_repeat"' in response.text


def test_reset_forged_link_says_invalid(client, make_user):
    user = make_user()
    forged = URLSafeTimedSerializer("another-secret-key", salt="portal.accounts.reset-password")
    response = client.get(f"/konto/passwort-neu/{forged.dumps([user.id, 'x'])}")
    assert response.status_code == 400
    assert "Der Link zum Zurücksetzen des Passworts ist ungültig" in response.text


def test_load_user_unknown_id_is_invalid(app):
    serializer = URLSafeTimedSerializer(app.secret_key, salt="portal.accounts.confirm-email")
    token = serializer.dumps([99999, "0" * 32])
    with pytest.raises(tokens.TokenInvalid) as info:
        tokens.load_user(token, Purpose.CONFIRM)
    assert type(info.value) is tokens.TokenInvalid


def test_load_user_malformed_payload_is_invalid(app, make_user):
    serializer = URLSafeTimedSerializer(app.secret_key, salt="portal.accounts.confirm-email")
    with pytest.raises(tokens.TokenInvalid):
        tokens.load_user(serializer.dumps({"email": "person1@example.org"}), Purpose.CONFIRM)


def test_email_change_expired_link_says_expired(client, make_user, login, mails, monkeypatch):
    user = make_user(email="alt@example.org")

    def request_change():
        login(user)  # inside the past as well: the session cookie is timestamped too
        return client.post(
            "/konto/e-mail", data={"new_email": "neu@example.org", "confirm_password": PASSWORD}
        )

    assert _signed_hours_ago(monkeypatch, 49, request_change).status_code == 303
    link = next(m for m in mails() if m.to == "neu@example.org").link("/konto/e-mail-bestaetigen/")
    response = client.get(link)
    assert response.status_code == 410
    assert "Der Link zur Bestätigung der neuen E-Mail-Adresse ist abgelaufen." in response.text
    assert User.get_by_id(user.id).email == "alt@example.org"
