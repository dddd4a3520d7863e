"""flask --app app users …, demo."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from .errors import ServiceError
from .i18n import say


def _fail(error: ServiceError) -> None:
    lines = [say(error.decision)] + [f"  {name}: {say(d)}" for name, d in error.fields.items()]
    raise click.ClickException("\n".join(lines))


def register_cli(app: Flask) -> None:
    users = AppGroup("users", help="Manage staff accounts and API tokens.")

    @users.command("create")
    @click.argument("username")
    @click.option("--role", required=True, type=click.Choice(["consultant", "counter", "admin", "auditor"]))
    @click.option("--password", required=True, help="At least 8 characters.")
    @click.option("--display-name", default=None)
    def create(username: str, role: str, password: str, display_name: str | None):
        """Create a user."""
        from .users.services import create_user
        try:
            user = create_user({"username": username, "role": role, "password": password,
                                "display_name": display_name or username})
        except ServiceError as exc:
            _fail(exc)
        click.echo(f"created {user.username} ({user.role.value})")

    @users.command("token")
    @click.argument("username")
    @click.option("--name", default="cli", help="A label to tell tokens apart.")
    @click.option("--days", default=90, show_default=True, type=click.IntRange(1, 365), help="How long it lasts.")
    def token(username: str, name: str, days: int):
        """Issue a new API token; it is printed once, as the last line."""
        from .users.services import find_user, issue_token
        try:
            user = find_user(username)
        except ServiceError as exc:
            _fail(exc)
        click.echo(issue_token(user, name, days=days))

    @users.command("list")
    def list_users():
        from .users.services import list_users
        for user in list_users():
            click.echo(f"{user.username}\t{user.role.value}\t{'active' if user.active else 'disabled'}")

    app.cli.add_command(users)

    cards = AppGroup("cards", help="Batch work on cards.")

    @cards.command("expire")
    def expire():
        """Mark active cards past their last valid day as expired. Idempotent: safe from cron."""
        from .cards.lifecycle import expire_cards
        expired = expire_cards()
        click.echo(f"expired {len(expired)} card(s)")
        for card in expired:
            click.echo(f"  {card.number}\tvalid through {card.valid_through}")

    app.cli.add_command(cards)

    signing = AppGroup("signing", help="Certificates that seal agreements.")

    @signing.command("export-ca")
    @click.argument("path", type=click.Path(dir_okay=False, writable=True))
    def export_ca(path: str):
        """Write the demo CA certificate (PEM), to validate demo-sealed PDFs: pyhanko sign validate --trust PATH FILE."""
        from .signing.services import demo_ca_pem
        with open(path, "w", encoding="ascii") as fh:
            fh.write(demo_ca_pem())
        click.echo(f"wrote the demo CA certificate to {path} (DEMO - NOT FOR PRODUCTION)")

    app.cli.add_command(signing)

    @app.cli.command("demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
    def demo(if_empty: bool):
        """Load demo programmes, users and members."""
        from .demo import DEMO_USERS, is_empty, load_demo
        if not is_empty():
            if not if_empty:
                raise click.ClickException("the database already has users; demo data goes into an empty database")
            click.echo("Database already has data; demo not loaded. Demo logins, unless changed since:")
        else:
            load_demo()
            click.echo("Demo data loaded. Demo logins:")
        for username, _, role, password in DEMO_USERS:
            click.echo(f"  {username:<11} {password:<18} {role}")
