"""'Mein Konto': roles, password change and address change."""

from datetime import datetime

from portal.accounts.models import RoleGrant, User
from portal.accounts.passwords import verify_password
from portal.audit import AuditEntry
from tests.conftest import PASSWORD

NEW_PASSWORD = "Neues Kennwort fuer die Tagung 9"


def _change_password(client, current=PASSWORD, new=NEW_PASSWORD, repeat=None, **kwargs):
    data = {
        "current_password": current,
        "new_password": new,
        "new_password_repeat": new if repeat is None else repeat,
    }
    return client.post("/konto/passwort", data=data, **kwargs)


def _change_email(client, new_email, password=PASSWORD):
    return client.post("/konto/e-mail", data={"new_email": new_email, "confirm_password": password})


def test_settings_requires_login(client):
    response = client.get("/konto/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/konto/anmelden")


def test_settings_shows_data_and_german_roles(client, make_user, make_event, login):
    user = make_user(name="Erika Mustermann", email="erika@example.org", roles=("attendee",))
    event = make_event(title="Kommunaltagung 2024")
    RoleGrant.create(user=user, role="speaker", event=event)
    login(user)
    page = client.get("/konto/")
    assert page.status_code == 200
    assert '<dd id="account-name">Erika Mustermann</dd>' in page.text
    assert '<dd id="account-email">erika@example.org</dd>' in page.text
    assert "Teilnehmende" in page.text
    assert "Referierende" in page.text
    assert "für „Kommunaltagung 2024“" in page.text
    assert page.text.count("<h1") == 1


