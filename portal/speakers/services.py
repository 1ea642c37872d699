"""Speakers: invitations and their answers, and the hooks for the public programme.

Profiles are in profiles.py, slides in slides.py (speakers) and board.py (organisers).
"""

import secrets
from datetime import timedelta
from typing import NamedTuple

from flask import url_for
from flask_babel import lazy_gettext as _l
from peewee import JOIN, IntegrityError

from portal import audit
from portal.accounts import services as accounts
from portal.accounts.models import Role, RoleGrant, User
from portal.events.models import Event, Session
from portal.events.services import event_sessions
from portal.extensions import db
from portal.mailer import queue_mail
from portal.speakers import tokens
from portal.speakers.board import published_slides  # noqa: F401  (the session page hook)
from portal.speakers.models import (
    ROLE_ORDER,
    InvitationStatus,
    SessionSpeaker,
    SpeakerInvitation,
    SpeakerProfile,
    SpeakerRole,
)
from portal.speakers.profiles import ensure_profile
from portal.timeutil import now


class InvitationError(Exception):
    """Invalid invitation input: `errors` maps form fields to German messages."""

    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors


class InvitationClosed(Exception):
    """The invitation has been answered already."""


class AccountExists(Exception):
    """An account with the invitation's address exists: the person should log in."""


class InvitationItem(NamedTuple):
    session: Session
    role: SpeakerRole


class InvitationRow(NamedTuple):
    invitation: SpeakerInvitation
    items: list[InvitationItem]


class InvitationPage(NamedTuple):
    invitation: SpeakerInvitation
    event: Event
    items: list[InvitationItem]
    account_exists: bool


class PublicSpeaker(NamedTuple):
    profile_id: int
    name: str
    position: str
    organisation: str
    role: SpeakerRole
    photo_id: int | None


# --- organisers: invitations -----------------------------------------------------------


def get_event(slug: str) -> Event | None:
    """Any event by slug (drafts included), for the organisers' pages."""
    return Event.get_or_none(Event.slug == slug)


def invitable_sessions(event) -> list[Session]:
    """The sessions of `event` in programme order."""
    return event_sessions(event)


def _invitation_link(invitation: SpeakerInvitation) -> str:
    return url_for("speakers.invitation", token=tokens.make_token(invitation), _external=True)


def _mail_invitation(invitation, event, items, *, reminder: bool) -> None:
    queue_mail(
        invitation.email,
        "speaker_invitation",
        invitation=invitation,
        event=event,
        items=items,
        link=_invitation_link(invitation),
        valid_until=now() + timedelta(seconds=tokens.max_age()),
        reminder=reminder,
    )


def _already_invited(email: str, session_ids) -> list[Session]:
    """Sessions among `session_ids` to which `email` holds an open or accepted invitation."""
    return list(
        Session.select()
        .join(SessionSpeaker)
        .join(SpeakerInvitation)
        .where(
            (SpeakerInvitation.email == email)
            & (SpeakerInvitation.status != InvitationStatus.DECLINED)
            & Session.id.in_(list(session_ids))
        )
        .order_by(Session.starts_at)
    )


def invite_speaker(
    event: Event, *, email: str, name: str, roles: dict, message: str = "", actor=None
) -> SpeakerInvitation:
    """Invite a person to sessions of `event` ({session id: role}) and mail the link."""
    email = accounts.normalize_email(email)
    roles = {int(sid): SpeakerRole(role) for sid, role in roles.items() if role}
    if not roles:
        raise InvitationError(
            {"sessions": _l("Bitte wählen Sie für mindestens einen Programmpunkt eine Rolle.")}
        )
    sessions = {
        s.id: s
        for s in Session.select().where((Session.event == event) & Session.id.in_(list(roles)))
    }
    if len(sessions) != len(roles):
        raise InvitationError(
            {"sessions": _l("Bitte wählen Sie nur Programmpunkte dieser Veranstaltung.")}
        )
    taken = _already_invited(email, roles)
    if taken:
        labels = ", ".join(s.code or s.title for s in taken)
        raise InvitationError(
            {
                "sessions": _l(
                    "Diese Person ist bereits eingeladen zu: %(sessions)s.", sessions=labels
                )
            }
        )
    items = sorted(
        (InvitationItem(sessions[sid], role) for sid, role in roles.items()),
        key=lambda item: (item.session.starts_at, item.session.id),
    )
    with db.atomic():
        invitation = SpeakerInvitation.create(
            event=event,
            email=email,
            name=name.strip(),
            message=(message or "").strip(),
            nonce=secrets.token_urlsafe(24),
            invited_by=actor,
            created_at=now(),
            sent_at=now(),
        )
        SessionSpeaker.insert_many(
            [{"invitation": invitation.id, "session": i.session.id, "role": i.role} for i in items]
        ).execute()
        audit.record(
            "speaker.invited",
            invitation,
            actor=actor,
            sessions={i.session.id: str(i.role) for i in items},
        )
        _mail_invitation(invitation, event, items, reminder=False)
    return invitation


