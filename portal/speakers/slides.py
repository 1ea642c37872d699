"""Slides: the deadline, versioned uploads and the speaker's view of them.

A deadline set for the event (DeadlineKind.SLIDES) applies to every session; without one,
each session's slides are due at 23:59 two days before it starts. An organiser may reopen
uploads for one speaker of one session after the deadline.
"""

import zipfile
from collections import defaultdict
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import NamedTuple

from flask import current_app, url_for
from flask_babel import gettext as _
from peewee import JOIN, fn

from portal import audit
from portal.accounts.models import User
from portal.db import is_sqlite
from portal.events.models import Deadline, DeadlineKind, Event, Session
from portal.events.services import get_deadline
from portal.extensions import db
from portal.mailer import queue_mail
from portal.speakers.models import (
    InvitationStatus,
    SessionSpeaker,
    SlideVersion,
    SpeakerInvitation,
    SpeakerProfile,
)
from portal.speakers.names import family_name, speaker_name
from portal.storage import (
    MB,
    PDF,
    PRESENTATIONS,
    StoredFile,
    UploadError,
    delete_upload,
    safe_filename,
    save_upload,
)
from portal.timeutil import end_of_day, now

SLIDE_TYPES = {**PDF, **PRESENTATIONS}
DEFAULT_MAX_BYTES = 100 * MB
DEFAULT_DAYS_BEFORE = 2
PPTX_MAIN_TYPE = (
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
)
ODP_MIMETYPE = b"application/vnd.oasis.opendocument.presentation"
MANIFEST_MAX_BYTES = 1 * MB


class DeadlinePassed(Exception):
    """The slide deadline is over and the organisers have not reopened uploads."""

    def __init__(self, due_at: datetime):
        super().__init__(due_at)
        self.due_at = due_at


class Speaker(NamedTuple):
    name: str
    role_label: str
    status: InvitationStatus


class SlideStatus(NamedTuple):
    """One speaker of one session, with the slide state the board and the speaker see."""

    assignment: SessionSpeaker
    name: str
    family_name: str
    versions: list  # newest first
    deadline: datetime
    upload_open: bool
    deadline_passed: bool

    @property
    def current(self) -> SlideVersion | None:
        return self.versions[0] if self.versions else None

    @property
    def missing(self) -> bool:
        invitation = self.assignment.invitation
        return (
            self.assignment.expects_slides
            and invitation.status != InvitationStatus.DECLINED
            and not self.versions
        )


class MySession(NamedTuple):
    status: SlideStatus
    session: Session
    event: Event
    co_speakers: list[Speaker]


class SpeakerSessionPage(NamedTuple):
    status: SlideStatus
    session: Session
    event: Event
    co_speakers: list[Speaker]
    max_bytes: int


# --- deadline --------------------------------------------------------------------------


def max_bytes() -> int:
    return current_app.config.get("SPEAKER_SLIDES_MAX_BYTES", DEFAULT_MAX_BYTES)


def default_deadline(session: Session) -> datetime:
    """23:59 two days before the session starts."""
    return end_of_day(session.starts_at.date() - timedelta(days=DEFAULT_DAYS_BEFORE))


def slide_deadline(session: Session, event_deadline: Deadline | None) -> datetime:
    return event_deadline.due_at if event_deadline is not None else default_deadline(session)


def upload_open(assignment: SessionSpeaker, due_at: datetime, at: datetime | None = None):
    return assignment.uploads_reopened or (at or now()) <= due_at


def event_deadlines(event_ids) -> dict[int, Deadline]:
    rows = Deadline.select().where(
        Deadline.event.in_(list(event_ids)) & (Deadline.kind == DeadlineKind.SLIDES)
    )
    return {d.event_id: d for d in rows}


# --- queries shared by the pages --------------------------------------------------------


def assignment_query():
    """Assignments with their session, invitation and (if any) the speaker's profile."""
    return (
        SessionSpeaker.select(SessionSpeaker, Session, SpeakerInvitation, SpeakerProfile)
        .join(Session)
        .switch(SessionSpeaker)
        .join(SpeakerInvitation)
        .join(
            SpeakerProfile,
            JOIN.LEFT_OUTER,
            on=(SpeakerInvitation.user == SpeakerProfile.user),
            attr="profile",
        )
    )


