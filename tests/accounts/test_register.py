"""Registration and address confirmation."""

import pytest

from portal.accounts.models import Role, RoleGrant, User
from portal.accounts.passwords import verify_password

GOOD_PASSWORD = "Fahrrad Tulpe Regenschirm 7"


def _register(
    client,
    email="erika@example.org",
    name="Erika Mustermann",
    password=GOOD_PASSWORD,
    repeat=None,
    **kwargs,
):
    data = {
        "name": name,
        "email": email,
        "password": password,
        "password_repeat": password if repeat is None else repeat,
    }
    return client.post("/konto/registrieren", data=data, **kwargs)


def test_register_page_shows_form(client):
    response = client.get("/konto/registrieren")
    assert response.status_code == 200
    assert 'name="password_repeat"' in response.text
    assert "<h1" in response.text and "Konto anlegen" in response.text


def test_register_creates_unconfirmed_attendee(client):
    response = _register(client, email="  Erika@Example.ORG ")
    assert response.status_code == 303
    assert response.headers["Location"] == "/konto/postfach/registrierung"
    user = User.get(User.email == "erika@example.org")
    assert user.name == "Erika Mustermann"
    assert user.email_confirmed_at is None
    assert verify_password(user.password_hash, GOOD_PASSWORD)
    assert user.password_hash.startswith("$argon2id$")
    grants = [(g.role, g.event_id) for g in RoleGrant.select().where(RoleGrant.user == user)]
    assert grants == [(Role.ATTENDEE, None)]


def test_register_then_confirm_through_mailed_link(client, mails, post_login):
    _register(client)
    [mail] = mails()
    assert mail.to == "erika@example.org"
    assert mail.subject == "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    assert "Guten Tag Erika Mustermann," in mail.text
    link = mail.link("/konto/bestaetigen/")
    assert f'href="http://localhost{link}"' in mail.html

    response = client.get(link)
    assert response.status_code == 303
    assert response.headers["Location"] == "/konto/anmelden"
    assert User.get(User.email == "erika@example.org").email_confirmed_at is not None
    page = client.get("/konto/anmelden").text
    assert "Ihre E-Mail-Adresse ist bestätigt." in page
    assert post_login(client, "erika@example.org", GOOD_PASSWORD).status_code == 303


def test_register_confirm_link_twice_stays_confirmed(client, mails):
    _register(client)
    link = mails()[0].link("/konto/bestaetigen/")
    client.get(link)
    first = User.get(User.email == "erika@example.org").email_confirmed_at
    assert client.get(link).status_code == 303
    assert User.get(User.email == "erika@example.org").email_confirmed_at == first


def test_register_check_mail_page_asks_to_check_inbox(client):
    response = _register(client, follow_redirects=True)
    assert response.status_code == 200
    assert "Bitte prüfen Sie Ihr Postfach" in response.text


def test_register_existing_address_same_answer_and_notice(client, make_user, mails, without_tokens):
    owner = make_user(email="vorhanden@example.org", name="Vera Vorhanden")
    new = _register(client, email="neu@example.org", follow_redirects=True)
    again = _register(client, email="Vorhanden@example.org", name="Mallory", follow_redirects=True)
    assert again.status_code == new.status_code == 200
    assert without_tokens(again.text) == without_tokens(new.text)
    assert User.select().where(User.email == "vorhanden@example.org").count() == 1
    assert User.get_by_id(owner.id).name == "Vera Vorhanden"

    notice = [m for m in mails() if m.to == "vorhanden@example.org"]
    assert [m.subject for m in notice] == ["Registrierung mit Ihrer E-Mail-Adresse"]
    assert "Guten Tag Vera Vorhanden," in notice[0].text
    assert notice[0].link("/konto/passwort-vergessen") == "/konto/passwort-vergessen"
    assert "/konto/bestaetigen/" not in notice[0].text


def test_register_existing_address_redirects_identically(client, make_user):
    make_user(email="vorhanden@example.org")
    new = _register(client, email="neu@example.org")
    again = _register(client, email="vorhanden@example.org")
    assert (again.status_code, again.headers["Location"]) == (
        new.status_code,
        new.headers["Location"],
    )


def test_register_existing_unconfirmed_owner_gets_fresh_confirm_link(client, make_user, mails):
    make_user(email="offen@example.org", confirmed=False)
    _register(client, email="offen@example.org")
    [notice] = mails()
    client.get(notice.link("/konto/bestaetigen/"))
    assert User.get(User.email == "offen@example.org").email_confirmed_at is not None


def test_register_short_password_refused(client):
    response = _register(client, password="kurz-11-zei")
    assert response.status_code == 422
    assert "Das Passwort muss mindestens 12 Zeichen lang sein." in response.text
    assert User.select().count() == 0


@pytest.mark.parametrize(
    "password", ["passwort1234", "123456789012", "QWERTZUIOP12", "HalloHallo12", "tagungsportal"]
)
def test_register_common_password_refused(client, password):
    response = _register(client, password=password)
    assert response.status_code == 422
    assert "Dieses Passwort ist sehr verbreitet und leicht zu erraten." in response.text
    assert User.select().count() == 0


def test_register_overlong_password_refused(client):
    response = _register(client, password="x" * 257)
    assert response.status_code == 422
    assert "Das Passwort darf höchstens 256 Zeichen lang sein." in response.text


def test_register_password_of_256_characters_accepted(client):
    assert _register(client, password="Lang" * 64).status_code == 303


def test_register_mismatched_repeat_refused(client):
    response = _register(client, repeat=GOOD_PASSWORD + "!")
    assert response.status_code == 422
    assert "Die beiden Passwörter stimmen nicht überein." in response.text


def test_register_invalid_email_refused(client):
    response = _register(client, email="erika-at-example")
    assert response.status_code == 422
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein" in response.text


def test_register_empty_form_names_every_field(client):
    response = client.post("/konto/registrieren", data={})
    assert response.status_code == 422
    for message in (
        "Bitte geben Sie Ihren Namen ein.",
        "Bitte geben Sie Ihre E-Mail-Adresse ein.",
        "Bitte geben Sie ein Passwort ein.",
    ):
        assert message in response.text


def test_register_error_keeps_name_and_email_but_not_password(client):
    response = _register(client, password="zu kurz", name="Erika <Muster>")
    assert response.status_code == 422
    assert 'value="Erika &lt;Muster&gt;"' in response.text
    assert 'value="erika@example.org"' in response.text
    assert "zu kurz" not in response.text
    assert 'aria-describedby="password-hint password-error"' in response.text
    assert 'id="password-error"' in response.text


def test_register_without_csrf_token_refused(client):
    response = _register(client, csrf=False)
    assert response.status_code == 400
    assert "Das Formular ist abgelaufen" in response.text
    assert User.select().count() == 0


def test_resend_confirmation_same_answer_for_every_address(client, make_user, mails):
    make_user(email="offen@example.org", confirmed=False)
    make_user(email="fertig@example.org", confirmed=True)
    answers = [
        client.post("/konto/bestaetigung-anfordern", data={"email": email})
        for email in ("offen@example.org", "fertig@example.org", "niemand@example.org")
    ]
    assert {(r.status_code, r.headers["Location"]) for r in answers} == {
        (303, "/konto/postfach/bestaetigung")
    }
    assert [m.to for m in mails()] == ["offen@example.org"]
