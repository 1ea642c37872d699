"""Command line: flask db ..., flask demo load, flask mail deliver, flask user ..."""

import time

import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db

db_cli = AppGroup("db", help="Datenbank-Migrationen.")
mail_cli = AppGroup("mail", help="E-Mail-Ausgang.")
demo_cli = AppGroup("demo", help="Demodaten.")


@db_cli.command("up")
@click.argument("target", required=False)
def db_up(target):
    """Apply pending migrations (up to TARGET)."""
    from portal.schema import runner

    applied = runner(db.obj).up(target)
    click.echo("\n".join(f"angewendet: {name}" for name in applied) or "Alles aktuell.")


@db_cli.command("down")
@click.argument("target", required=False)
def db_down(target):
    """Revert the newest migration (or back through TARGET)."""
    from portal.schema import runner

    for name in runner(db.obj).down(target):
        click.echo(f"zurückgenommen: {name}")


@db_cli.command("status")
def db_status():
    """List migrations and whether they are applied."""
    from portal.schema import runner

    for m in runner(db.obj).status():
        state = f"angewendet {m.applied:%Y-%m-%d %H:%M}" if m.applied else "ausstehend"
        click.echo(f"{m.name:40} {state}")


@db_cli.command("new")
@click.argument("name")
@click.option("--models", "modules", multiple=True, help="Only these modules, e.g. portal.x.models")
@click.option("--number", type=int, default=None, help="Use this migration number.")
def db_new(name, modules, number):
    """Write a migration for what the models add beyond the existing migrations."""
    from portal.schema import make_migration

    path = make_migration(name, modules=modules or None, number=number)
    click.echo(path or "Die Modelle entsprechen den Migrationen: nichts zu tun.")


@mail_cli.command("deliver")
@click.option("--loop", is_flag=True, help="Keep running, delivering every INTERVAL seconds.")
@click.option("--interval", default=5.0, show_default=True)
def mail_deliver(loop, interval):
    """Deliver due mails from the outbox (with retry and backoff)."""
    from portal.mailer import deliver_pending

    while True:
        with db.connection_context():
            counts = deliver_pending()
        if any(counts.values()) or not loop:
            click.echo(
                f"gesendet: {counts['sent']}, erneut später: {counts['retry']}, "
                f"aufgegeben: {counts['failed']}"
            )
        if not loop:
            return
        time.sleep(interval)


@mail_cli.command("test")
@click.argument("address")
def mail_test(address):
    """Queue a test mail to ADDRESS (to check the SMTP settings with `mail deliver`)."""
    from portal.mailer import queue_mail

    with db.connection_context():
        row = queue_mail(address, "test_notice", number=1)
    click.echo(f"Testnachricht eingereiht (Nr. {row.id}).")


@demo_cli.command("load")
def demo_load():
    """Create both events of the documents and one demo account per role (idempotent)."""
    from portal.events.demo import load_demo

    with db.connection_context():
        accounts = load_demo()
    click.echo("Demodaten geladen. Zugänge (Passwort jeweils wie angegeben):")
    for role, email, password in accounts:
        click.echo(f"  {role:12} {email:40} {password}")
    click.echo(f"Portal: {current_app.config['BASE_URL']}")


def init_app(app):
    app.cli.add_command(db_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(demo_cli)
