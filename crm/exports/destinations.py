"""Where a scheduled export goes: kept in the database for download, written to a
directory, or e-mailed through the configured SMTP server.

A destination that fails raises `DeliveryFailed` with a message for the run's record:
what failed and what to check, never the file's content.
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


def _write_to_directory(schedule: ExportSchedule, export: ExportFile, config: Mapping) -> str:
    folder = Path(config["CRM_EXPORT_DIRECTORY"]) / (schedule.directory or "")
    target = folder / export.name
    partial = folder / f".{export.name}.partial"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(export.content)
        # Readers of the directory never see a half-written file.
        os.replace(partial, target)
    except OSError as error:
        raise DeliveryFailed(
            f"Could not write the export to the directory {folder}: {error.strerror or error}."
        ) from error
    return str(target)


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