def versions_by_assignment(assignment_ids) -> dict[int, list[SlideVersion]]:
    """Every version of the assignments with file and uploader, newest first (one query)."""
    uploader = User.alias()
    rows = (
        SlideVersion.select(SlideVersion, StoredFile, uploader)
        .join(StoredFile)
        .switch(SlideVersion)
        .join(
            uploader,
            JOIN.LEFT_OUTER,
            on=(SlideVersion.uploaded_by == uploader.id),
            attr="uploaded_by",
        )
        .where(SlideVersion.assignment.in_(list(assignment_ids)))
        .order_by(SlideVersion.number.desc())
    )
    grouped: dict[int, list[SlideVersion]] = defaultdict(list)
    for row in rows:
        grouped[row.assignment_id].append(row)
    return grouped


def assignment_profile(assignment: SessionSpeaker) -> SpeakerProfile | None:
    profile = getattr(assignment.invitation, "profile", None)
    return profile if profile is not None and profile.id else None


def slide_status_for(assignment, versions, event_deadline, at) -> SlideStatus:
    due = slide_deadline(assignment.session, event_deadline)
    profile = assignment_profile(assignment)
    return SlideStatus(
        assignment,
        speaker_name(profile, assignment.invitation.name),
        family_name(profile, assignment.invitation.name),
        versions.get(assignment.id, []),
        due,
        upload_open(assignment, due, at),
        at > due,
    )


def _co_speakers(session_ids, exclude_ids) -> dict[int, list[Speaker]]:
    """Other invited (not declined) speakers of the sessions, by session id."""
    rows = assignment_query().where(
        SessionSpeaker.session.in_(list(session_ids))
        & SessionSpeaker.id.not_in(list(exclude_ids) or [0])
        & (SpeakerInvitation.status != InvitationStatus.DECLINED)
    )
    grouped: dict[int, list[Speaker]] = defaultdict(list)
    for row in rows:
        name = speaker_name(assignment_profile(row), row.invitation.name)
        grouped[row.session_id].append(Speaker(name, row.role_label, row.invitation.status))
    return grouped


# --- speakers -------------------------------------------------------------------------


def my_sessions(user: User) -> list[MySession]:
    """The user's accepted sessions in time order, with co-speakers and slide state."""
    assignments = list(
        assignment_query()
        .switch(Session)
        .join(Event)
        .select_extend(Event)
        .where(
            (SpeakerInvitation.user == user)
            & (SpeakerInvitation.status == InvitationStatus.ACCEPTED)
        )
        .order_by(Session.starts_at, Session.id)
    )
    ids = [a.id for a in assignments]
    versions = versions_by_assignment(ids)
    deadlines = event_deadlines({a.session.event_id for a in assignments})
    others = _co_speakers({a.session_id for a in assignments}, ids)
    at = now()
    return [
        MySession(
            slide_status_for(a, versions, deadlines.get(a.session.event_id), at),
            a.session,
            a.session.event,
            others.get(a.session_id, []),
        )
        for a in assignments
    ]


def speaker_assignment(user: User, session_id: int) -> SessionSpeaker | None:
    """The user's accepted assignment to a session; None for anyone else's session."""
    return (
        assignment_query()
        .switch(Session)
        .join(Event)
        .select_extend(Event)
        .where(
            (SessionSpeaker.session == session_id)
            & (SpeakerInvitation.user == user)
            & (SpeakerInvitation.status == InvitationStatus.ACCEPTED)
        )
        .first()
    )


def slide_status(assignment: SessionSpeaker) -> SlideStatus:
    deadline = get_deadline(assignment.session.event_id, DeadlineKind.SLIDES)
    return slide_status_for(assignment, versions_by_assignment([assignment.id]), deadline, now())


def speaker_session_page(user: User, session_id: int) -> SpeakerSessionPage | None:
    """The slides page of the user's session, or None when it is not theirs."""
    assignment = speaker_assignment(user, session_id)
    if assignment is None:
        return None
    others = _co_speakers([session_id], [assignment.id]).get(session_id, [])
    return SpeakerSessionPage(
        slide_status(assignment), assignment.session, assignment.session.event, others, max_bytes()
    )


