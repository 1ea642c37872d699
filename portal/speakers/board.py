"""Organisers' side of the slides: the completeness board, reminders, reopening after the
deadline, the ZIP for the room technicians, and publication after the event."""

import re
import tempfile
import unicodedata
import zipfile
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import NamedTuple

from flask import url_for
from peewee import fn

from portal import audit
from portal.accounts.models import User
from portal.events.models import Deadline, DeadlineKind, Event, EventStatus, Session, SessionKind
from portal.events.services import event_sessions, get_deadline
from portal.extensions import db
from portal.mailer import queue_mail
from portal.speakers.models import InvitationStatus, SessionSpeaker, SlideVersion, SpeakerInvitation
from portal.speakers.names import family_name, speaker_name
from portal.speakers.slides import (
    SlideStatus,
    assignment_profile,
    assignment_query,
    slide_status,
    slide_status_for,
    versions_by_assignment,
)
from portal.storage import StoredFile, file_path
from portal.timeutil import now

# File names for the room technicians: German, whatever language the organiser uses.
KIND_NAMES = {
    SessionKind.WORKSHOP: "Workshop",
    SessionKind.TALK: "Vortrag",
    SessionKind.GAME: "Planspiel",
    SessionKind.PLENARY: "Plenum",
    SessionKind.SOCIAL: "Rahmenprogramm",
}
SAFE_EXTRA = frozenset(" -–.")


class PublishTooEarly(Exception):
    """Slides are published only after the event has ended."""


class BoardRow(NamedTuple):
    session: Session
    entries: list[SlideStatus]


class Board(NamedTuple):
    event: Event
    rows: list[BoardRow]
    event_deadline: Deadline | None
    missing: int
    expected: int
    remindable: int
    days: list[date]
    rooms: list[str]
    can_publish: bool
    published: int
    shareable: int


def can_publish(event: Event, at: datetime | None = None) -> bool:
    return (at or now()).date() > event.ends_on


def slide_board(event: Event) -> Board:
    """Every session with its speakers and their slides; counts for the summary."""
    sessions = event_sessions(event)
    assignments = list(assignment_query().where(Session.event == event).order_by(SessionSpeaker.id))
    versions = versions_by_assignment(a.id for a in assignments)
    deadline = get_deadline(event, DeadlineKind.SLIDES)
    at = now()
    by_session: dict[int, list[SlideStatus]] = defaultdict(list)
    for assignment in assignments:
        by_session[assignment.session_id].append(
            slide_status_for(assignment, versions, deadline, at)
        )
    rows = [BoardRow(s, by_session.get(s.id, [])) for s in sessions]
    entries = [e for row in rows for e in row.entries]
    accepted = [e for e in entries if e.assignment.invitation.status == InvitationStatus.ACCEPTED]
    return Board(
        event=event,
        rows=rows,
        event_deadline=deadline,
        missing=sum(e.missing for e in entries),
        expected=sum(
            e.assignment.expects_slides
            and e.assignment.invitation.status != InvitationStatus.DECLINED
            for e in entries
        ),
        remindable=len(_remindable(accepted)),
        days=sorted({s.starts_at.date() for s in sessions}),
        rooms=sorted({s.room for s in sessions if s.room}),
        can_publish=can_publish(event, at),
        published=sum(e.assignment.slides_published_at is not None for e in entries),
        shareable=sum(bool(e.assignment.share_slides and e.versions) for e in accepted),
    )


def _remindable(accepted: list[SlideStatus]) -> list[SlideStatus]:
    return [e for e in accepted if e.missing and e.upload_open]


def get_event_assignment(event: Event, assignment_id: int) -> SessionSpeaker | None:
    """An assignment in a session of `event` (another event's is None)."""
    return (
        assignment_query()
        .where((SessionSpeaker.id == assignment_id) & (Session.event == event))
        .first()
    )


def board_entry(assignment: SessionSpeaker) -> SlideStatus:
    """One board entry, after a change to it."""
    return slide_status(assignment)


def set_uploads_reopened(assignment: SessionSpeaker, *, reopened: bool, actor=None):
    """Let one speaker upload after the deadline (or close again); tells the speaker."""
    with db.atomic():
        SessionSpeaker.update(uploads_reopened=reopened).where(
            SessionSpeaker.id == assignment.id
        ).execute()
        audit.record("speaker.uploads_reopened", assignment, actor=actor, reopened=reopened)
        invitation = assignment.invitation
        if reopened and invitation.status == InvitationStatus.ACCEPTED and invitation.user_id:
            user = User.get_by_id(invitation.user_id)
            queue_mail(
                user.email,
                "speaker_uploads_reopened",
                user=user,
                session=assignment.session,
                link=url_for("speakers.session", session_id=assignment.session_id, _external=True),
            )
    assignment.uploads_reopened = reopened
    return assignment


