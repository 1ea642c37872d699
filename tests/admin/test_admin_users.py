"""Administration of accounts: access, search, roles per account, grants and revocations."""

import json

import pytest

from portal.accounts.models import Role, RoleGrant, User
from portal.audit import AuditEntry
from tests.conftest import PASSWORD


@pytest.fixture
def admin(make_user, login):
    """A logged-in administrator."""
    user = make_user(name="Ada Admin", email="ada@example.org", roles=("admin",))
    login(user)
    return user


def _grants(user):
    return sorted(
        (str(g.role), g.event_id) for g in RoleGrant.select().where(RoleGrant.user == user)
    )


# --- access -------------------------------------------------------------------------------


def test_users_anonymous_sent_to_login(client):
    response = client.get("/admin/konten")
    assert response.status_code == 302
    assert response.headers["Location"] == "/konto/anmelden?next=%2Fadmin%2Fkonten"


@pytest.mark.parametrize("role", ["attendee", "organiser", "speaker"])
def test_users_without_admin_role_forbidden(client, make_user, login, role):
    login(make_user(roles=(role,)))
    response = client.get("/admin/konten")
    assert response.status_code == 403
    assert "Kein Zugriff" in response.text


def test_grant_without_admin_role_forbidden(client, make_user, login):
    organiser = make_user(roles=("organiser",))
    login(organiser)
    response = client.post(f"/admin/konten/{organiser.id}/rollen", data={"role": "admin"})
    assert response.status_code == 403
    assert _grants(organiser) == [("organiser", None)]


def test_event_scoped_admin_grant_is_not_admin(client, make_user, make_event, login):
    user = make_user(roles=())
    RoleGrant.create(user=user, role="admin", event=make_event())
    login(user)
    assert client.get("/admin/konten").status_code == 403


# --- list and search ----------------------------------------------------------------------


def test_users_lists_accounts_with_german_roles(client, admin, make_user, make_event):
    event = make_event(title="Kommunaltagung")
    speaker = make_user(name="Sina Sprecher", roles=("attendee",))
    RoleGrant.create(user=speaker, role="speaker", event=event)
    make_user(name="Otto Offen", confirmed=False)
    page = client.get("/admin/konten")
    assert page.status_code == 200
    assert page.text.count("<h1") == 1
    row = page.text.split(f'id="account-{speaker.id}"')[1].split("</tr>")[0]
    assert "Sina Sprecher" in row
    assert '<span class="kern-badge">Teilnehmende</span>' in row
    assert '<span class="kern-badge">Referierende – Kommunaltagung</span>' in row
    assert "3 Konten" in page.text
    assert "nicht bestätigt" in page.text


def test_users_search_plain_get(client, admin, make_user):
    make_user(name="Berta Beispiel", email="berta@example.org")
    make_user(name="Carl Muster", email="carl@beispiel.de")
    by_name = client.get("/admin/konten?q=berta")
    assert "Berta Beispiel" in by_name.text
    assert "Carl Muster" not in by_name.text
    assert 'value="berta"' in by_name.text
    by_mail = client.get("/admin/konten?q=BEISPIEL.de")
    assert "Carl Muster" in by_mail.text
    assert "Berta Beispiel" not in by_mail.text
    nothing = client.get("/admin/konten?q=zzz")
    assert "Keine Konten gefunden." in nothing.text