def _items_by_invitation(invitation_ids) -> dict[int, list[InvitationItem]]:
    rows = (
        SessionSpeaker.select(SessionSpeaker, Session)
        .join(Session)
        .where(SessionSpeaker.invitation.in_(list(invitation_ids)))
        .order_by(Session.starts_at, Session.id)
    )
    grouped: dict[int, list[InvitationItem]] = {}
    for row in rows:
        grouped.setdefault(row.invitation_id, []).append(InvitationItem(row.session, row.role))
    return grouped


def invitation_rows(event: Event) -> list[InvitationRow]:
    """Every invitation of `event`, newest first, with sessions, roles and linked account."""
    invitations = list(
        SpeakerInvitation.select(SpeakerInvitation, User)
        .join(User, JOIN.LEFT_OUTER, on=(SpeakerInvitation.user == User.id), attr="user")
        .where(SpeakerInvitation.event == event)
        .order_by(SpeakerInvitation.created_at.desc(), SpeakerInvitation.id.desc())
    )
    items = _items_by_invitation(i.id for i in invitations)
    return [InvitationRow(i, items.get(i.id, [])) for i in invitations]


def status_counts(rows: list[InvitationRow]) -> dict[InvitationStatus, int]:
    counts = dict.fromkeys(InvitationStatus, 0)
    for row in rows:
        counts[row.invitation.status] += 1
    return counts


def get_event_invitation(event: Event, invitation_id: int) -> SpeakerInvitation | None:
    """An invitation of `event` (another event's invitation is None)."""
    return SpeakerInvitation.get_or_none(
        (SpeakerInvitation.id == invitation_id) & (SpeakerInvitation.event == event)
    )


def remind_invitation(invitation: SpeakerInvitation, *, actor=None) -> SpeakerInvitation:
    """Mail the invitation again with a fresh link; only while it is unanswered."""
    with db.atomic():
        changed = (
            SpeakerInvitation.update(
                reminder_count=SpeakerInvitation.reminder_count + 1, sent_at=now()
            )
            .where(
                (SpeakerInvitation.id == invitation.id)
                & (SpeakerInvitation.status == InvitationStatus.INVITED)
            )
            .execute()
        )
        if changed != 1:
            raise InvitationClosed()
        audit.record("speaker.invitation_reminded", invitation, actor=actor)
        items = _items_by_invitation([invitation.id]).get(invitation.id, [])
        _mail_invitation(invitation, invitation.event, items, reminder=True)
    return SpeakerInvitation.get_by_id(invitation.id)


# --- invited persons: answering --------------------------------------------------------


def invitation_page(*, token: str) -> InvitationPage:
    """What the invitation link shows; raises InvitationLinkExpired or InvitationLinkInvalid."""
    invitation = tokens.load_invitation(token)
    items = _items_by_invitation([invitation.id]).get(invitation.id, [])
    exists = User.select().where(User.email == invitation.email).exists()
    return InvitationPage(invitation, invitation.event, items, exists)


def check_token(*, token: str) -> SpeakerInvitation:
    """The invitation of a link; raises InvitationLinkExpired or InvitationLinkInvalid."""
    return tokens.load_invitation(token)


