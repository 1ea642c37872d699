"""The outbox: mails are written with the change and delivered once, even after an outage."""

from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller

from portal import create_app
from portal.extensions import db
from portal.mailer import MailStatus, OutboxMail, deliver_pending, queue_mail
from portal.timeutil import now
from tests.conftest import CsrfClient, _Collector, _free_port


def _queue(n, to="empfaenger@example.org"):
    return [queue_mail(to, "test_notice", number=i) for i in range(n)]


def test_queue_mail_renders_german_text_and_html(app, mailbox):
    row = queue_mail("a@example.org", "test_notice", number=7)
    assert row.subject == "Testnachricht Nr. 7"
    assert "Guten Tag" in row.body_text
    assert "<p>Guten Tag" in row.body_html
    assert deliver_pending() == {"sent": 1, "retry": 0, "failed": 0}
    assert len(mailbox) == 1
    msg = mailbox[0]
    assert msg["Subject"] == "Testnachricht Nr. 7"
    assert msg["Message-ID"] == row.message_id
    assert msg["To"] == "a@example.org"
    kinds = sorted(part.get_content_type() for part in msg.walk() if not part.is_multipart())
    assert kinds == ["text/html", "text/plain"]


def test_queue_mail_rolls_back_with_its_transaction(app, mailbox):
    with pytest.raises(RuntimeError):
        with db.atomic():
            queue_mail("a@example.org", "test_notice", number=1)
            raise RuntimeError("the change failed")
    assert OutboxMail.select().count() == 0
    assert deliver_pending()["sent"] == 0
    assert mailbox == []


def test_attachment_travels_with_the_mail(app, mailbox):
    queue_mail(
        "a@example.org",
        "test_notice",
        number=1,
        attachments=[("termin.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")],
    )
    deliver_pending()
    names = [part.get_filename() for part in mailbox[0].iter_attachments()]
    assert names == ["termin.ics"]


def test_delivery_after_smtp_outage_sends_each_mail_once(app_config, tmp_path):
    """SMTP down: nothing is lost; back up: every mail arrives exactly once."""
    port = _free_port()
    app = create_app({**app_config, "MAIL_PORT": port})
    app.test_client_class = CsrfClient
    with app.app_context():
        db.connect(reuse_if_open=True)
        rows = _queue(3)
        assert deliver_pending() == {"sent": 0, "retry": 3, "failed": 0}
        pending = list(OutboxMail.select().order_by(OutboxMail.id))
        assert [m.status for m in pending] == [MailStatus.PENDING] * 3
        assert [m.attempts for m in pending] == [1, 1, 1]
        assert all(m.next_attempt_at > now() for m in pending)
        # Not due yet: a second run right away does not hammer the server.
        assert deliver_pending() == {"sent": 0, "retry": 0, "failed": 0}

        handler = _Collector()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            app.config["FROZEN_NOW"] = now() + timedelta(minutes=5)
            assert deliver_pending() == {"sent": 3, "retry": 0, "failed": 0}
            assert deliver_pending() == {"sent": 0, "retry": 0, "failed": 0}
        finally:
            controller.stop()
        ids = sorted(m["Message-ID"] for m in handler.messages)
        assert ids == sorted(r.message_id for r in rows)
        assert OutboxMail.select().where(OutboxMail.status == MailStatus.SENT).count() == 3
        db.close()


def test_mail_gives_up_after_max_attempts(app_config):
    app = create_app({**app_config, "MAIL_PORT": _free_port(), "MAIL_MAX_ATTEMPTS": 2})
    with app.app_context():
        db.connect(reuse_if_open=True)
        _queue(1)
        assert deliver_pending()["retry"] == 1
        app.config["FROZEN_NOW"] = now() + timedelta(hours=2)
        assert deliver_pending()["failed"] == 1
        row = OutboxMail.get()
        assert row.status == MailStatus.FAILED
        assert row.last_error.startswith("ConnectionRefusedError") or row.last_error
        db.close()


def test_stale_sending_row_is_retried(app, mailbox):
    row = _queue(1)[0]
    OutboxMail.update(status=MailStatus.SENDING, next_attempt_at=now() - timedelta(hours=1)).where(
        OutboxMail.id == row.id
    ).execute()
    assert deliver_pending()["sent"] == 1
    assert len(mailbox) == 1


def test_mail_deliver_command(app, runner, mailbox):
    _queue(2)
    result = runner.invoke(args=["mail", "deliver"])
    assert result.exit_code == 0, result.output
    assert "gesendet: 2" in result.output
    assert len(mailbox) == 2
