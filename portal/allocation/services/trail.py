"""The allocation's audit trail of one event: who did what, when, in German words."""

import json
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import JOIN

from portal.accounts.models import User
from portal.allocation.services.runs import rank_name
from portal.audit import AuditEntry
from portal.events.models import Event
from portal.templating import datetime_short

ACTION_LABELS = {
    "allocation.settings": _l("Einstellungen geändert"),
    "allocation.run": _l("Zuteilung berechnet (Probelauf)"),
    "allocation.run_refused": _l("Berechnung abgelehnt"),
    "allocation.pin_added": _l("Festlegung hinzugefügt"),
    "allocation.pin_removed": _l("Festlegung entfernt"),
    "allocation.published": _l("Zuteilung veröffentlicht"),
    "allocation.reassigned": _l("Umgebucht"),
    "allocation.seats_released": _l("Plätze nach Stornierung frei"),
    "allocation.offered": _l("Platz angeboten"),
    "allocation.offer_accepted": _l("Angebot angenommen"),
    "allocation.offer_declined": _l("Angebot abgelehnt"),
    "allocation.offers_expired": _l("Angebote abgelaufen"),
    "allocation.offers_refreshed": _l("Nachrücken angestoßen"),
    "allocation.late_placed": _l("Nachmeldung eingeteilt"),
    "allocation.moderators_assigned": _l("Moderation eingeteilt"),
    "allocation.moderator_set": _l("Moderation geändert"),
}
DETAIL_LABELS = {
    "run": _l("Lauf (intern)"),
    "number": _l("Lauf"),
    "objective": _l("Zielwert"),
    "attendees": _l("Teilnehmende"),
    "override_reason": _l("Begründung für vorzeitige Berechnung"),
    "profile": _l("Rangprofil"),
    "message": _l("Meldung"),
    "pin": _l("Festlegung Nr."),
    "kind": _l("Art"),
    "person": _l("Person"),
    "session": _l("Session"),
    "sessions": _l("Sessions"),
    "previous": _l("Bisher"),
    "reason": _l("Begründung"),
    "offer": _l("Angebot Nr."),
    "offers": _l("Angebote Nr."),
    "expires_at": _l("Gültig bis"),
    "dropped": _l("Entfernte Zuteilungen"),
    "late": _l("Nachmeldungen"),
    "expired": _l("Abgelaufen"),
    "offered": _l("Angeboten"),
    "tables": _l("Tische"),
    "table": _l("Tisch"),
    "moderator": _l("Moderation"),
    "municipal_priority": _l("Vorrang kommunal"),
    "priority_weight": _l("Gewichtung"),
    "offer_hours": _l("Stunden für Angebote"),
}


@dataclass
class AuditRow:
    entry: AuditEntry
    label: str
    details: list  # (label, text)


def _text(key: str, value) -> str:
    if key.endswith("_at") and isinstance(value, str):
        try:
            return datetime_short(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{rank_name(k)}: {v}" for k, v in value.items() if v)
    return str(value)


def audit_page(event: Event) -> list[AuditRow]:
    """Every allocation action of the event, newest first: who, when, what (one query)."""
    query = (
        AuditEntry.select(AuditEntry, User)
        .join(User, JOIN.LEFT_OUTER, on=(AuditEntry.actor == User.id), attr="who")
        .where(
            (AuditEntry.object_type == "Event")
            & (AuditEntry.object_id == event.id)
            & AuditEntry.action.startswith("allocation.")
        )
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    rows = []
    for entry in query:
        details = json.loads(entry.details or "{}")
        rows.append(
            AuditRow(
                entry,
                str(ACTION_LABELS.get(entry.action, entry.action)),
                [
                    (str(DETAIL_LABELS.get(k, k)), _text(k, v))
                    for k, v in details.items()
                    if v not in ("", None, [], {}) and k != "run"
                ],
            )
        )
    return rows