def test_users_search_htmx_returns_fragment(client, admin, make_user):
    make_user(name="Berta Beispiel")
    response = client.get("/admin/konten?q=Berta", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.startswith('<div id="account-list">')
    assert "<html" not in response.text
    assert "Berta Beispiel" in response.text
    assert "Ada Admin" not in response.text
    assert 'hx-swap-oob="true">1 Konto gefunden</div>' in response.text
    assert "HX-Request" in response.headers["Vary"].split(", ")


def test_users_page_has_live_search_that_works_without_js(client, admin):
    page = client.get("/admin/konten").text
    assert '<form method="get" action="/admin/konten" role="search"' in page
    assert 'hx-get="/admin/konten"' in page
    assert 'hx-target="#account-list"' in page


def test_users_paginates(client, admin, make_user, monkeypatch):
    from portal.admin import services

    monkeypatch.setattr(services, "PER_PAGE", 2)
    for n in range(3):
        make_user(name=f"Zeta {n}")
    first = client.get("/admin/konten?q=Zeta")
    assert "Zeta 0" in first.text and "Zeta 1" in first.text and "Zeta 2" not in first.text
    assert "/admin/konten?q=Zeta&amp;seite=2" in first.text
    second = client.get("/admin/konten?q=Zeta&seite=2")
    assert "Zeta 2" in second.text and "Zeta 0" not in second.text
    assert "Nächste Seite" not in second.text
    assert "/admin/konten?q=Zeta&amp;seite=1" in second.text


def test_users_query_count_constant(client, admin, make_user, make_event, count_queries):
    event = make_event()

    def add_people(n):
        for _ in range(n):
            user = make_user(roles=("attendee", "exhibitor"))
            RoleGrant.create(user=user, role="moderator", event=event)

    add_people(2)
    with count_queries() as few:
        assert client.get("/admin/konten").status_code == 200
    add_people(8)
    with count_queries() as many:
        assert client.get("/admin/konten").status_code == 200
    assert len(many) == len(few)
    selects = [q for q in many if q.lstrip("('").upper().startswith("SELECT")]
    assert sum('FROM "role_grant"' in q for q in selects) == 2  # the guard's and the list's


# --- grant --------------------------------------------------------------------------------


def test_user_roles_page_shows_grants_and_form(client, admin, make_user, make_event):
    make_event(title="Dialog Halle")
    person = make_user(name="Paula Person")
    page = client.get(f"/admin/konten/{person.id}")
    assert page.status_code == 200
    assert "Rollen von Paula Person" in page.text
    assert '<option selected value="">Alle Veranstaltungen</option>' in page.text
    assert "Dialog Halle (19.11.2024)" in page.text
    assert '<option value="organiser">Organisationsbüro</option>' in page.text


def test_user_roles_unknown_account_404(client, admin):
    assert client.get("/admin/konten/9999").status_code == 404
    assert client.post("/admin/konten/9999/rollen", data={"role": "speaker"}).status_code == 404


def test_grant_global_role_with_audit(client, admin, make_user):
    person = make_user(roles=("attendee",))
    response = client.post(f"/admin/konten/{person.id}/rollen", data={"role": "organiser"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/konten/{person.id}"
    assert _grants(person) == [("attendee", None), ("organiser", None)]
    grant = RoleGrant.get((RoleGrant.user == person) & (RoleGrant.role == "organiser"))
    assert grant.granted_by_id == admin.id
    entry = AuditEntry.get(AuditEntry.action == "role.granted")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (admin.id, "User", person.id)
    assert json.loads(entry.details) == {
        "event_id": None,
        "grant_id": grant.id,
        "role": "organiser",
    }
    assert "Rolle „Organisationsbüro“ vergeben." in client.get(response.headers["Location"]).text


def test_grant_role_for_one_event(client, admin, make_user, make_event):
    event = make_event()
    other = make_event()
    person = make_user(roles=("attendee",))
    for target in (event, other):
        response = client.post(
            f"/admin/konten/{person.id}/rollen", data={"role": "speaker", "event": str(target.id)}
        )
        assert response.status_code == 303
    assert _grants(person) == sorted(
        [("attendee", None), ("speaker", event.id), ("speaker", other.id)]
    )
    page = client.get(f"/admin/konten/{person.id}").text
    assert page.count("Referierende") >= 2


def test_grant_same_role_twice_refused(client, admin, make_user, make_event):
    event = make_event()
    person = make_user(roles=("attendee",))
    again = client.post(f"/admin/konten/{person.id}/rollen", data={"role": "attendee"})
    assert again.status_code == 422
    assert "Das Konto hat diese Rolle hier bereits." in again.text
    client.post(f"/admin/konten/{person.id}/rollen", data={"role": "moderator", "event": event.id})
    twice = client.post(
        f"/admin/konten/{person.id}/rollen", data={"role": "moderator", "event": event.id}
    )
    assert twice.status_code == 422
    assert _grants(person) == sorted([("attendee", None), ("moderator", event.id)])
    assert AuditEntry.select().where(AuditEntry.action == "role.granted").count() == 1


def test_grant_global_only_role_for_event_refused(client, admin, make_user, make_event):
    event = make_event()
    person = make_user(roles=())
    response = client.post(
        f"/admin/konten/{person.id}/rollen", data={"role": "organiser", "event": event.id}
    )
    assert response.status_code == 422
    assert "Diese Rolle gilt immer für alle Veranstaltungen." in response.text
    assert '<option selected value="organiser">' in response.text
    assert _grants(person) == []


def test_grant_unknown_role_or_event_refused(client, admin, make_user):
    person = make_user(roles=())
    bad_role = client.post(f"/admin/konten/{person.id}/rollen", data={"role": "kaiser"})
    assert bad_role.status_code == 422
    bad_event = client.post(
        f"/admin/konten/{person.id}/rollen", data={"role": "speaker", "event": "4711"}
    )
    assert bad_event.status_code == 422
    assert _grants(person) == []


def test_grant_htmx_returns_panel_and_status(client, admin, make_user):
    person = make_user(roles=())
    response = client.post(
        f"/admin/konten/{person.id}/rollen",
        data={"role": "exhibitor"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="role-panel"')
    assert "<html" not in response.text
    assert 'hx-swap-oob="true">Rolle „Aussteller“ vergeben.</div>' in response.text
    assert _grants(person) == [("exhibitor", None)]


def test_grant_without_csrf_token_refused(client, admin, make_user):
    person = make_user(roles=())
    response = client.post(f"/admin/konten/{person.id}/rollen", data={"role": "admin"}, csrf=False)
    assert response.status_code == 400
    assert _grants(person) == []


# --- revoke -------------------------------------------------------------------------------


def test_revoke_role_with_audit(client, admin, make_user):
    person = make_user(roles=("attendee", "organiser"))
    grant = RoleGrant.get((RoleGrant.user == person) & (RoleGrant.role == Role.ORGANISER))
    response = client.post(f"/admin/konten/{person.id}/rollen/{grant.id}/entziehen")
    assert response.status_code == 303
    assert _grants(person) == [("attendee", None)]
    entry = AuditEntry.get(AuditEntry.action == "role.revoked")
    assert (entry.actor_id, entry.object_id) == (admin.id, person.id)
    assert json.loads(entry.details)["role"] == "organiser"


def test_revoke_ends_access_of_revoked_organiser(app, client, admin, make_user):
    organiser = make_user(roles=("organiser", "admin"))
    other = app.test_client()
    other.post("/konto/anmelden", data={"email": organiser.email, "password": PASSWORD})
    assert other.get("/admin/konten").status_code == 200
    grant = RoleGrant.get((RoleGrant.user == organiser) & (RoleGrant.role == Role.ADMIN))
    client.post(f"/admin/konten/{organiser.id}/rollen/{grant.id}/entziehen")
    assert other.get("/admin/konten").status_code == 403


def test_revoke_own_admin_role_refused(client, admin):
    grant = RoleGrant.get((RoleGrant.user == admin) & (RoleGrant.role == Role.ADMIN))
    response = client.post(
        f"/admin/konten/{admin.id}/rollen/{grant.id}/entziehen", follow_redirects=True
    )
    assert "Ihre eigene Rolle „Administration“ können Sie nicht entziehen." in response.text
    assert _grants(admin) == [("admin", None)]
    assert AuditEntry.select().count() == 0
    htmx = client.post(
        f"/admin/konten/{admin.id}/rollen/{grant.id}/entziehen", headers={"HX-Request": "true"}
    )
    assert htmx.status_code == 422
    assert _grants(admin) == [("admin", None)]


def test_revoke_other_admins_admin_role_allowed(client, admin, make_user):
    other_admin = make_user(roles=("admin",))
    grant = RoleGrant.get(RoleGrant.user == other_admin)
    assert (
        client.post(f"/admin/konten/{other_admin.id}/rollen/{grant.id}/entziehen").status_code
        == 303
    )
    assert _grants(other_admin) == []


def test_revoke_grant_of_other_account_404(client, admin, make_user):
    person = make_user(roles=("attendee",))
    stranger = make_user(roles=("organiser",))
    grant = RoleGrant.get(RoleGrant.user == stranger)
    response = client.post(f"/admin/konten/{person.id}/rollen/{grant.id}/entziehen")
    assert response.status_code == 404
    assert _grants(stranger) == [("organiser", None)]


def test_revoke_htmx_returns_panel(client, admin, make_user, make_event):
    event = make_event()
    person = make_user(roles=())
    grant = RoleGrant.create(user=person, role="moderator", event=event)
    response = client.post(
        f"/admin/konten/{person.id}/rollen/{grant.id}/entziehen", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="role-panel"')
    assert "Rolle „Moderation“ entzogen." in response.text
    assert "Dieses Konto hat keine Rolle." in response.text
    assert User.get_by_id(person.id).is_active
