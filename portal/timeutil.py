"""Time: every stored time is a naive wall-clock time in Europe/Berlin."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

TZ = ZoneInfo("Europe/Berlin")


def now() -> datetime:
    """Current Berlin wall time; tests may freeze it with app.config['FROZEN_NOW']."""
    if has_app_context():
        frozen = current_app.config.get("FROZEN_NOW")
        if frozen is not None:
            return frozen
    return datetime.now(TZ).replace(tzinfo=None, microsecond=0)


def aware(dt: datetime) -> datetime:
    """Attach the Berlin zone to a stored naive time (for .ics and e-mail headers)."""
    return dt.replace(tzinfo=TZ)


def end_of_day(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 23, 59, 59)
