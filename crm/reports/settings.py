"""Configuration of scheduled exports, from environment variables like all configuration."""

import os
from pathlib import Path


def from_environment(instance_path: str | Path) -> dict:
    return {
        # Schedules that write to a directory write below this one, never elsewhere.
        "CRM_EXPORT_DIRECTORY": os.path.abspath(
            os.environ.get("CRM_EXPORT_DIRECTORY", Path(instance_path) / "exports")
        ),
        "CRM_SMTP_HOST": os.environ.get("CRM_SMTP_HOST", ""),
        "CRM_SMTP_PORT": int(os.environ.get("CRM_SMTP_PORT", "587")),
        # starttls, ssl, or none (only for a relay on the same host).
        "CRM_SMTP_SECURITY": os.environ.get("CRM_SMTP_SECURITY", "starttls"),
        "CRM_SMTP_USER": os.environ.get("CRM_SMTP_USER", ""),
        "CRM_SMTP_PASSWORD": os.environ.get("CRM_SMTP_PASSWORD", ""),
        "CRM_MAIL_FROM": os.environ.get("CRM_MAIL_FROM", "kooperationspartner-crm@localhost"),
    }