def remind_missing_slides(event: Event, *, actor=None) -> int:
    """Mail every accepted speaker whose slides are missing and may still be uploaded.

    One mail per person listing their sessions; returns the number of mails.
    """
    board = slide_board(event)
    entries = [
        e
        for row in board.rows
        for e in row.entries
        if e.assignment.invitation.status == InvitationStatus.ACCEPTED
    ]
    due = _remindable(entries)
    by_user: dict[int, list[SlideStatus]] = defaultdict(list)
    for entry in due:
        by_user[entry.assignment.invitation.user_id].append(entry)
    users = {u.id: u for u in User.select().where(User.id.in_(list(by_user)))}
    with db.atomic():
        for user_id, items in by_user.items():
            queue_mail(
                users[user_id].email,
                "speaker_slides_reminder",
                user=users[user_id],
                event=event,
                items=items,
                link=url_for("speakers.index", _external=True),
            )
        if due:
            SessionSpeaker.update(slides_reminded_at=now()).where(
                SessionSpeaker.id.in_([e.assignment.id for e in due])
            ).execute()
            audit.record(
                "speaker.slides_reminded",
                event,
                actor=actor,
                assignments=[e.assignment.id for e in due],
            )
    return len(by_user)


def publish_slides(event: Event, *, actor=None) -> int:
    """After the event: publish the current slides of every speaker who agreed."""
    if not can_publish(event):
        raise PublishTooEarly()
    with db.atomic():
        ids = [
            a.id
            for a in SessionSpeaker.select(SessionSpeaker.id)
            .join(SpeakerInvitation)
            .switch(SessionSpeaker)
            .join(Session)
            .where(
                (Session.event == event)
                & (SessionSpeaker.share_slides == True)  # noqa: E712
                & SessionSpeaker.slides_published_at.is_null()
                & (SpeakerInvitation.status == InvitationStatus.ACCEPTED)
                & fn.EXISTS(
                    SlideVersion.select(SlideVersion.id).where(
                        SlideVersion.assignment == SessionSpeaker.id
                    )
                )
            )
        ]
        if ids:
            SessionSpeaker.update(slides_published_at=now()).where(
                SessionSpeaker.id.in_(ids)
            ).execute()
            audit.record("speaker.slides_published", event, actor=actor, assignments=ids)
    return len(ids)


def withdraw_slides(event: Event, *, actor=None) -> int:
    """Take every published deck of the event off the session pages."""
    with db.atomic():
        ids = [
            a.id
            for a in SessionSpeaker.select(SessionSpeaker.id)
            .join(Session)
            .where((Session.event == event) & SessionSpeaker.slides_published_at.is_null(False))
        ]
        if ids:
            SessionSpeaker.update(slides_published_at=None).where(
                SessionSpeaker.id.in_(ids)
            ).execute()
            audit.record("speaker.slides_withdrawn", event, actor=actor, assignments=ids)
    return len(ids)


def get_event_version(event: Event, version_id: int) -> tuple[SlideVersion, str] | None:
    """A version of a session of `event` and its file name for the technicians."""
    version = (
        SlideVersion.select(SlideVersion, StoredFile)
        .join(StoredFile)
        .where(SlideVersion.id == version_id)
    ).first()
    if version is None:
        return None
    assignment = get_event_assignment(event, version.assignment_id)
    if assignment is None:
        return None
    family = family_name(assignment_profile(assignment), assignment.invitation.name)
    return version, technician_name(assignment.session, family, Path(version.file.path).suffix)


# --- file names and the ZIP -----------------------------------------------------------


def safe_part(text: str) -> str:
    """Letters (umlauts too), digits, space, '-', '–' and '.' only; the rest becomes a space."""
    text = unicodedata.normalize("NFC", text or "")
    kept = "".join(
        ch if (ch.isalpha() or ch in "0123456789" or ch in SAFE_EXTRA) else " " for ch in text
    )
    return re.sub(r"\s+", " ", kept).strip(" .-–")


def session_short_name(session: Session) -> str:
    """'Workshop 2' from the code 'WS 2'; the code or the title when it has no number."""
    match = re.search(r"(\d+)\s*$", session.code or "")
    if match:
        return f"{KIND_NAMES.get(session.kind, '')} {match.group(1)}".strip()
    return session.code or session.title[:60]


