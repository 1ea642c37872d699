"""Every model of the portal, in one list for migrations and schema checks."""

from portal.accounts.models import LoginFailure, RoleGrant, User
from portal.audit import AuditEntry
from portal.events.models import Deadline, DeadlineChange, Event, Session
from portal.mailer import OutboxAttachment, OutboxMail

ALL_MODELS = [
    User,
    Event,
    RoleGrant,
    LoginFailure,
    Deadline,
    DeadlineChange,
    Session,
    AuditEntry,
    OutboxMail,
    OutboxAttachment,
]