def accept_invitation(invitation: SpeakerInvitation, *, user: User) -> SpeakerInvitation:
    """Link the invitation to `user`, grant the speaker role for its event; once only."""
    with db.atomic():
        changed = (
            SpeakerInvitation.update(status=InvitationStatus.ACCEPTED, user=user, answered_at=now())
            .where(
                (SpeakerInvitation.id == invitation.id)
                & (SpeakerInvitation.status == InvitationStatus.INVITED)
            )
            .execute()
        )
        if changed != 1:
            current = SpeakerInvitation.get_by_id(invitation.id)
            if current.status == InvitationStatus.ACCEPTED and current.user_id == user.id:
                return current  # a second click on "accept"
            raise InvitationClosed()
        try:
            with db.atomic():
                RoleGrant.create(
                    user=user,
                    role=Role.SPEAKER,
                    event=invitation.event_id,
                    granted_by=invitation.invited_by_id,
                )
        except IntegrityError:
            pass  # already a speaker of this event through another invitation
        ensure_profile(user)
        audit.record(
            "speaker.invitation_accepted",
            invitation,
            actor=user,
            same_address=user.email == invitation.email,
        )
    return SpeakerInvitation.get_by_id(invitation.id)


def accept_with_new_account(invitation: SpeakerInvitation, *, name: str, password: str) -> User:
    """Create a confirmed account for the invited address (the link proves it) and accept."""
    if invitation.status != InvitationStatus.INVITED:
        raise InvitationClosed()
    with db.atomic():
        try:
            user = accounts.create_user(
                email=invitation.email,
                name=name,
                password=password,
                roles=(Role.ATTENDEE,),
                confirmed=True,
            )
        except IntegrityError as exc:
            raise AccountExists() from exc
        audit.record("account.created_from_invitation", user, actor=user, invitation=invitation.id)
        accept_invitation(invitation, user=user)
    return user


def accept_with_login(
    invitation: SpeakerInvitation, *, password: str, address: str | None
) -> accounts.LoginResult:
    """Check the password of the invited address's account (rate-limited); accept if right."""
    if invitation.status != InvitationStatus.INVITED:
        raise InvitationClosed()
    result = accounts.authenticate(email=invitation.email, password=password, address=address)
    if result.status is accounts.LoginStatus.OK:
        accept_invitation(invitation, user=result.user)
    return result


def decline_invitation(invitation: SpeakerInvitation, *, user=None) -> SpeakerInvitation:
    """Decline an unanswered invitation (no account needed: the link is enough)."""
    with db.atomic():
        changed = (
            SpeakerInvitation.update(status=InvitationStatus.DECLINED, answered_at=now())
            .where(
                (SpeakerInvitation.id == invitation.id)
                & (SpeakerInvitation.status == InvitationStatus.INVITED)
            )
            .execute()
        )
        if changed != 1:
            if SpeakerInvitation.get_by_id(invitation.id).status == InvitationStatus.DECLINED:
                return invitation
            raise InvitationClosed()
        audit.record("speaker.invitation_declined", invitation, actor=user)
    return SpeakerInvitation.get_by_id(invitation.id)


# --- public programme hooks ------------------------------------------------------------


def public_speakers_by_session(event) -> dict[int, list[PublicSpeaker]]:
    """Speakers who accepted and agreed to appear, per session id of `event` (one query)."""
    rows = (
        SessionSpeaker.select(
            SessionSpeaker.session,
            SessionSpeaker.role,
            SpeakerProfile.id,
            SpeakerProfile.academic_title,
            SpeakerProfile.given_name,
            SpeakerProfile.family_name,
            SpeakerProfile.position,
            SpeakerProfile.organisation,
            SpeakerProfile.photo,
            User.name,
        )
        .join(SpeakerInvitation)
        .join(SpeakerProfile, on=(SpeakerInvitation.user == SpeakerProfile.user))
        .join(User, on=(SpeakerProfile.user == User.id))
        .switch(SessionSpeaker)
        .join(Session)
        .where(
            (Session.event == getattr(event, "id", event))
            & (SpeakerInvitation.status == InvitationStatus.ACCEPTED)
            & (SpeakerProfile.show_public == True)  # noqa: E712
        )
        .tuples()
    )
    grouped: dict[int, list[tuple]] = {}
    for session_id, role, pid, title, given, family, position, org, photo, account in rows:
        name = " ".join(p for p in (title, given, family) if p) or account
        speaker = PublicSpeaker(pid, name, position, org, SpeakerRole(role), photo)
        grouped.setdefault(session_id, []).append(((ROLE_ORDER[speaker.role], family), speaker))
    return {
        sid: [speaker for _key, speaker in sorted(items, key=lambda pair: pair[0])]
        for sid, items in grouped.items()
    }