def technician_name(session: Session, family: str, ext: str) -> str:
    """'2024-11-19 16-00 Raum A – Workshop 2 – Nachname.pdf' in safe characters."""
    parts = [session.starts_at.strftime("%Y-%m-%d %H-%M")]
    if session.room:
        parts[0] += " " + safe_part(session.room)
    parts += [safe_part(session_short_name(session)), safe_part(family) or "Referent"]
    name = " – ".join(p for p in parts if p)[:180]
    return f"{name}.{safe_part(ext.lstrip('.').lower())}"


def _unique(name: str, used: set[str]) -> str:
    stem, ext = name.rsplit(".", 1) if "." in name else (name, "")
    candidate, n = name, 2
    while candidate.lower() in used:
        candidate = f"{stem} {n}" + (f".{ext}" if ext else "")
        n += 1
    used.add(candidate.lower())
    return candidate


def zip_name(event: Event, *, day: date | None, room: str | None) -> str:
    parts = ["Folien", safe_part(event.slug)]
    if day:
        parts.append(day.isoformat())
    if room:
        parts.append(safe_part(room))
    return " ".join(p for p in parts if p) + ".zip"


def slides_zip(event: Event, *, day: date | None = None, room: str | None = None):
    """The current slides of accepted speakers for a day and/or room, as a temporary ZIP.

    Returns (open file positioned at 0, download name), or None when there are no slides.
    """
    query = assignment_query().where(
        (Session.event == event) & (SpeakerInvitation.status == InvitationStatus.ACCEPTED)
    )
    if day is not None:
        start = datetime.combine(day, time())
        query = query.where(
            (Session.starts_at >= start) & (Session.starts_at < start + timedelta(days=1))
        )
    if room is not None:
        query = query.where(Session.room == room)
    assignments = sorted(query, key=lambda a: (a.session.starts_at, a.session.room, a.id))
    versions = versions_by_assignment(a.id for a in assignments)
    files = []
    used: set[str] = set()
    for assignment in assignments:
        if not versions.get(assignment.id):
            continue
        current = versions[assignment.id][0]
        family = family_name(assignment_profile(assignment), assignment.invitation.name)
        name = technician_name(assignment.session, family, Path(current.file.path).suffix)
        files.append((file_path(current.file), _unique(name, used)))
    if not files:
        return None
    out = tempfile.TemporaryFile()
    try:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
            for path, name in files:
                archive.write(path, arcname=name)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return out, zip_name(event, day=day, room=room)


# --- published slides (session page) ----------------------------------------------------


class PublishedSlides(NamedTuple):
    assignment_id: int
    speaker: str  # empty when the speaker did not agree to appear by name
    role_label: str
    version: SlideVersion
    slug: str
    session_id: int


def published_slides(session: Session) -> list[PublishedSlides]:
    """Published decks of a session whose speakers agreed (two queries)."""
    assignments = list(
        assignment_query()
        .switch(Session)
        .join(Event)
        .select_extend(Event)
        .where(
            (SessionSpeaker.session == getattr(session, "id", session))
            & (Event.status != EventStatus.DRAFT)
            & (SessionSpeaker.share_slides == True)  # noqa: E712
            & SessionSpeaker.slides_published_at.is_null(False)
            & (SpeakerInvitation.status == InvitationStatus.ACCEPTED)
        )
        .order_by(SessionSpeaker.id)
    )
    versions = versions_by_assignment(a.id for a in assignments)
    result = []
    for a in assignments:
        if not versions.get(a.id):
            continue
        profile = assignment_profile(a)
        shown = speaker_name(profile, "") if profile is not None and profile.show_public else ""
        result.append(
            PublishedSlides(
                a.id, shown, a.role_label, versions[a.id][0], a.session.event.slug, a.session_id
            )
        )
    return result


def get_published_version(slug: str, session_id: int, assignment_id: int) -> SlideVersion | None:
    """The current version of a published deck, for the attendees' download."""
    assignment = (
        assignment_query()
        .switch(Session)
        .join(Event)
        .select_extend(Event)
        .where(
            (SessionSpeaker.id == assignment_id)
            & (SessionSpeaker.session == session_id)
            & (Event.slug == slug)
            & (Event.status != EventStatus.DRAFT)
            & (SessionSpeaker.share_slides == True)  # noqa: E712
            & SessionSpeaker.slides_published_at.is_null(False)
            & (SpeakerInvitation.status == InvitationStatus.ACCEPTED)
        )
        .first()
    )
    if assignment is None:
        return None
    versions = versions_by_assignment([assignment.id]).get(assignment.id)
    return versions[0] if versions else None
