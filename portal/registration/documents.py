"""Documents for attendees: the confirmation as PDF and the event as an .ics calendar entry."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, render_template
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from portal.config import ROOT
from portal.timeutil import aware, now

PDF_STYLESHEET = ROOT / "static" / "css" / "registration.css"


def _host() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "tagungsportal"


def calendar_ics(registration, event, day_times: dict) -> bytes:
    """One VEVENT per attended day in Europe/Berlin (with VTIMEZONE); UIDs stable per day."""
    cal = Calendar()
    cal.add("prodid", "-//Tagungsportal//Anmeldung//DE")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    location = ", ".join(p for p in (event.venue, event.address) if p)
    stamp = datetime.now(UTC).replace(microsecond=0)
    for day in registration.day_list or event.days:
        item = CalendarEvent()
        item.add("uid", f"registration-{registration.id}-{day:%Y%m%d}@{_host()}")
        item.add("summary", event.title)
        item.add("dtstamp", stamp)
        times = day_times.get(day)
        if times:
            item.add("dtstart", aware(times[0]))
            item.add("dtend", aware(times[1]))
        else:  # no programme yet: an all-day entry
            item.add("dtstart", day)
            item.add("dtend", day + timedelta(days=1))
        if location:
            item.add("location", location)
        item.add("description", _description(registration, event))
        item.add("status", "CONFIRMED")
        cal.add_component(item)
    cal.add_missing_timezones()
    return cal.to_ical()


def _description(registration, event) -> str:
    lines = [f"Anmeldung Nr. {registration.id} für {registration.full_name}"]
    if event.contact_email or event.contact_phone:
        contact = ", ".join(p for p in (event.contact_email, event.contact_phone) if p)
        lines.append(f"Organisationsbüro: {contact}")
    return "\n".join(lines)


def confirmation_pdf(registration, event) -> bytes:
    """The confirmation of a registration as PDF (weasyprint, no external resources)."""
    # Imported here: weasyprint is slow to load and only this download needs it.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        """Every fetch is refused: the PDF is built from the template and stylesheet only."""

        def fetch(self, url, headers=None):
            raise ValueError(f"external resource refused: {url}")

    html = render_template(
        "registration/confirmation_pdf.html",
        registration=registration,
        event=event,
        issued_at=now(),
    )
    stylesheet = CSS(string=PDF_STYLESHEET.read_text(encoding="utf-8"))
    document = HTML(string=html, url_fetcher=NoFetching())
    return document.write_pdf(stylesheets=[stylesheet])
