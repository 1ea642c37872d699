"""Public pages: the event list, an event with its programme, a session."""

from flask import render_template

from portal.events import bp


@bp.get("/")
def index():
    """Home page: published events."""
    return render_template("events/index.html", events=[])
