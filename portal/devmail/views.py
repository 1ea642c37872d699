"""Development mailbox: organisers read the outbox, so links in mails can be clicked."""

import re

from flask import abort, current_app, render_template
from flask_login import login_required
from markupsafe import Markup, escape

from portal.auth import has_role
from portal.devmail import bp
from portal.mailer import OutboxMail

URL = re.compile(r"https?://[^\s<>\"]+")


def _guard():
    if not current_app.config["MAIL_DEV_MAILBOX"] or not has_role("organiser"):
        abort(404)


def linkify(text: str) -> Markup:
    """Escape a plain-text mail and turn its URLs into links."""
    escaped = str(escape(text))
    return Markup(URL.sub(lambda m: f'<a class="kern-link" href="{m[0]}">{m[0]}</a>', escaped))


@bp.get("/")
@login_required
def index():
    """The newest 200 mails of the outbox."""
    _guard()
    mails = OutboxMail.select().order_by(OutboxMail.id.desc()).limit(200)
    return render_template("devmail/index.html", mails=mails)


@bp.get("/<int:mail_id>")
@login_required
def show(mail_id: int):
    _guard()
    mail = OutboxMail.get_or_none(OutboxMail.id == mail_id) or abort(404)
    return render_template("devmail/show.html", mail=mail, body=linkify(mail.body_text))
