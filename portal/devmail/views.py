"""Development mailbox: organisers read the outbox when no SMTP server is set up."""

from flask import render_template

from portal.devmail import bp


@bp.get("/")
def index():
    return render_template("errors/error.html", code=501, title="", text="")
