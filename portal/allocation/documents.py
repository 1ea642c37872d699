"""Documents of the allocation: the attendee's sessions as .ics, table lists as PDF and CSV."""

import csv
import io
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from portal.config import ROOT
from portal.timeutil import aware, now

PDF_STYLESHEET = ROOT / "static" / "css" / "allocation.css"
SEQUENCE_EPOCH = datetime(2024, 1, 1)


def _host() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "tagungsportal"


def session_title(session) -> str:
    return f"{session.code} – {session.title}" if session.code else session.title


def _entry(registration, event, session, *, table_number=None, cancelled=False):
    item = CalendarEvent()
    item.add("uid", f"allocation-{registration.id}-{session.id}@{_host()}")
    item.add("summary", session_title(session))
    item.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    item.add("dtstart", aware(session.starts_at))
    item.add("dtend", aware(session.ends_at))
    # A later change must win over an earlier mail's entry: minutes since 2024 only grow.
    item.add("sequence", int((now() - SEQUENCE_EPOCH).total_seconds() // 60))
    location = ", ".join(p for p in (session.room, event.venue, event.address) if p)
    if location:
        item.add("location", location)
    lines = [event.title]
    if table_number:
        lines.append(_("Tisch %(number)s", number=table_number))
    item.add("description", "\n".join(lines))
    item.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return item


def sessions_ics(registration, event, seats, *, cancelled=()) -> bytes:
    """One VEVENT per assigned session (Europe/Berlin); `cancelled` sessions as CANCELLED.

    `seats` are (session, table number or None) pairs. UIDs are stable per registration and
    session, so a calendar replaces an entry instead of adding a second one.
    """
    cal = Calendar()
    cal.add("prodid", "-//Tagungsportal//Zuteilung//DE")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    for session, table_number in seats:
        cal.add_component(_entry(registration, event, session, table_number=table_number))
    for session in cancelled:
        cal.add_component(_entry(registration, event, session, cancelled=True))
    cal.add_missing_timezones()
    return cal.to_ical()


CSV_HEADER = (
    _l("Session"),
    _l("Beginn"),
    _l("Tisch"),
    _l("Moderation"),
    _l("Nachname"),
    _l("Vorname"),
    _l("Organisation"),
    _l("Art der Organisation"),
)


def tables_csv(tables) -> bytes:
    """Table lists as CSV for German spreadsheets: semicolons, UTF-8 with BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([str(name) for name in CSV_HEADER])
    for table in tables:
        moderator = table.moderator.name if table.moderator else ""
        for member in table.members:
            writer.writerow(
                [
                    session_title(table.session),
                    table.session.starts_at.strftime("%d.%m.%Y %H:%M"),
                    table.number,
                    moderator,
                    _safe(member.last_name),
                    _safe(member.first_name),
                    _safe(member.organisation),
                    member.organisation_type_label,
                ]
            )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _safe(value: str) -> str:
    """Keep spreadsheets from running a typed formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def tables_pdf(event, run, tables) -> bytes:
    """Table lists as PDF, one table per page (weasyprint, no external resources)."""
    # Imported here: weasyprint is slow to load and only this download needs it.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        """Every fetch is refused: the PDF is built from the template and stylesheet only."""

        def fetch(self, url, headers=None):
            raise ValueError(f"external resource refused: {url}")

    html = render_template(
        "allocation/tables_pdf.html", event=event, run=run, tables=tables, issued_at=now()
    )
    stylesheet = CSS(string=PDF_STYLESHEET.read_text(encoding="utf-8"))
    return HTML(string=html, url_fetcher=NoFetching()).write_pdf(stylesheets=[stylesheet])
