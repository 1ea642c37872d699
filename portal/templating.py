"""Jinja filters for German dates, times and money, and values every page needs."""

from datetime import date, datetime

from flask_babel import format_date, format_decimal, get_locale

from portal.i18n import LANGUAGE_NAMES


def date_long(value: date | datetime) -> str:
    """'Dienstag, 19. November 2024'."""
    return format_date(value, "full")


def date_short(value: date | datetime) -> str:
    """'31.10.2024' in German, '10/31/2024' style in English."""
    if str(get_locale()) == "de":
        return value.strftime("%d.%m.%Y")
    return format_date(value, "medium")


def time_short(value: datetime) -> str:
    return value.strftime("%H:%M")


def time_range(start: datetime, end: datetime | None) -> str:
    """'08:30–12:30 Uhr' (German) or '08:30–12:30' (English)."""
    text = start.strftime("%H:%M") + (f"–{end.strftime('%H:%M')}" if end else "")
    return f"{text} Uhr" if str(get_locale()) == "de" else text


def datetime_short(value: datetime) -> str:
    suffix = " Uhr" if str(get_locale()) == "de" else ""
    return f"{date_short(value)}, {value.strftime('%H:%M')}{suffix}"


def deadline(value: datetime) -> str:
    """A deadline: the date alone when it ends at 23:59, else date and time."""
    if (value.hour, value.minute) == (23, 59):
        return date_short(value)
    return datetime_short(value)


def euro(cents: int | None) -> str:
    if cents is None:
        return ""
    return format_decimal(cents / 100, format="#,##0.00") + " €"


def init_app(app):
    for fn in (date_long, date_short, time_short, time_range, datetime_short, deadline, euro):
        app.add_template_filter(fn)

    @app.context_processor
    def _globals():
        return {"languages": LANGUAGE_NAMES, "current_language": str(get_locale())}
