"""Where a scheduled export goes: kept in the database for download, written to a
directory, or e-mailed through the configured SMTP server.

A destination that fails raises `DeliveryFailed` with a message for the run's record:
what failed and what to check, never the file's content.

Files written to the directory hold personal data: they are readable by the service's
own user only (0600, folders 0700), and `remove_delivered_file` removes one again when
its run is deleted or the person erased.
"""

import os
import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from crm.models import ExportSchedule
from crm.models.export import ExportDestination

SMTP_TIMEOUT_SECONDS = 30


class DeliveryFailed(Exception):
    """The destination did not take the file; the message says why."""


@dataclass(frozen=True)
class ExportFile:
    name: str
    media_type: str
    content: bytes


def deliver(schedule: ExportSchedule, export: ExportFile, config: Mapping) -> str:
    """Deliver the file; returns where it went, for the run's record."""
    return DESTINATIONS[schedule.destination](schedule, export, config)


def _keep_in_database(_schedule, _export, _config) -> str:
    return "database"


PRIVATE_FILE, PRIVATE_FOLDER = 0o600, 0o700


def _write_to_directory(schedule: ExportSchedule, export: ExportFile, config: Mapping) -> str:
    root = Path(config["CRM_EXPORT_DIRECTORY"]).absolute()
    folder = root / (schedule.directory or "")
    target = folder / export.name
    partial = folder / f".{export.name}.partial"
    try:
        _make_private_folders(root, folder)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
        with os.fdopen(descriptor, "wb") as file:
            file.write(export.content)
        # Readers of the directory never see a half-written file.
        os.replace(partial, target)
    except OSError as error:
        raise DeliveryFailed(
            f"Could not write the export to the directory {folder}: {error.strerror or error}."
        ) from error
    return str(target)


def _make_private_folders(root: Path, folder: Path) -> None:
    """The export directory and the schedule's folders below it, each 0700 when created."""
    root.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    path = root
    for part in folder.relative_to(root).parts:
        path /= part
        path.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)


def remove_delivered_file(delivered_to: str | None, config: Mapping) -> None:
    """Removes a file this service wrote below the export directory. The path is checked
    as written, not resolved: a folder below the directory may be a symlink to a share."""
    if not delivered_to or not os.path.isabs(delivered_to):
        return  # "database", or an e-mail: nothing here to remove
    root = os.path.normpath(os.path.abspath(config["CRM_EXPORT_DIRECTORY"]))
    path = os.path.normpath(delivered_to)
    if os.path.commonpath([root, path]) == root and path != root:
        Path(path).unlink(missing_ok=True)


def _send_by_email(schedule: ExportSchedule, export: ExportFile, config: Mapping) -> str:
    host, port = config["CRM_SMTP_HOST"], config["CRM_SMTP_PORT"]
    if not host:
        raise DeliveryFailed("No SMTP server is configured: set CRM_SMTP_HOST.")
    message = _message(schedule, export, config["CRM_MAIL_FROM"])
    try:
        with _connect(config) as smtp:
            _secure_and_log_in(smtp, config)
            refused = smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        raise DeliveryFailed("The SMTP server refused every recipient.") from error
    except smtplib.SMTPResponseException as error:
        reply = error.smtp_error.decode(errors="replace") if error.smtp_error else ""
        raise DeliveryFailed(
            f"The SMTP server {host}:{port} answered {error.smtp_code} {reply}".strip()
        ) from error
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryFailed(
            f"Could not send through the SMTP server {host}:{port}: {error}."
        ) from error
    if refused:
        raise DeliveryFailed(
            f"The SMTP server refused {len(refused)} of {len(schedule.email_recipients)} "
            "recipients; check the addresses. The others have received it."
        )
    return f"e-mail to {len(schedule.email_recipients)} recipient(s)"


def _message(schedule: ExportSchedule, export: ExportFile, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(schedule.email_recipients)
    message["Subject"] = f"Export: {schedule.name}"
    message.set_content(
        f"Guten Tag,\n\nim Anhang finden Sie den geplanten Export „{schedule.name}“ "
        f"({export.name}).\n\nDiese Nachricht wurde vom Kooperationspartner-CRM erzeugt.\n"
    )
    maintype, _, subtype = export.media_type.partition(";")[0].partition("/")
    message.add_attachment(export.content, maintype=maintype, subtype=subtype, filename=export.name)
    return message


def _connect(config: Mapping) -> smtplib.SMTP:
    host, port = config["CRM_SMTP_HOST"], config["CRM_SMTP_PORT"]
    if config["CRM_SMTP_SECURITY"] == "ssl":
        context = ssl.create_default_context()
        return smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT_SECONDS, context=context)
    return smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_SECONDS)


def _secure_and_log_in(smtp: smtplib.SMTP, config: Mapping) -> None:
    if config["CRM_SMTP_SECURITY"] == "starttls":
        smtp.starttls(context=ssl.create_default_context())
    if config["CRM_SMTP_USER"]:
        smtp.login(config["CRM_SMTP_USER"], config["CRM_SMTP_PASSWORD"])


DESTINATIONS: dict[ExportDestination, Callable[..., str]] = {
    ExportDestination.database: _keep_in_database,
    ExportDestination.directory: _write_to_directory,
    ExportDestination.email: _send_by_email,
}
