"""Audit trail: who did what to which object, and when."""

import json

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from portal.accounts.models import User
from portal.db import BaseModel
from portal.timeutil import now


class AuditEntry(BaseModel):
    at = DateTimeField(default=now, index=True)
    actor = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    action = CharField(max_length=80)
    object_type = CharField(max_length=40)
    object_id = IntegerField(null=True)
    details = TextField(default="{}")

    class Meta:
        indexes = ((("object_type", "object_id"), False),)


def record(action: str, obj=None, *, actor=None, **details) -> AuditEntry:
    """Write one audit entry; call it inside the transaction of the change."""
    return AuditEntry.create(
        actor=actor,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        details=json.dumps(details, default=str, ensure_ascii=False, sort_keys=True),
    )
