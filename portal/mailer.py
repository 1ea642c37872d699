"""Mail that is never lost: an outbox written with the change, delivered by a worker.

`queue_mail()` writes a row in the caller's transaction, so a mail exists exactly when
the change that caused it was committed. `deliver_pending()` sends due rows through
flask-mail, one Message-ID per row, retrying with exponential backoff.
"""

import enum
import logging
from datetime import timedelta
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Attachment, Message
from peewee import BlobField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from portal.db import BaseModel, EnumField
from portal.extensions import db, mail
from portal.timeutil import now

log = logging.getLogger(__name__)

SENDING_STALE_AFTER = timedelta(minutes=10)


class MailStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMail(BaseModel):
    to_addr = CharField(max_length=254)
    subject = CharField(max_length=300)
    body_text = TextField()
    body_html = TextField()
    message_id = CharField(max_length=200, unique=True)
    status = EnumField(MailStatus, default=MailStatus.PENDING, index=True)
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(default=now, index=True)
    last_error = CharField(max_length=300, default="")
    created_at = DateTimeField(default=now)
    sent_at = DateTimeField(null=True)


class OutboxAttachment(BaseModel):
    mail = ForeignKeyField(OutboxMail, backref="attachments", on_delete="CASCADE")
    filename = CharField(max_length=200)
    content_type = CharField(max_length=100)
    content = BlobField()


def queue_mail(to: str, template: str, *, attachments=(), **context) -> OutboxMail:
    """Render templates/email/<template>.{txt,html} (German) into the outbox."""
    with force_locale("de"):
        subject = render_template(f"email/{template}.subject.txt", **context).strip()
        text = render_template(f"email/{template}.txt", **context)
        html = render_template(f"email/{template}.html", subject=subject, **context)
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rsplit("@", 1)[-1].strip(">") or None
    with db.atomic():
        row = OutboxMail.create(
            to_addr=to,
            subject=subject,
            body_text=text,
            body_html=html,
            message_id=make_msgid(domain=domain),
        )
        for filename, content_type, content in attachments:
            OutboxAttachment.create(
                mail=row, filename=filename, content_type=content_type, content=content
            )
    return row


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at one hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def _claim(row: OutboxMail, at) -> bool:
    """Take a row for sending (stamped with the time); False when another worker was first."""
    query = OutboxMail.update(status=MailStatus.SENDING, next_attempt_at=at).where(
        (OutboxMail.id == row.id) & (OutboxMail.status == MailStatus.PENDING)
    )
    return query.execute() == 1


def _message(row: OutboxMail) -> Message:
    msg = Message(
        subject=row.subject,
        recipients=[row.to_addr],
        body=row.body_text,
        html=row.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        attachments=[
            Attachment(filename=a.filename, content_type=a.content_type, data=bytes(a.content))
            for a in row.attachments
        ],
    )
    msg.msgId = row.message_id
    return msg


def deliver_pending(limit: int = 200) -> dict:
    """Send every due mail once; failures wait with backoff. Returns counts."""
    current = now()
    OutboxMail.update(status=MailStatus.PENDING).where(
        (OutboxMail.status == MailStatus.SENDING)
        & (OutboxMail.next_attempt_at < current - SENDING_STALE_AFTER)
    ).execute()
    due = list(
        OutboxMail.select()
        .where((OutboxMail.status == MailStatus.PENDING) & (OutboxMail.next_attempt_at <= current))
        .order_by(OutboxMail.id)
        .limit(limit)
    )
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if not due:
        return counts
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    try:
        connection = mail.connect().__enter__()
    except OSError as exc:
        connection = None
        error = f"{type(exc).__name__}: {exc}"[:300]
    for row in due:
        if not _claim(row, current):
            continue
        try:
            if connection is None:
                raise ConnectionError(error)
            connection.send(_message(row))
        except Exception as exc:  # any transport error: retry later
            attempts = row.attempts + 1
            status = MailStatus.FAILED if attempts >= max_attempts else MailStatus.PENDING
            OutboxMail.update(
                status=status,
                attempts=attempts,
                next_attempt_at=current + backoff(attempts),
                last_error=f"{type(exc).__name__}: {exc}"[:300],
            ).where(OutboxMail.id == row.id).execute()
            counts["failed" if status == MailStatus.FAILED else "retry"] += 1
            log.warning("mail %s not delivered (attempt %s)", row.id, attempts)
        else:
            OutboxMail.update(
                status=MailStatus.SENT, attempts=row.attempts + 1, sent_at=now(), last_error=""
            ).where(OutboxMail.id == row.id).execute()
            counts["sent"] += 1
    if connection is not None:
        try:
            connection.__exit__(None, None, None)
        except OSError:
            pass
    return counts
