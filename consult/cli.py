"""Commands: `flask demo load`, `flask mail send`, `flask admin grant`, `flask log checkpoint`,
`flask consultations remind`."""
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


def init_app(app: Flask) -> None:
    for group in (demo_cli, mail_cli, admin_cli, log_cli, consultations_cli):
        app.cli.add_command(group)
