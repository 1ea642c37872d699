"""Invitations: sending, the signed link, accepting with a new or an existing account,
declining, reminders, and who may see the organisers' pages."""

import re
from datetime import datetime, timedelta

import pytest

from portal.accounts.models import Role, RoleGrant, User
from portal.audit import AuditEntry
from portal.mailer import deliver_pending
from portal.speakers import services, tokens
from portal.speakers.models import (
    InvitationStatus,
    SessionSpeaker,
    SpeakerInvitation,
    SpeakerProfile,
)
from tests.conftest import PASSWORD

LINK = re.compile(r"http://localhost(/referierende/einladung/[^\s<\"]+)")


def invitation_path(message) -> str:
    """The invitation link of a delivered mail, as a path for the test client."""
    return LINK.search(message.get_body(("plain",)).get_content()).group(1)


def test_invite_mails_a_link_without_personal_data(app, event, invite, mailbox):
    invitation = invite(event, {event.ws2: "panel", event.v1: "talk"})
    deliver_pending()
    assert [m["To"] for m in mailbox] == ["erika@example.org"]
    text = mailbox[0].get_body(("plain",)).get_content()
    assert mailbox[0]["Subject"] == "Einladung zur Mitwirkung – Kommunaltagung"
    assert "WS 2 – Continuity of Government" in text
    assert "Rolle: Podium" in text
    assert "Rolle: Vortrag" in text
    path = invitation_path(mailbox[0])
    assert "erika" not in path and "example" not in path
    assert tokens.load_invitation(path.rsplit("/", 1)[1]).id == invitation.id
    roles = {
        (a.session_id, a.role)
        for a in SessionSpeaker.select().where(SessionSpeaker.invitation == invitation)
    }
    assert roles == {(event.ws2.id, "panel"), (event.v1.id, "talk")}
    assert invitation.status == InvitationStatus.INVITED
    assert AuditEntry.get(AuditEntry.action == "speaker.invited").object_id == invitation.id


def test_invite_form_creates_invitation_and_redirects(client, sign_in, organiser, event, mailbox):
    sign_in(organiser)
    response = client.post(
        f"/organisation/veranstaltungen/{event.slug}/referierende/einladen",
        data={
            "email": " Ralf.Redner@Example.org ",
            "name": "Ralf Redner",
            "message": "Wir freuen uns auf Sie.",
            f"role_{event.v3.id}": "keynote",
        },
    )
    assert response.status_code == 303
    invitation = SpeakerInvitation.get()
    assert (invitation.email, invitation.name, invitation.invited_by_id) == (
        "ralf.redner@example.org",
        "Ralf Redner",
        organiser.id,
    )
    deliver_pending()
    assert "Wir freuen uns auf Sie." in mailbox[0].get_body(("plain",)).get_content()


