"""Forgotten password: request a link, set a new password once."""

from portal.accounts.models import LoginFailure, User
from portal.accounts.passwords import verify_password
from tests.conftest import PASSWORD

NEW_PASSWORD = "Neues Kennwort fuer die Tagung 9"


def _request(client, email):
    return client.post("/konto/passwort-vergessen", data={"email": email})


def _set(client, link, password=NEW_PASSWORD, repeat=None):
    data = {"password": password, "password_repeat": password if repeat is None else repeat}
    return client.post(link, data=data)


def test_forgot_password_same_answer_for_known_and_unknown(client, make_user, mails):
    make_user(email="erika@example.org")
    known = _request(client, "erika@example.org")
    unknown = _request(client, "niemand@example.org")
    assert (known.status_code, known.headers["Location"]) == (303, "/konto/postfach/passwort")
    assert (unknown.status_code, unknown.headers["Location"]) == (303, "/konto/postfach/passwort")
    assert [m.to for m in mails()] == ["erika@example.org"]


def test_forgot_password_mail_has_absolute_link(client, make_user, mails):
    make_user(email="erika@example.org", name="Erika Mustermann")
    _request(client, "Erika@Example.org")
    [mail] = mails()
    assert mail.subject == "Neues Passwort für das Tagungsportal"
    assert "Der Link gilt 2 Stunden und nur für eine Änderung." in mail.text
    link = mail.link("/konto/passwort-neu/")
    assert f"http://localhost{link}" in mail.text
    assert f'href="http://localhost{link}"' in mail.html


def test_forgot_password_invalid_address_refused(client):
    response = _request(client, "kein-at-zeichen")
    assert response.status_code == 422
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein" in response.text
    assert 'value="kein-at-zeichen"' in response.text


def test_reset_sets_password_ends_sessions_and_notifies(app, client, make_user, mails, login):
    user = make_user(email="erika@example.org")
    other_device = app.test_client()
    other_device.post("/konto/anmelden", data={"email": user.email, "password": PASSWORD})
    _request(client, user.email)
    link = mails()[0].link("/konto/passwort-neu/")

    response = _set(client, link)
    assert response.status_code == 303
    assert response.headers["Location"] == "/konto/anmelden"
    stored = User.get_by_id(user.id)
    assert verify_password(stored.password_hash, NEW_PASSWORD)
    assert stored.session_version == user.session_version + 1
    assert other_device.get("/konto/").status_code == 302

    notices = [m for m in mails() if m.subject == "Ihr Passwort wurde geändert"]
    assert [m.to for m in notices] == ["erika@example.org"]
    assert login(user, password=PASSWORD).status_code == 422
    assert login(user, password=NEW_PASSWORD).status_code == 303


def test_reset_link_works_only_once(client, make_user, mails):
    user = make_user()
    _request(client, user.email)
    link = mails()[0].link("/konto/passwort-neu/")
    assert _set(client, link).status_code == 303
    again = client.get(link)
    assert again.status_code == 400
    assert "ungültig oder wurde bereits verwendet" in again.text
    assert _set(client, link, password="Noch ein anderes Kennwort 5").status_code == 400
    assert verify_password(User.get_by_id(user.id).password_hash, NEW_PASSWORD)


def test_reset_older_link_dies_with_newer_reset(client, make_user, mails):
    user = make_user()
    _request(client, user.email)
    _request(client, user.email)
    first, second = (m.link("/konto/passwort-neu/") for m in mails())
    assert _set(client, second).status_code == 303
    assert _set(client, first, password="Noch ein anderes Kennwort 5").status_code == 400


def test_reset_weak_password_refused(client, make_user, mails):
    user = make_user()
    _request(client, user.email)
    link = mails()[0].link("/konto/passwort-neu/")
    short = _set(client, link, password="zu-kurz")
    assert short.status_code == 422
    assert "Das Passwort muss mindestens 12 Zeichen lang sein." in short.text
    common = _set(client, link, password="Passwort1234")
    assert common.status_code == 422
    assert "Dieses Passwort ist sehr verbreitet" in common.text
    assert verify_password(User.get_by_id(user.id).password_hash, PASSWORD)


def test_reset_confirms_unconfirmed_address_and_clears_lock(client, make_user, mails):
    user = make_user(confirmed=False)
    for _ in range(5):
        client.post("/konto/anmelden", data={"email": user.email, "password": "falsch"})
    _request(client, user.email)
    _set(client, mails()[0].link("/konto/passwort-neu/"))
    assert User.get_by_id(user.id).email_confirmed_at is not None
    response = client.post("/konto/anmelden", data={"email": user.email, "password": NEW_PASSWORD})
    assert response.status_code == 303
    assert LoginFailure.select().where(LoginFailure.key.startswith("acct:")).count() == 0
