"""`flask crm import FILE`: an import from the command line, with a progress bar."""

import getpass
import sys
from pathlib import Path

import click
from flask import current_app, g
from flask.cli import with_appcontext

from crm.database import db
from crm.errors import Problem
from crm.imports.columns import parse_mapping_item
from crm.imports.files import read_sheet
from crm.imports.run import ImportReport, import_file
from crm.models.enums import ActorKind
from crm.models.import_record import ImportResource

SHOWN_ERRORS = 20


@click.command("import")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--resource", type=click.Choice([r.value for r in ImportResource]), required=True)
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="HEADER=FIELD",
    help="Which column fills which field, e.g. --map 'Träger=name'; 'Intern=' ignores one.",
)
@click.option("--dry-run", is_flag=True, help="Report what would happen; write nothing.")
@click.option("--allow-duplicates", is_flag=True, help="Create likely duplicates too.")
def import_command(
    file: Path, resource: str, mapping: tuple[str, ...], dry_run: bool, allow_duplicates: bool
) -> None:
    """Import a CSV or XLSX list of partners, contacts or memberships: all rows or none.

    The import is recorded with the actor `cli:<user>`, as an upload through the API is.
    """
    limit = current_app.config["CRM_MAX_UPLOAD_BYTES"]
    if file.stat().st_size > limit:
        raise click.ClickException(f"{file.name} is larger than {limit:,} bytes.")
    g.actor, g.actor_kind = f"cli:{getpass.getuser()}", ActorKind.system
    try:
        report = _run(file, ImportResource(resource), mapping, dry_run, allow_duplicates)
    except (Problem, ValueError) as error:
        db.session.rollback()
        raise click.ClickException(_described(error)) from None
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    _summarise(report)
    if report.counts["invalid"]:
        raise click.exceptions.Exit(1)


def _run(file: Path, resource, mapping, dry_run: bool, allow_duplicates: bool) -> ImportReport:
    rows = _count_rows(file)
    label = f"{'Checking' if dry_run else 'Importing'} {file.name}"
    with (
        file.open("rb") as stream,
        click.progressbar(length=rows, label=label, file=sys.stderr) as bar,
    ):
        return import_file(
            stream,
            file.name,
            resource,
            mapping=dict(parse_mapping_item(item) for item in mapping),
            dry_run=dry_run,
            allow_duplicates=allow_duplicates,
            progress=bar.update,
        )


def _count_rows(file: Path) -> int:
    """For the progress bar: the rows that reading the file within the limits found (the
    import reads it again)."""
    with file.open("rb") as stream:
        return read_sheet(stream, file.name).count


def _described(error: Exception) -> str:
    if not isinstance(error, Problem):
        return str(error)
    lines = [error.detail]
    for field, messages in list((error.errors or {}).items())[:SHOWN_ERRORS]:
        lines.append(f"  {field}: {' '.join(messages)}")
    return "\n".join(lines)


def _summarise(report: ImportReport) -> None:
    for outcome in report.outcomes:
        if outcome.action in ("skip", "invalid") and (outcome.reason or outcome.errors):
            detail = outcome.reason or "; ".join(
                f"{column}: {' '.join(messages)}" for column, messages in outcome.errors.items()
            )
            click.echo(f"row {outcome.row}: {outcome.action}: {detail}")
    counts = ", ".join(f"{count:,} {name}" for name, count in report.counts.items())
    recorded = f" (import {report.record.id})" if report.record else " (dry run: nothing written)"
    click.echo(f"{report.file_name}: {counts}{recorded}")