def check_presentation(path: Path, mime: str, *, ext: str) -> None:
    """A .pptx must be PresentationML and an .odp an OpenDocument presentation, not any zip."""
    if ext not in PRESENTATIONS:
        return
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if ext == ".pptx":
                ok = {"[Content_Types].xml", "ppt/presentation.xml"} <= names and (
                    PPTX_MAIN_TYPE.encode() in _zip_entry(archive, "[Content_Types].xml")
                )
            else:
                ok = "mimetype" in names and _zip_entry(archive, "mimetype").strip() == ODP_MIMETYPE
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadError(_("Die Datei ist keine gültige Präsentation.")) from exc
    if not ok:
        raise UploadError(
            _("Die Datei ist keine Präsentation im Format %(ext)s.", ext=ext.lstrip(".").upper())
        )


def _zip_entry(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MANIFEST_MAX_BYTES:
        raise ValueError("manifest too large")
    return archive.read(info)


def _lock(assignment: SessionSpeaker) -> None:
    """Serialise uploads to one assignment (SQLite serialises writes already)."""
    if not is_sqlite():
        SessionSpeaker.select(SessionSpeaker.id).where(
            SessionSpeaker.id == assignment.id
        ).for_update().execute()


def upload_slides(assignment: SessionSpeaker, *, file, user: User) -> SlideVersion:
    """Store a new version (it becomes current) and mail a confirmation.

    Raises DeadlinePassed, UploadTooLarge or UploadError; on any failure neither the file
    nor a row remains.
    """
    status = slide_status(assignment)
    if not status.upload_open:
        raise DeadlinePassed(status.deadline)
    ext = Path(safe_filename(getattr(file, "filename", "") or "")).suffix.lower()
    stored = save_upload(
        file,
        area="speakers",
        owner=user,
        allowed=SLIDE_TYPES,
        max_bytes=max_bytes(),
        check=partial(check_presentation, ext=ext),
    )
    try:
        with db.atomic():
            _lock(assignment)
            top = (
                SlideVersion.select(fn.MAX(SlideVersion.number))
                .where(SlideVersion.assignment == assignment)
                .scalar()
            )
            version = SlideVersion.create(
                assignment=assignment,
                number=(top or 0) + 1,
                file=stored,
                uploaded_by=user,
                uploaded_at=now(),
            )
            audit.record(
                "speaker.slides_uploaded",
                version,
                actor=user,
                assignment=assignment.id,
                number=version.number,
                sha256=stored.sha256,
            )
            queue_mail(
                user.email,
                "speaker_slides_received",
                user=user,
                session=assignment.session,
                event=assignment.session.event,
                version=version,
                stored=stored,
                role=assignment.role_label,
                # After the deadline (uploads reopened) the mail names no date to keep to.
                deadline=None if status.deadline_passed else status.deadline,
                link=url_for("speakers.session", session_id=assignment.session_id, _external=True),
            )
    except BaseException:
        delete_upload(stored)
        raise
    return version


def set_share_slides(assignment: SessionSpeaker, *, share: bool, user: User) -> None:
    """The speaker's consent to publishing the slides; withdrawing it unpublishes them."""
    values = {SessionSpeaker.share_slides: share}
    if not share:
        values[SessionSpeaker.slides_published_at] = None
    with db.atomic():
        SessionSpeaker.update(values).where(SessionSpeaker.id == assignment.id).execute()
        audit.record("speaker.slides_consent", assignment, actor=user, share=share)


def get_own_version(user: User, version_id: int) -> SlideVersion | None:
    """A version of one of the user's own assignments."""
    return (
        SlideVersion.select(SlideVersion, StoredFile)
        .join(StoredFile)
        .switch(SlideVersion)
        .join(SessionSpeaker)
        .join(SpeakerInvitation)
        .where(
            (SlideVersion.id == version_id)
            & (SpeakerInvitation.user == user)
            & (SpeakerInvitation.status == InvitationStatus.ACCEPTED)
        )
        .first()
    )
