"""huey drives the mail outbox: `huey_consumer portal.tasks.huey` delivers every minute."""

from huey import SqliteHuey, crontab

from portal.config import load

_cfg = load()
huey = SqliteHuey("tagungsportal", filename=f"{_cfg['INSTANCE_PATH']}/huey.db")


@huey.periodic_task(crontab(minute="*"))
def deliver_mail():
    """Deliver due outbox mails; the outbox itself keeps retries and backoff."""
    from portal import create_app
    from portal.extensions import db
    from portal.mailer import deliver_pending

    app = create_app()
    with app.app_context(), db.connection_context():
        return deliver_pending()