def test_password_change_keeps_this_session_ends_others(app, client, make_user, login, mails):
    user = make_user(email="erika@example.org")
    login(user)
    phone = app.test_client()
    phone.post("/konto/anmelden", data={"email": user.email, "password": PASSWORD})
    assert phone.get("/konto/").status_code == 200

    response = _change_password(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/konto/"
    assert client.get("/konto/").status_code == 200
    assert phone.get("/konto/").status_code == 302
    stored = User.get_by_id(user.id)
    assert verify_password(stored.password_hash, NEW_PASSWORD)
    assert stored.session_version == user.session_version + 1
    assert [(m.to, m.subject) for m in mails()] == [
        ("erika@example.org", "Ihr Passwort wurde geändert")
    ]


def test_password_change_wrong_current_refused(client, make_user, login):
    user = make_user()
    login(user)
    response = _change_password(client, current="nicht mein Passwort")
    assert response.status_code == 422
    assert "Das aktuelle Passwort ist nicht korrekt." in response.text
    assert 'aria-describedby="current_password-error"' in response.text
    assert verify_password(User.get_by_id(user.id).password_hash, PASSWORD)


def test_password_change_weak_new_password_refused(client, make_user, login):
    login(make_user())
    response = _change_password(client, new="hallohallo12")
    assert response.status_code == 422
    assert "Dieses Passwort ist sehr verbreitet" in response.text
    assert "hallohallo12" not in response.text


def test_password_change_locks_after_repeated_wrong_current(app, client, make_user, login):
    app.config["FROZEN_NOW"] = datetime(2026, 11, 21, 10, 0)
    user = make_user()
    login(user)
    statuses = [_change_password(client, current="falsch").status_code for _ in range(5)]
    assert statuses == [422, 422, 422, 422, 429]
    locked = _change_password(client)
    assert locked.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche." in locked.text
    assert verify_password(User.get_by_id(user.id).password_hash, PASSWORD)


def test_password_change_without_csrf_token_refused(client, make_user, login):
    user = make_user()
    login(user)
    assert _change_password(client, csrf=False).status_code == 400
    assert verify_password(User.get_by_id(user.id).password_hash, PASSWORD)


def test_email_change_applies_only_after_link(client, make_user, login, mails):
    user = make_user(email="alt@example.org", name="Erika Mustermann")
    login(user)
    response = _change_email(client, "Neu@Example.org")
    assert response.status_code == 303
    assert response.headers["Location"] == "/konto/"
    stored = User.get_by_id(user.id)
    assert (stored.email, stored.pending_email) == ("alt@example.org", "neu@example.org")
    assert "wartet auf Bestätigung" in client.get("/konto/").text

    delivered = {m.to: m for m in mails()}
    assert sorted(delivered) == ["alt@example.org", "neu@example.org"]
    notice = delivered["alt@example.org"]
    assert notice.subject == "Änderung Ihrer E-Mail-Adresse beantragt"
    assert "neu@example.org" in notice.text
    assert "/konto/e-mail-bestaetigen/" not in notice.text
    link = delivered["neu@example.org"].link("/konto/e-mail-bestaetigen/")

    assert client.get(link).status_code == 303
    stored = User.get_by_id(user.id)
    assert (stored.email, stored.pending_email) == ("neu@example.org", None)
    assert AuditEntry.get(AuditEntry.action == "account.email_changed").object_id == user.id
    assert client.get(link).status_code == 400


def test_email_change_taken_address_neutral_and_owner_told(client, make_user, login, mails):
    make_user(email="vergeben@example.org", name="Vera Vergeben")
    user = make_user(email="alt@example.org")
    login(user)
    taken = _change_email(client, "vergeben@example.org")
    page = client.get("/konto/", follow_redirects=False).text
    assert taken.status_code == 303
    assert taken.headers["Location"] == "/konto/"
    assert "Wir haben einen Bestätigungslink an die neue Adresse geschickt." in page
    assert User.get_by_id(user.id).email == "alt@example.org"

    delivered = {m.to: m for m in mails()}
    assert sorted(delivered) == ["alt@example.org", "vergeben@example.org"]
    owner_mail = delivered["vergeben@example.org"]
    assert owner_mail.subject == "Ihre E-Mail-Adresse wurde für ein anderes Konto angegeben"
    assert "Guten Tag Vera Vergeben," in owner_mail.text
    assert "/konto/e-mail-bestaetigen/" not in owner_mail.text


def test_email_change_answer_equal_for_free_and_taken(client, make_user, login, without_tokens):
    make_user(email="vergeben@example.org")
    login(make_user(email="alt@example.org"))
    taken = _change_email(client, "vergeben@example.org")
    taken_page = without_tokens(client.get("/konto/").text).replace(
        "vergeben@example.org", "ADDRESS"
    )
    free = _change_email(client, "frei@example.org")
    free_page = without_tokens(client.get("/konto/").text).replace("frei@example.org", "ADDRESS")
    assert (taken.status_code, taken.headers["Location"]) == (
        free.status_code,
        free.headers["Location"],
    )
    assert taken_page == free_page


def test_email_change_address_taken_meanwhile_is_refused(client, make_user, login, mails):
    user = make_user(email="alt@example.org")
    login(user)
    _change_email(client, "neu@example.org")
    link = next(m for m in mails() if m.to == "neu@example.org").link("/konto/e-mail-bestaetigen/")
    make_user(email="neu@example.org")
    response = client.get(link, follow_redirects=True)
    assert "Diese E-Mail-Adresse gehört inzwischen zu einem anderen Konto." in response.text
    stored = User.get_by_id(user.id)
    assert (stored.email, stored.pending_email) == ("alt@example.org", None)


def test_email_change_newer_request_kills_older_link(client, make_user, login, mails):
    user = make_user(email="alt@example.org")
    login(user)
    _change_email(client, "erste@example.org")
    _change_email(client, "zweite@example.org")
    links = {m.to: m.link("/konto/e-mail-bestaetigen/") for m in mails() if m.to != user.email}
    assert client.get(links["erste@example.org"]).status_code == 400
    assert client.get(links["zweite@example.org"]).status_code == 303
    assert User.get_by_id(user.id).email == "zweite@example.org"


def test_email_change_wrong_password_refused(client, make_user, login, mails):
    user = make_user(email="alt@example.org")
    login(user)
    response = _change_email(client, "neu@example.org", password="falsch")
    assert response.status_code == 422
    assert "Das aktuelle Passwort ist nicht korrekt." in response.text
    assert 'value="neu@example.org"' in response.text
    assert User.get_by_id(user.id).pending_email is None
    assert mails() == []


def test_email_change_same_address_refused(client, make_user, login):
    login(make_user(email="alt@example.org"))
    response = _change_email(client, "ALT@example.org")
    assert response.status_code == 422
    assert "Das ist bereits Ihre E-Mail-Adresse." in response.text


def test_email_change_invalid_address_refused(client, make_user, login):
    login(make_user())
    response = _change_email(client, "keine adresse")
    assert response.status_code == 422
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein" in response.text
    assert 'value="keine adresse"' in response.text
