"""flask --app app users …, cards …, signing …, backup, restore, keys …, demo."""

from __future__ import annotations

from pathlib import Path

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
    @click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="As of this day (YYYY-MM-DD) instead of today: an earlier day anywhere, a later one only on a "
                       "training copy (VIP_TRAINING=1).")
    def expire(on):
        """Mark active cards past their last valid day as expired, and retail points past theirs. Idempotent: safe from
        cron."""
        from .cards.lifecycle import expire_cards
        try:
            expired = expire_cards(by=None, on=on.date() if on else None)  # the daily job: the system acts
        except ServiceError as exc:
            _fail(exc)
        click.echo(f"expired {len(expired)} card(s)")
        for card in expired:
            click.echo(f"  {card.number}\tvalid through {card.valid_through}")
        from .loyalty.services import expire_points
        lots = expire_points(by=None, on=on.date() if on else None)
        click.echo(f"expired {sum(lot.expired_points for lot in lots)} point(s) in {len(lots)} lot(s)")

    @cards.command("import")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Check every row and write nothing.")
    @click.option("--user", "username", default=None, help="The manager the cards are issued by (default: the system).")
    def import_cards(path: Path, dry_run: bool, username: str | None):
        """Import cards from an XLSX or CSV sheet (the template's columns). Run again after an interruption: rows
        already imported are known by their receipt number and skipped."""
        from .imports.services import create_job, get_job, run_job
        from .users.services import find_user
        try:
            by = find_user(username) if username else None
            job = create_job(path.read_bytes(), path.name, dry_run=dry_run, by=by)
        except ServiceError as exc:
            _fail(exc)
        with click.progressbar(length=job.total_rows, label=f"import {job.id}", show_pos=True) as bar:
            run_job(job.id, progress=lambda done, total: bar.update(done - bar.pos))
        job = get_job(job.id)
        verb = "would be issued" if job.dry_run else "issued"
        click.echo(f"{job.done_rows:,} rows: {job.created_rows:,} {verb}, {job.skipped_rows:,} already there, "
                   f"{job.error_rows:,} wrong")
        for error in job.errors[:50]:
            click.echo(f"  row {error.row}\t{error.column or ''}\t{error.code}")
        if job.error_rows:
            click.echo(f"Every wrong row and why: the import's page, or GET /api/v1/imports/{job.id}/errors.xlsx")

    app.cli.add_command(cards)

    @app.cli.command("worker", context_settings={"ignore_unknown_options": True})
    @click.option("--beat", is_flag=True, help="Also run the schedule (the daily expiry); in one worker only.")
    @click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
    def worker(beat: bool, celery_args: tuple[str, ...]):
        """Run a Celery worker for jobs (imports, the daily expiry); needs VIP_BROKER_URL. Other arguments go to
        celery worker (e.g. --concurrency 2 --pool solo)."""
        from flask import current_app
        if not current_app.config["VIP_BROKER_URL"]:
            raise click.ClickException("set VIP_BROKER_URL (e.g. redis://127.0.0.1:6379/0): without a broker, jobs "
                                       "run inside the app and need no worker")
        celery = current_app.extensions["celery"]
        celery.worker_main(["worker", "--loglevel=INFO", *(["--beat"] if beat else []), *celery_args])

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

    agreements = AppGroup("agreements", help="Agreements in bulk.")

    @agreements.command("render")
    @click.option("--program", "program_code", default=None, help="Only this programme's (its code).")
    def render(program_code: str | None):
        """Make the PDF of every unsigned agreement that has none yet (LibreOffice, about a second each), so that
        members' downloads need not wait. Run again after an interruption: what is made is kept."""
        from sqlalchemy import func, select

        from .agreements.services import render_drafts, unrendered_drafts
        from .extensions import db
        waiting = db.session.scalar(select(func.count()).select_from(unrendered_drafts(program_code).subquery()))
        with click.progressbar(length=waiting, label="PDF", show_pos=True) as bar:
            made = render_drafts(program_code, progress=lambda done, total: bar.update(1))
        click.echo(f"made {made:,} PDF(s)")

    app.cli.add_command(agreements)

    def _counts(summary: dict) -> str:
        return ", ".join(f"{name} {value:,}" for name, value in summary.items())

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    def backup(path: Path):
        """Copy the SQLite database (documents and signing keys included) to PATH while the service runs."""
        from .maintenance.backup import backup as make_backup
        try:
            summary = make_backup(path)
        except ServiceError as exc:
            _fail(exc)
        click.echo(f"backed up to {path}: {_counts(summary)}. The keys are not in it: keep instance/secrets.json "
                   "(or your secret store) safe, apart from the backup.")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="Replace the live database without asking.")
    def restore(path: Path, yes: bool):
        """Replace the SQLite database with a backup made by `backup` under the same data key. Stop the service first."""
        from .maintenance.backup import restore as restore_backup
        if not yes:
            click.confirm(f"Replace the live database with {path}? Everything written since that backup is lost", abort=True)
        try:
            summary = restore_backup(path)
        except ServiceError as exc:
            _fail(exc)
        click.echo(f"restored {path}: {_counts(summary)}. Run `flask --app app db upgrade` if the backup is older.")

    keys = AppGroup("keys", help="The installation's keys.")

    @keys.command("rotate-data-key")
    @click.option("--batch-size", default=200, show_default=True, type=click.IntRange(1, 10_000))
    def rotate_data_key(batch_size: int):
        """Re-encrypt ID numbers, documents and signing keys under VIP_DATA_KEY, reading what VIP_DATA_KEY_PREVIOUS
        wrote. Resumable: run it again after an interruption. Then remove VIP_DATA_KEY_PREVIOUS and restart."""
        from .maintenance.keys import rotate_data_key as rotate
        try:
            changed = rotate(batch_size=batch_size, progress=lambda table, n: click.echo(f"  {table}: {n:,}"))
        except ServiceError as exc:
            _fail(exc)
        click.echo(f"re-encrypted under the new key: {_counts(changed)}. The database is now checked by the new key; "
                   "remove VIP_DATA_KEY_PREVIOUS and restart the service.")

    app.cli.add_command(keys)

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
