"""Per-event allocation settings (the target group's priority, offer hours), the deadline."""

from datetime import datetime

from flask_babel import gettext as _
from peewee import IntegrityError

from portal.allocation.models import AllocationSettings
from portal.allocation.services.common import AllocationError, record
from portal.extensions import db
from portal.preferences import services as preference_services
from portal.templating import deadline as format_deadline
from portal.timeutil import now

WEIGHT_RANGE = (1, 10)
OFFER_HOURS_RANGE = (1, 720)


def ensure_settings(event) -> AllocationSettings:
    """The event's settings row, created with defaults on first use."""
    event_id = getattr(event, "id", event)
    try:
        with db.atomic():
            return AllocationSettings.create(event=event_id)
    except IntegrityError:
        return AllocationSettings.get(AllocationSettings.event == event_id)


def update_settings(
    event, *, actor, municipal_priority: bool, priority_weight: int, offer_hours: int
) -> AllocationSettings:
    """Change the priority of the target group and the hours an offer stays open."""
    low, high = WEIGHT_RANGE
    if not low <= priority_weight <= high:
        raise AllocationError(
            _("Bitte geben Sie eine Gewichtung von %(low)s bis %(high)s an.", low=low, high=high),
            field="priority_weight",
        )
    low, high = OFFER_HOURS_RANGE
    if not low <= offer_hours <= high:
        raise AllocationError(
            _("Bitte geben Sie %(low)s bis %(high)s Stunden an.", low=low, high=high),
            field="offer_hours",
        )
    with db.atomic():
        settings = ensure_settings(event)
        settings.municipal_priority = bool(municipal_priority)
        settings.priority_weight = priority_weight
        settings.offer_hours = offer_hours
        settings.updated_at = now()
        settings.updated_by = actor
        settings.save()
        record(
            "settings",
            event,
            actor=actor,
            municipal_priority=settings.municipal_priority,
            priority_weight=priority_weight,
            offer_hours=offer_hours,
        )
    return settings


def seed_demo_settings(event, *, actor=None) -> AllocationSettings:
    """Demo: the Kommunaltagung gives municipal practitioners priority (weight 2)."""
    settings = ensure_settings(event)
    if not settings.municipal_priority:
        settings = update_settings(
            event,
            actor=actor,
            municipal_priority=True,
            priority_weight=max(settings.priority_weight, 2),
            offer_hours=settings.offer_hours,
        )
    return settings


def deadline_state(event, at: datetime | None = None):
    """(preference deadline or None, whether it has passed)."""
    deadline, _is_registration = preference_services.preference_deadline(event)
    return deadline, deadline is not None and (at or now()) > deadline.due_at


def deadline_message(deadline) -> str:
    if deadline is None:
        return _(
            "Für diese Veranstaltung ist keine Frist für Wünsche gesetzt. Eine Zuteilung ist "
            "erst nach Ablauf der Frist möglich – oder vorzeitig mit Begründung."
        )
    return _(
        "Die Frist für Wünsche läuft noch bis %(deadline)s. Eine Zuteilung ist erst danach "
        "möglich – oder vorzeitig mit Begründung.",
        deadline=format_deadline(deadline.due_at),
    )
