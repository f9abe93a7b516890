"""Commands: `flask demo load`, `flask mail send`, `flask admin grant`, `flask log checkpoint`,
`flask consultations remind`, `flask search reindex`, `flask export`."""
from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from .extensions import db, utcnow

demo_cli = AppGroup("demo", help="Demo content.")
mail_cli = AppGroup("mail", help="The mail outbox.")
admin_cli = AppGroup("admin", help="Platform administration.")
log_cli = AppGroup("log", help="The verifiable record: checkpoints and the signing key.")
consultations_cli = AppGroup("consultations", help="Consultations: reminders before closing.")
search_cli = AppGroup("search", help="The search index.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds people.")
def demo_load(if_empty: bool) -> None:
    """Load the bilingual demo content (organisations, people, their roles) through the actions."""
    from .accounts.models import Person
    from .demo import load
    if db.session.scalar(select(func.count()).select_from(Person)):
        if if_empty:
            click.echo("database not empty: demo content not loaded")
            return
        raise click.ClickException("the database already holds people; load the demo into an empty one")
    loader = load(utcnow())
    click.echo(f"loaded {len(loader.orgs)} organisations and {len(loader.people)} people; "
               f"demo password: {loader.data['meta']['demo_password']}")


@mail_cli.command("send")
@click.option("--loop", "interval", type=int, default=0, help="Keep running, checking every N seconds.")
def mail_send(interval: int) -> None:
    """Send due mail from the outbox (by SMTP if SMTP_HOST is set, else into the log)."""
    from .mail.delivery import deliver_due
    while True:
        sent, failed = deliver_due(utcnow())
        if sent or failed or not interval:
            click.echo(f"sent {sent}, failed {failed}")
        if not interval:
            return
        time.sleep(interval)


@admin_cli.command("grant")
@click.argument("email")
def admin_grant(email: str) -> None:
    """Make the account with EMAIL a platform administrator (logged in the public record)."""
    from .accounts.actions import find_by_email, grant_platform_admin
    person = find_by_email(email)
    if person is None:
        raise click.ClickException(f"no account with email {email}")
    grant_platform_admin(person, now=utcnow())
    click.echo(f"{email} is now a platform administrator")


@log_cli.command("checkpoint")
def log_checkpoint() -> None:
    """Sign and publish a checkpoint of the record if it grew (run from cron every few minutes)."""
    from .record import checkpoints
    checkpoint = checkpoints.publish(now=utcnow())
    click.echo(checkpoint.note, nl=False)


@log_cli.command("rotate-key")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def log_rotate_key(yes: bool) -> None:
    """Retire the log's signing key and make a new one; publish a checkpoint signed with it."""
    from .record import checkpoints
    if not yes:
        click.confirm("Monitors that pinned the old key will report the change. Rotate the key?", abort=True)
    key = checkpoints.rotate_key(utcnow())
    click.echo(f"new verifier key: {key.verifier_key()}")


@consultations_cli.command("remind")
def consultations_remind() -> None:
    """Queue the closing reminders: three days before a consultation closes, each invited organisation
    that has not commented yet hears once (run from cron, e.g. hourly)."""
    from .consultations.actions import send_reminders
    reminded = send_reminders(now=utcnow())
    click.echo(f"reminded {reminded} organisation(s)")


@search_cli.command("reindex")
def search_reindex() -> None:
    """Build the search index again from every table (after an upgrade, or to repair it)."""
    from .search.actions import rebuild_index
    click.echo(f"indexed {rebuild_index(progress=None)} document(s)")


@click.command("export")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Folder to write into (default: DUMPS_PATH/<today>, served at /data/).")
def export_dump(out: str | None) -> None:
    """Write a complete dated dump: JSON Lines and CSV per kind, datapackage.json, the log's checkpoint."""
    from pathlib import Path

    from flask import current_app

    from .api.export import write_dump
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        folder = write_dump(utcnow(), Path(out) if out else None)
    click.echo(f"dump written to {folder}")


def init_app(app: Flask) -> None:
    app.cli.add_command(export_dump)
    for group in (demo_cli, mail_cli, admin_cli, log_cli, consultations_cli, search_cli):
        app.cli.add_command(group)