def test_invite_form_without_session_is_422_with_message(client, sign_in, organiser, event):
    sign_in(organiser)
    response = client.post(
        f"/organisation/veranstaltungen/{event.slug}/referierende/einladen",
        data={"email": "x@example.org", "name": "Xaver"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Bitte wählen Sie für mindestens einen Programmpunkt eine Rolle." in page
    assert 'value="x@example.org"' in page
    assert SpeakerInvitation.select().count() == 0


def test_invite_refuses_session_of_another_event(app, event, make_event, invite):
    other = make_event()
    from portal.events import services as events

    foreign = events.create_session(
        other,
        kind="talk",
        title="Fremd",
        starts_at=datetime(2024, 11, 19, 9, 0),
        ends_at=datetime(2024, 11, 19, 10, 0),
    )
    with pytest.raises(services.InvitationError) as exc:
        invite(event, {foreign: "talk"})
    assert "sessions" in exc.value.errors
    assert SpeakerInvitation.select().count() == 0


def test_invite_twice_to_same_session_is_refused(app, event, invite):
    invite(event, {event.ws2: "panel"})
    with pytest.raises(services.InvitationError) as exc:
        invite(event, {event.ws2: "moderation"}, name="Erika")
    assert str(exc.value.errors["sessions"]) == "Diese Person ist bereits eingeladen zu: WS 2."
    assert SpeakerInvitation.select().count() == 1


def test_new_account_accepts_and_gets_speaker_role(client, event, invite, mailbox):
    invite(event, {event.ws2: "panel"})
    deliver_pending()
    path = invitation_path(mailbox[0])
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="erika@example.org" readonly' in html
    assert 'id="invitation-account"' in html
    response = client.post(
        path + "/konto",
        data={"name": "Erika Mustermann", "password": PASSWORD, "password_repeat": PASSWORD},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/referierende/"
    user = User.get(User.email == "erika@example.org")
    assert user.confirmed and user.name == "Erika Mustermann"
    invitation = SpeakerInvitation.get()
    assert (invitation.status, invitation.user_id) == (InvitationStatus.ACCEPTED, user.id)
    grant = RoleGrant.get((RoleGrant.user == user) & (RoleGrant.role == Role.SPEAKER))
    assert grant.event_id == event.id
    profile = SpeakerProfile.get(SpeakerProfile.user == user)
    assert (profile.given_name, profile.family_name) == ("Erika", "Mustermann")
    mine = client.get("/referierende/")
    assert mine.status_code == 200
    assert "Continuity of Government" in mine.get_data(as_text=True)


def test_new_account_form_errors_are_422_and_keep_name(client, event, invite, mailbox):
    invite(event, {event.ws2: "panel"})
    deliver_pending()
    path = invitation_path(mailbox[0])
    response = client.post(
        path + "/konto", data={"name": "Erika", "password": "kurz", "password_repeat": "kurz"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "mindestens 12 Zeichen" in html
    assert 'value="Erika"' in html
    assert "kurz" not in html
    assert User.select().where(User.email == "erika@example.org").count() == 0


def test_existing_account_logs_in_and_is_linked(client, event, invite, make_user, mailbox):
    user = make_user(email="erika@example.org", name="Erika Mustermann")
    invite(event, {event.v1: "talk"})
    deliver_pending()
    path = invitation_path(mailbox[0])
    html = client.get(path).get_data(as_text=True)
    assert 'id="invitation-login"' in html and 'id="invitation-account"' not in html
    wrong = client.post(path + "/anmelden", data={"password": "falsch-falsch-falsch"})
    assert wrong.status_code == 422
    assert "Das Passwort ist nicht korrekt." in wrong.get_data(as_text=True)
    assert SpeakerInvitation.get().status == InvitationStatus.INVITED
    response = client.post(path + "/anmelden", data={"password": PASSWORD})
    assert response.status_code == 303
    invitation = SpeakerInvitation.get()
    assert (invitation.status, invitation.user_id) == (InvitationStatus.ACCEPTED, user.id)
    assert User.select().count() == 2  # the organiser and Erika: no second account
    assert client.get("/referierende/").status_code == 200


def test_logged_in_user_accepts_with_own_account(client, sign_in, event, invite, make_user):
    user = make_user(email="andere@example.org")
    invitation = invite(event, {event.v1: "talk"})
    sign_in(user)
    path = f"/referierende/einladung/{tokens.make_token(invitation)}"
    html = client.get(path).get_data(as_text=True)
    assert 'id="other-address"' in html
    assert client.post(path + "/annehmen").status_code == 303
    assert SpeakerInvitation.get().user_id == user.id
    assert client.post(path + "/annehmen").status_code == 303  # a second click changes nothing
    assert RoleGrant.select().where(RoleGrant.role == Role.SPEAKER).count() == 1


def test_expired_link_is_410(client, app, frozen, event, invite):
    invitation = invite(event, {event.v1: "talk"})
    token = tokens.make_token(invitation)
    frozen(datetime(2024, 11, 1, 10, 0) + timedelta(days=14, seconds=1))
    response = client.get(f"/referierende/einladung/{token}")
    assert response.status_code == 410
    assert "Link abgelaufen" in response.get_data(as_text=True)
    post = client.post(f"/referierende/einladung/{token}/ablehnen")
    assert post.status_code == 410
    assert SpeakerInvitation.get().status == InvitationStatus.INVITED


def test_link_within_fourteen_days_still_works(client, frozen, event, invite):
    invitation = invite(event, {event.v1: "talk"})
    token = tokens.make_token(invitation)
    frozen(datetime(2024, 11, 1, 10, 0) + timedelta(days=13, hours=23))
    assert client.get(f"/referierende/einladung/{token}").status_code == 200


@pytest.mark.parametrize("tamper", ["signature", "nonce", "garbage"])
def test_forged_link_is_400(client, app, event, invite, tamper):
    invitation = invite(event, {event.v1: "talk"})
    token = tokens.make_token(invitation)
    if tamper == "signature":
        token = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    elif tamper == "nonce":
        from itsdangerous import URLSafeTimedSerializer

        forger = URLSafeTimedSerializer(
            "falscher-schluessel" * 3, salt="portal.speakers.invitation"
        )
        token = forger.dumps([invitation.id, "erraten"])
    else:
        token = "kein-gueltiger-link"
    response = client.get(f"/referierende/einladung/{token}")
    assert response.status_code == 400
    assert "Link ungültig" in response.get_data(as_text=True)


def test_wrong_nonce_with_valid_signature_is_invalid(app, event, invite):
    invitation = invite(event, {event.v1: "talk"})
    invitation.nonce = "ein-anderer-wert"
    forged = tokens.make_token(invitation)
    with pytest.raises(tokens.InvitationLinkInvalid):
        tokens.load_invitation(forged)


def test_decline_without_account(client, event, invite):
    invitation = invite(event, {event.v1: "talk"})
    path = f"/referierende/einladung/{tokens.make_token(invitation)}"
    response = client.post(path + "/ablehnen")
    assert response.status_code == 303
    invitation = SpeakerInvitation.get()
    assert invitation.status == InvitationStatus.DECLINED and invitation.user_id is None
    html = client.get(path).get_data(as_text=True)
    assert "Sie haben diese Einladung abgelehnt." in html
    again = client.post(
        path + "/konto", data={"name": "E", "password": PASSWORD, "password_repeat": PASSWORD}
    )
    assert again.status_code == 303
    assert User.select().where(User.email == "erika@example.org").count() == 0
    assert AuditEntry.get(AuditEntry.action == "speaker.invitation_declined").object_id == (
        invitation.id
    )


def test_accepted_invitation_cannot_be_declined(app, event, invite, make_user):
    invitation = invite(event, {event.v1: "talk"})
    services.accept_invitation(invitation, user=make_user())
    with pytest.raises(services.InvitationClosed):
        services.decline_invitation(invitation)
    assert SpeakerInvitation.get().status == InvitationStatus.ACCEPTED


def test_reminder_mails_a_fresh_link(client, sign_in, organiser, frozen, event, invite, mailbox):
    invitation = invite(event, {event.v1: "talk"})
    frozen(datetime(2024, 11, 10, 9, 0))
    sign_in(organiser)
    response = client.post(
        f"/organisation/veranstaltungen/{event.slug}/referierende/einladungen/{invitation.id}/erinnerung"
    )
    assert response.status_code == 303
    deliver_pending()
    assert [m["Subject"] for m in mailbox] == [
        "Einladung zur Mitwirkung – Kommunaltagung",
        "Erinnerung: Einladung zur Mitwirkung – Kommunaltagung",
    ]
    invitation = SpeakerInvitation.get()
    assert (invitation.reminder_count, invitation.sent_at) == (1, datetime(2024, 11, 10, 9, 0))
    # The reminder's link lives 14 days from the reminder, the first one from the invitation.
    frozen(datetime(2024, 11, 20, 9, 0))
    assert client.get(invitation_path(mailbox[1])).status_code == 200
    assert client.get(invitation_path(mailbox[0])).status_code == 410


def test_reminder_for_answered_invitation_sends_nothing(
    client, sign_in, organiser, event, invite, make_user, mailbox
):
    invitation = invite(event, {event.v1: "talk"})
    services.accept_invitation(invitation, user=make_user())
    sign_in(organiser)
    response = client.post(
        f"/organisation/veranstaltungen/{event.slug}/referierende/einladungen/{invitation.id}/erinnerung"
    )
    assert response.status_code == 303
    deliver_pending()
    assert len(mailbox) == 1
    assert SpeakerInvitation.get().reminder_count == 0


def test_organiser_sees_states(client, sign_in, organiser, event, invite, make_user):
    invite(event, {event.v1: "talk"}, email="a@example.org", name="Anna Annahme")
    declined = invite(event, {event.ws2: "panel"}, email="b@example.org", name="Bernd Absage")
    accepted = invite(event, {event.v3: "keynote"}, email="c@example.org", name="Clara Zusage")
    services.decline_invitation(declined)
    services.accept_invitation(accepted, user=make_user(email="c@example.org"))
    sign_in(organiser)
    html = client.get(f"/organisation/veranstaltungen/{event.slug}/referierende").get_data(
        as_text=True
    )
    assert "eingeladen: 1" in html and "zugesagt: 1" in html and "abgesagt: 1" in html
    row = html[html.index("Bernd Absage") :]
    assert row.index("abgesagt") < row.index("</tr>")


@pytest.mark.parametrize(
    "path",
    [
        "/organisation/veranstaltungen/{slug}/referierende",
        "/organisation/veranstaltungen/{slug}/referierende/einladen",
        "/organisation/veranstaltungen/{slug}/referierende/folien",
        "/organisation/veranstaltungen/{slug}/referierende/folien.zip",
    ],
)
def test_organiser_pages_are_403_for_attendees(client, sign_in, make_user, event, path):
    sign_in(make_user(roles=("attendee", "speaker")))
    assert client.get(path.format(slug=event.slug)).status_code == 403


def test_organiser_posts_are_403_for_attendees(client, sign_in, make_user, event, invite):
    invitation = invite(event, {event.v1: "talk"})
    sign_in(make_user())
    base = f"/organisation/veranstaltungen/{event.slug}/referierende"
    assert client.post(f"{base}/einladungen/{invitation.id}/erinnerung").status_code == 403
    assert client.post(f"{base}/folien/erinnerung").status_code == 403
    assert client.post(f"{base}/folien/veroeffentlichen").status_code == 403
    assert SpeakerInvitation.get().reminder_count == 0


def test_organiser_pages_send_anonymous_to_login(client, event):
    response = client.get(f"/organisation/veranstaltungen/{event.slug}/referierende")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/konto/anmelden")


def test_unknown_event_is_404_for_organisers(client, sign_in, organiser):
    sign_in(organiser)
    assert client.get("/organisation/veranstaltungen/gibt-es-nicht/referierende").status_code == 404


def test_invite_form_offers_a_role_per_session_by_day(client, sign_in, organiser, event):
    sign_in(organiser)
    response = client.get(f"/organisation/veranstaltungen/{event.slug}/referierende/einladen")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.findall(r'<select [^>]*name="(role_\d+)"', html) == [
        f"role_{event.ws2.id}",
        f"role_{event.v1.id}",
        f"role_{event.v3.id}",
    ]
    assert html.index("Dienstag, 19. November 2024") < html.index("Mittwoch, 20. November 2024")
    assert f'<label class="kern-label" for="role_{event.v3.id}">V 3 – Das Demografieportal' in html
    for label in ("Keynote", "Impuls", "Vortrag", "Podium", "Moderation", "nicht eingeladen"):
        assert f">{label}</option>" in html
