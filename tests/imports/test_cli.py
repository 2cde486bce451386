from sqlalchemy import func, select

from crm.models import ImportRecord, Partner
from tests.imports.files import csv_bytes

PARTNERS = csv_bytes(
    "Name;Art;Sektor", "Caritas Trier;Verband;extern", "Jobcenter;Jobcenter;extern"
)


def run(app, tmp_path, content: bytes, *options: str):
    path = tmp_path / "Partner.csv"
    path.write_bytes(content)
    return app.test_cli_runner().invoke(
        args=["crm", "import", str(path), "--resource", "partners", *options]
    )


def test_import_from_the_command_line(app, connection, session, tmp_path):
    result = run(app, tmp_path, PARTNERS)
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output
    assert session.scalar(select(func.count()).select_from(Partner)) == 2
    assert session.scalars(select(ImportRecord.actor)).one().startswith("cli:")


def test_dry_run_writes_nothing_and_names_invalid_rows(app, connection, session, tmp_path):
    result = run(app, tmp_path, PARTNERS + b"Kaputt;Raumschiff;extern\r\n", "--dry-run")
    assert result.exit_code == 1
    assert "row 4: invalid: Art" in result.output
    assert session.scalar(select(func.count()).select_from(Partner)) == 0


def test_invalid_file_fails_with_the_reason(app, connection, tmp_path):
    result = run(app, tmp_path, b"\x00\x01binary")
    assert (result.exit_code, "binary" in result.output) == (1, True)


def test_mapping_option(app, connection, session, tmp_path):
    content = csv_bytes("Träger;Typ;Bereich", "Caritas Trier;Verband;extern")
    result = run(app, tmp_path, content, "--map", "Typ=kind", "--map", "Bereich=sector")
    assert result.exit_code == 0, result.output
