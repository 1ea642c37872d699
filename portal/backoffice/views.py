"""Organisers' back office: events, sessions and deadlines."""

from flask import render_template

from portal.auth import role_required
from portal.backoffice import bp


@bp.get("/")
@role_required("organiser")
def index():
    return render_template("errors/error.html", code=501, title="", text="")
