"""Speakers: invitations to sessions, their profiles and slide versions."""

import enum

from flask_babel import lazy_gettext as _l
from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from portal.accounts.models import User
from portal.db import BaseModel, EnumField
from portal.events.models import Event, Session
from portal.storage import StoredFile
from portal.timeutil import now


class SpeakerRole(enum.StrEnum):
    KEYNOTE = "keynote"
    IMPULSE = "impulse"
    TALK = "talk"
    PANEL = "panel"
    MODERATION = "moderation"


class InvitationStatus(enum.StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"


SPEAKER_ROLE_LABELS = {
    SpeakerRole.KEYNOTE: _l("Keynote"),
    SpeakerRole.IMPULSE: _l("Impuls"),
    SpeakerRole.TALK: _l("Vortrag"),
    SpeakerRole.PANEL: _l("Podium"),
    SpeakerRole.MODERATION: _l("Moderation"),
}

INVITATION_STATUS_LABELS = {
    InvitationStatus.INVITED: _l("eingeladen"),
    InvitationStatus.ACCEPTED: _l("zugesagt"),
    InvitationStatus.DECLINED: _l("abgesagt"),
}

# Roles that bring a deck; panellists and moderators may upload, but nobody waits for them.
SLIDE_ROLES = frozenset({SpeakerRole.KEYNOTE, SpeakerRole.IMPULSE, SpeakerRole.TALK})

# Public lists show keynotes first and moderators last.
ROLE_ORDER = {role: index for index, role in enumerate(SpeakerRole)}


class SpeakerInvitation(BaseModel):
    """One mail inviting a person to one or more sessions of an event."""

    event = ForeignKeyField(Event, backref="speaker_invitations", on_delete="CASCADE")
    email = CharField(max_length=254, index=True)  # stored lower-case
    name = CharField(max_length=200)
    message = TextField(default="")
    # Random value carried by the link: a new one makes every earlier link useless.
    nonce = CharField(max_length=64)
    status = EnumField(InvitationStatus, default=InvitationStatus.INVITED, index=True)
    user = ForeignKeyField(User, null=True, backref="speaker_invitations", on_delete="SET NULL")
    invited_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=now)
    sent_at = DateTimeField(default=now)  # the last mail with a link
    reminder_count = IntegerField(default=0)
    answered_at = DateTimeField(null=True)

    @property
    def status_label(self) -> str:
        return str(INVITATION_STATUS_LABELS[self.status])


class SessionSpeaker(BaseModel):
    """An invited person in one session with a role; slide versions hang here."""

    invitation = ForeignKeyField(SpeakerInvitation, backref="assignments", on_delete="CASCADE")
    # No cascade: a session with speakers and slides cannot be deleted by accident.
    session = ForeignKeyField(Session, backref="speakers")
    role = EnumField(SpeakerRole)
    # Set by the organisers: uploads are allowed after the slide deadline.
    uploads_reopened = BooleanField(default=False)
    # The speaker agrees that attendees may download the slides after the event.
    share_slides = BooleanField(default=False)
    slides_published_at = DateTimeField(null=True)
    slides_reminded_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("invitation", "session"), True),)

    @property
    def expects_slides(self) -> bool:
        return self.role in SLIDE_ROLES

    @property
    def role_label(self) -> str:
        return str(SPEAKER_ROLE_LABELS[self.role])


class SlideVersion(BaseModel):
    """One uploaded deck; the highest number of an assignment is the current one."""

    assignment = ForeignKeyField(SessionSpeaker, backref="slide_versions", on_delete="CASCADE")
    number = IntegerField()
    file = ForeignKeyField(StoredFile, unique=True, backref="+", on_delete="CASCADE")
    uploaded_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    uploaded_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("assignment", "number"), True),)


class SpeakerProfile(BaseModel):
    """What the programme may show about a speaker, once they agree to it."""

    user = ForeignKeyField(User, unique=True, backref="+", on_delete="CASCADE")
    academic_title = CharField(max_length=50, default="")
    given_name = CharField(max_length=100, default="")
    family_name = CharField(max_length=100, default="")
    position = CharField(max_length=200, default="")
    organisation = CharField(max_length=200, default="")
    bio = TextField(default="")
    photo = ForeignKeyField(StoredFile, null=True, backref="+", on_delete="SET NULL")
    show_public = BooleanField(default=False)
    updated_at = DateTimeField(default=now)

    @property
    def display_name(self) -> str:
        parts = (self.academic_title, self.given_name, self.family_name)
        return " ".join(p for p in parts if p)
